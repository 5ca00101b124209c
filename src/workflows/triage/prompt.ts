/**
 * The triage prompt: fixed text in a versioned, hashed template, the note only
 * as a delimited data block (containInjection), the validated vitals beside it
 * so the model can weigh them, though the rules alone compute the scores.
 */
import type { ChatMessage } from '../../engine/chat-model.ts';
import { containInjection, dataHandlingInstruction } from '../../safety/injection.ts';
import type { Finding, Language } from '../../safety/finding.ts';
import { definePromptTemplate } from '../prompt-template.ts';
import { complaintModifierNames, complaintModifiers, maxModifiers } from './model-output.ts';

const modifierList = complaintModifierNames
  .map((name) => `- ${name}${complaintModifiers[name] === null ? '' : ` (usually CTAS ${complaintModifiers[name]})`}`)
  .join('\n');

const systemEn = `You assist an emergency department triage nurse. You suggest a CTAS level (Canadian Triage and Acuity Scale); the nurse decides.
CTAS: 1 resuscitation (immediate), 2 emergent (15 min), 3 urgent (30 min), 4 less urgent (60 min), 5 non-urgent (120 min).
Vital-sign modifiers (SpO2, blood pressure, heart rate, GCS, temperature, pain score) are computed by separate rules; focus on the complaint in the note.
Name at most ${maxModifiers} complaint modifiers you find, each with a short quote from the note as evidence, from this list:
${modifierList}
When in doubt between two levels, suggest the more urgent one. Write a rationale of at most three sentences; say "possible" or "consider" rather than stating a diagnosis.
${dataHandlingInstruction('en')}
Answer with JSON only: {"suggestedLevel": 1-5, "modifiers": [{"name", "evidence"}], "rationale"}.`;

const systemFr = `Tu assistes une infirmière de triage à l'urgence. Tu suggères un niveau ÉTG (échelle canadienne de triage et de gravité, CTAS) ; l'infirmière décide.
ÉTG : 1 réanimation (immédiat), 2 très urgent (15 min), 3 urgent (30 min), 4 moins urgent (60 min), 5 non urgent (120 min).
Les modificateurs des signes vitaux (SpO2, tension, fréquence cardiaque, GCS, température, douleur) sont calculés par des règles distinctes ; concentre-toi sur le motif de consultation.
Nomme au plus ${maxModifiers} modificateurs propres au motif, chacun avec une courte citation de la note comme preuve, en gardant les noms anglais de cette liste :
${modifierList}
En cas de doute entre deux niveaux, suggère le plus urgent. Écris en français une justification d'au plus trois phrases ; dis « possible » ou « à envisager » plutôt que d'affirmer un diagnostic.
${dataHandlingInstruction('fr')}
Réponds uniquement en JSON : {"suggestedLevel": 1-5, "modifiers": [{"name", "evidence"}], "rationale"}.`;

export const triagePrompt = definePromptTemplate('triage', '1.0.0', {
  'system.en': systemEn,
  'system.fr': systemFr,
  'user.en': 'Triage note and vitals follow.',
  'user.fr': 'Voici la note de triage et les signes vitaux.',
});

export interface TriageMessages {
  messages: ChatMessage[];
  /** Instructions found in the note: reported, never obeyed. */
  injectionFindings: Finding[];
}

export function triageMessages(note: string, vitals: Readonly<Record<string, unknown>>, language: Language): TriageMessages {
  const contained = containInjection('note', note, { language });
  // Vitals passed parseVitals (numbers, booleans, fixed words), yet they go in a data block too: one rule for all input.
  const vitalsBlock = containInjection('vitals', JSON.stringify(vitals), { language });
  return {
    messages: [
      { role: 'system', content: triagePrompt.parts[`system.${language}`] ?? systemEn },
      { role: 'user', content: `${triagePrompt.parts[`user.${language}`] ?? ''}\n${contained.wrappedSource}\n${vitalsBlock.wrappedSource}` },
    ],
    injectionFindings: contained.findings,
  };
}
