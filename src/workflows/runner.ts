/**
 * Runs workflows for every front door (CLI, HTTP API, UI): validates the input
 * (errors name the field), holds a per-workflow concurrency limit, streams
 * progress events, honours an AbortSignal, and wraps the workflow's output
 * into a Draft with provenance and the model card's limitations.
 */
import { createHash } from 'node:crypto';
import { NorthstationError, notFound } from '../core/errors.ts';
import type { ChatModel, GenerateOptions, GenerateResult } from '../engine/chat-model.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { assertContent } from './content-schema.ts';
import { modelCardNotice, type ModelCardNotice } from '../safety/model-card.ts';
import { generateWithSchema } from '../safety/output-hygiene.ts';
import type { Draft, WorkflowEvent } from './draft.ts';
import { Semaphore } from './semaphore.ts';
import type { AnyWorkflow, WorkflowContext } from './workflow.ts';

export interface WorkflowRunnerOptions {
  model: ChatModel;
  workflows: readonly AnyWorkflow[];
  /** Runs of one workflow at a time; more wait (first come, first served). Default: 2. */
  concurrencyPerWorkflow?: number;
  /** SHA-256 of the model file, for provenance (the conformance gate computes it at start-up). Default: unknown. */
  modelSha256?: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: WorkflowEvent) => void;
}

export interface WorkflowRunner {
  readonly workflows: readonly string[];
  run(workflow: string, input: unknown, options?: RunOptions): Promise<Draft<unknown>>;
}

export function createWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  const byName = new Map(options.workflows.map((workflow) => [workflow.name, workflow]));
  const limits = new Map(options.workflows.map((workflow) => [workflow.name, new Semaphore(options.concurrencyPerWorkflow ?? 2)]));
  return {
    workflows: [...byName.keys()],
    run: async (name, rawInput, { signal = new AbortController().signal, onEvent = () => undefined } = {}) => {
      const workflow = byName.get(name);
      const limit = limits.get(name);
      if (!workflow || !limit) throw notFound(`no workflow "${name}"; workflows: ${[...byName.keys()].join(', ')}`);
      const input = validateInput(workflow, rawInput);
      const release = await limit.acquire(signal);
      try {
        return await runOnce(workflow, input, options, signal, onEvent);
      } finally {
        release();
      }
    },
  };
}

function validateInput(workflow: AnyWorkflow, raw: unknown): never {
  const parsed = workflow.input.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '$';
  throw new NorthstationError('bad_request', `${workflow.name} input: ${field}: ${issue?.message ?? 'invalid'}`, { field });
}

async function runOnce(
  workflow: AnyWorkflow,
  input: never,
  options: WorkflowRunnerOptions,
  signal: AbortSignal,
  emit: (event: WorkflowEvent) => void,
): Promise<Draft<unknown>> {
  const startedAt = performance.now();
  const calls: GenerateResult[] = [];
  const attempts = { count: 0 };
  const counted = countCalls(options.model, calls, attempts);
  const context: WorkflowContext = {
    model: counted,
    signal,
    emit,
    generate: async (messages, { schema, maxTokens, stage }) => {
      signal.throwIfAborted();
      if (stage !== undefined) emit({ type: 'prefill-progress', stage, done: calls.length, total: calls.length + 1 });
      const output = await generateWithSchema(counted, messages, {
        schema,
        maxTokens,
        signal,
        onTextDelta: (delta) => emit({ type: 'text-delta', delta }),
      });
      return output.value;
    },
  };
  const { content, findings, provenance: extra } = await workflow.run(input, context);
  // The same schema a clinician's edit of this content must pass: a workflow cannot store what an edit could not.
  assertContent(workflow.name, workflow.content, content, "the workflow's content");
  for (const finding of findings) emit({ type: 'guard-finding', finding });

  const { info } = options.model;
  const draft: Draft<unknown> = {
    status: 'draft',
    workflow: workflow.name,
    content,
    findings,
    limitations: withTaskLimitations(modelCardNotice(info), workflow.limitations ?? []),
    provenance: {
      workflow: workflow.name,
      workflowVersion: workflow.version,
      model: {
        id: info.id,
        backend: info.backend,
        ...(options.modelSha256 === undefined ? {} : { sha256: options.modelSha256 }),
        ...(typeof info.details.quantisation === 'string' ? { quantisation: info.details.quantisation } : {}),
        synthetic: info.synthetic,
      },
      engine: String(info.details.engine ?? info.details.upstreams ?? info.backend),
      promptTemplate: { id: workflow.prompt.id, version: workflow.prompt.version, sha256: workflow.prompt.sha256 },
      inputSha256: createHash('sha256').update(canonicalJson(input)).digest('hex'),
      ...(extra?.image === undefined ? {} : { image: extra.image }),
      createdAt: new Date().toISOString(),
      timings: summarise(calls, attempts.count, performance.now() - startedAt),
    },
  };
  emit({ type: 'draft-ready', draft });
  return draft;
}

/** The model card's notice with the workflow's own task limitations appended (to the list and the paragraph). */
function withTaskLimitations(notice: ModelCardNotice, extra: readonly string[]): ModelCardNotice {
  if (extra.length === 0) return notice;
  return { ...notice, limitations: [...notice.limitations, ...extra], text: `${notice.text} ${extra.join(' ')}` };
}

/**
 * The same model, recording each call for the draft's provenance: every
 * attempt is counted (a backend's own schema_violation throws before it can
 * report usage), and the results that came back are kept for token counts.
 */
function countCalls(model: ChatModel, calls: GenerateResult[], attempts: { count: number }): ChatModel {
  return {
    info: model.info,
    capabilities: model.capabilities,
    generate: async (messages, generateOptions?: GenerateOptions) => {
      attempts.count++;
      const result = await model.generate(messages, generateOptions);
      calls.push(result);
      return result;
    },
    dispose: () => model.dispose(),
  };
}

function summarise(calls: readonly GenerateResult[], modelCalls: number, totalMs: number): Draft<unknown>['provenance']['timings'] {
  const completionTokens = calls.reduce((sum, call) => sum + call.usage.completionTokens, 0);
  const decodeSeconds = calls.reduce((sum, call) => sum + (call.timings.totalMs - call.timings.timeToFirstTokenMs) / 1000, 0);
  return {
    totalMs: Math.round(totalMs),
    timeToFirstTokenMs: Math.round(calls[0]?.timings.timeToFirstTokenMs ?? 0),
    decodeTokensPerSecond: decodeSeconds > 0 ? Math.round((completionTokens / decodeSeconds) * 10) / 10 : 0,
    promptTokens: calls.reduce((sum, call) => sum + call.usage.promptTokens, 0),
    completionTokens,
    modelCalls,
  };
}
