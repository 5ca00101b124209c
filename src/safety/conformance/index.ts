/** The conformance gate (DESIGN.md rule 6): run the golden pack, keep the sealed report, gate serving on it. */
export { runConformance, defaultConformanceOptions, type ConformanceOptions } from './run-conformance.ts';
export type { ConformanceProgress } from './check-context.ts';
export type { CheckResult, CheckStatus, ConformanceReport, Hardware, ModelIdentity } from './report.ts';
export { loadSigningKey, sealReport, verifyReport, type SigningKey, type Verification } from './report-integrity.ts';
export { conformanceDir, readReport, reportPath, writeReport, type StoredReport } from './report-store.ts';
export { currentHardware, modelIdentity, identityKey } from './model-identity.ts';
export { assertConformance, checkConformance, type GateDecision, type GateOptions, type Refusal, type RefusalCode } from './gate.ts';
export { appendOverride, overrideLogPath, verifyAuditChain, type OverrideEntry } from './override-audit.ts';
export { goldenTasks, type GoldenTask } from './golden-tasks.ts';
export { publishedPubMedQa } from './published-figure.ts';
