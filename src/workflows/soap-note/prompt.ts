/**
 * The soap-note prompt: a short system prompt (it is paid again for every
 * chunk of a long transcript) and the transcript only ever as a delimited data
 * block (containInjection), never as instructions.
 */
import type { ChatMessage } from '../../engine/chat-model.ts';
import { dataHandlingInstruction } from '../../safety/injection.ts';
import type { Language } from '../../safety/finding.ts';
import { definePromptTemplate } from '../prompt-template.ts';

export const soapNotePrompt = definePromptTemplate('soap-note', '1', {
  system:
    'You draft SOAP notes from clinical encounter transcripts; a clinician reviews and signs every draft. ' +
    'Extract only what the transcript says: never invent symptoms, findings, doses or results. ' +
    'subjective: what the patient reports (symptoms, history). objective: exam findings, vital signs, test results. ' +
    'assessment: the clinician\'s impressions, hedged ("possible", "likely"). plan: next steps, phrased as suggestions. ' +
    'Short statements, one fact each. Use "" or [] when the transcript says nothing. Answer with JSON only.',
  outputEn: 'Write every text value in English.',
  outputFr: 'Write every text value in Canadian French (français).',
  whole: 'Encounter transcript:',
  part: 'Part {part} of {total} of a long encounter transcript (parts overlap a little). Extract only what this part says:',
});

function part(name: string): string {
  return soapNotePrompt.parts[name] ?? '';
}

export function systemMessage(language: Language): ChatMessage {
  const output = language === 'fr' ? part('outputFr') : part('outputEn');
  // The data instruction is in English like the rest of the system prompt; the output language is asked separately.
  return { role: 'system', content: `${part('system')} ${output}\n${dataHandlingInstruction('en')}` };
}

/** `chunk` is 1-based; omitted when the whole transcript fits one call. */
export function soapMessages(wrappedTranscript: string, language: Language, chunk?: { part: number; total: number }): ChatMessage[] {
  const lead = chunk ? part('part').replace('{part}', String(chunk.part)).replace('{total}', String(chunk.total)) : part('whole');
  return [systemMessage(language), { role: 'user', content: `${lead}\n${wrappedTranscript}` }];
}
