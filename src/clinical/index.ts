/** The clinical rules' public surface, shared by the CLI, the HTTP API and the UI. */
// scoreVitals stays internal: it trusts its input, and every caller outside must go through validation.
export { scoreInput, type ScoreReport } from './score.ts';
export { parseVitals, plausibilityLimits } from './parse-vitals.ts';
export { news2, type News2Result, type News2Risk, type News2Parameter } from './news2.ts';
export { qsofa, sirs, type QsofaResult, type SirsResult } from './sepsis.ts';
export { shockIndex } from './shock-index.ts';
export { ctasFloor, type CtasFloor, type CtasLevel, type CtasReason } from './ctas-floor.ts';
export { deteriorationFlags, type DeteriorationFlag, type DeteriorationCode } from './deterioration.ts';
export { gcsTotal, gcsSeverity, consciousnessFrom } from './gcs.ts';
export { VitalsValidationError, type Vitals, type ParsedVitals, type ExtremeValue } from './vitals.ts';
