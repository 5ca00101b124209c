/**
 * `northstation eval triage`: runs the workflow over labelled vignettes (JSON
 * lines `{ id, note, vitals, expectedLevel }`) and reports agreement with the
 * label. Under-triage (final level less urgent than expected) is the safety
 * figure; the model-alone figures show what the rule floor adds. With a
 * synthetic model only the mechanics (no crash, drafts, time) mean anything.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import type { WorkflowRunner } from '../runner.ts';
import type { TriageContent } from './index.ts';

const levelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);

const vignetteSchema = z.object({
  id: z.string().min(1),
  note: z.string(),
  vitals: z.record(z.string(), z.unknown()),
  expectedLevel: levelSchema,
  language: z.enum(['en', 'fr']).optional(),
});

export type TriageVignette = z.infer<typeof vignetteSchema>;

export interface TriageItemResult {
  id: string;
  expectedLevel: number;
  suggested: number | null;
  floor: number | null;
  final: number | null;
  /** The model's output matched the schema (a suggestion exists). */
  schemaValid: boolean;
  exact: boolean;
  underTriage: boolean;
  overTriage: boolean;
  /** The floor made the final level more urgent than the model's suggestion, or stood in for a missing one. */
  floorRaised: boolean;
  findings: number;
  ms: number;
  /** Error code when the run failed (the item counts as neither agreement nor triage error). */
  error?: string;
}

export interface TriageAggregate {
  items: number;
  failed: number;
  schemaValidRate: number;
  exactAgreement: number;
  /** Share of items whose final level is less urgent than expected: the safety metric. */
  underTriageRate: number;
  overTriageRate: number;
  floorRaisedCount: number;
  /** The same two figures for the model's suggestion alone, over items where it gave one. */
  suggestionExactAgreement: number | null;
  suggestionUnderTriageRate: number | null;
  findings: number;
  totalMs: number;
  meanMs: number;
  p95Ms: number;
}

export interface EvaluateTriageOptions {
  runner: WorkflowRunner;
  dataFile: string;
  /** Evaluate the first `limit` items only. */
  limit?: number;
  onItem?: (item: TriageItemResult) => void;
  signal?: AbortSignal;
}

export async function evaluateTriage(options: EvaluateTriageOptions): Promise<{ items: TriageItemResult[]; aggregate: TriageAggregate }> {
  const items: TriageItemResult[] = [];
  for await (const vignette of readVignettes(options.dataFile, options.limit ?? Number.POSITIVE_INFINITY)) {
    const item = await evaluateOne(options.runner, vignette, options.signal);
    items.push(item);
    options.onItem?.(item);
  }
  return { items, aggregate: aggregate(items) };
}

async function evaluateOne(runner: WorkflowRunner, vignette: TriageVignette, signal: AbortSignal | undefined): Promise<TriageItemResult> {
  const { id, note, vitals, expectedLevel, language } = vignette;
  const startedAt = performance.now();
  try {
    const draft = await runner.run('triage', { note, vitals, ...(language ? { language } : {}) }, signal ? { signal } : {});
    const { ctas } = draft.content as TriageContent;
    return {
      id,
      expectedLevel,
      suggested: ctas.suggested,
      floor: ctas.floor,
      final: ctas.final,
      schemaValid: ctas.suggested !== null,
      exact: ctas.final === expectedLevel,
      underTriage: ctas.final > expectedLevel,
      overTriage: ctas.final < expectedLevel,
      floorRaised: ctas.floor !== null && (ctas.suggested === null || ctas.floor < ctas.suggested),
      findings: draft.findings.length,
      ms: Math.round(performance.now() - startedAt),
    };
  } catch (error) {
    // An abort ends the whole evaluation; any other failure is one item's result.
    if (isNorthstationError(error, 'aborted')) throw error;
    const code = isNorthstationError(error) ? error.code : 'internal';
    return { id, expectedLevel, suggested: null, floor: null, final: null, schemaValid: false, exact: false, underTriage: false, overTriage: false, floorRaised: false, findings: 0, ms: Math.round(performance.now() - startedAt), error: code };
  }
}

/** Streams the file line by line, so a large vignette set is never held whole. */
async function* readVignettes(dataFile: string, limit: number): AsyncGenerator<TriageVignette> {
  const lines = createInterface({ input: createReadStream(dataFile, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let count = 0;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (count >= limit) break;
    if (line.trim() === '') continue;
    yield parseVignette(line, lineNumber);
    count++;
  }
  lines.close();
}

function parseVignette(line: string, lineNumber: number): TriageVignette {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new NorthstationError('bad_request', `vignette line ${lineNumber}: not valid JSON`, { line: lineNumber });
  }
  const parsed = vignetteSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '$';
    throw new NorthstationError('bad_request', `vignette line ${lineNumber}: ${field}: ${issue?.message ?? 'invalid'}`, { line: lineNumber, field });
  }
  return parsed.data;
}

function aggregate(items: readonly TriageItemResult[]): TriageAggregate {
  const ran = items.filter((item) => item.error === undefined);
  const suggested = ran.filter((item) => item.suggested !== null);
  const share = (count: number, of: number): number => (of === 0 ? 0 : round(count / of));
  const times = items.map((item) => item.ms).sort((a, b) => a - b);
  const totalMs = times.reduce((sum, ms) => sum + ms, 0);
  return {
    items: items.length,
    failed: items.length - ran.length,
    schemaValidRate: share(suggested.length, items.length),
    exactAgreement: share(ran.filter((item) => item.exact).length, items.length),
    underTriageRate: share(ran.filter((item) => item.underTriage).length, items.length),
    overTriageRate: share(ran.filter((item) => item.overTriage).length, items.length),
    floorRaisedCount: ran.filter((item) => item.floorRaised).length,
    suggestionExactAgreement: suggested.length === 0 ? null : share(suggested.filter((item) => item.suggested === item.expectedLevel).length, suggested.length),
    suggestionUnderTriageRate: suggested.length === 0 ? null : share(suggested.filter((item) => (item.suggested ?? 0) > item.expectedLevel).length, suggested.length),
    findings: ran.reduce((sum, item) => sum + item.findings, 0),
    totalMs,
    meanMs: items.length === 0 ? 0 : Math.round(totalMs / items.length),
    p95Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] ?? 0,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
