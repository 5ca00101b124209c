import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../core/errors.ts';
import { acvpuApproximateGcs, acvpuFromGcs, consciousnessFrom, gcsSeverity, gcsTotal } from './gcs.ts';
import type { Consciousness, GcsComponents } from './vitals.ts';

const fieldError = (field: string) => (error: unknown) => isNorthstationError(error, 'bad_request') && error.details.field === field;

// REFERENCE.md §4 Consciousness, row "GCS": eye 1–4, verbal 1–5, motor 1–6; total 3–15
const totalCases: readonly (readonly [GcsComponents, number])[] = [
  [{ eye: 1, verbal: 1, motor: 1 }, 3],
  [{ eye: 4, verbal: 5, motor: 6 }, 15],
  [{ eye: 3, verbal: 4, motor: 5 }, 12],
];
for (const [components, total] of totalCases) {
  test(`GCS total: E${components.eye} V${components.verbal} M${components.motor} → ${total}`, () => {
    assert.equal(gcsTotal(components), total);
  });
}

// REFERENCE.md §4 row "GCS": each component just outside its scale is refused, naming the input field.
const badComponents: readonly (readonly [GcsComponents, string])[] = [
  [{ eye: 0, verbal: 5, motor: 6 }, 'gcsEye'],
  [{ eye: 5, verbal: 5, motor: 6 }, 'gcsEye'],
  [{ eye: 4, verbal: 0, motor: 6 }, 'gcsVerbal'],
  [{ eye: 4, verbal: 6, motor: 6 }, 'gcsVerbal'],
  [{ eye: 4, verbal: 5, motor: 0 }, 'gcsMotor'],
  [{ eye: 4, verbal: 5, motor: 7 }, 'gcsMotor'],
  [{ eye: 3.5, verbal: 5, motor: 6 }, 'gcsEye'],
];
for (const [components, field] of badComponents) {
  test(`GCS total refuses E${components.eye} V${components.verbal} M${components.motor} naming ${field}`, () => {
    assert.throws(() => gcsTotal(components), fieldError(field));
  });
}

// REFERENCE.md §4 row "GCS": ≤8 severe | 9–12 moderate | ≥13 mild
const severityCases = [[3, 'severe'], [8, 'severe'], [9, 'moderate'], [12, 'moderate'], [13, 'mild'], [15, 'mild']] as const;
for (const [total, severity] of severityCases) {
  test(`GCS severity: ${total} → ${severity}`, () => {
    assert.equal(gcsSeverity(total), severity);
  });
}

test('GCS severity refuses values off the scale', () => {
  for (const total of [2, 16, 12.5, Number.NaN]) assert.throws(() => gcsSeverity(total), fieldError('gcs'), String(total));
});

// REFERENCE.md §4 row "ACVPU" (**verify**): A≈15, V≈13, P≈8, U≈3; C is our choice (= V).
const approximateCases = [['A', 15], ['C', 13], ['V', 13], ['P', 8], ['U', 3]] as const;
for (const [level, gcs] of approximateCases) {
  test(`ACVPU ${level} ≈ GCS ${gcs}`, () => {
    assert.equal(acvpuApproximateGcs[level], gcs);
  });
}

test('C (new confusion) never maps to a less urgent GCS than V, which NEWS2 scores the same', () => {
  assert.ok(acvpuApproximateGcs.C <= acvpuApproximateGcs.V);
  // The CTAS consciousness modifier (REFERENCE.md §3) puts GCS 14–15 in its no-escalation band.
  assert.ok(acvpuApproximateGcs.C <= 13);
});

// Derivation when only GCS is known: 15 → A; below 15 never A, never C; most alert level at or below the GCS.
const derivedCases = [[15, 'A'], [14, 'V'], [13, 'V'], [12, 'P'], [9, 'P'], [8, 'P'], [7, 'U'], [3, 'U']] as const;
for (const [gcs, level] of derivedCases) {
  test(`ACVPU derived from GCS ${gcs} → ${level}`, () => {
    assert.equal(acvpuFromGcs(gcs), level);
  });
}

test('a derived level never turns back into a higher (less urgent) GCS than measured', () => {
  for (let gcs = 3; gcs <= 15; gcs++) {
    const level = acvpuFromGcs(gcs);
    assert.ok(acvpuApproximateGcs[level] <= gcs, `GCS ${gcs} → ${level}`);
    assert.equal(level === 'A', gcs === 15, `GCS ${gcs}`);
    assert.notEqual(level, 'C');
  }
});

test('consciousnessFrom: a recorded not-alert level wins and is not marked derived', () => {
  for (const level of ['C', 'V', 'P', 'U'] as const satisfies readonly Consciousness[]) {
    assert.deepEqual(consciousnessFrom({ consciousness: level, gcs: 9 }), { level, derivedFromGcs: false });
    assert.deepEqual(consciousnessFrom({ consciousness: level, gcs: 15 }), { level, derivedFromGcs: false });
  }
  assert.deepEqual(consciousnessFrom({ consciousness: 'A', gcs: 15 }), { level: 'A', derivedFromGcs: false });
});

test('consciousnessFrom: "A" beside a GCS below 15 contradicts itself; the less alert reading wins', () => {
  assert.deepEqual(consciousnessFrom({ consciousness: 'A', gcs: 14 }), { level: 'V', derivedFromGcs: true });
  assert.deepEqual(consciousnessFrom({ consciousness: 'A', gcs: 8 }), { level: 'P', derivedFromGcs: true });
});

test('consciousnessFrom: GCS alone gives a derived level', () => {
  assert.deepEqual(consciousnessFrom({ gcs: 15 }), { level: 'A', derivedFromGcs: true });
  assert.deepEqual(consciousnessFrom({ gcs: 14 }), { level: 'V', derivedFromGcs: true });
});

test('consciousnessFrom: nothing recorded → undefined (unknown, never alert)', () => {
  assert.equal(consciousnessFrom({}), undefined);
});

test('consciousnessFrom refuses a GCS off the scale', () => {
  assert.throws(() => consciousnessFrom({ gcs: 16 }), fieldError('gcs'));
});
