/**
 * `northstation run WORKFLOW (--model FILE | --synthetic | --upstream URL …)`:
 * reads the workflow's input JSON on stdin and prints the DRAFT JSON on
 * stdout; progress goes to stderr. Invalid input: exit code 2 and
 * `{ "error": { "field", "message" } }` on stdout, like `score` and `lint`.
 */
import { parseArgs } from 'node:util';
import { isNorthstationError } from '../../core/errors.ts';
import { workflows } from '../../workflows/index.ts';
import { draftToJson } from '../../workflows/draft.ts';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import { conformanceArgOptions, conformanceArgsHelp } from '../conformance-gate.ts';
import { modelArgOptions, modelArgsHelp, usageError } from '../model-args.ts';
import { openServingModel, workflowRunnerFor } from '../serving-model.ts';
import { readStdin } from '../stdin.ts';

const help = `usage: northstation run WORKFLOW (--model FILE | --synthetic | --upstream URL …) < input.json

workflows: ${workflows.map((workflow) => workflow.name).join(', ')}
Prints the draft (never a final document) with its findings, limitations and provenance.

  --events      print progress events (JSON lines) on stderr, text deltas included
${conformanceArgsHelp}

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...modelArgOptions, ...conformanceArgOptions, events: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw usageError(`run takes one workflow: ${workflows.map((workflow) => workflow.name).join(', ')}`);
  if (!workflows.some((workflow) => workflow.name === name)) {
    throw usageError(`no workflow "${name}"; workflows: ${workflows.map((workflow) => workflow.name).join(', ')}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(await readStdin());
  } catch {
    return invalid('$', 'stdin is not valid JSON');
  }

  const serving = await openServingModel(values, createRedactingLogger({ level: 'warn' }));
  try {
    const runner = workflowRunnerFor(serving);
    const controller = new AbortController();
    process.once('SIGINT', () => { controller.abort(); });
    const ticker = stageTicker(name);
    const draft = await runner.run(name, input, {
      signal: controller.signal,
      onEvent: (event) => {
        ticker.next(event.type === 'prefill-progress' ? event.stage : undefined);
        if (values.events) process.stderr.write(JSON.stringify(event) + '\n');
        else if (event.type === 'prefill-progress') process.stderr.write(`${name}: ${event.stage}\n`);
      },
    }).finally(() => { ticker.next(undefined); });
    process.stdout.write(JSON.stringify(draftToJson(draft), null, 2) + '\n');
    return 0;
  } catch (error) {
    if (isNorthstationError(error, 'bad_request') && typeof error.details.field === 'string') return invalid(error.details.field, error.message);
    throw error;
  } finally {
    await serving.model.dispose();
  }
}

/** Stages that can run for minutes without another event; the ticker says the work is still going. */
const slowStages = new Set(['encoding image']);
const tickMs = 15_000;

/**
 * Prints the elapsed time every 15 s while a slow stage runs (a CPU encodes
 * a full-size image for minutes, and llama.cpp reports no progress inside
 * it), until the next event arrives.
 */
function stageTicker(name: string): { next: (stage: string | undefined) => void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    next(stage) {
      clearInterval(timer);
      timer = undefined;
      if (stage === undefined || !slowStages.has(stage)) return;
      const started = Date.now();
      timer = setInterval(() => {
        process.stderr.write(`${name}: ${stage}… ${Math.round((Date.now() - started) / 1000)} s (on a CPU this takes minutes per image; ./northstation sizing estimates it)\n`);
      }, tickMs);
      timer.unref();
    },
  };
}

function invalid(field: string, message: string): number {
  process.stdout.write(JSON.stringify({ error: { field, message } }) + '\n');
  return 2;
}
