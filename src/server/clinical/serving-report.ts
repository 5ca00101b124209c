/**
 * What `GET /api/status` tells the web UI's "model and site status" screen
 * beyond the model's own description: the conformance identity of the
 * weights, the gate's decision, the memory the catalog sizing expects, and
 * how the site is set up. `serve` builds it (cli/serving-report.ts) and hands
 * it to `buildClinicalApp`; nothing here holds PHI or credentials, and no
 * model file path (a conformance refusal's message may name the report file).
 */
import type { ChatModel } from '../../engine/chat-model.ts';
import type { CheckStatus, ModelIdentity } from '../../safety/conformance/report.ts';
import { modelCardNotice } from '../../safety/model-card.ts';

/** The conformance gate's decision when the model was loaded (cli/conformance-gate.ts). */
export interface ConformanceSummary {
  outcome: 'passed' | 'overridden';
  /** passed: when the report was made; overridden: when the override was recorded. */
  at: string | null;
  /** overridden: the reason given (or the automatic one of a synthetic model); null when passed. */
  overrideReason: string | null;
  /** overridden: why the gate would have refused (e.g. no report for these weights); null when passed. */
  refusal: { code: string; message: string } | null;
  /** The report's checks (passed); empty when overridden. */
  checks: { id: string; title: string; status: CheckStatus }[];
}

export interface ServingReport {
  /** The weights as the conformance gate identified them (file size and SHA-256). */
  identity?: ModelIdentity;
  conformance?: ConformanceSummary;
  /** Bytes the catalog sizing expects the model to need (weights, KV cache, buffers); null when it cannot say. */
  memoryEstimateBytes?: number | null;
  /** Where the records are kept. */
  records?: 'sqlite' | 'postgresql';
  /** The DICOM storage listener, when `serve` runs one. */
  imagingListener?: { port: number; aeTitle: string } | null;
}

/** The body of `GET /api/status` (every field beyond model and workflows is null when unknown). */
export function statusBody(model: ChatModel | undefined, workflows: readonly string[], report: ServingReport, processRssBytes: number): Record<string, unknown> {
  const quantisation = model?.info.details.quantisation;
  return {
    model: model === undefined ? null : {
      id: model.info.id,
      backend: model.info.backend,
      synthetic: model.info.synthetic,
      ...(model.info.contextSize === undefined ? {} : { contextSize: model.info.contextSize }),
      capabilities: model.capabilities,
      health: model.health?.() ?? { ready: true },
      quantisation: typeof quantisation === 'string' ? quantisation : null,
      fileBytes: report.identity?.file?.sizeBytes ?? null,
      sha256: report.identity?.file?.sha256 ?? null,
    },
    memory: { processRssBytes, estimateBytes: report.memoryEstimateBytes ?? null },
    conformance: report.conformance ?? null,
    limitations: model === undefined ? null : limitationsOf(model),
    site: { records: report.records ?? null, imagingListener: report.imagingListener ?? null },
    workflows,
  };
}

function limitationsOf(model: ChatModel): { status: string; displayName: string; intendedUse: string; limitations: readonly string[]; text: string } {
  const notice = modelCardNotice(model.info);
  return { status: notice.status, displayName: notice.displayName, intendedUse: notice.intendedUse, limitations: notice.limitations, text: notice.text };
}
