/**
 * Runs the golden pack against a model and returns the sealed report
 * (DESIGN.md rule 6: a model serves only after it passes on this site's
 * hardware). Writing the report is the caller's choice (writeReport).
 */
import { readFile } from 'node:fs/promises';
import type { ChatModel } from '../../engine/chat-model.ts';
import { checkPubMedQaAccuracy } from './accuracy-check.ts';
import { createCheckContext, type ConformanceProgress } from './check-context.ts';
import { checkDeterminism } from './determinism-check.ts';
import { checkGuards } from './guard-check.ts';
import { checkNoThinkingLeak } from './hygiene-check.ts';
import { checkImageInput } from './image-check.ts';
import { currentHardware, engineOf, modelIdentity } from './model-identity.ts';
import { loadPubMedQa, stratifiedSample } from './pubmedqa.ts';
import { overallPassed, type CheckResult, type ConformanceReport } from './report.ts';
import { loadSigningKey, sealReport, type SigningKey } from './report-integrity.ts';
import { checkSchemaAdherence } from './schema-check.ts';

export interface ConformanceOptions {
  /** PubMedQA questions to ask; 0 asks all 1000. Default: 100. */
  qaLimit?: number;
  /** The shared public data folder (holds qa/pubmedqa-ori_pqal.json). Required: see sharedDataDir(). */
  dataDir: string;
  /** Seed of the PubMedQA sample. Default: 1. */
  seed?: number;
  /** The site's own PubMedQA pass threshold in percent. Default: published figure − 10, or none. */
  qaThreshold?: number;
  /** Model registry location (for the file's SHA-256). Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
  /** Default: the key in NORTHSTATION_SIGNING_KEY_FILE, else a plain hash. */
  signingKey?: SigningKey;
  /** Called as each check advances (and while the model file is hashed). Default: none. */
  onProgress?: (progress: ConformanceProgress) => void;
  /** Default: none. */
  signal?: AbortSignal;
  /** Default: `new Date()`. */
  now?: () => Date;
  /**
   * Checks the layers above add (the workflows' own schema adherence): run
   * after the built-in ones, sealed into the same report. Default: none.
   */
  extraChecks?: ReadonlyArray<(model: ChatModel, signal: AbortSignal | undefined) => Promise<CheckResult>>;
}

export const defaultConformanceOptions = { qaLimit: 100, seed: 1 } as const;

export async function runConformance(model: ChatModel, options: ConformanceOptions): Promise<ConformanceReport> {
  const qaLimit = options.qaLimit ?? defaultConformanceOptions.qaLimit;
  const seed = options.seed ?? defaultConformanceOptions.seed;
  const signingKey = 'signingKey' in options ? options.signingKey : await loadSigningKey();
  // Data first: a missing data folder should fail in a second, not after the model has run.
  const sample = stratifiedSample(await loadPubMedQa(options.dataDir), qaLimit, seed);
  const identity = await modelIdentity(model, {
    ...(options.home === undefined ? {} : { home: options.home }),
    ...(options.signal ? { signal: options.signal } : {}),
    onHashProgress: (done, total) => options.onProgress?.({ check: 'hash', done, total }),
  });

  const context = createCheckContext(model, { signal: options.signal, onProgress: options.onProgress });
  const checks: CheckResult[] = [];
  checks.push(await checkSchemaAdherence(context));
  checks.push(await checkDeterminism(context));
  checks.push(await checkGuards(context));
  checks.push(await checkImageInput(context));
  checks.push(await checkPubMedQaAccuracy(context, sample, { identity, ...(options.qaThreshold === undefined ? {} : { qaThreshold: options.qaThreshold }) }));
  for (const extra of options.extraChecks ?? []) checks.push(await extra(model, options.signal));
  checks.push(await checkNoThinkingLeak(context)); // last: it inspects every output the others produced

  return sealReport(
    {
      format: 'northstation-conformance/1',
      createdAt: (options.now ?? (() => new Date()))().toISOString(),
      northstationVersion: await northstationVersion(),
      engine: engineOf(model),
      model: identity,
      hardware: currentHardware(model),
      settings: { qaLimit, qaSampled: sample.length, seed, dataDir: options.dataDir, ...(options.qaThreshold === undefined ? {} : { qaThreshold: options.qaThreshold }) },
      checks,
      passed: overallPassed(checks),
    },
    signingKey,
  );
}

async function northstationVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}
