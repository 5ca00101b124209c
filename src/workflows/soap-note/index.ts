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
import { soapNoteContentSchema } from './content-schema.ts';
import type { Workflow, WorkflowContext, WorkflowOutput } from '../workflow.ts';
import { extractSoap } from './extract.ts';
import { mergeExtractions, type MergedExtraction } from './merge.ts';
import { soapNotePrompt } from './prompt.ts';
import { sectionNames, soapNoteInput, type Allergy, type Medication, type SectionName, type SoapNoteContent, type SoapNoteInput, type SoapStatement } from './schema.ts';
import { indexTranscript, reviewStatement, reviewValue, type TranscriptIndex } from './statement-review.ts';

export type { SoapNoteContent, SoapNoteInput, SoapStatement } from './schema.ts';

/** A finding on a medication or allergy field (e.g. "medications.1.dose"); its offsets index that field's text as the model wrote it. */
export type FieldFinding = Finding & { field: string };

export const soapNoteWorkflow: Workflow<SoapNoteInput, SoapNoteContent> = {
  name: 'soap-note',
  version: '1',
  input: soapNoteInput,
  content: soapNoteContentSchema,
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
  // Every list field is reviewed on its own with every rule: a dose or reaction can carry a diagnosis or an order as well as
  // an unsupported claim. The hedged text replaces the field; each finding says which field its offsets index.
  const reviewField = (text: string, field: string): string => {
    const review = reviewValue(text, index, language);
    findings.push(...review.findings.map((finding): FieldFinding => ({ ...finding, field })));
    return review.text;
  };
  const medications = merged.medications.map((medication, at): Medication => {
    const path = `medications.${at}`;
    const reviewed: Medication = { name: reviewField(medication.name, `${path}.name`) };
    if (medication.dose !== undefined) reviewed.dose = reviewField(medication.dose, `${path}.dose`);
    if (medication.frequency !== undefined) reviewed.frequency = reviewField(medication.frequency, `${path}.frequency`);
    return reviewed;
  });
  const allergies = merged.allergies.map((allergy, at): Allergy => {
    const path = `allergies.${at}`;
    const reviewed: Allergy = { substance: reviewField(allergy.substance, `${path}.substance`) };
    if (allergy.reaction !== undefined) reviewed.reaction = reviewField(allergy.reaction, `${path}.reaction`);
    return reviewed;
  });
  return {
    content: { chiefComplaint: chiefComplaint.text, sections, medications, allergies, language },
    findings,
  };
}
