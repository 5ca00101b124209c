/** The history-summary draft's content (`HistorySummary`) as the JSON Schema that edits, amendments and signatures are checked against (content-schema.ts). */
import type { JsonSchema } from '../../engine/chat-model.ts';
import { count, findingsSchema, listOf, object, text, texts } from '../content-schema.ts';
import { sections } from './prompt.ts';

const item = object({ text, sources: texts, findings: findingsSchema }, { date: text });

export const historySummaryContentSchema: JsonSchema = object({
  ...Object.fromEntries(sections.map((section) => [section, listOf(item)])),
  coverage: object({ resources: count, chunks: count, summarisedChunks: count, notes: texts }),
});
