/**
 * The soap-note workflow's input, the JSON the model is asked for, and the
 * draft content it becomes. The model schema is grammar-friendly (every
 * property required, no extra properties, "" / [] for none) and its bounds
 * shrink with the output budget, so even a model that writes to every bound
 * finishes inside the tokens it was given.
 */
import { z } from 'zod';
import type { JsonSchema } from '../../engine/chat-model.ts';
import type { Finding, Language } from '../../safety/finding.ts';

export const maxTranscriptChars = 2_000_000;

export const soapNoteInput = z.object({
  transcript: z.string().min(1).max(maxTranscriptChars),
  language: z.enum(['en', 'fr']).default('en'),
});

export type SoapNoteInput = z.infer<typeof soapNoteInput>;

export const sectionNames = ['subjective', 'objective', 'assessment', 'plan'] as const;
export type SectionName = (typeof sectionNames)[number];

export interface Medication {
  name: string;
  dose?: string;
  frequency?: string;
}

export interface Allergy {
  substance: string;
  reaction?: string;
}

/** What one model call returns (per chunk for long transcripts). */
export interface Extraction {
  chiefComplaint: string;
  subjective: string[];
  objective: string[];
  assessment: string[];
  plan: string[];
  medications: { name: string; dose: string; frequency: string }[];
  allergies: { substance: string; reaction: string }[];
}

export interface GroundingSpan {
  /** UTF-16 offsets into the transcript (end exclusive). */
  start: number;
  end: number;
}

export interface SoapStatement {
  /** The statement as the reviewer sees it: hedged rewrites already applied. */
  text: string;
  grounding: GroundingSpan[];
  /** Guard findings; offsets index the statement as the model wrote it. */
  findings: Finding[];
}

export interface SoapNoteContent {
  chiefComplaint: string;
  sections: Record<SectionName, SoapStatement[]>;
  medications: Medication[];
  allergies: Allergy[];
  language: Language;
}

export interface ExtractionLimits {
  statementChars: number;
  itemsPerSection: number;
  medications: number;
  allergies: number;
  chiefComplaintChars: number;
}

/**
 * Bounds for an output budget of `outputTokens`: generous for a real context
 * (a full encounter in one call), small for a tiny one so the worst case still
 * closes its JSON before the token limit.
 */
export function limitsFor(outputTokens: number): ExtractionLimits {
  const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, Math.floor(value)));
  return {
    statementChars: clamp(outputTokens / 8, 40, 240),
    itemsPerSection: clamp(outputTokens / 160, 1, 12),
    medications: clamp(outputTokens / 200, 1, 12),
    allergies: clamp(outputTokens / 400, 1, 6),
    chiefComplaintChars: clamp(outputTokens / 10, 30, 160),
  };
}

const text = (maxLength: number, minLength = 0): JsonSchema => ({ type: 'string', minLength, maxLength });
const list = (items: JsonSchema, maxItems: number): JsonSchema => ({ type: 'array', items, minItems: 0, maxItems });
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

export function extractionSchema(limits: ExtractionLimits): JsonSchema {
  const statements = list(text(limits.statementChars, 1), limits.itemsPerSection);
  return object({
    chiefComplaint: text(limits.chiefComplaintChars),
    subjective: statements,
    objective: statements,
    assessment: statements,
    plan: statements,
    medications: list(object({ name: text(60, 1), dose: text(40), frequency: text(40) }), limits.medications),
    allergies: list(object({ substance: text(60, 1), reaction: text(60) }), limits.allergies),
  });
}
