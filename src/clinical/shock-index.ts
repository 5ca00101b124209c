/**
 * Shock index = heart rate ÷ systolic BP (REFERENCE.md §2).
 */
import type { Vitals } from './vitals.ts';

/**
 * REFERENCE.md §2 shock index: "≥1.0 abnormal" (**verify**: some use > 0.9).
 * Northstation's operational choice, pending local clinical sign-off: flag at
 * ≥ 1.0; the CTAS floor also treats > 0.9 as "edge of normal" (ctas-floor.ts)
 * so the stricter reading is not lost.
 */
export const SHOCK_INDEX_ABNORMAL_AT = 1.0;

/**
 * HR ÷ SBP rounded to 2 decimals; null when either is missing.
 *
 * A systolic BP of 0 with a heart rate recorded is profound shock (or arrest),
 * not a missing value: it returns Infinity so every "≥ threshold" check fires
 * without a division-by-zero special case at each caller. Infinity becomes
 * null under JSON.stringify, so serialise it through `formatShockIndex`.
 */
export function shockIndex(vitals: Vitals): number | null {
  const { heartRate, systolicBP } = vitals;
  if (heartRate === undefined || systolicBP === undefined) return null;
  if (systolicBP <= 0) return Number.POSITIVE_INFINITY;
  return Math.round((heartRate / systolicBP) * 100) / 100;
}

export function isShockIndexAbnormal(index: number | null): boolean | null {
  return index === null ? null : index >= SHOCK_INDEX_ABNORMAL_AT;
}

/** Text for people and logs; says why an index is unbounded rather than printing "Infinity". */
export function formatShockIndex(index: number | null): string {
  if (index === null) return 'not available';
  if (index === Number.POSITIVE_INFINITY) return 'unmeasurable (systolic BP 0)';
  return index.toFixed(2);
}
