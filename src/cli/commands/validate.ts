/**
 * `northstation validate (--model FILE | --synthetic | --upstream URL …)`:
 * runs the conformance golden pack on this machine, writes the sealed report
 * under $NORTHSTATION_HOME/conformance/ and exits 0 when it passed, 1 when not.
 * `serve` refuses a model without a passing report (DESIGN.md rule 6).
 */
import { parseArgs } from 'node:util';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import { sharedDataDir } from '../../core/shared-data.ts';
import { defaultConformanceOptions, runConformance, writeReport } from '../../safety/conformance/index.ts';
import { conformanceProgressPrinter, formatConformanceSummary } from '../conformance-output.ts';
import { modelArgOptions, modelArgsHelp, openModelFromArgs, optionalInteger, syntheticBanner, usageError } from '../model-args.ts';
import { workflowSchemaCheck } from '../../workflows/conformance-check.ts';
import { workflows } from '../../workflows/index.ts';

const help = `usage: northstation validate (--model FILE | --synthetic | --upstream URL …) [options]

Runs the conformance golden pack: schema adherence, no thinking text leaked, the
safety guards on known cases, image input used (image models), determinism at
temperature 0, and accuracy on PubMedQA next to the model's published figure.

  --qa-limit N         PubMedQA questions, a stratified seeded sample; 0 = all 1000 (default ${defaultConformanceOptions.qaLimit})
  --qa-threshold PCT   the site's own PubMedQA pass mark (default: published figure − 10 points)
  --seed N             seed of the PubMedQA sample (default ${defaultConformanceOptions.seed})
  --data DIR           shared public data (default NORTHSTATION_SHARED_DATA, else ../shared/data)
  --json               print the report JSON on stdout instead of the summary

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...modelArgOptions,
      'qa-limit': { type: 'string' },
      'qa-threshold': { type: 'string' },
      seed: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  const qaLimit = optionalInteger('--qa-limit', values['qa-limit']);
  const seed = optionalInteger('--seed', values.seed);
  const qaThreshold = values['qa-threshold'] === undefined ? undefined : Number(values['qa-threshold']);
  if (qaThreshold !== undefined && !(qaThreshold >= 0 && qaThreshold <= 100)) throw usageError('--qa-threshold must be a percentage between 0 and 100');

  const model = await openModelFromArgs(values, createRedactingLogger({ level: 'warn' }));
  try {
    const banner = syntheticBanner(model);
    if (banner) process.stderr.write(banner + '\n');
    const controller = new AbortController();
    process.once('SIGINT', () => { controller.abort(); });
    const report = await runConformance(model, {
      dataDir: sharedDataDir(values.data),
      ...(qaLimit === undefined ? {} : { qaLimit }),
      ...(seed === undefined ? {} : { seed }),
      ...(qaThreshold === undefined ? {} : { qaThreshold }),
      onProgress: conformanceProgressPrinter(),
      signal: controller.signal,
      extraChecks: [workflowSchemaCheck(workflows)],
    });
    const path = await writeReport(report);
    process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatConformanceSummary(report, path)) + '\n');
    if (values.json) process.stderr.write(`Report: ${path}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await model.dispose();
  }
}
