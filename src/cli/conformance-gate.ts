/**
 * The serve-side conformance gate: a model serves only with a passing report
 * for these weights on this hardware, or an administrator's audited override.
 * A synthetic model cannot pass (random weights), so serving one records an
 * automatic override, keeping `serve --synthetic` working and on the record.
 */
import type { ChatModel } from '../engine/chat-model.ts';
// The gate's own modules, not the index: serving must not load the golden pack.
import { assertConformance } from '../safety/conformance/gate.ts';
import { currentHardware, modelIdentity } from '../safety/conformance/model-identity.ts';
import type { ModelIdentity } from '../safety/conformance/report.ts';
import type { ConformanceSummary } from '../server/clinical/serving-report.ts';
import { createProgressLine } from './progress.ts';

export const syntheticOverrideReason = 'synthetic model: random weights, not for clinical use';

export const conformanceArgOptions = { 'override-conformance': { type: 'string' } } as const;

export const conformanceArgsHelp = `  --override-conformance REASON
                serve although the model has no passing conformance report
                (\`northstation validate\`); the override is audited`;

/**
 * Throws `forbidden` when the model may not serve; prints what it decided on
 * stderr. Returns the model's identity (its file's SHA-256, for provenance)
 * and a summary of the decision for GET /api/status (not the OS user or host of an override).
 */
export async function enforceConformance(model: ChatModel, overrideReason: string | undefined): Promise<{ identity: ModelIdentity; conformance: ConformanceSummary }> {
  const hashing = createProgressLine({ label: 'sha256' });
  const identity = await modelIdentity(model, { onHashProgress: (done, total) => { hashing.update(done, total); } });
  hashing.finish();
  const automatic = overrideReason === undefined && model.info.synthetic;
  const decision = await assertConformance(identity, {
    hardware: currentHardware(model),
    ...(automatic ? { overrideReason: syntheticOverrideReason } : overrideReason === undefined ? {} : { overrideReason }),
  });
  if (decision.kind === 'passed') {
    process.stderr.write(`Conformance: passed on ${decision.report.createdAt} (${decision.reportPath}).\n`);
    const checks = decision.report.checks.map((check) => ({ id: check.id, title: check.title, status: check.status }));
    return { identity, conformance: { outcome: 'passed', at: decision.report.createdAt, overrideReason: null, refusal: null, checks } };
  }
  const how = automatic ? 'Automatic audited conformance override (synthetic model)' : 'Conformance override';
  process.stderr.write(`${how}: ${decision.refusal.message}.\n  Reason "${decision.entry.reason}" by ${decision.entry.user}, recorded in ${decision.auditPath}.\n`);
  return {
    identity,
    conformance: { outcome: 'overridden', at: decision.entry.time, overrideReason: decision.entry.reason, refusal: { code: decision.refusal.code, message: decision.refusal.message }, checks: [] },
  };
}
