/**
 * What every command that serves drafts does before its first request
 * (`serve`, `run`, `eval`): open the model the flags name, show the synthetic
 * banner, pass the conformance gate (or record the audited override), and
 * build the workflow runner with the model file's hash for provenance.
 */
import type { Logger } from '../core/log.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import type { ModelIdentity } from '../safety/conformance/report.ts';
import type { ConformanceSummary } from '../server/clinical/serving-report.ts';
import { workflows } from '../workflows/index.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../workflows/runner.ts';
import { enforceConformance } from './conformance-gate.ts';
import { openModelFromArgs, syntheticBanner, type ModelArgValues } from './model-args.ts';

export interface ServingModel {
  model: ChatModel;
  identity: ModelIdentity;
  /** The conformance gate's decision (GET /api/status shows it). */
  conformance: ConformanceSummary;
}

/** Opens and gates the model; a model the gate refuses is unloaded before the error propagates. */
export async function openServingModel(values: ModelArgValues & { 'override-conformance'?: string | undefined }, logger: Logger): Promise<ServingModel> {
  const model = await openModelFromArgs(values, logger);
  const banner = syntheticBanner(model);
  if (banner) process.stderr.write(banner + '\n');
  try {
    return { model, ...(await enforceConformance(model, values['override-conformance'])) };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

export function workflowRunnerFor({ model, identity }: ServingModel): WorkflowRunner {
  return createWorkflowRunner({ model, workflows, ...(identity.file ? { modelSha256: identity.file.sha256 } : {}) });
}
