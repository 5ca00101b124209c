/** The contraindications prompt (versioned, hashed) and the schema of the model's answer. */
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';
import type { Language } from '../../safety/finding.ts';
import { containInjection, dataHandlingInstruction, type ContainedSource } from '../../safety/injection.ts';
import { definePromptTemplate } from '../prompt-template.ts';

export const kinds = ['interaction', 'allergy', 'condition', 'duplicate'] as const;
export type ContraindicationKind = (typeof kinds)[number];
/** Mildest first: the order used to take the more cautious of model and rules. */
export const severities = ['check', 'caution', 'avoid-unless-confirmed'] as const;
export type Severity = (typeof severities)[number];

export const contraindicationsPrompt = definePromptTemplate('contraindications', '1', {
  'system.en':
    'You help a clinician check a proposed medication against the patient\'s medications, allergies and conditions. ' +
    'List potential interactions, allergy concerns, condition contraindications and duplicate therapy, each with kind, ' +
    '"with": the exact entry of the patient\'s list it concerns, copied character for character, a short hedged concern ("may", "consider checking"), ' +
    'and severity "check", "caution" or "avoid-unless-confirmed". List only what concerns an entry of the lists. Never give orders. Answer with JSON only.',
  'system.fr':
    'Tu aides un clinicien à vérifier un médicament proposé contre les médicaments, allergies et affections du patient. ' +
    'Donne les interactions possibles, les allergies en cause, les contre-indications liées aux affections et les doublons thérapeutiques, chacun avec kind, ' +
    '« with » : l\'entrée exacte de la liste du patient concernée, copiée caractère pour caractère, une courte préoccupation formulée avec prudence (« pourrait », « envisager de vérifier »), ' +
    'et severity « check », « caution » ou « avoid-unless-confirmed ». Ne cite que ce qui concerne une entrée des listes. Ne donne jamais d\'ordre. Réponds uniquement en JSON, en français.',
  'user.en': 'Check the proposed medication against these lists.',
  'user.fr': 'Vérifie le médicament proposé contre ces listes.',
});

export const contraindicationsSchema: JsonSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      maxItems: 12,
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: [...kinds] },
          with: { type: 'string', minLength: 1, maxLength: 200 },
          concern: { type: 'string', minLength: 1, maxLength: 240 },
          severity: { type: 'string', enum: [...severities] },
        },
        required: ['kind', 'with', 'concern', 'severity'],
        additionalProperties: false,
      },
    },
  },
  required: ['items'],
  additionalProperties: false,
};

export interface ModelItem {
  kind: ContraindicationKind;
  with: string;
  concern: string;
  severity: Severity;
}

export interface ListsInput {
  proposedMedication: string;
  medications: readonly string[];
  allergies: readonly string[];
  conditions: readonly string[];
}

/** The input as the text the model reads and the concerns are grounded against. */
export function inputText(input: ListsInput): string {
  const list = (entries: readonly string[]): string => (entries.length === 0 ? '(none)' : entries.map((entry) => `- ${entry}`).join('\n'));
  return `Proposed medication: ${input.proposedMedication}\nMedications:\n${list(input.medications)}\nAllergies:\n${list(input.allergies)}\nConditions:\n${list(input.conditions)}`;
}

export function contraindicationsMessages(input: ListsInput, language: Language): { messages: ChatMessage[]; contained: ContainedSource } {
  const contained = containInjection('note', inputText(input), { language });
  return {
    messages: [
      { role: 'system', content: `${contraindicationsPrompt.parts[`system.${language}`]}\n${dataHandlingInstruction(language)}` },
      { role: 'user', content: `${contained.wrappedSource}\n${contraindicationsPrompt.parts[`user.${language}`]}` },
    ],
    contained,
  };
}
