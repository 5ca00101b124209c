import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../core/errors.ts';
import { parseVitals, plausibilityLimits } from './parse-vitals.ts';
import { VitalsValidationError } from './vitals.ts';

const complete = {
  age: 64,
  respiratoryRate: 18,
  spo2: 96,
  spo2Scale: 1,
  onOxygen: false,
  systolicBP: 132,
  diastolicBP: 84,
  heartRate: 88,
  temperature: 37.2,
  temperatureUnit: 'C',
  consciousness: 'A',
  gcsEye: 4,
  gcsVerbal: 5,
  gcsMotor: 6,
  gcs: 15,
  previousGcs: 15,
  pain: { score: 6, onset: 'acute', location: 'central' },
  immunocompromised: false,
  bleedingDisorder: 'none',
  highRiskMechanism: false,
  wbc: 11.2,
  bandsPercent: 4,
  paco2: 38,
};

/** Asserts that parsing `input` fails with a VitalsValidationError naming `field`. */
function rejects(input: unknown, field: string, message?: RegExp): void {
  assert.throws(
    () => parseVitals(input),
    (error) =>
      error instanceof VitalsValidationError &&
      isNorthstationError(error, 'bad_request') &&
      error.field === field &&
      (message === undefined || message.test(error.message)),
    `expected an error naming ${field}`,
  );
}

test('a complete record is normalised into Vitals with no extremes', () => {
  assert.deepEqual(parseVitals(complete), {
    vitals: {
      ageYears: 64,
      respiratoryRate: 18,
      spo2: 96,
      spo2Scale: 1,
      onOxygen: false,
      systolicBP: 132,
      diastolicBP: 84,
      heartRate: 88,
      temperatureC: 37.2,
      consciousness: 'A',
      gcs: 15,
      gcsComponents: { eye: 4, verbal: 5, motor: 6 },
      previousGcs: 15,
      pain: { score: 6, onset: 'acute', location: 'central' },
      immunocompromised: false,
      bleedingDisorder: 'none',
      highRiskMechanism: false,
      wbc: 11.2,
      bandsPercent: 4,
      paco2: 38,
    },
    extremes: [],
  });
});

test('an empty object is valid: everything missing, SpO2 scale 1', () => {
  assert.deepEqual(parseVitals({}), { vitals: { spo2Scale: 1 }, extremes: [] });
});

test('null means missing for every field, and no key is set for it', () => {
  const allNull = Object.fromEntries(Object.keys(complete).map((key) => [key, null]));
  const { vitals } = parseVitals(allNull);
  assert.deepEqual(vitals, { spo2Scale: 1 });
  assert.deepEqual(Object.keys(vitals), ['spo2Scale']);
});

for (const input of [null, undefined, 42, 'vitals', true, [], [complete], new Date(0), new Map()]) {
  test(`input that is not a plain object is refused as "$": ${Object.prototype.toString.call(input)}`, () => {
    rejects(input, '$');
  });
}

for (const typo of ['heartrate', 'HeartRate', 'temp', 'spO2', 'gcsTotal', '__proto__', 'constructor']) {
  test(`an unknown field is refused by name: ${typo}`, () => {
    rejects(JSON.parse(`{"heartRate": 80, ${JSON.stringify(typo)}: 90}`), typo, /unknown field/);
  });
}

test('an unknown field inside pain is named with its path', () => {
  rejects({ pain: { score: 3, onset: 'acute', location: 'central', side: 'left' } }, 'pain.side');
});

const numberFields = ['age', 'respiratoryRate', 'spo2', 'systolicBP', 'diastolicBP', 'heartRate', 'temperature', 'gcs', 'gcsEye', 'gcsVerbal', 'gcsMotor', 'previousGcs', 'wbc', 'bandsPercent', 'paco2'];
const notNumbers: readonly unknown[] = ['90', '', true, [], {}, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
for (const field of numberFields) {
  test(`${field}: a non-number (string, boolean, array, object, NaN, ±Infinity) is refused`, () => {
    for (const value of notNumbers) rejects({ [field]: value }, field, /must be a number/);
  });
}

for (const field of ['onOxygen', 'immunocompromised', 'highRiskMechanism']) {
  test(`${field}: only true or false`, () => {
    for (const value of ['true', 1, 0, 'yes', {}]) rejects({ [field]: value }, field, /true or false/);
  });
}

const choiceFields: readonly (readonly [string, readonly unknown[]])[] = [
  ['spo2Scale', ['1', 0, 3, 1.5, true]],
  ['temperatureUnit', ['c', 'K', 'celsius', 1]],
  ['consciousness', ['a', 'alert', 'X', 15]],
  ['bleedingDisorder', ['severe', 'None', true]],
];
for (const [field, values] of choiceFields) {
  test(`${field}: values outside the allowed set are refused`, () => {
    for (const value of values) rejects({ [field]: value }, field, /must be one of/);
  });
}

test('spo2Scale 2 and the allowed choices are accepted', () => {
  const { vitals } = parseVitals({ spo2Scale: 2, consciousness: 'C', bleedingDisorder: 'life-threatening' });
  assert.equal(vitals.spo2Scale, 2);
  assert.equal(vitals.consciousness, 'C');
  assert.equal(vitals.bleedingDisorder, 'life-threatening');
});

test('pain must be an object with all three fields', () => {
  rejects({ pain: 7 }, 'pain', /object/);
  rejects({ pain: [7] }, 'pain', /object/);
  rejects({ pain: { onset: 'acute', location: 'central' } }, 'pain.score', /required/);
  rejects({ pain: { score: 5, location: 'central' } }, 'pain.onset', /required/);
  rejects({ pain: { score: 5, onset: 'acute' } }, 'pain.location', /required/);
  rejects({ pain: { score: '5', onset: 'acute', location: 'central' } }, 'pain.score', /number/);
  rejects({ pain: { score: 5, onset: 'sudden', location: 'central' } }, 'pain.onset', /one of/);
  rejects({ pain: { score: 5, onset: 'acute', location: 'chest' } }, 'pain.location', /one of/);
});

test('pain score is a whole number from 0 to 10', () => {
  for (const score of [-1, 11, 4.5]) rejects({ pain: { score, onset: 'acute', location: 'central' } }, 'pain.score', /0 to 10/);
  for (const score of [0, 10]) assert.equal(parseVitals({ pain: { score, onset: 'chronic', location: 'peripheral' } }).vitals.pain?.score, score);
});

// GCS scales: REFERENCE.md §4 row "GCS" (eye 1–4, verbal 1–5, motor 1–6, total 3–15).
const gcsOffScale: readonly (readonly [string, Record<string, unknown>])[] = [
  ['gcs', { gcs: 2 }],
  ['gcs', { gcs: 16 }],
  ['gcs', { gcs: 14.5 }],
  ['previousGcs', { previousGcs: 2 }],
  ['previousGcs', { previousGcs: 16 }],
  ['gcsEye', { gcsEye: 0, gcsVerbal: 5, gcsMotor: 6 }],
  ['gcsEye', { gcsEye: 5, gcsVerbal: 5, gcsMotor: 6 }],
  ['gcsVerbal', { gcsEye: 4, gcsVerbal: 0, gcsMotor: 6 }],
  ['gcsVerbal', { gcsEye: 4, gcsVerbal: 6, gcsMotor: 6 }],
  ['gcsMotor', { gcsEye: 4, gcsVerbal: 5, gcsMotor: 0 }],
  ['gcsMotor', { gcsEye: 4, gcsVerbal: 5, gcsMotor: 7 }],
];
for (const [field, input] of gcsOffScale) {
  test(`GCS off the scale is refused naming ${field}: ${JSON.stringify(input)}`, () => {
    rejects(input, field, /whole number/);
  });
}

test('GCS components alone are summed into the total', () => {
  const { vitals } = parseVitals({ gcsEye: 3, gcsVerbal: 4, gcsMotor: 6 });
  assert.equal(vitals.gcs, 13);
  assert.deepEqual(vitals.gcsComponents, { eye: 3, verbal: 4, motor: 6 });
});

test('GCS total alone is kept without components', () => {
  const { vitals } = parseVitals({ gcs: 9 });
  assert.equal(vitals.gcs, 9);
  assert.equal(vitals.gcsComponents, undefined);
});

test('GCS components must come all three or none, naming the one missing', () => {
  rejects({ gcsEye: 4, gcsVerbal: 5 }, 'gcsMotor', /all three/);
  rejects({ gcsEye: 4, gcsMotor: 6 }, 'gcsVerbal', /all three/);
  rejects({ gcsMotor: 6, gcs: 15 }, 'gcsEye', /all three/);
  rejects({ gcsEye: 4, gcsVerbal: null, gcsMotor: 6 }, 'gcsVerbal', /all three/);
});

test('GCS total and components must agree', () => {
  rejects({ gcs: 14, gcsEye: 4, gcsVerbal: 5, gcsMotor: 6 }, 'gcs', /gcsEye \+ gcsVerbal \+ gcsMotor/);
  assert.equal(parseVitals({ gcs: 15, gcsEye: 4, gcsVerbal: 5, gcsMotor: 6 }).vitals.gcs, 15);
});

// °F → °C exactly, not rounded: 95.1 °F is 35.06 °C, which NEWS2 must score like 35.06 °C entered directly.
const fahrenheitCases = [[95.0, 35.0], [95.1, 35.0556], [96.8, 36.0], [97.0, 36.1111], [98.6, 37.0], [100.4, 38.0], [100.6, 38.1111], [102.2, 39.0], [102.4, 39.1111]] as const;
for (const [fahrenheit, celsius] of fahrenheitCases) {
  test(`temperature ${fahrenheit} °F → ${celsius} °C`, () => {
    const converted = parseVitals({ temperature: fahrenheit, temperatureUnit: 'F' }).vitals.temperatureC ?? NaN;
    assert.ok(Math.abs(converted - celsius) < 1e-4, `${converted}`);
  });
}

test('temperature in °C is kept as given; the unit defaults to °C', () => {
  assert.equal(parseVitals({ temperature: 38.05 }).vitals.temperatureC, 38.05);
  assert.equal(parseVitals({ temperature: 38.05, temperatureUnit: null }).vitals.temperatureC, 38.05);
  assert.equal(parseVitals({ temperature: 36.6, temperatureUnit: 'C' }).vitals.temperatureC, 36.6);
});

test('temperature limits apply after conversion: 98.6 with unit C is impossible, 98.6 °F is normal', () => {
  rejects({ temperature: 98.6 }, 'temperature', /impossible/);
  assert.deepEqual(parseVitals({ temperature: 98.6, temperatureUnit: 'F' }).extremes, []);
  rejects({ temperature: 37, temperatureUnit: 'F' }, 'temperature', /impossible/);
});

// Impossible values: every limit of plausibilityLimits, just outside it, is refused naming the field.
for (const [field, limit] of Object.entries(plausibilityLimits)) {
  test(`${field}: just outside ${limit.min}–${limit.max} is impossible; the limits themselves are accepted`, () => {
    rejects({ [field]: limit.min - 0.1 }, field, /impossible/);
    rejects({ [field]: limit.max + 0.1 }, field, /impossible/);
    assert.doesNotThrow(() => parseVitals({ [field]: limit.min }));
    assert.doesNotThrow(() => parseVitals({ [field]: limit.max }));
  });
}

const impossible: readonly (readonly [string, Record<string, unknown>])[] = [
  ['heartRate', { heartRate: 900 }],
  ['heartRate', { heartRate: -1 }],
  ['spo2', { spo2: 140 }],
  ['spo2', { spo2: -1 }],
  ['temperature', { temperature: 70 }],
  ['temperature', { temperature: 158, temperatureUnit: 'F' }],
  ['respiratoryRate', { respiratoryRate: -4 }],
  ['age', { age: 131 }],
  ['age', { age: -1 }],
  ['systolicBP', { systolicBP: 1200 }],
  ['wbc', { wbc: 12000 }],
  ['bandsPercent', { bandsPercent: 101 }],
  ['paco2', { paco2: 0 }],
];
for (const [field, input] of impossible) {
  test(`impossible value refused naming ${field}: ${JSON.stringify(input)}`, () => {
    rejects(input, field, /impossible/);
  });
}

test('diastolic at or above systolic is refused naming diastolicBP', () => {
  rejects({ systolicBP: 80, diastolicBP: 120 }, 'diastolicBP', /lower than systolicBP/);
  rejects({ systolicBP: 80, diastolicBP: 80 }, 'diastolicBP', /lower than systolicBP/);
  assert.equal(parseVitals({ systolicBP: 0, diastolicBP: 0 }).vitals.systolicBP, 0, '0/0: no measurable pressure');
  rejects({ systolicBP: 0, diastolicBP: 80 }, 'diastolicBP', /lower than systolicBP/);
  rejects({ systolicBP: 100, diastolicBP: 100 }, 'diastolicBP');
  assert.equal(parseVitals({ systolicBP: 100, diastolicBP: 99 }).vitals.diastolicBP, 99);
  assert.equal(parseVitals({ systolicBP: 120, diastolicBP: 0 }).vitals.diastolicBP, 0);
});

test('error messages name the field and range but never echo the value (it is patient data)', () => {
  assert.throws(
    () => parseVitals({ heartRate: 987 }),
    (error) => error instanceof VitalsValidationError && !error.message.includes('987') && error.message.startsWith('heartRate:'),
  );
});

// Extreme but possible: accepted, kept as given, and listed for a person to check.
const extremes: readonly (readonly [string, Record<string, unknown>, number])[] = [
  ['heartRate', { heartRate: 0 }, 0],
  ['heartRate', { heartRate: 29 }, 29],
  ['heartRate', { heartRate: 250 }, 250],
  ['heartRate', { heartRate: 300 }, 300],
  ['temperature', { temperature: 28 }, 28],
  ['temperature', { temperature: 13.7 }, 13.7],
  ['temperature', { temperature: 43 }, 43],
  ['temperature', { temperature: 82.4, temperatureUnit: 'F' }, 82.4],
  ['spo2', { spo2: 55 }, 55],
  ['spo2', { spo2: 0 }, 0],
  ['systolicBP', { systolicBP: 50 }, 50],
  ['systolicBP', { systolicBP: 260 }, 260],
  ['diastolicBP', { diastolicBP: 160 }, 160],
  ['respiratoryRate', { respiratoryRate: 4 }, 4],
  ['respiratoryRate', { respiratoryRate: 0 }, 0],
  ['respiratoryRate', { respiratoryRate: 70 }, 70],
  ['age', { age: 115 }, 115],
  ['wbc', { wbc: 0.4 }, 0.4],
  ['wbc', { wbc: 250 }, 250],
  ['paco2', { paco2: 5.3 }, 5.3],
  ['paco2', { paco2: 120 }, 120],
];
for (const [field, input, value] of extremes) {
  test(`extreme but possible value accepted and flagged: ${JSON.stringify(input)}`, () => {
    const parsed = parseVitals(input);
    assert.equal(parsed.extremes.length, 1);
    const [extreme] = parsed.extremes;
    assert.equal(extreme!.field, field);
    assert.equal(extreme!.value, value);
    assert.match(extreme!.message, /check/);
  });
}

test('unremarkable values, including the edges of the flag ranges, are not flagged', () => {
  const edges = { age: 110, respiratoryRate: 6, spo2: 70, systolicBP: 250, diastolicBP: 30, heartRate: 220, temperature: 41, wbc: 100, paco2: 15 };
  assert.deepEqual(parseVitals(edges).extremes, []);
  assert.deepEqual(parseVitals({ ...edges, respiratoryRate: 60, systolicBP: 60, heartRate: 30, temperature: 32, wbc: 1, paco2: 100, diastolicBP: 59 }).extremes, []);
});

test('several extremes are all listed', () => {
  const fields = parseVitals({ heartRate: 0, systolicBP: 40, respiratoryRate: 3 }).extremes.map((extreme) => extreme.field);
  assert.deepEqual(fields.sort(), ['heartRate', 'respiratoryRate', 'systolicBP']);
});

test('ACVPU and GCS that contradict each other are flagged, not refused', () => {
  assert.deepEqual(parseVitals({ consciousness: 'A', gcs: 13 }).extremes.map((extreme) => extreme.field), ['gcs']);
  assert.deepEqual(parseVitals({ consciousness: 'V', gcs: 15 }).extremes.map((extreme) => extreme.field), ['gcs']);
  assert.deepEqual(parseVitals({ consciousness: 'A', gcs: 14 }).extremes, []);
  assert.deepEqual(parseVitals({ consciousness: 'C', gcs: 14 }).extremes, []);
});

test('non-integer measurements are accepted as given', () => {
  const { vitals } = parseVitals({ respiratoryRate: 20.5, heartRate: 90.5, spo2: 95.5, age: 0.25 });
  assert.equal(vitals.respiratoryRate, 20.5);
  assert.equal(vitals.heartRate, 90.5);
  assert.equal(vitals.spo2, 95.5);
  assert.equal(vitals.ageYears, 0.25);
});
