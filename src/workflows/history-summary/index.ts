/**
 * history-summary: a FHIR R4 bundle of any size → problems, medications,
 * allergies, recent results and encounters, each item linked to the resources
 * it came from.
 *
 * Map-reduce: resources are rendered to one line each in code (render.ts), the
 * lines are cut into chunks that fit the model's context (chunks.ts), the model
 * summarises each chunk (map), and the answers are folded into one summary in
 * code as they arrive (merge.ts). Memory holds the rendered lines, the merged
 * items and one chunk's answer, whatever the bundle's size.
 */
import { isNorthstationError } from '../../core/errors.ts';
import type { Finding, Language } from '../../safety/finding.ts';
import { reviewText, wholeTextFinding } from '../reviewed-text.ts';
import { historySummaryContentSchema } from './content-schema.ts';
import type { Workflow, WorkflowContext } from '../workflow.ts';
import { chunkChars, defaultCharsPerToken, estimateTokens, planChunks } from './chunks.ts';
import { historySummaryInput, type HistorySummaryInput } from './input.ts';
import { SummaryMerge, type MergedItem } from './merge.ts';
import { historySummaryPrompt, mapMessages, mapSchema, sections, systemPrompt, type MapAnswer, type Section } from './prompt.ts';
import { renderBundle, type RenderedFact } from './render.ts';

export interface HistorySummaryOptions {
  /**
   * Most map calls per run; the facts after them are not summarised and the
   * draft says so (a finding and a coverage note), never silently. For tests
   * and for sites that cap cost. Default: no cap.
   */
  maxChunks?: number;
  /** Output tokens per map call. Default 1024. */
  mapMaxTokens?: number;
  /** Characters per token for planning chunks; a test model with a character-level tokenizer needs about 1.2. Default 3 (Gemma). */
  charsPerToken?: number;
  /** Largest chunk in tokens even when the context is larger: one answer holds at most 8 items a section. Default 1500. */
  maxChunkTokens?: number;
}

/** When the backend does not report its context (an upstream server), assume a modest one. */
const assumedContextSize = 8192;

export type SummaryItem = MergedItem;

export type HistorySummary = Record<Section, SummaryItem[]> & {
  coverage: {
    /** Resources rendered and offered to the model (Observations: latest per code). */
    resources: number;
    chunks: number;
    summarisedChunks: number;
    /** Why part of the record is not in the summary; each has a finding. */
    notes: string[];
  };
};

export function createHistorySummaryWorkflow(options: HistorySummaryOptions = {}): Workflow<HistorySummaryInput, HistorySummary> {
  const { maxChunks = Infinity, mapMaxTokens = 1024, maxChunkTokens = 1500, charsPerToken = defaultCharsPerToken } = options;
  return {
    name: 'history-summary',
    version: '1',
    input: historySummaryInput,
    content: historySummaryContentSchema,
    prompt: historySummaryPrompt,
    languageOf: (input) => input.language ?? 'en',
    run: async (input, context) => {
      const language = input.language ?? 'en';
      const facts = renderBundle(input.bundle.entry.map((entry) => entry.resource));
      const factById = new Map(facts.map((fact) => [fact.id, fact]));
      // The fixed prompt plus the source-data markers around the chunk (about 40 characters each).
      const promptTokens = estimateTokens(`${systemPrompt(language)}${historySummaryPrompt.parts[`user.${language}`] ?? ''}${'x'.repeat(100)}`, charsPerToken);
      const contextSize = context.model.info.contextSize ?? assumedContextSize;
      const budget = chunkChars({ contextSize, promptTokens, maxOutputTokens: mapMaxTokens, charsPerToken });
      const maxChars = Math.min(budget, Math.floor(maxChunkTokens * charsPerToken));
      const lines = facts.map((fact) => fact.text);
      const plan = planChunks(lines, maxChars);
      const toRun = plan.slice(0, maxChunks);

      const merge = new SummaryMerge(factById);
      const findings: Finding[] = [];
      const notes: string[] = [];
      let summarised = 0;
      for (const [index, [start, end]] of toRun.entries()) {
        context.emit({ type: 'prefill-progress', stage: 'history-summary.map', done: index, total: toRun.length });
        const answer = await mapChunk(lines.slice(start, end).join('\n'), language, mapMaxTokens, context, findings);
        if (answer) {
          merge.add(answer);
          summarised++;
        } else {
          notes.push(`Resources ${start + 1}–${end} of ${facts.length} (chunk ${index + 1}) were not summarised: the model's answer stayed invalid after repairs, or the repair turns overflowed the context.`);
        }
      }
      context.emit({ type: 'prefill-progress', stage: 'history-summary.map', done: toRun.length, total: toRun.length });
      if (toRun.length < plan.length) {
        const from = (plan[toRun.length]?.[0] ?? 0) + 1;
        notes.push(`Resources ${from}–${facts.length} of ${facts.length} (chunks ${toRun.length + 1}–${plan.length}) were not summarised: the run was capped at ${toRun.length} chunks (maxChunks).`);
      }
      for (const note of notes) findings.push(wholeTextFinding(note, 'The summary is incomplete: check the record for what these resources hold before relying on it.'));
      findings.push(...merge.findings);

      const merged = merge.result();
      const content = Object.fromEntries(sections.map((section) => [section, merged[section].map((item) => reviewItem(item, factById, language, findings))])) as Record<Section, SummaryItem[]>;
      return { content: { ...content, coverage: { resources: facts.length, chunks: plan.length, summarisedChunks: summarised, notes } }, findings };
    },
  };
}

export const historySummaryWorkflow = createHistorySummaryWorkflow();

/** One map call; an answer that stays invalid, or a chunk the context cannot hold with its repair turns, is reported by the caller. */
async function mapChunk(chunk: string, language: Language, maxTokens: number, context: WorkflowContext, findings: Finding[]): Promise<MapAnswer | undefined> {
  const { messages, contained } = mapMessages(chunk, language);
  findings.push(...contained.findings);
  try {
    return (await context.generate(messages, { schema: mapSchema, maxTokens })) as MapAnswer;
  } catch (error) {
    if (isNorthstationError(error, 'schema_violation') || isNorthstationError(error, 'payload_too_large')) return undefined;
    throw error;
  }
}

/** Hedged rewrites, grounding against the cited resources' lines (text too, so the record's own history may stand), injection and PHI checks. */
function reviewItem(item: MergedItem, factById: ReadonlyMap<string, RenderedFact>, language: Language, findings: Finding[]): SummaryItem {
  const cited = item.sources.map((id) => factById.get(id)).filter((fact): fact is RenderedFact => fact !== undefined);
  const facts = cited.map((fact) => ({ id: fact.id, text: fact.text }));
  const review = reviewText(item.text, { text: facts.map((fact) => fact.text).join('\n'), facts }, language);
  const itemFindings = [...item.findings, ...review.findings];
  findings.push(...itemFindings);
  return { ...item, text: review.text, findings: itemFindings };
}
