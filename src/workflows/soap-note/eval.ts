/**
 * `northstation eval soap-note`: runs the workflow over an ACI-BENCH CSV
 * (dataset, encounter_id, dialogue, note) and measures each draft against the
 * clinician's reference note: schema validity, which of the reference's
 * sections the draft covers, ROUGE-L, grounding rate, guard findings and
 * timings. With a synthetic model only the mechanics are meaningful.
 */
import { readFile } from 'node:fs/promises';
import { isNorthstationError } from '../../core/errors.ts';
import { parseCsv } from '../../safety/testdata/public-sources.ts';
import type { Draft } from '../draft.ts';
import type { WorkflowRunner } from '../runner.ts';
import { rougeL } from './rouge.ts';
import { sectionNames, type SoapNoteContent } from './schema.ts';

export interface SoapEvalItem {
  encounterId: string;
  dataset: string;
  /** The workflow returned a draft (no schema_violation or other failure). */
  schemaValid: boolean;
  /** Error code when it did not. */
  error?: string;
  /** Reference headers the draft should cover, and those it does. */
  coverage: { expected: string[]; covered: string[]; rate: number };
  rougeL: number;
  statements: number;
  groundedStatements: number;
  groundingRate: number;
  findingsByRule: Record<string, number>;
  timings: { totalMs: number; timeToFirstTokenMs: number; decodeMs: number; decodeTokensPerSecond: number; modelCalls: number };
}

export interface SoapEvalAggregate {
  items: number;
  schemaValid: number;
  schemaValidRate: number;
  errors: Record<string, number>;
  meanCoverage: number;
  meanRougeL: number;
  statements: number;
  groundingRate: number;
  findingsByRule: Record<string, number>;
  meanTotalMs: number;
  meanTimeToFirstTokenMs: number;
  meanDecodeMs: number;
}

export interface EvaluateSoapNoteOptions {
  runner: WorkflowRunner;
  dataFile: string;
  limit?: number;
  onItem?: (item: SoapEvalItem) => void;
  signal?: AbortSignal;
}

type Covers = (content: SoapNoteContent) => boolean;
const nonEmpty = (name: (typeof sectionNames)[number]): Covers => (content) => content.sections[name].length > 0;

/** Reference headers (ACI-BENCH's upper-case section titles) and the draft part that should carry each. */
const headerCoverage: Readonly<Record<string, Covers>> = {
  'CHIEF COMPLAINT': (content) => content.chiefComplaint.trim() !== '',
  'HISTORY OF PRESENT ILLNESS': nonEmpty('subjective'),
  'REVIEW OF SYSTEMS': nonEmpty('subjective'),
  'PHYSICAL EXAM': nonEmpty('objective'),
  'PHYSICAL EXAMINATION': nonEmpty('objective'),
  RESULTS: nonEmpty('objective'),
  'ASSESSMENT AND PLAN': (content) => content.sections.assessment.length > 0 && content.sections.plan.length > 0,
  // The same sections under the other titles ACI-BENCH notes use (SOAP-style and abbreviated).
  CC: (content) => content.chiefComplaint.trim() !== '',
  HPI: nonEmpty('subjective'),
  EXAM: nonEmpty('objective'),
  VITALS: nonEmpty('objective'),
  ASSESSMENT: nonEmpty('assessment'),
  IMPRESSION: nonEmpty('assessment'),
  PLAN: nonEmpty('plan'),
};

export function referenceHeaders(note: string): string[] {
  const found = note.split('\n').map((line) => line.trim().replace(/:$/, '').toUpperCase()).filter((line) => line in headerCoverage);
  return [...new Set(found)];
}

/** Everything the reviewer would read, in note order, for ROUGE-L. */
export function draftText(content: SoapNoteContent): string {
  return [
    content.chiefComplaint,
    ...sectionNames.flatMap((name) => content.sections[name].map((statement) => statement.text)),
    ...content.medications.map((medication) => [medication.name, medication.dose, medication.frequency].filter(Boolean).join(' ')),
    ...content.allergies.map((allergy) => [allergy.substance, allergy.reaction].filter(Boolean).join(' ')),
  ].join('\n');
}

export async function evaluateSoapNote(options: EvaluateSoapNoteOptions): Promise<{ items: SoapEvalItem[]; aggregate: SoapEvalAggregate }> {
  const [header = [], ...rows] = parseCsv(await readFile(options.dataFile, 'utf8'));
  const column = (name: string): number => header.indexOf(name);
  const selected = rows.filter((row) => (row[column('dialogue')] ?? '') !== '').slice(0, options.limit ?? Infinity);
  const items: SoapEvalItem[] = [];
  for (const row of selected) {
    const item = await evaluateOne(options, {
      dataset: row[column('dataset')] ?? '',
      encounterId: row[column('encounter_id')] ?? '',
      dialogue: row[column('dialogue')] ?? '',
      note: row[column('note')] ?? '',
    });
    items.push(item);
    options.onItem?.(item);
  }
  return { items, aggregate: aggregate(items) };
}

async function evaluateOne(
  options: EvaluateSoapNoteOptions,
  encounter: { dataset: string; encounterId: string; dialogue: string; note: string },
): Promise<SoapEvalItem> {
  const expected = referenceHeaders(encounter.note);
  const base = { encounterId: encounter.encounterId, dataset: encounter.dataset };
  const started = performance.now();
  let draft: Draft<unknown>;
  try {
    draft = await options.runner.run('soap-note', { transcript: encounter.dialogue, language: 'en' }, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (isNorthstationError(error, 'aborted')) throw error;
    return {
      ...base,
      schemaValid: false,
      error: isNorthstationError(error) ? error.code : 'internal',
      coverage: { expected, covered: [], rate: 0 },
      rougeL: 0,
      statements: 0,
      groundedStatements: 0,
      groundingRate: 0,
      findingsByRule: {},
      timings: { totalMs: Math.round(performance.now() - started), timeToFirstTokenMs: 0, decodeMs: 0, decodeTokensPerSecond: 0, modelCalls: 0 },
    };
  }
  const content = draft.content as SoapNoteContent;
  const statements = sectionNames.flatMap((name) => content.sections[name]);
  const grounded = statements.filter((statement) => statement.grounding.length > 0).length;
  const covered = expected.filter((name) => headerCoverage[name]?.(content) === true);
  const { timings } = draft.provenance;
  return {
    ...base,
    schemaValid: true,
    coverage: { expected, covered, rate: expected.length === 0 ? 1 : covered.length / expected.length },
    rougeL: rougeL(draftText(content), encounter.note).f1,
    statements: statements.length,
    groundedStatements: grounded,
    groundingRate: statements.length === 0 ? 0 : grounded / statements.length,
    findingsByRule: countByRule(draft.findings),
    timings: {
      totalMs: timings.totalMs,
      timeToFirstTokenMs: timings.timeToFirstTokenMs,
      // Provenance keeps tokens and speed, not decode time; this is the time they imply.
      decodeMs: timings.decodeTokensPerSecond > 0 ? Math.round((timings.completionTokens / timings.decodeTokensPerSecond) * 1000) : 0,
      decodeTokensPerSecond: timings.decodeTokensPerSecond,
      modelCalls: timings.modelCalls,
    },
  };
}

function countByRule(findings: readonly { rule: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.rule] = (counts[finding.rule] ?? 0) + 1;
  return counts;
}

function aggregate(items: readonly SoapEvalItem[]): SoapEvalAggregate {
  const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
  const valid = items.filter((item) => item.schemaValid);
  const errors: Record<string, number> = {};
  for (const item of items) if (item.error !== undefined) errors[item.error] = (errors[item.error] ?? 0) + 1;
  const findingsByRule: Record<string, number> = {};
  for (const item of items) for (const [rule, count] of Object.entries(item.findingsByRule)) findingsByRule[rule] = (findingsByRule[rule] ?? 0) + count;
  const statements = items.reduce((sum, item) => sum + item.statements, 0);
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    items: items.length,
    schemaValid: valid.length,
    schemaValidRate: round(items.length === 0 ? 0 : valid.length / items.length),
    errors,
    // Content figures over the drafts that exist: a failed item is already counted as invalid.
    meanCoverage: round(mean(valid.map((item) => item.coverage.rate))),
    meanRougeL: round(mean(valid.map((item) => item.rougeL))),
    statements,
    groundingRate: round(statements === 0 ? 0 : items.reduce((sum, item) => sum + item.groundedStatements, 0) / statements),
    findingsByRule,
    meanTotalMs: Math.round(mean(items.map((item) => item.timings.totalMs))),
    meanTimeToFirstTokenMs: Math.round(mean(valid.map((item) => item.timings.timeToFirstTokenMs))),
    meanDecodeMs: Math.round(mean(valid.map((item) => item.timings.decodeMs))),
  };
}
