/** The differential prompt (versioned, hashed) and the schema of the model's answer. */
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';
import type { Language } from '../../safety/finding.ts';
import { containInjection, dataHandlingInstruction, type ContainedSource } from '../../safety/injection.ts';
import { definePromptTemplate } from '../prompt-template.ts';

export const likelihoods = ['more likely', 'cannot exclude', 'less likely'] as const;
export type Likelihood = (typeof likelihoods)[number];
export const maxDiagnoses = 8;

export const differentialPrompt = definePromptTemplate('differential', '1', {
  'system.en':
    'You help a clinician think through a differential diagnosis. You never make a diagnosis: you list possibilities for the clinician to weigh. ' +
    'From the case summary, list at most 8 candidate diagnoses, most likely first, each with likelihood "more likely", "less likely" or "cannot exclude", ' +
    'the findings of the summary that support it and those that argue against it (quote the summary; add nothing it does not say). ' +
    'Then list red flags: conditions that need urgent exclusion, each with why. Use hedged wording ("possible", "consistent with"). Answer with JSON only.',
  'system.fr':
    "Tu aides un clinicien à réfléchir à un diagnostic différentiel. Tu ne poses jamais de diagnostic : tu proposes des possibilités qu'il pèsera. " +
    "À partir du résumé de cas, donne au plus 8 diagnostics candidats, du plus probable au moins probable, chacun avec likelihood « more likely », « less likely » ou « cannot exclude », " +
    "les éléments du résumé qui le soutiennent et ceux qui s'y opposent (cite le résumé ; n'ajoute rien qu'il ne dit pas). " +
    'Puis les drapeaux rouges : les affections à exclure en urgence, chacune avec la raison. Formule avec prudence (« possible », « compatible avec »). Réponds uniquement en JSON, en français.',
  'user.en': 'List the differential diagnosis for this case.',
  'user.fr': 'Donne le diagnostic différentiel de ce cas.',
});

const phrase = (max: number): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max });
const phrases: JsonSchema = { type: 'array', maxItems: 5, items: phrase(200) };

export const differentialSchema: JsonSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      maxItems: maxDiagnoses,
      items: {
        type: 'object',
        properties: { diagnosis: phrase(120), likelihood: { type: 'string', enum: [...likelihoods] }, supporting: phrases, opposing: phrases },
        required: ['diagnosis', 'likelihood', 'supporting', 'opposing'],
        additionalProperties: false,
      },
    },
    redFlags: {
      type: 'array',
      maxItems: 5,
      items: { type: 'object', properties: { condition: phrase(120), why: phrase(200) }, required: ['condition', 'why'], additionalProperties: false },
    },
  },
  required: ['items', 'redFlags'],
  additionalProperties: false,
};

export interface DifferentialAnswer {
  items: { diagnosis: string; likelihood: Likelihood; supporting: string[]; opposing: string[] }[];
  redFlags: { condition: string; why: string }[];
}

export function differentialMessages(caseSummary: string, language: Language): { messages: ChatMessage[]; contained: ContainedSource } {
  const contained = containInjection('note', caseSummary, { language });
  return {
    messages: [
      { role: 'system', content: `${differentialPrompt.parts[`system.${language}`]}\n${dataHandlingInstruction(language)}` },
      { role: 'user', content: `${contained.wrappedSource}\n${differentialPrompt.parts[`user.${language}`]}` },
    ],
    contained,
  };
}
