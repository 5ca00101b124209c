/** The differential draft's content (`Differential`) as the JSON Schema that edits, amendments and signatures are checked against (content-schema.ts). */
import type { JsonSchema } from '../../engine/chat-model.ts';
import { findingsSchema, listOf, object, oneOf, text, texts } from '../content-schema.ts';
import { likelihoods } from './prompt.ts';

export const differentialContentSchema: JsonSchema = object({
  items: listOf(object({ diagnosis: text, likelihood: oneOf(likelihoods), supporting: texts, opposing: texts, findings: findingsSchema })),
  redFlags: listOf(object({ condition: text, why: text, findings: findingsSchema })),
});
