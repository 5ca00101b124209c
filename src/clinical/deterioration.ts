/**
 * Deterioration flags: the alerts a clinician must see, from scores already
 * computed. Takes only the numbers it needs (`ScoresForFlags`) so it does not
 * depend on the exact result types of the NEWS2 module.
 */
import { PAEDIATRIC_BELOW_AGE_YEARS } from './ctas-floor.ts';
import { QSOFA_POSITIVE_AT } from './sepsis.ts';
import { SHOCK_INDEX_ABNORMAL_AT, formatShockIndex } from './shock-index.ts';
import type { Vitals } from './vitals.ts';

export interface ScoresForFlags {
  news2: {
    /** Total of the parameters that could be scored. */
    total: number;
    /** True when any single parameter scored 3. */
    singleParameterThree: boolean;
    /** False when a NEWS2 parameter was missing. */
    complete: boolean;
  };
  qsofa: { score: number };
  /** From shockIndex(): Infinity means systolic BP 0. */
  shockIndex: number | null;
}

export type DeteriorationCode =
  | 'news2-urgent'
  | 'news2-emergency'
  | 'news2-single-parameter-3'
  | 'qsofa-positive'
  | 'shock-index-high'
  | 'gcs-drop'
  | 'paediatric'
  | 'incomplete-vitals';

export interface DeteriorationFlag {
  code: DeteriorationCode;
  message: string;
}

// REFERENCE.md §1 NEWS2 clinical response (Chart 4): 5–6 urgent, ≥7 emergency. The thresholds are
// cumulative: a total of 7 raises both flags, so a consumer filtering on "news2-urgent" still sees it.
export const NEWS2_URGENT_AT = 5;
export const NEWS2_EMERGENCY_AT = 7;

/**
 * A fall in GCS total from `previousGcs` that raises `gcs-drop`. NICE head
 * injury guidance (CG176, now NG232, admission and observation) asks for
 * urgent reappraisal on a sustained drop of 1 point (more weight to the motor
 * score) or any drop of ≥3 in eye/verbal or ≥2 in motor. Only totals are
 * compared here (earlier components are not recorded) and "sustained" cannot
 * be judged from two readings, so any drop of 1 is flagged and the message
 * asks for confirmation. Not in REFERENCE.md: Northstation's operational
 * choice, needs local clinical sign-off.
 */
export const GCS_DROP_ALERT_POINTS = 1;

export function deteriorationFlags(vitals: Vitals, scores: ScoresForFlags): DeteriorationFlag[] {
  const flags: DeteriorationFlag[] = [];
  const { news2, qsofa } = scores;
  const partial = news2.complete ? '' : ' (partial: some parameters missing, the true total may be higher)';

  if (news2.total >= NEWS2_URGENT_AT) {
    flags.push({ code: 'news2-urgent', message: `NEWS2 ${news2.total}${partial} ≥ ${NEWS2_URGENT_AT}: urgent review by a clinician competent in acute illness` });
  }
  if (news2.total >= NEWS2_EMERGENCY_AT) {
    flags.push({ code: 'news2-emergency', message: `NEWS2 ${news2.total}${partial} ≥ ${NEWS2_EMERGENCY_AT}: emergency assessment by a critical-care team` });
  }
  if (news2.singleParameterThree) {
    flags.push({ code: 'news2-single-parameter-3', message: 'a single NEWS2 parameter scores 3: urgent ward-based review' });
  }
  if (qsofa.score >= QSOFA_POSITIVE_AT) {
    flags.push({ code: 'qsofa-positive', message: `qSOFA ${qsofa.score} ≥ ${QSOFA_POSITIVE_AT}: sepsis screen positive` });
  }
  if (scores.shockIndex !== null && scores.shockIndex >= SHOCK_INDEX_ABNORMAL_AT) {
    flags.push({ code: 'shock-index-high', message: `shock index ${formatShockIndex(scores.shockIndex)} ≥ ${SHOCK_INDEX_ABNORMAL_AT.toFixed(1)}` });
  }
  const { gcs, previousGcs, ageYears } = vitals;
  if (gcs !== undefined && previousGcs !== undefined && previousGcs - gcs >= GCS_DROP_ALERT_POINTS) {
    flags.push({ code: 'gcs-drop', message: `GCS fell from ${previousGcs} to ${gcs}: urgent reappraisal; confirm it is sustained` });
  }
  if (ageYears !== undefined && ageYears < PAEDIATRIC_BELOW_AGE_YEARS) {
    flags.push({
      code: 'paediatric',
      message: `age ${ageYears} < ${PAEDIATRIC_BELOW_AGE_YEARS}: NEWS2, qSOFA and the adult CTAS modifiers are not validated for children; use paediatric tools`,
    });
  }
  if (!news2.complete) {
    flags.push({ code: 'incomplete-vitals', message: 'NEWS2 could not be completed: a missing value is unknown, not normal' });
  }
  return flags;
}
