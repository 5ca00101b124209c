/**
 * The serve-side gate (DESIGN.md rule 6): a model serves only when its latest
 * conformance report exists, is intact, is about these exact weights on this
 * hardware, and passed. Otherwise it is refused, unless an administrator gives
 * a reason to override, which goes to the audit log.
 */
import { NorthstationError } from '../../core/errors.ts';
import { identityKey } from './model-identity.ts';
import { appendOverride, type OverrideEntry } from './override-audit.ts';
import type { ConformanceReport, Hardware, ModelIdentity } from './report.ts';
import { loadSigningKey, verifyReport, type SigningKey } from './report-integrity.ts';
import { readReport } from './report-store.ts';

export type RefusalCode = 'no_report' | 'report_tampered' | 'different_model' | 'different_file' | 'different_hardware' | 'report_failed';

export interface Refusal {
  code: RefusalCode;
  message: string;
  reportPath: string;
}

export interface GateOptions {
  /** Data directory. Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
  /** The machine serving now; a report from other hardware is refused. Default: not compared. */
  hardware?: Hardware;
  /** An administrator's reason to serve despite a refusal; audited. Default: none (refuse). */
  overrideReason?: string;
  /** Default: the key named by NORTHSTATION_SIGNING_KEY_FILE, if any. */
  signingKey?: SigningKey;
}

export type GateDecision =
  | { kind: 'passed'; reportPath: string; report: ConformanceReport }
  | { kind: 'overridden'; refusal: Refusal; auditPath: string; entry: OverrideEntry };

/** Resolves when the model may serve; throws `forbidden` naming the reason otherwise. */
export async function assertConformance(identity: ModelIdentity, options: GateOptions = {}): Promise<GateDecision> {
  const outcome = await checkConformance(identity, options);
  if (outcome.kind === 'passed') return outcome;
  const { refusal } = outcome;
  const reason = options.overrideReason?.trim();
  if (reason === undefined || reason === '') {
    throw new NorthstationError('forbidden', `${refusal.message}. To serve anyway, an administrator passes --override-conformance "REASON" (audited).`, {
      refusal: refusal.code,
      reportPath: refusal.reportPath,
    });
  }
  const key = 'signingKey' in options ? options.signingKey : await loadSigningKey();
  const { entry, path } = await appendOverride(
    { model: identity, reason, refusal: refusal.message },
    { ...(options.home === undefined ? {} : { home: options.home }), signingKey: key },
  );
  return { kind: 'overridden', refusal, auditPath: path, entry };
}

/** The gate's verdict without acting on it. */
export async function checkConformance(
  identity: ModelIdentity,
  options: GateOptions = {},
): Promise<{ kind: 'passed'; reportPath: string; report: ConformanceReport } | { kind: 'refused'; refusal: Refusal }> {
  const stored = await readReport(identity, options.home);
  const refuse = (code: RefusalCode, message: string) => ({ kind: 'refused' as const, refusal: { code, message, reportPath: stored.path } });
  const name = `"${identity.id}"`;
  const rerun = 'run `northstation validate` with the same model options';
  if (stored.kind === 'missing') return refuse('no_report', `${name} has no conformance report (${stored.path}); ${rerun}`);
  if (stored.kind === 'unreadable') return refuse('report_tampered', `the conformance report ${stored.path} cannot be trusted: ${stored.reason}; ${rerun}`);

  const { report } = stored;
  const key = 'signingKey' in options ? options.signingKey : await loadSigningKey();
  const verification = verifyReport(report, key);
  if (!verification.ok) return refuse('report_tampered', `the conformance report ${stored.path} cannot be trusted: ${verification.reason}; ${rerun}`);

  // The report must be about this model, not merely sit at its path: a sealed report copied from
  // another model (other upstream, other file, base model without the LoRA) is refused.
  const modelChange = modelMismatch(report.model, identity);
  if (modelChange) return refuse('different_model', `the conformance report ${stored.path} is about another model (${modelChange}); ${rerun}`);

  const mismatch = fileMismatch(report.model, identity);
  if (mismatch) return refuse('different_file', `the conformance report for ${name} is about other weights (${mismatch}); ${rerun}`);

  const hardwareChange = options.hardware && identity.backend === 'llama' ? hardwareMismatch(report.hardware, options.hardware) : undefined;
  if (hardwareChange) return refuse('different_hardware', `${name} was validated on other hardware (${hardwareChange}); ${rerun} on this machine`);

  if (!report.passed) {
    const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
    return refuse('report_failed', `the last conformance run of ${name} failed (${failed.join(', ')}) on ${report.createdAt}; see ${stored.path}`);
  }
  return { kind: 'passed', reportPath: stored.path, report };
}

/** Backend, file path, LoRA adapters and upstream (model name and URLs) must all be the ones served now. */
function modelMismatch(validated: ModelIdentity, now: ModelIdentity): string | undefined {
  const differences: string[] = [];
  if (validated.backend !== now.backend) differences.push(`backend: report "${validated.backend}", now "${now.backend}"`);
  if (validated.file?.path !== now.file?.path) differences.push(`file: report "${validated.file?.path ?? 'none'}", now "${now.file?.path ?? 'none'}"`);
  if (validated.lora !== now.lora) differences.push(`LoRA: report "${validated.lora ?? 'none'}", now "${now.lora ?? 'none'}"`);
  if (validated.projector?.path !== now.projector?.path) differences.push(`projector: report "${validated.projector?.path ?? 'none'}", now "${now.projector?.path ?? 'none'}"`);
  const upstream = (identity: ModelIdentity) => (identity.upstream ? `${identity.upstream.model}@${identity.upstream.baseUrls.join(',')}` : 'none');
  if (upstream(validated) !== upstream(now)) differences.push(`upstream: report "${upstream(validated)}", now "${upstream(now)}"`);
  if (differences.length === 0 && identityKey(validated) !== identityKey(now)) differences.push(`identity: report "${identityKey(validated)}", now "${identityKey(now)}"`);
  return differences.length === 0 ? undefined : differences.join('; ');
}

function fileMismatch(validated: ModelIdentity, now: ModelIdentity): string | undefined {
  if (!now.file) return validated.file ? 'the report names a file, the model now has none' : undefined;
  if (!validated.file) return 'the report names no file';
  if (validated.file.sha256 !== now.file.sha256) {
    return `report sha256 ${validated.file.sha256.slice(0, 12)}…, file now ${now.file.sha256.slice(0, 12)}…`;
  }
  if (validated.projector !== undefined && now.projector !== undefined && validated.projector.sha256 !== now.projector.sha256) {
    return `projector: report sha256 ${validated.projector.sha256.slice(0, 12)}…, file now ${now.projector.sha256.slice(0, 12)}…`;
  }
  return undefined;
}

/** CPU model, architecture and GPU backend: what changes numerics and speed. Memory and core counts vary with containers. */
function hardwareMismatch(validated: Hardware, now: Hardware): string | undefined {
  const fields = ['cpuModel', 'arch', 'gpu'] as const;
  const changed = fields.filter((field) => validated[field] !== now[field]);
  if (changed.length === 0) return undefined;
  return changed.map((field) => `${field}: report "${validated[field]}", now "${now[field]}"`).join('; ');
}
