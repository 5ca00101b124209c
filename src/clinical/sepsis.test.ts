import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { qsofa, sirs } from './sepsis.ts';
import type { Vitals } from './vitals.ts';

const vitals = (fields: Partial<Vitals>): Vitals => ({ spo2Scale: 1, ...fields });
/** Normal on every qSOFA and SIRS parameter. */
const normal: Vitals = vitals({ respiratoryRate: 16, systolicBP: 120, consciousness: 'A', gcs: 15, heartRate: 80, temperatureC: 37, wbc: 8 });

describe('qSOFA (REFERENCE.md §2) boundaries', () => {
  const rows: [string, Partial<Vitals>, number][] = [
    ['RR 21', { respiratoryRate: 21 }, 0],
    ['RR 22', { respiratoryRate: 22 }, 1],
    ['SBP 101', { systolicBP: 101 }, 0],
    ['SBP 100', { systolicBP: 100 }, 1],
    ['GCS 15', { gcs: 15 }, 0],
    ['GCS 14', { gcs: 14 }, 1],
    ['ACVPU A', { consciousness: 'A', gcs: undefined }, 0],
    ['ACVPU C', { consciousness: 'C', gcs: undefined }, 1],
    ['ACVPU V', { consciousness: 'V', gcs: undefined }, 1],
    ['ACVPU P', { consciousness: 'P', gcs: undefined }, 1],
    ['ACVPU U', { consciousness: 'U', gcs: undefined }, 1],
    ['A with GCS 14 (either finding counts)', { consciousness: 'A', gcs: 14 }, 1],
    ['GCS only, 15', { consciousness: undefined, gcs: 15 }, 0],
  ];
  for (const [name, change, score] of rows) {
    test(`${name} → ${score}`, () => {
      const result = qsofa({ ...normal, ...change });
      assert.equal(result.score, score);
      assert.equal(result.positive, false);
      assert.deepEqual(result.missing, []);
    });
  }

  test('score 2 is positive, 3 too', () => {
    assert.deepEqual(qsofa({ ...normal, respiratoryRate: 22, systolicBP: 100 }), { score: 2, positive: true, missing: [] });
    assert.equal(qsofa({ ...normal, respiratoryRate: 30, systolicBP: 80, consciousness: 'V' }).score, 3);
  });
});

describe('qSOFA with missing values (never normal)', () => {
  test('positive once two points are met, whatever is missing', () => {
    const result = qsofa(vitals({ respiratoryRate: 24, systolicBP: 95 }));
    assert.deepEqual(result, { score: 2, positive: true, missing: ['mentation'] });
  });
  test('negative when the missing point could not reach 2', () => {
    const result = qsofa(vitals({ respiratoryRate: 16, systolicBP: 130 }));
    assert.deepEqual(result, { score: 0, positive: false, missing: ['mentation'] });
  });
  test('indeterminate when the missing points could reach 2', () => {
    assert.deepEqual(qsofa(vitals({ respiratoryRate: 22, systolicBP: 130 })), { score: 1, positive: null, missing: ['mentation'] });
    assert.deepEqual(qsofa(vitals({ respiratoryRate: 22 })), { score: 1, positive: null, missing: ['mentation', 'systolicBP'] });
    assert.deepEqual(qsofa(vitals({ gcs: 15 })), { score: 0, positive: null, missing: ['respiratoryRate', 'systolicBP'] });
    assert.deepEqual(qsofa(vitals({})), { score: 0, positive: null, missing: ['respiratoryRate', 'mentation', 'systolicBP'] });
  });
});

describe('SIRS (REFERENCE.md §2) boundaries', () => {
  const rows: [string, Partial<Vitals>, string | null][] = [
    ['temperature 38.0', { temperatureC: 38.0 }, null],
    ['temperature 38.1', { temperatureC: 38.1 }, 'temperature'],
    ['temperature 36.0', { temperatureC: 36.0 }, null],
    ['temperature 35.9', { temperatureC: 35.9 }, 'temperature'],
    ['HR 90', { heartRate: 90 }, null],
    ['HR 91', { heartRate: 91 }, 'heartRate'],
    ['RR 20', { respiratoryRate: 20 }, null],
    ['RR 21', { respiratoryRate: 21 }, 'respiratory'],
    ['PaCO2 32', { paco2: 32 }, null],
    ['PaCO2 31.9', { paco2: 31.9 }, 'respiratory'],
    ['WBC 12.0', { wbc: 12 }, null],
    ['WBC 12.1', { wbc: 12.1 }, 'whiteCells'],
    ['WBC 4.0', { wbc: 4 }, null],
    ['WBC 3.9', { wbc: 3.9 }, 'whiteCells'],
    ['bands 10 %', { bandsPercent: 10 }, null],
    ['bands 11 %', { bandsPercent: 11 }, 'whiteCells'],
  ];
  for (const [name, change, criterion] of rows) {
    test(`${name} → ${criterion ?? 'not met'}`, () => {
      const result = sirs({ ...normal, ...change });
      assert.deepEqual(result.criteria, criterion === null ? [] : [criterion]);
      assert.equal(result.count, criterion === null ? 0 : 1);
      assert.equal(result.met, false);
      assert.deepEqual(result.evaluated, ['temperature', 'heartRate', 'respiratory', 'whiteCells']);
      assert.deepEqual(result.missing, []);
    });
  }

  test('two criteria met → met', () => {
    const result = sirs({ ...normal, temperatureC: 38.5, heartRate: 110 });
    assert.equal(result.met, true);
    assert.deepEqual(result.criteria, ['temperature', 'heartRate']);
  });
});

describe('SIRS alternatives and missing values', () => {
  test('RR measured normal and PaCO2 not drawn: judged not met', () => {
    const result = sirs(vitals({ respiratoryRate: 18 }));
    assert.deepEqual(result.evaluated, ['respiratory']);
    assert.deepEqual(result.criteria, []);
  });
  test('either alternative abnormal is enough', () => {
    assert.deepEqual(sirs(vitals({ respiratoryRate: 18, paco2: 30 })).criteria, ['respiratory']);
    assert.deepEqual(sirs(vitals({ paco2: 30 })).criteria, ['respiratory']);
    assert.deepEqual(sirs(vitals({ wbc: 8, bandsPercent: 15 })).criteria, ['whiteCells']);
    assert.deepEqual(sirs(vitals({ bandsPercent: 15 })).criteria, ['whiteCells']);
  });
  test('met with two criteria even when labs are missing', () => {
    const result = sirs(vitals({ temperatureC: 39, heartRate: 120 }));
    assert.equal(result.met, true);
    assert.deepEqual(result.missing, ['respiratory', 'whiteCells']);
  });
  test('indeterminate when the missing criteria could make 2', () => {
    const result = sirs(vitals({ temperatureC: 37, heartRate: 120, respiratoryRate: 16 }));
    assert.deepEqual({ met: result.met, count: result.count, missing: result.missing }, { met: null, count: 1, missing: ['whiteCells'] });
    assert.equal(sirs(vitals({ temperatureC: 37, heartRate: 80 })).met, null);
  });
  test('not met when even every missing criterion could not make 2', () => {
    const result = sirs(vitals({ temperatureC: 37, heartRate: 80, respiratoryRate: 16 }));
    assert.equal(result.met, false);
    assert.deepEqual(result.missing, ['whiteCells']);
  });
  test('nothing measured: indeterminate', () => {
    assert.deepEqual(sirs(vitals({})), {
      met: null,
      count: 0,
      criteria: [],
      evaluated: [],
      missing: ['temperature', 'heartRate', 'respiratory', 'whiteCells'],
    });
  });
});
