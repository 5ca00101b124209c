/** The imaging read's content (`ImagingRead`, the same shape as fhir's ImagingReadContent) as the JSON Schema that edits, amendments and signatures are checked against (content-schema.ts). */
import type { JsonSchema } from '../../engine/chat-model.ts';
import { object, text } from '../content-schema.ts';

export const imagingReadContentSchema: JsonSchema = object({ findings: text, impression: text }, { question: text, answer: text });
