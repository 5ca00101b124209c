import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ctasFloor, type CtasFloor, type CtasLevel, type CtasModifier } from './ctas-floor.ts';
import { news2 } from './news2.ts';
import type { Vitals } from './vitals.ts';

/** An adult with nothing abnormal: every measurement present, no flags. */
const adult: Vitals = {
  spo2Scale: 1,
  ageYears: 40,
  spo2: 98,
  heartRate: 70,
  systolicBP: 120,
  temperatureC: 37,
  consciousness: 'A',
  gcs: 15,
};
const floorOf = (change: Partial<Vitals>): CtasFloor => ctasFloor({ ...adult, ...change });
const levelFor = (result: CtasFloor, modifier: CtasModifier): CtasLevel | null =>
  result.reasons.find((reason) => reason.modifier === modifier)?.level ?? null;

function boundaryTable(title: string, modifier: CtasModifier, rows: [string, Partial<Vitals>, CtasLevel | null][]): void {
  describe(title, () => {
    for (const [name, change, level] of rows) {
      test(`${name} → ${level === null ? 'does not fire' : `CTAS ${level}`}`, () => {
        const result = floorOf(change);
        assert.equal(levelFor(result, modifier), level);
        assert.equal(result.floor, level, 'nothing else fires for an otherwise normal adult');
        assert.equal(result.reasons.length, level === null ? 0 : 1);
      });
    }
  });
}

test('a normal adult has no floor and nothing missing', () => {
  assert.deepEqual(ctasFloor(adult), { floor: null, reasons: [], paediatric: false, notApplicable: [], missing: [] });
});

boundaryTable('respiratory distress by SpO2 (REFERENCE.md §3)', 'respiratory-distress', [
  ['SpO2 89', { spo2: 89 }, 1],
  ['SpO2 90', { spo2: 90 }, 2],
  ['SpO2 91', { spo2: 91 }, 2],
  ['SpO2 92', { spo2: 92 }, 3],
  ['SpO2 94', { spo2: 94 }, 3],
  ['SpO2 95', { spo2: 95 }, null],
]);

test('reason text names the value, the cut-off and the level', () => {
  assert.equal(floorOf({ spo2: 88 }).reasons[0]?.reason, 'SpO2 88 % < 90 %: respiratory distress, CTAS 1');
});

test('SpO2 scale 2 (prescribed 88–92 % target): the floor still applies, and the reason says so', () => {
  const result = floorOf({ spo2: 89, spo2Scale: 2 });
  assert.equal(result.floor, 1);
  assert.match(result.reasons[0]!.reason, /prescribed 88–92 % target/);
});

boundaryTable('haemodynamic stability, operational table: systolic BP', 'haemodynamic-stability', [
  ['SBP 79', { systolicBP: 79 }, 1],
  ['SBP 80', { systolicBP: 80 }, 2],
  ['SBP 90', { systolicBP: 90 }, 2],
  ['SBP 91', { systolicBP: 91 }, 3],
  ['SBP 100', { systolicBP: 100 }, 3],
  ['SBP 101', { systolicBP: 101 }, null],
  ['SBP 219', { systolicBP: 219 }, null],
  ['SBP 220', { systolicBP: 220 }, 2],
]);

boundaryTable('haemodynamic stability, operational table: heart rate', 'haemodynamic-stability', [
  ['HR 40', { heartRate: 40 }, 1],
  ['HR 41', { heartRate: 41 }, 2],
  ['HR 49', { heartRate: 49 }, 2],
  ['HR 50', { heartRate: 50 }, null],
  ['HR 110 (SBP 130)', { heartRate: 110, systolicBP: 130 }, null],
  ['HR 111 (SBP 130)', { heartRate: 111, systolicBP: 130 }, 3],
  ['HR 130 (SBP 150)', { heartRate: 130, systolicBP: 150 }, 3],
  ['HR 131 (SBP 150)', { heartRate: 131, systolicBP: 150 }, 2],
  ['HR 149 (SBP 200)', { heartRate: 149, systolicBP: 200 }, 2],
  ['HR 150 (SBP 200)', { heartRate: 150, systolicBP: 200 }, 1],
]);

boundaryTable('haemodynamic stability, operational table: shock index', 'haemodynamic-stability', [
  ['HR 104 / SBP 115 = 0.90', { heartRate: 104, systolicBP: 115 }, null],
  ['HR 105 / SBP 115 = 0.91', { heartRate: 105, systolicBP: 115 }, 3],
  ['HR 109 / SBP 110 = 0.99', { heartRate: 109, systolicBP: 110 }, 3],
  ['HR 110 / SBP 110 = 1.00', { heartRate: 110, systolicBP: 110 }, 2],
  ['HR 125 / SBP 90 = 1.39', { heartRate: 125, systolicBP: 90 }, 2],
  ['HR 126 / SBP 90 = 1.40', { heartRate: 126, systolicBP: 90 }, 1],
]);

boundaryTable('haemodynamic stability: values between NEWS2 rows fall on the more urgent side', 'haemodynamic-stability', [
  ['SBP 90.5', { systolicBP: 90.5 }, 2],
  ['SBP 100.5', { systolicBP: 100.5 }, 3],
  ['SBP 219.5', { systolicBP: 219.5 }, 2],
  ['HR 110.5 (SBP 130)', { heartRate: 110.5, systolicBP: 130 }, 3],
  ['HR 130.5 (SBP 150)', { heartRate: 130.5, systolicBP: 150 }, 2],
  ['HR 40.5', { heartRate: 40.5 }, 2],
]);

test('haemodynamic floor is never less urgent than NEWS2 for the same SBP or HR (3 → CTAS 2, 2 → CTAS 3)', () => {
  const mostUrgentAllowed = (news2Score: number | undefined): CtasLevel | null => (news2Score === 3 ? 2 : news2Score === 2 ? 3 : null);
  const check = (change: Partial<Vitals>, news2Score: number | undefined): void => {
    const allowed = mostUrgentAllowed(news2Score);
    if (allowed === null) return;
    const level = levelFor(ctasFloor({ spo2Scale: 1, ageYears: 40, ...change }), 'haemodynamic-stability');
    assert.ok(level !== null && level <= allowed, `${JSON.stringify(change)}: NEWS2 ${news2Score} but CTAS ${level}`);
  };
  for (let value = 0; value <= 300; value += 0.5) {
    check({ systolicBP: value }, news2({ spo2Scale: 1, systolicBP: value }).parameters.systolicBP);
    check({ heartRate: value }, news2({ spo2Scale: 1, heartRate: value }).parameters.heartRate);
  }
});

describe('haemodynamic stability: edge cases', () => {
  test('SBP 0 with a heart rate is shock, and the reason says why', () => {
    const result = floorOf({ heartRate: 100, systolicBP: 0 });
    assert.equal(result.floor, 1);
    assert.match(result.reasons[0]!.reason, /SBP 0 < 80, shock index unmeasurable \(systolic BP 0\) ≥ 1.4: shock/);
  });
  test('every finding at the winning level is named in one reason', () => {
    const result = floorOf({ heartRate: 160, systolicBP: 70 });
    assert.equal(result.reasons.length, 1);
    assert.equal(result.reasons[0]!.reason, 'SBP 70 < 80, HR 160 ≥ 150, shock index 2.29 ≥ 1.4: shock (operational threshold), CTAS 1');
  });
  test('missing HR and SBP are reported, not treated as normal', () => {
    const result = floorOf({ heartRate: undefined, systolicBP: undefined });
    assert.equal(result.floor, null);
    assert.deepEqual(result.missing, ['heartRate', 'systolicBP']);
  });
  test('one of the two still fires on its own', () => {
    const result = floorOf({ heartRate: 135, systolicBP: undefined });
    assert.equal(result.floor, 2);
    assert.deepEqual(result.missing, ['systolicBP']);
  });
});

boundaryTable('level of consciousness by GCS (REFERENCE.md §3)', 'level-of-consciousness', [
  ['GCS 3', { gcs: 3, consciousness: undefined }, 1],
  ['GCS 9', { gcs: 9, consciousness: undefined }, 1],
  ['GCS 10', { gcs: 10, consciousness: undefined }, 2],
  ['GCS 13', { gcs: 13, consciousness: undefined }, 2],
  ['GCS 14', { gcs: 14, consciousness: undefined }, null],
  ['GCS 15', { gcs: 15, consciousness: undefined }, null],
]);

boundaryTable('level of consciousness by ACVPU only (approximate GCS, REFERENCE.md §4)', 'level-of-consciousness', [
  ['A', { gcs: undefined, consciousness: 'A' }, null],
  ['C (treated like V)', { gcs: undefined, consciousness: 'C' }, 2],
  ['V ≈ 13', { gcs: undefined, consciousness: 'V' }, 2],
  ['P ≈ 8', { gcs: undefined, consciousness: 'P' }, 1],
  ['U ≈ 3', { gcs: undefined, consciousness: 'U' }, 1],
]);

describe('level of consciousness: GCS and ACVPU together', () => {
  test('the more urgent reading wins', () => {
    assert.equal(floorOf({ gcs: 14, consciousness: 'C' }).floor, 2);
    assert.equal(floorOf({ gcs: 8, consciousness: 'V' }).floor, 1);
    assert.equal(floorOf({ gcs: 12, consciousness: 'U' }).floor, 1);
  });
  test('neither recorded: missing', () => {
    assert.deepEqual(floorOf({ gcs: undefined, consciousness: undefined }).missing, ['gcs or consciousness']);
  });
});

describe('temperature ≥ 38 °C (REFERENCE.md §3)', () => {
  test('37.9 °C does not fire', () => {
    assert.equal(floorOf({ temperatureC: 37.9, immunocompromised: true }).floor, null);
  });
  test('38.0 °C and immunocompromised → 2', () => {
    assert.equal(levelFor(floorOf({ temperatureC: 38.0, immunocompromised: true }), 'temperature'), 2);
  });
  test('38.1 °C with ≥ 3 SIRS criteria (looks septic) → 2', () => {
    const result = floorOf({ temperatureC: 38.1, heartRate: 91, respiratoryRate: 21, immunocompromised: false });
    assert.equal(levelFor(result, 'temperature'), 2);
    assert.match(result.reasons.find((r) => r.modifier === 'temperature')!.reason, /3 SIRS criteria \(temperature, heartRate, respiratory\)/);
  });
  test('38.0 °C is not a SIRS temperature (> 38): only 2 criteria, so looks well → 4', () => {
    const result = floorOf({ temperatureC: 38.0, heartRate: 91, respiratoryRate: 21, immunocompromised: false });
    assert.equal(levelFor(result, 'temperature'), 4);
  });
  test('looks well → 4, saying the nurse may raise it to 3 and what was not measured', () => {
    const result = floorOf({ temperatureC: 38.5 });
    assert.equal(result.floor, 4);
    const reason = result.reasons[0]!.reason;
    assert.match(reason, /looks unwell" raises it to CTAS 3/);
    assert.match(reason, /immunocompromised not recorded/);
    assert.deepEqual(result.missing, ['immunocompromised']);
  });
  test('SIRS that could still reach 3 is named as unmeasured, not assumed normal', () => {
    const result = floorOf({ temperatureC: 38.5, heartRate: 95, immunocompromised: false });
    assert.equal(levelFor(result, 'temperature'), 4);
    assert.match(result.reasons.find((r) => r.modifier === 'temperature')!.reason, /SIRS 2 met, not measured: respiratory, whiteCells/);
  });
});

boundaryTable('pain, central (REFERENCE.md §3)', 'pain', [
  ['acute 10', { pain: { score: 10, onset: 'acute', location: 'central' } }, 2],
  ['acute 8', { pain: { score: 8, onset: 'acute', location: 'central' } }, 2],
  ['acute 7', { pain: { score: 7, onset: 'acute', location: 'central' } }, 3],
  ['acute 4', { pain: { score: 4, onset: 'acute', location: 'central' } }, 3],
  ['acute 3', { pain: { score: 3, onset: 'acute', location: 'central' } }, 4],
  ['acute 1', { pain: { score: 1, onset: 'acute', location: 'central' } }, 4],
  ['acute 0 (no pain)', { pain: { score: 0, onset: 'acute', location: 'central' } }, null],
  ['chronic 8', { pain: { score: 8, onset: 'chronic', location: 'central' } }, 3],
  ['chronic 7', { pain: { score: 7, onset: 'chronic', location: 'central' } }, 4],
  ['chronic 4', { pain: { score: 4, onset: 'chronic', location: 'central' } }, 4],
  ['chronic 3', { pain: { score: 3, onset: 'chronic', location: 'central' } }, 5],
]);

boundaryTable('pain, peripheral (REFERENCE.md §3)', 'pain', [
  ['acute 8', { pain: { score: 8, onset: 'acute', location: 'peripheral' } }, 3],
  ['acute 7', { pain: { score: 7, onset: 'acute', location: 'peripheral' } }, 4],
  ['acute 4', { pain: { score: 4, onset: 'acute', location: 'peripheral' } }, 4],
  ['acute 3', { pain: { score: 3, onset: 'acute', location: 'peripheral' } }, 5],
  ['chronic 8', { pain: { score: 8, onset: 'chronic', location: 'peripheral' } }, 4],
  ['chronic 7', { pain: { score: 7, onset: 'chronic', location: 'peripheral' } }, 5],
  ['chronic 3', { pain: { score: 3, onset: 'chronic', location: 'peripheral' } }, 5],
]);

boundaryTable('bleeding disorder (REFERENCE.md §3)', 'bleeding-disorder', [
  ['life-threatening', { bleedingDisorder: 'life-threatening' }, 2],
  ['moderate', { bleedingDisorder: 'moderate' }, 3],
  ['minor', { bleedingDisorder: 'minor' }, 3],
  ['none', { bleedingDisorder: 'none' }, null],
]);

boundaryTable('mechanism of injury (REFERENCE.md §3)', 'mechanism-of-injury', [
  ['high-risk', { highRiskMechanism: true }, 2],
  ['not high-risk', { highRiskMechanism: false }, null],
]);

test('several modifiers: the most urgent level wins and every reason is listed', () => {
  const result = floorOf({
    spo2: 93,
    gcs: 12,
    consciousness: undefined,
    pain: { score: 9, onset: 'acute', location: 'central' },
    heartRate: 155,
    systolicBP: 160,
    bleedingDisorder: 'minor',
  });
  assert.equal(result.floor, 1);
  assert.deepEqual(
    result.reasons.map((r) => [r.modifier, r.level]),
    [
      ['respiratory-distress', 3],
      ['haemodynamic-stability', 1],
      ['level-of-consciousness', 2],
      ['pain', 2],
      ['bleeding-disorder', 3],
    ],
  );
});

describe('paediatric (< 16 years, REFERENCE.md §3 PaedsCTAS)', () => {
  const sick: Partial<Vitals> = { heartRate: 170, systolicBP: 70, gcs: 8, temperatureC: 39.5, immunocompromised: true };

  test('age 15: adult haemodynamic, GCS and fever rules are not applied, and say so', () => {
    const result = floorOf({ ...sick, ageYears: 15 });
    assert.equal(result.paediatric, true);
    assert.equal(result.floor, null);
    assert.deepEqual(
      result.notApplicable.map((entry) => entry.slice(0, entry.indexOf(' ('))),
      [
        'haemodynamic-stability: paediatric: adult floor not applicable',
        'level-of-consciousness: paediatric: adult floor not applicable',
        'temperature: paediatric: adult floor not applicable',
        'age-normed HR and RR',
      ],
    );
    assert.deepEqual(result.missing, [], 'a modifier that does not apply is not reported as missing');
  });
  test('age 15.9 is still paediatric', () => {
    assert.equal(floorOf({ ...sick, ageYears: 15.9 }).paediatric, true);
  });
  test('age 15: SpO2 cut-offs are the same as adults', () => {
    assert.equal(floorOf({ ageYears: 15, spo2: 89 }).floor, 1);
    assert.equal(floorOf({ ageYears: 15, spo2: 93 }).floor, 3);
  });
  test('age 15: pain, bleeding and mechanism still apply (operational)', () => {
    assert.equal(floorOf({ ageYears: 15, highRiskMechanism: true }).floor, 2);
    assert.equal(floorOf({ ageYears: 15, bleedingDisorder: 'moderate' }).floor, 3);
    assert.equal(floorOf({ ageYears: 15, pain: { score: 9, onset: 'acute', location: 'central' } }).floor, 2);
  });
  test('age 16: adult rules apply', () => {
    const result = floorOf({ ...sick, ageYears: 16 });
    assert.equal(result.paediatric, false);
    assert.equal(result.floor, 1);
    assert.deepEqual(result.notApplicable, []);
    assert.deepEqual(
      result.reasons.map((r) => r.modifier),
      ['haemodynamic-stability', 'level-of-consciousness', 'temperature'],
    );
  });
  test('age not given: treated as adult, with a note', () => {
    const result = floorOf({ ...sick, ageYears: undefined });
    assert.equal(result.paediatric, false);
    assert.equal(result.floor, 1);
    assert.equal(result.notApplicable.length, 1);
    assert.match(result.notApplicable[0]!, /^age: not given; adult modifiers applied/);
  });
});
