import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../core/errors.ts';
import { news2 } from './news2.ts';
import type { News2Input, News2Parameter } from './news2.ts';
import { parseVitals } from './parse-vitals.ts';

/** A patient scoring 0 on every parameter, to vary one parameter at a time. */
const normal: News2Input = {
  respiratoryRate: 16,
  spo2: 98,
  spo2Scale: 1,
  onOxygen: false,
  systolicBP: 120,
  heartRate: 70,
  temperatureC: 37,
  consciousness: 'A',
};

function scoreOf(parameter: News2Parameter, vitals: Partial<News2Input>): number | undefined {
  return news2({ ...normal, ...vitals }).parameters[parameter];
}

/** Each case: [value, expected score]; the value on each side of every cut-off, plus far ends. */
type Cases = readonly (readonly [number, number])[];

function chartRowTests(row: string, field: keyof News2Input, parameter: News2Parameter, cases: Cases, extra: Partial<News2Input> = {}): void {
  for (const [value, expected] of cases) {
    test(`${row}: ${value} → ${expected}`, () => {
      assert.equal(scoreOf(parameter, { ...extra, [field]: value }), expected);
    });
  }
}

// REFERENCE.md §1 NEWS2 Chart 1, row "respiration rate /min": ≤8 → 3 | 9–11 → 1 | 12–20 → 0 | 21–24 → 2 | ≥25 → 3
chartRowTests('respiration rate', 'respiratoryRate', 'respiratoryRate', [
  [0, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [60, 3],
]);

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 1 (%)": ≤91 → 3 | 92–93 → 2 | 94–95 → 1 | ≥96 → 0
chartRowTests('SpO2 scale 1 on air', 'spo2', 'spo2', [
  [50, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0],
]);
// Scale 1 ignores oxygen for the SpO2 score itself (oxygen scores in "air or oxygen").
chartRowTests('SpO2 scale 1 on oxygen', 'spo2', 'spo2', [[91, 3], [92, 2], [95, 1], [96, 0], [100, 0]], { onOxygen: true });

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 2 (%)", on air: ≤83 → 3 | 84–85 → 2 | 86–87 → 1 | 88–92, or ≥93 on air → 0
chartRowTests('SpO2 scale 2 on air', 'spo2', 'spo2', [
  [60, 3], [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 0], [97, 0], [100, 0],
], { spo2Scale: 2, onOxygen: false });

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 2 (%)", on oxygen: … 88–92 → 0 | 93–94 → 1 | 95–96 → 2 | ≥97 → 3
chartRowTests('SpO2 scale 2 on oxygen', 'spo2', 'spo2', [
  [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 1], [94, 1], [95, 2], [96, 2], [97, 3], [100, 3],
], { spo2Scale: 2, onOxygen: true });

// REFERENCE.md §1 NEWS2 Chart 1, row "systolic BP (mmHg)": ≤90 → 3 | 91–100 → 2 | 101–110 → 1 | 111–219 → 0 | ≥220 → 3
chartRowTests('systolic BP', 'systolicBP', 'systolicBP', [
  [0, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [300, 3],
]);

// REFERENCE.md §1 NEWS2 Chart 1, row "pulse /min": ≤40 → 3 | 41–50 → 1 | 51–90 → 0 | 91–110 → 1 | 111–130 → 2 | ≥131 → 3
chartRowTests('pulse', 'heartRate', 'heartRate', [
  [0, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [300, 3],
]);

// REFERENCE.md §1 NEWS2 Chart 1, row "temperature (°C)": ≤35.0 → 3 | 35.1–36.0 → 1 | 36.1–38.0 → 0 | 38.1–39.0 → 1 | ≥39.1 → 2
chartRowTests('temperature', 'temperatureC', 'temperature', [
  [20, 3], [35.0, 3], [35.1, 1], [36.0, 1], [36.1, 0], [38.0, 0], [38.1, 1], [39.0, 1], [39.1, 2], [42, 2],
]);

// Between-row values take the more urgent neighbouring row (the module's documented rule).
chartRowTests('respiration rate between rows', 'respiratoryRate', 'respiratoryRate', [[8.5, 3], [11.5, 1], [20.5, 2], [24.5, 3]]);
chartRowTests('SpO2 scale 1 between rows', 'spo2', 'spo2', [[91.5, 3], [93.5, 2], [95.5, 1]]);
chartRowTests('SpO2 scale 2 on air between rows', 'spo2', 'spo2', [[83.5, 3], [87.5, 1], [92.5, 0]], { spo2Scale: 2, onOxygen: false });
chartRowTests('SpO2 scale 2 on oxygen between rows', 'spo2', 'spo2', [[87.5, 1], [92.5, 1], [94.5, 2], [96.5, 3]], { spo2Scale: 2, onOxygen: true });
chartRowTests('systolic BP between rows', 'systolicBP', 'systolicBP', [[90.5, 3], [100.5, 2], [110.5, 1], [219.5, 3]]);
chartRowTests('pulse between rows', 'heartRate', 'heartRate', [[40.5, 3], [50.5, 1], [90.5, 1], [110.5, 2], [130.5, 3]]);
chartRowTests('temperature between rows', 'temperatureC', 'temperature', [[35.05, 3], [36.05, 1], [38.05, 1], [39.05, 2]]);

// REFERENCE.md §1 NEWS2 Chart 1, row "air or oxygen": oxygen → 2, air → 0
test('air or oxygen: air 0, oxygen 2 on both SpO2 scales', () => {
  assert.equal(scoreOf('airOrOxygen', { onOxygen: false }), 0);
  assert.equal(scoreOf('airOrOxygen', { onOxygen: true }), 2);
  assert.equal(scoreOf('airOrOxygen', { onOxygen: true, spo2Scale: 2, spo2: 90 }), 2);
  assert.equal(news2({ ...normal, onOxygen: true }).total, 2);
});

// REFERENCE.md §1 NEWS2 Chart 1, row "consciousness": alert → 0; new confusion, voice, pain, unresponsive → 3
for (const [level, expected] of [['A', 0], ['C', 3], ['V', 3], ['P', 3], ['U', 3]] as const) {
  test(`consciousness: ${level} → ${expected}`, () => {
    const result = news2({ ...normal, consciousness: level });
    assert.equal(result.parameters.consciousness, expected);
    assert.equal(result.consciousnessFromGcs, false);
  });
}

test('consciousness from GCS alone: 15 → alert 0, 14 → not alert 3, marked as derived', () => {
  const alert = news2({ ...normal, consciousness: undefined, gcs: 15 });
  assert.equal(alert.parameters.consciousness, 0);
  assert.equal(alert.consciousnessFromGcs, true);
  const drowsy = news2({ ...normal, consciousness: undefined, gcs: 14 });
  assert.equal(drowsy.parameters.consciousness, 3);
  assert.equal(drowsy.consciousnessFromGcs, true);
});

test('a recorded not-alert level is used even when the GCS is 15', () => {
  const result = news2({ ...normal, consciousness: 'V', gcs: 15 });
  assert.equal(result.parameters.consciousness, 3);
  assert.equal(result.consciousnessFromGcs, false);
});

test('"A" recorded with a GCS below 15 scores as not alert (never less urgent than the GCS says)', () => {
  for (const gcs of [14, 8, 3]) {
    const result = news2({ ...normal, consciousness: 'A', gcs });
    assert.equal(result.parameters.consciousness, 3, `GCS ${gcs}`);
    assert.equal(result.consciousnessFromGcs, true);
  }
  assert.equal(news2({ ...normal, consciousness: 'A', gcs: 15 }).parameters.consciousness, 0);
});

test('temperature in °F goes through parseVitals: 100.4 °F = 38.0 °C → 0, 100.6 °F = 38.1 °C → 1', () => {
  const cases = [[95.0, 3], [95.1, 3], [95.2, 1], [96.8, 1], [97.0, 0], [100.4, 0], [100.6, 1], [102.2, 1], [102.4, 2]] as const;
  for (const [fahrenheit, expected] of cases) {
    const { vitals } = parseVitals({ temperature: fahrenheit, temperatureUnit: 'F' });
    assert.equal(news2(vitals).parameters.temperature, expected, `${fahrenheit} °F`);
  }
});

test('a normal patient scores 0, complete, low risk', () => {
  const result = news2(normal);
  assert.equal(result.total, 0);
  assert.equal(result.maxTotal, 0);
  assert.equal(result.complete, true);
  assert.deepEqual(result.missing, []);
  assert.equal(result.risk, 'low');
  assert.equal(result.singleParameterThree, false);
});

// REFERENCE.md §1 Chart 4: 0 → low | 1–4 → low | a 3 in any single parameter → low–medium | 5–6 → medium | ≥7 → high
const riskCases: readonly (readonly [string, Partial<News2Input>, number, string, RegExp])[] = [
  ['nothing abnormal', {}, 0, 'low', /12 hours/],
  ['RR 21 (2)', { respiratoryRate: 21 }, 2, 'low', /4–6 hours.*nurse/],
  ['RR 21, pulse 111 (4)', { respiratoryRate: 21, heartRate: 111 }, 4, 'low', /4–6 hours/],
  ['only RR 25 (single 3)', { respiratoryRate: 25 }, 3, 'low-medium', /every hour; urgent ward-based review/],
  ['RR 25, pulse 91 (4, with a 3)', { respiratoryRate: 25, heartRate: 91 }, 4, 'low-medium', /ward-based/],
  ['RR 25, pulse 111 (5, with a 3)', { respiratoryRate: 25, heartRate: 111 }, 5, 'medium', /urgent review by a clinician/],
  ['pulse 111, RR 21, temp 38.1 (5)', { heartRate: 111, respiratoryRate: 21, temperatureC: 38.1 }, 5, 'medium', /urgent threshold/],
  ['pulse 111, RR 21, SBP 101, temp 38.1 (6)', { heartRate: 111, respiratoryRate: 21, systolicBP: 101, temperatureC: 38.1 }, 6, 'medium', /urgent/],
  ['RR 25, pulse 111, temp 38.1, SBP 101 (7)', { respiratoryRate: 25, heartRate: 111, temperatureC: 38.1, systolicBP: 101 }, 7, 'high', /emergency assessment by a critical-care team/],
  ['everything at its worst (20)', { respiratoryRate: 30, spo2: 85, onOxygen: true, systolicBP: 80, heartRate: 140, consciousness: 'U', temperatureC: 34 }, 20, 'high', /continuous monitoring/],
];
for (const [name, vitals, total, risk, response] of riskCases) {
  test(`Chart 4: ${name} → total ${total}, ${risk}`, () => {
    const result = news2({ ...normal, ...vitals });
    assert.equal(result.total, total);
    assert.equal(result.risk, risk);
    assert.match(result.response, response);
  });
}

test('the single-3 flag is set by any 3, even when the total is 5 or more', () => {
  assert.equal(news2({ ...normal, respiratoryRate: 25 }).singleParameterThree, true);
  assert.equal(news2({ ...normal, respiratoryRate: 25, heartRate: 111 }).singleParameterThree, true);
  assert.equal(news2({ ...normal, respiratoryRate: 21, heartRate: 111 }).singleParameterThree, false);
  assert.equal(news2({ ...normal, consciousness: 'C' }).risk, 'low-medium');
});

test('missing parameters are listed, not scored, and make the total a lower bound', () => {
  const result = news2({ spo2Scale: 1, heartRate: 120 });
  assert.deepEqual(result.parameters, { heartRate: 2 });
  assert.deepEqual(result.missing, ['respiratoryRate', 'spo2', 'airOrOxygen', 'systolicBP', 'consciousness', 'temperature']);
  assert.equal(result.complete, false);
  assert.equal(result.total, 2);
  assert.equal(result.risk, 'low');
  assert.equal(result.maxTotal, 2 + 3 + 3 + 2 + 3 + 3 + 3);
  for (const parameter of result.missing) assert.equal(parameter in result.parameters, false, parameter);
});

test('nothing known: total 0 but incomplete, everything missing', () => {
  const result = news2({ spo2Scale: 1 });
  assert.equal(result.total, 0);
  assert.equal(result.complete, false);
  assert.equal(result.missing.length, 7);
  assert.equal(result.maxTotal, 20);
});

test('missing onOxygen: air-or-oxygen is missing; scale 1 SpO2 is still scored', () => {
  const result = news2({ ...normal, onOxygen: undefined, spo2: 93 });
  assert.deepEqual(result.missing, ['airOrOxygen']);
  assert.equal(result.parameters.spo2, 2);
  assert.equal(result.total, 2);
  assert.equal(result.maxTotal, 4);
});

test('missing onOxygen on scale 2: SpO2 ≥ 93 is missing (never assumed air), with its on-oxygen score as the maximum', () => {
  const result = news2({ ...normal, spo2Scale: 2, onOxygen: undefined, spo2: 97 });
  assert.deepEqual(result.missing, ['spo2', 'airOrOxygen']);
  assert.equal(result.total, 0);
  assert.equal(result.complete, false);
  assert.equal(result.maxTotal, 3 + 2);
  assert.equal(news2({ ...normal, spo2Scale: 2, onOxygen: undefined, spo2: 92.5 }).missing.includes('spo2'), true);
});

test('missing onOxygen on scale 2: SpO2 ≤ 92 scores the same on air and oxygen, so it is scored', () => {
  for (const [spo2, expected] of [[83, 3], [85, 2], [87, 1], [88, 0], [92, 0]] as const) {
    const result = news2({ ...normal, spo2Scale: 2, onOxygen: undefined, spo2 });
    assert.equal(result.parameters.spo2, expected, `SpO2 ${spo2}`);
    assert.deepEqual(result.missing, ['airOrOxygen']);
  }
});

test('consciousness missing when neither ACVPU nor GCS is given', () => {
  const result = news2({ ...normal, consciousness: undefined });
  assert.deepEqual(result.missing, ['consciousness']);
  assert.equal(result.maxTotal, 3);
});

test('an incomplete total gives the band of its lower bound', () => {
  const result = news2({ spo2Scale: 1, respiratoryRate: 25, heartRate: 131 });
  assert.equal(result.total, 6);
  assert.equal(result.risk, 'medium');
  assert.equal(result.complete, false);
});

test('NaN in hand-built vitals is refused, not scored', () => {
  assert.throws(() => news2({ ...normal, heartRate: Number.NaN }), (error) => isNorthstationError(error, 'bad_request') && error.details.field === 'heartRate');
  assert.throws(() => news2({ ...normal, spo2: Number.NaN }), (error) => isNorthstationError(error, 'bad_request') && error.details.field === 'spo2');
});
