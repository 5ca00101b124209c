/**
 * What the model may propose for a triage note, and nothing else: a CTAS
 * level, the complaint-specific modifiers it found (each with its evidence
 * from the note) and a short rationale. Vital-sign modifiers are absent on
 * purpose: the clinical rules compute those (src/clinical/ctas-floor.ts).
 */
import type { JsonSchema } from '../../engine/chat-model.ts';

/**
 * Complaint-specific modifiers the model may name, with the level each usually
 * sets. Only "tearing chest pain" (CTAS 2) is in REFERENCE.md §3 (2016
 * revision); the other levels follow the CEDIS complaint list as commonly
 * taught and are guidance for the prompt, never applied by code: the model's
 * level is only ever raised by the rules, so a wrong hint cannot under-triage
 * below the floor. Needs local clinical sign-off like the floor's thresholds.
 */
export const complaintModifiers = {
  'cardiac arrest or no signs of life': 1,
  'active seizure': 1,
  'anaphylaxis signs': 1,
  'major trauma': 1,
  'tearing chest pain': 2,
  'chest pain cardiac features': 2,
  'severe headache sudden onset': 2,
  'stroke symptoms within treatment window': 2,
  'suicidal ideation': 2,
  'violent or homicidal behaviour': 2,
  'overdose or poisoning': 2,
  'vomiting blood or black stool': 2,
  'pregnancy with bleeding or pain': 2,
  'acute testicular pain': 2,
  'chemical eye exposure': 2,
  'febrile infant under 3 months': 2,
  'chest pain non-cardiac features': 3,
  'dehydration signs': 3,
  'minor injury or chronic complaint': 5,
  other: null,
} as const satisfies Record<string, 1 | 2 | 3 | 4 | 5 | null>;

export type ComplaintModifierName = keyof typeof complaintModifiers;

export const complaintModifierNames = Object.keys(complaintModifiers) as ComplaintModifierName[];

export const ctasLevels = [1, 2, 3, 4, 5] as const;

export const maxModifiers = 6;
export const maxEvidenceChars = 200;
export const maxRationaleChars = 600;

export interface ModifierProposal {
  name: ComplaintModifierName;
  evidence: string;
}

export interface TriageProposal {
  suggestedLevel: 1 | 2 | 3 | 4 | 5;
  modifiers: ModifierProposal[];
  rationale: string;
}

// No `type` beside the numeric enum: grammar builders disagree on "integer" with enum, and the enum alone is exact.
export const triageProposalSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['suggestedLevel', 'modifiers', 'rationale'],
  properties: {
    suggestedLevel: { enum: [...ctasLevels] },
    modifiers: {
      type: 'array',
      maxItems: maxModifiers,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'evidence'],
        properties: {
          name: { type: 'string', enum: complaintModifierNames },
          evidence: { type: 'string', maxLength: maxEvidenceChars },
        },
      },
    },
    rationale: { type: 'string', maxLength: maxRationaleChars },
  },
};
