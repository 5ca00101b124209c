/**
 * Schema adherence: every golden task must yield JSON that validates, through
 * the same bounded-repair path workflows use (output-hygiene's
 * generateWithSchema). Repairs needed are counted: a model that validates only
 * after repair passes, but the report shows it.
 */
import { isNorthstationError } from '../../core/errors.ts';
import { generateWithSchema } from '../output-hygiene.ts';
import { excerpt, type CheckContext } from './check-context.ts';
import { goldenTasks, type GoldenTask } from './golden-tasks.ts';
import type { CheckResult } from './report.ts';

export const schemaMaxRepairs = 2;
export const schemaCheckId = 'schema-adherence';

interface TaskOutcome {
  task: string;
  valid: boolean;
  attempts: number;
  error?: string;
  output?: string;
}

export async function checkSchemaAdherence(context: CheckContext, tasks: readonly GoldenTask[] = goldenTasks): Promise<CheckResult> {
  const model = context.modelFor(schemaCheckId);
  const outcomes: TaskOutcome[] = [];
  for (const [index, task] of tasks.entries()) {
    context.progress(schemaCheckId, index, tasks.length);
    try {
      const result = await generateWithSchema(model, task.messages, { schema: task.schema, maxRepairs: schemaMaxRepairs, maxTokens: task.maxTokens, signal: context.signal });
      outcomes.push({ task: task.id, valid: true, attempts: result.attempts });
    } catch (error) {
      if (!isNorthstationError(error) || error.code === 'aborted') throw error;
      const raw = error.details.rawText;
      outcomes.push({
        task: task.id,
        valid: false,
        attempts: typeof error.details.attempts === 'number' ? error.details.attempts : schemaMaxRepairs + 1,
        error: `${error.code}: ${error.message}`,
        ...(typeof raw === 'string' ? { output: excerpt(raw) } : {}),
      });
    }
  }
  context.progress(schemaCheckId, tasks.length, tasks.length);
  const valid = outcomes.filter((outcome) => outcome.valid).length;
  const failed = outcomes.filter((outcome) => !outcome.valid).map((outcome) => outcome.task);
  return {
    id: schemaCheckId,
    title: 'Schema adherence on the golden workflow tasks',
    status: failed.length === 0 ? 'pass' : 'fail',
    measured: `${valid}/${outcomes.length}`,
    threshold: `all ${outcomes.length} valid within ${schemaMaxRepairs} repairs`,
    ...(failed.length > 0 ? { reason: `no valid output for ${failed.join(', ')}` } : {}),
    details: {
      maxRepairs: schemaMaxRepairs,
      repairsNeeded: outcomes.reduce((sum, outcome) => sum + (outcome.valid ? outcome.attempts - 1 : 0), 0),
      tasks: outcomes,
    },
  };
}
