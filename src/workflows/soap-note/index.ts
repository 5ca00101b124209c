/**
 * soap-note: encounter transcript → chief complaint, Subjective / Objective /
 * Assessment / Plan statements each grounded in the transcript, medications
 * and allergies, in English or French. Long transcripts are chunked and merged
 * (extract.ts, merge.ts), never truncated; every statement passes the safety
 * layer (statement-review.ts).
 */
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import type { Finding } from '../../safety/finding.ts';
import { detectInjections } from '../../safety/injection.ts';
import type { Workflow, WorkflowContext, WorkflowOutput } from '../workflow.ts';
import { extractSoap } from './extract.ts';
import { mergeExtractions, type MergedExtraction } from './merge.ts';
import { soapNotePrompt } from './prompt.ts';
import { sectionNames, soapNoteInput, type Allergy, type Medication, type SectionName, type SoapNoteContent, type SoapNoteInput, type SoapStatement } from './schema.ts';
import { indexTranscript, reviewStatement, reviewValue, type TranscriptIndex } from './statement-review.ts';

export type { SoapNoteContent, SoapNoteInput, SoapStatement } from './schema.ts';

export const soapNoteWorkflow: Workflow<SoapNoteInput, SoapNoteContent> = {
  name: 'soap-note',
  version: '1',
  input: soapNoteInput,
  prompt: soapNotePrompt,
  languageOf: (input) => input.language,
  run: async (input, context) => {
    try {
      return await runSoapNote(input, context);
    } catch (error) {
      // An abort can surface as the signal's own reason (a DOMException); callers expect one error code for it.
      if (context.signal.aborted && !isNorthstationError(error, 'aborted')) throw new NorthstationError('aborted', 'the request was aborted', {}, { cause: error });
      throw error;
    }
  },
};

async function runSoapNote({ transcript, language }: SoapNoteInput, context: WorkflowContext): Promise<WorkflowOutput<SoapNoteContent>> {
  // Instructions hidden in the transcript are reported whatever the model does; the transcript only ever reaches it as data.
  const injectionFindings = detectInjections(transcript, { language });
  const { parts } = await extractSoap(transcript, language, context);
  const merged = mergeExtractions(parts);
  const index = indexTranscript(transcript);
  const content = reviewContent(merged, index, language);
  return { content: content.content, findings: [...injectionFindings, ...content.findings] };
}

function reviewContent(merged: MergedExtraction, index: TranscriptIndex, language: SoapNoteContent['language']): { content: SoapNoteContent; findings: Finding[] } {
  const findings: Finding[] = [];
  const chiefComplaint = merged.chiefComplaint === '' ? { text: '', findings: [] } : reviewValue(merged.chiefComplaint, index, language);
  findings.push(...chiefComplaint.findings);
  const sections = {} as Record<SectionName, SoapStatement[]>;
  for (const name of sectionNames) {
    sections[name] = merged.sections[name].map((text) => reviewStatement(text, index, language));
    for (const statement of sections[name]) findings.push(...statement.findings);
  }
  // Lists are not prose: only their grounding matters (a listed dose is not an order), so only those findings are kept.
  const listed = [...merged.medications.map(medicationLine), ...merged.allergies.map((allergy) => allergyLine(allergy, language))];
  for (const line of listed) findings.push(...reviewValue(line, index, language).findings.filter((finding) => finding.rule === 'ungrounded-claim'));
  return {
    content: { chiefComplaint: chiefComplaint.text, sections, medications: merged.medications, allergies: merged.allergies, language },
    findings,
  };
}

function medicationLine(medication: Medication): string {
  return [medication.name, medication.dose, medication.frequency].filter((part) => part !== undefined && part !== '').join(' ');
}

/** Worded in the output language, which is the language the grounding guard reads it in. */
function allergyLine(allergy: Allergy, language: SoapNoteContent['language']): string {
  return `${language === 'fr' ? 'Allergie à' : 'Allergy to'} ${allergy.substance}${allergy.reaction ? ` (${allergy.reaction})` : ''}`;
}
