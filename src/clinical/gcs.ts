/**
 * Glasgow Coma Scale and ACVPU (REFERENCE.md §4): totals, severity, the
 * approximate mapping between the two, and which ACVPU level a score should
 * use when only a GCS was recorded.
 */
import type { Consciousness, GcsComponents, Vitals } from './vitals.ts';
import { VitalsValidationError } from './vitals.ts';

export interface GcsRange {
  min: number;
  max: number;
}

/**
 * Valid GCS values, keyed by input field name so errors name the field the
 * user typed. These are the scale's definition, not plausibility limits.
 */
// REFERENCE.md §4 Consciousness, row "GCS": eye 1–4, verbal 1–5, motor 1–6; total 3–15
export const gcsRanges = {
  gcsEye: { min: 1, max: 4 },
  gcsVerbal: { min: 1, max: 5 },
  gcsMotor: { min: 1, max: 6 },
  gcs: { min: 3, max: 15 },
} as const satisfies Record<string, GcsRange>;

/** Returns `value` when it is an integer in `range`; otherwise throws naming `field`. */
export function requireGcsValue(field: string, value: number, range: GcsRange): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new VitalsValidationError(field, `must be a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

/** GCS total (3–15) from its components; throws when a component is outside its scale. */
export function gcsTotal(components: GcsComponents): number {
  return (
    requireGcsValue('gcsEye', components.eye, gcsRanges.gcsEye) +
    requireGcsValue('gcsVerbal', components.verbal, gcsRanges.gcsVerbal) +
    requireGcsValue('gcsMotor', components.motor, gcsRanges.gcsMotor)
  );
}

export type GcsSeverity = 'severe' | 'moderate' | 'mild';

// REFERENCE.md §4 Consciousness, row "GCS": ≤8 severe, 9–12 moderate, ≥13 mild
const gcsSeverityBands: readonly { atMost: number; severity: GcsSeverity }[] = [
  { atMost: 8, severity: 'severe' },
  { atMost: 12, severity: 'moderate' },
  { atMost: 15, severity: 'mild' },
];

/** Head-injury severity of a GCS total; throws when `total` is not a GCS total. */
export function gcsSeverity(total: number): GcsSeverity {
  requireGcsValue('gcs', total, gcsRanges.gcs);
  for (const band of gcsSeverityBands) if (total <= band.atMost) return band.severity;
  return 'mild'; // unreachable: the last band ends at the top of the scale
}

/**
 * Approximate GCS of each ACVPU level, for rules written in GCS (e.g. the CTAS
 * consciousness modifier) when only ACVPU was recorded.
 *
 * REFERENCE.md §4 Consciousness, row "ACVPU": A≈15, V≈13, P≈8, U≈3 — marked
 * **verify** (secondary sources only): needs local clinical sign-off.
 *
 * C (new confusion) has no number in the source. Our choice: 13, the same as
 * V. NEWS2 scores new confusion exactly like V (3 points), and a confused
 * patient's usual GCS of 14 would fall in the least urgent CTAS band
 * ("GCS 14–15"), making new confusion less urgent than NEWS2 treats it. A
 * mapping must never make a score less urgent, so C takes V's value.
 */
export const acvpuApproximateGcs: Readonly<Record<Consciousness, number>> = { A: 15, C: 13, V: 13, P: 8, U: 3 };

/** ACVPU levels most alert first: the order the derivation below searches. */
const derivableLevels: readonly Consciousness[] = ['A', 'V', 'P', 'U'];

/**
 * ACVPU level to score with when only a GCS total is known.
 *
 * GCS 15 → A; anything below 15 → not alert. That is conservative on purpose:
 * a GCS of 14 may be a patient's usual (chronic) confusion, which NEWS2 would
 * not score, but a number cannot tell new from old, so we score it.
 *
 * Among the not-alert levels we take the most alert one whose approximate GCS
 * is at or below the patient's (13–14 → V, 8–12 → P, 3–7 → U), so turning the
 * derived level back into a GCS never gives a higher (less urgent) GCS than
 * the one measured. C is never derived: it says the confusion is new, which a
 * GCS cannot show. NEWS2 and qSOFA treat every not-alert level alike, so the
 * choice among V, P and U changes no score; rules written in GCS should read
 * `vitals.gcs` itself.
 */
export function acvpuFromGcs(total: number): Consciousness {
  requireGcsValue('gcs', total, gcsRanges.gcs);
  for (const level of derivableLevels) if (acvpuApproximateGcs[level] <= total) return level;
  return 'U'; // unreachable: U≈3 is the bottom of the scale
}

export interface ConsciousnessForScoring {
  level: Consciousness;
  /** True when no ACVPU level was recorded and `level` was derived from the GCS total. */
  derivedFromGcs: boolean;
}

// One frozen answer per level: scoring runs hundreds of thousands of times a second, so no allocation per call.
const recordedLevels = freezeAll(false);
const derivedLevels = freezeAll(true);

function freezeAll(derivedFromGcs: boolean): Readonly<Record<Consciousness, Readonly<ConsciousnessForScoring>>> {
  const answer = (level: Consciousness) => Object.freeze({ level, derivedFromGcs });
  return { A: answer('A'), C: answer('C'), V: answer('V'), P: answer('P'), U: answer('U') };
}

/**
 * The ACVPU level a score should use: the recorded one, else one derived from
 * the GCS total (see `acvpuFromGcs`), else `undefined` (unknown — never alert).
 * "Alert" recorded beside a GCS below 15 contradicts itself; the less alert
 * reading wins, so a mapping never makes a score less urgent (parseVitals also
 * lists the contradiction in `extremes` for the nurse to re-check).
 */
export function consciousnessFrom(vitals: Pick<Vitals, 'consciousness' | 'gcs'>): Readonly<ConsciousnessForScoring> | undefined {
  if (vitals.consciousness === 'A' && vitals.gcs !== undefined && vitals.gcs < 15) return derivedLevels[acvpuFromGcs(vitals.gcs)];
  if (vitals.consciousness !== undefined) return recordedLevels[vitals.consciousness];
  if (vitals.gcs !== undefined) return derivedLevels[acvpuFromGcs(vitals.gcs)];
  return undefined;
}
