/**
 * `northstation eval soap-note|triage --data FILE (--model FILE | --synthetic | --upstream URL …)`:
 * runs a workflow over a public or labelled set and prints one line per item
 * and the aggregate figures. With a synthetic model the content figures are
 * meaningless, the mechanics (no crash, schema-valid drafts, time) are real;
 * with a real MedGemma it gives the site its baseline.
 */
import { parseArgs } from 'node:util';
import type { WorkflowRunner } from '../../workflows/runner.ts';
import { evaluateSoapNote } from '../../workflows/soap-note/eval.ts';
import { evaluateTriage } from '../../workflows/triage/eval.ts';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import { conformanceArgOptions, conformanceArgsHelp } from '../conformance-gate.ts';
import { modelArgOptions, modelArgsHelp, optionalInteger, usageError } from '../model-args.ts';
import { openServingModel, workflowRunnerFor } from '../serving-model.ts';

type Evaluation = (options: { runner: WorkflowRunner; dataFile: string; limit?: number; onItem?: (item: unknown) => void }) => Promise<{ aggregate: unknown }>;

const evaluations: Record<string, { evaluate: Evaluation; data: string }> = {
  'soap-note': { evaluate: evaluateSoapNote, data: 'an ACI-BENCH CSV, e.g. ../shared/data/encounters/aci-bench-valid.csv' },
  triage: { evaluate: evaluateTriage, data: 'labelled vignettes (JSON lines), e.g. test/fixtures/triage-vignettes.jsonl' },
};

const help = `usage: northstation eval WORKFLOW --data FILE (--model FILE | --synthetic | --upstream URL …) [--limit N] [--json]

${Object.entries(evaluations).map(([name, { data }]) => `  ${name.padEnd(10)} --data: ${data}`).join('\n')}

  --limit N     evaluate the first N items only
  --json        print the per-item results and the aggregate as JSON lines
${conformanceArgsHelp}

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...modelArgOptions, ...conformanceArgOptions, data: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  const [name] = positionals;
  const evaluation = name === undefined ? undefined : evaluations[name];
  if (!evaluation || positionals.length !== 1) throw usageError(`eval takes one of: ${Object.keys(evaluations).join(', ')}`);
  if (values.data === undefined) throw usageError(`--data FILE is required: ${evaluation.data}`);
  const limit = optionalInteger('--limit', values.limit);

  const serving = await openServingModel(values, createRedactingLogger({ level: 'warn' }));
  try {
    const runner = workflowRunnerFor(serving);
    let index = 0;
    const { aggregate } = await evaluation.evaluate({
      runner,
      dataFile: values.data,
      ...(limit === undefined ? {} : { limit }),
      onItem: (item) => {
        index++;
        process.stdout.write(values.json ? JSON.stringify({ item }) + '\n' : `item ${index}: ${JSON.stringify(item)}\n`);
      },
    });
    process.stdout.write(values.json ? JSON.stringify({ aggregate }) + '\n' : `aggregate: ${JSON.stringify(aggregate, null, 2)}\n`);
    return 0;
  } finally {
    await serving.model.dispose();
  }
}
