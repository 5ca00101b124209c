/**
 * Every deterministic score for one patient, in the shape the CLI, the HTTP
 * API and the UI share (issue #3's contract). The model never computes these:
 * workflows merge them with its suggestions, and the rules may only raise acuity.
 */
import { ctasFloor, type CtasFloor, type CtasLevel, type CtasReason } from './ctas-floor.ts';
import { deteriorationFlags, type DeteriorationCode, type DeteriorationFlag } from './deterioration.ts';
import { news2, type News2Result } from './news2.ts';
import { parseVitals } from './parse-vitals.ts';
import { qsofa, sirs, type QsofaResult, type SirsResult } from './sepsis.ts';
import { shockIndex } from './shock-index.ts';
import type { ExtremeValue, Vitals } from './vitals.ts';

export interface ScoreReport {
  news2: News2Result;
  qsofa: QsofaResult;
  sirs: SirsResult;
  /** Heart rate ÷ systolic BP; null when either is missing or systolic BP is 0 (then `shock-index-high` is flagged). */
  shockIndex: number | null;
  gcs: number | null;
  ctas: {
    floor: CtasLevel | null;
    /** One human-readable reason per modifier that fired. */
    reasons: string[];
    modifiers: CtasReason[];
    paediatric: boolean;
    notApplicable: string[];
    missing: string[];
  };
  /** Deterioration flag codes, e.g. `news2-urgent`, `qsofa-positive`. */
  flags: DeteriorationCode[];
  /** The same flags with the message a clinician reads. */
  alerts: DeteriorationFlag[];
  /** Possible but extreme values to re-check at the bedside. */
  extremes: ExtremeValue[];
}

/** Scores already-validated vitals. */
export function scoreVitals(vitals: Vitals, extremes: ExtremeValue[] = []): ScoreReport {
  const news2Result = news2(vitals);
  const qsofaResult = qsofa(vitals);
  const index = shockIndex(vitals);
  const floor: CtasFloor = ctasFloor(vitals);
  const alerts = deteriorationFlags(vitals, { news2: news2Result, qsofa: qsofaResult, shockIndex: index });
  return {
    news2: news2Result,
    qsofa: qsofaResult,
    sirs: sirs(vitals),
    // Infinity (systolic BP 0) has no JSON form; the alert says "unmeasurable".
    shockIndex: index !== null && Number.isFinite(index) ? index : null,
    gcs: vitals.gcs ?? null,
    ctas: {
      floor: floor.floor,
      reasons: floor.reasons.map((reason) => reason.reason),
      modifiers: floor.reasons,
      paediatric: floor.paediatric,
      notApplicable: floor.notApplicable,
      missing: floor.missing,
    },
    flags: alerts.map((alert) => alert.code),
    alerts,
    extremes,
  };
}

/** Validates the contract's JSON (throws `VitalsValidationError` naming the field), then scores it. */
export function scoreInput(input: unknown): ScoreReport {
  const { vitals, extremes } = parseVitals(input);
  return scoreVitals(vitals, extremes);
}
