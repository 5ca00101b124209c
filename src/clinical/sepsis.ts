/**
 * Sepsis screens: qSOFA and SIRS (REFERENCE.md §2).
 *
 * Both count criteria and are "positive" at 2. A missing value is unknown,
 * never normal, so the result is three-valued: true when the criteria met
 * already reach the cut-off, false when they could not reach it even if every
 * unknown criterion were met, and null (indeterminate) otherwise.
 */
import type { Vitals } from './vitals.ts';

export interface QsofaResult {
  /** Points from the parameters that were measured. */
  score: number;
  positive: boolean | null;
  /** Vitals fields that were missing ('mentation' needs consciousness or gcs). */
  missing: string[];
}

export type SirsCriterion = 'temperature' | 'heartRate' | 'respiratory' | 'whiteCells';

export interface SirsResult {
  met: boolean | null;
  /** How many criteria are met. */
  count: number;
  /** The criteria met. */
  criteria: SirsCriterion[];
  /** The criteria that could be judged (met or not). */
  evaluated: SirsCriterion[];
  /** The criteria that could not be judged for lack of data. */
  missing: SirsCriterion[];
}

// REFERENCE.md §2 qSOFA (Sepsis-3, Seymour JAMA 2016): 1 point each.
const QSOFA_RR_AT_LEAST = 22;
const QSOFA_SBP_AT_MOST = 100;
export const QSOFA_POSITIVE_AT = 2;

// REFERENCE.md §2 SIRS: ≥2 of these.
const SIRS_TEMP_ABOVE_C = 38;
const SIRS_TEMP_BELOW_C = 36;
const SIRS_HR_ABOVE = 90;
const SIRS_RR_ABOVE = 20;
const SIRS_PACO2_BELOW_MMHG = 32;
const SIRS_WBC_ABOVE = 12; // ×10⁹/L, i.e. 12 000/mm³
const SIRS_WBC_BELOW = 4; // ×10⁹/L, i.e. 4 000/mm³
const SIRS_BANDS_ABOVE_PERCENT = 10;
const SIRS_MET_AT = 2;

/** Positive, negative or indeterminate: `met` criteria already counted, `unknown` still open. */
export function threeValued(met: number, unknown: number, cutOff: number): boolean | null {
  if (met >= cutOff) return true;
  if (met + unknown < cutOff) return false;
  return null;
}

/**
 * Altered mentation: any ACVPU level other than alert, or GCS below 15.
 * Either finding is enough; null only when neither was recorded.
 */
export function alteredMentation(vitals: Vitals): boolean | null {
  const { consciousness, gcs } = vitals;
  if (consciousness === undefined && gcs === undefined) return null;
  return (consciousness !== undefined && consciousness !== 'A') || (gcs !== undefined && gcs < 15);
}

export function qsofa(vitals: Vitals): QsofaResult {
  let score = 0;
  const missing: string[] = [];
  const { respiratoryRate, systolicBP } = vitals;

  if (respiratoryRate === undefined) missing.push('respiratoryRate');
  else if (respiratoryRate >= QSOFA_RR_AT_LEAST) score++;

  const altered = alteredMentation(vitals);
  if (altered === null) missing.push('mentation');
  else if (altered) score++;

  if (systolicBP === undefined) missing.push('systolicBP');
  else if (systolicBP <= QSOFA_SBP_AT_MOST) score++;

  return { score, positive: threeValued(score, missing.length, QSOFA_POSITIVE_AT), missing };
}

/**
 * SIRS. A criterion with alternatives (RR or PaCO2; WBC or bands) is met when
 * any measured alternative is abnormal, and judged "not met" once at least one
 * alternative was measured and all measured ones are normal: the alternatives
 * measure the same physiology, and PaCO2 and bands are often never drawn, so
 * requiring every alternative would leave nearly every screen indeterminate.
 * A criterion with no alternative measured at all stays unknown.
 */
export function sirs(vitals: Vitals): SirsResult {
  const criteria: SirsCriterion[] = [];
  const evaluated: SirsCriterion[] = [];
  const missing: SirsCriterion[] = [];
  const judge = (name: SirsCriterion, isMet: boolean | null): void => {
    if (isMet === null) {
      missing.push(name);
      return;
    }
    evaluated.push(name);
    if (isMet) criteria.push(name);
  };
  const { temperatureC, heartRate, respiratoryRate, paco2, wbc, bandsPercent } = vitals;

  judge('temperature', temperatureC === undefined ? null : temperatureC > SIRS_TEMP_ABOVE_C || temperatureC < SIRS_TEMP_BELOW_C);
  judge('heartRate', heartRate === undefined ? null : heartRate > SIRS_HR_ABOVE);
  judge(
    'respiratory',
    anyAbnormal(
      respiratoryRate === undefined ? null : respiratoryRate > SIRS_RR_ABOVE,
      paco2 === undefined ? null : paco2 < SIRS_PACO2_BELOW_MMHG,
    ),
  );
  judge(
    'whiteCells',
    anyAbnormal(
      wbc === undefined ? null : wbc > SIRS_WBC_ABOVE || wbc < SIRS_WBC_BELOW,
      bandsPercent === undefined ? null : bandsPercent > SIRS_BANDS_ABOVE_PERCENT,
    ),
  );

  const count = criteria.length;
  return { met: threeValued(count, missing.length, SIRS_MET_AT), count, criteria, evaluated, missing };
}

/** True if either alternative is abnormal, false if at least one was measured and none is, null if neither was measured. */
function anyAbnormal(first: boolean | null, second: boolean | null): boolean | null {
  if (first === true || second === true) return true;
  if (first === null && second === null) return null;
  return false;
}
