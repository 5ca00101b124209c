import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { scoreInput } from './score.ts';

describe('scoreInput: the shared contract', () => {
  test('a septic-looking adult: every score, the floor and the flags', () => {
    const report = scoreInput({
      age: 67, respiratoryRate: 24, spo2: 91, onOxygen: false, systolicBP: 98, heartRate: 118,
      temperature: 101.5, temperatureUnit: 'F', consciousness: 'A',
    });
    // REFERENCE.md §1: RR 24 → 2, SpO2 91 → 3, air → 0, SBP 98 → 2, HR 118 → 2, A → 0, 38.6 °C → 1.
    assert.equal(report.news2.total, 10);
    assert.equal(report.news2.risk, 'high');
    assert.deepEqual(report.news2.missing, []);
    assert.deepEqual([report.qsofa.score, report.qsofa.positive], [2, true]);
    assert.equal(report.sirs.met, true);
    assert.equal(report.shockIndex, 1.2);
    assert.equal(report.gcs, null);
    assert.equal(report.ctas.floor, 2);
    assert.equal(report.ctas.reasons.length, report.ctas.modifiers.length);
    assert.ok(report.flags.includes('news2-emergency') && report.flags.includes('qsofa-positive') && report.flags.includes('shock-index-high'));
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'the report survives JSON unchanged');
  });

  test('empty input: nothing is assumed normal', () => {
    const report = scoreInput({});
    assert.equal(report.news2.complete, false);
    assert.equal(report.news2.missing.length, 7);
    assert.equal(report.qsofa.positive, null);
    assert.equal(report.sirs.met, null);
    assert.equal(report.shockIndex, null);
    assert.equal(report.ctas.floor, null);
    assert.ok(report.ctas.missing.length > 0);
    assert.ok(report.flags.includes('incomplete-vitals'));
  });

  test('systolic BP 0: shock index has no number but the alert fires', () => {
    const report = scoreInput({ heartRate: 40, systolicBP: 0, diastolicBP: 0 });
    assert.equal(report.shockIndex, null);
    assert.ok(report.flags.includes('shock-index-high'));
    assert.equal(report.ctas.floor, 1);
  });

  test('a child is flagged and adult thresholds are not applied silently', () => {
    const report = scoreInput({ age: 4, heartRate: 150, systolicBP: 85, spo2: 97 });
    assert.equal(report.ctas.paediatric, true);
    assert.ok(report.flags.includes('paediatric'));
    assert.ok(report.ctas.notApplicable.some((note) => note.includes('paediatric: adult floor not applicable')));
  });

  test('invalid input raises the validation error naming the field', () => {
    assert.throws(() => scoreInput({ spo2: 140 }), (error) => isNorthstationError(error, 'bad_request') && error.details.field === 'spo2');
  });
});
