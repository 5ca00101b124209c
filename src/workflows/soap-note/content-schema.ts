/** The soap-note draft's content (`SoapNoteContent`) as the JSON Schema that edits, amendments and signatures are checked against (content-schema.ts). */
import type { JsonSchema } from '../../engine/chat-model.ts';
import { findingsSchema, languageSchema, listOf, object, offset, text } from '../content-schema.ts';
import { sectionNames } from './schema.ts';

const statement = object({ text, grounding: listOf(object({ start: offset, end: offset })), findings: findingsSchema });

export const soapNoteContentSchema: JsonSchema = object({
  chiefComplaint: text,
  sections: object(Object.fromEntries(sectionNames.map((name) => [name, listOf(statement)]))),
  medications: listOf(object({ name: text }, { dose: text, frequency: text })),
  allergies: listOf(object({ substance: text }, { reaction: text })),
  language: languageSchema,
});
