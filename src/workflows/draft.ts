/**
 * What every workflow returns: a DRAFT, never a final document (DESIGN.md rule
 * 1), with everything a reviewer and an auditor need to trust or reject it —
 * the guard findings, the model card's limitations, and provenance down to the
 * model file's hash and the prompt template's hash.
 */
import type { PreprocessRecord } from '../imaging/preprocess.ts';
import type { Finding } from '../safety/finding.ts';
import type { ModelCardNotice } from '../safety/model-card.ts';

export interface Provenance {
  workflow: string;
  workflowVersion: string;
  model: {
    id: string;
    backend: string;
    /** SHA-256 of the GGUF file (embedded engine), when known. */
    sha256?: string;
    quantisation?: string;
    synthetic: boolean;
  };
  /** e.g. "node-llama-cpp 3.21.1", or the upstream's base URLs. */
  engine: string;
  promptTemplate: { id: string; version: string; sha256: string };
  /** SHA-256 of the canonical JSON of the validated input: ties the draft to what it was made from without storing it twice. */
  inputSha256: string;
  /** Imaging workflows: the image's SHA-256 and exactly how it was preprocessed for the model. */
  image?: PreprocessRecord;
  createdAt: string;
  timings: {
    totalMs: number;
    /** Time until the first generated token of the first model call: prompt evaluation, mostly. */
    timeToFirstTokenMs: number;
    decodeTokensPerSecond: number;
    promptTokens: number;
    completionTokens: number;
    modelCalls: number;
  };
}

export interface Draft<Content> {
  /** Always "draft": only a clinician's signature (records layer) makes a document final. */
  status: 'draft';
  workflow: string;
  content: Content;
  /** Every guard finding on the model's output, in the content's text fields. */
  findings: Finding[];
  /** The model card's intended use and limitations, shown with every output. */
  limitations: ModelCardNotice;
  provenance: Provenance;
}

/** Progress a caller (CLI, HTTP stream, UI) can show while a workflow runs. */
export type WorkflowEvent =
  | { type: 'prefill-progress'; stage: string; done: number; total: number }
  | { type: 'text-delta'; delta: string }
  | { type: 'guard-finding'; finding: Finding }
  | { type: 'draft-ready'; draft: Draft<unknown> };

/**
 * The draft as the CLI and integrators read it (issue #5's contract): the
 * workflow's content fields at the top level (`ctas`, `flags`, `sections`, …)
 * beside `status`, `workflow`, `findings`, `limitations` and `provenance`.
 */
export function draftToJson(draft: Draft<unknown>): Record<string, unknown> {
  const { content, ...envelope } = draft;
  const fields = typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : { content };
  return { status: envelope.status, workflow: envelope.workflow, ...fields, findings: envelope.findings, limitations: envelope.limitations, provenance: envelope.provenance };
}
