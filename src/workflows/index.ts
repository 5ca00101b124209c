/** Every workflow the runner offers, by name. */
import { contraindicationsWorkflow } from './contraindications/index.ts';
import { differentialWorkflow } from './differential/index.ts';
import { historySummaryWorkflow } from './history-summary/index.ts';
import { imagingReadWorkflow } from './imaging-read/index.ts';
import { soapNoteWorkflow } from './soap-note/index.ts';
import { triageWorkflow } from './triage/index.ts';
import type { AnyWorkflow } from './workflow.ts';

// Each workflow is typed by its own input and content; the registry erases both (the runner
// validates input with each workflow's own schema before calling it).
export const workflows: readonly AnyWorkflow[] = [
  soapNoteWorkflow,
  triageWorkflow,
  historySummaryWorkflow,
  differentialWorkflow,
  contraindicationsWorkflow,
  imagingReadWorkflow,
] as unknown as readonly AnyWorkflow[];

export { createWorkflowRunner, type WorkflowRunner, type RunOptions } from './runner.ts';
export type { Draft, Provenance, WorkflowEvent } from './draft.ts';
