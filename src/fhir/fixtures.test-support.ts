/** Test-only fixtures for the FHIR mappings. */
import { scoreInput } from '../clinical/index.ts';
import type { Patient } from '../records/repository.ts';
import type { Draft, Provenance } from '../workflows/draft.ts';
import type { SoapNoteContent } from '../workflows/soap-note/index.ts';
import type { TriageContent, TriageInput } from '../workflows/triage/index.ts';

export const patient: Patient = { id: 'pat-1', displayName: 'Jeanne Tremblay', birthDate: '1956-03-02', fhirReference: null, createdAt: '2025-01-01T00:00:00.000Z' };

export const rawPrompt = 'You are a clinical documentation assistant. Extract the SOAP note.';

export const provenance: Provenance = {
  workflow: 'soap-note',
  workflowVersion: '1',
  model: { id: 'medgemma-4b-it', backend: 'embedded', sha256: 'a'.repeat(64), quantisation: 'Q4_K_M', synthetic: false },
  engine: 'node-llama-cpp 3.21.1',
  promptTemplate: { id: 'soap-note', version: '1', sha256: 'b'.repeat(64) },
  inputSha256: 'c'.repeat(64),
  createdAt: '2025-02-03T10:00:00.000Z',
  timings: { totalMs: 1, timeToFirstTokenMs: 1, decodeTokensPerSecond: 1, promptTokens: 1, completionTokens: 1, modelCalls: 1 },
};

const statement = (text: string): SoapNoteContent['sections']['subjective'][number] => ({ text, grounding: [], findings: [] });

export const soapContent: SoapNoteContent = {
  chiefComplaint: 'Chest pain since this morning',
  sections: {
    subjective: [statement('Pain radiates to the left arm <script>alert(1)</script> & jaw')],
    objective: [statement('BP 150/90, HR 98')],
    assessment: [statement('Possible acute coronary syndrome')],
    plan: [],
  },
  medications: [{ name: 'Aspirin', dose: '81 mg', frequency: 'daily' }],
  allergies: [{ substance: 'Penicillin', reaction: 'rash' }],
  language: 'en',
};

export const soapDraft: Draft<SoapNoteContent> = {
  status: 'draft',
  workflow: 'soap-note',
  content: soapContent,
  findings: [],
  limitations: { model: 'medgemma-4b-it', status: 'catalog', catalogId: 'medgemma-4b-it', displayName: 'MedGemma 4B', intendedUse: rawPrompt, limitations: [rawPrompt] } as unknown as Draft<SoapNoteContent>['limitations'],
  provenance,
};

export const triageInput: TriageInput = {
  note: 'Short of breath for two days.',
  vitals: { age: 68, respiratoryRate: 34, spo2: 84, onOxygen: false, systolicBP: 128, diastolicBP: 78, heartRate: 118, temperature: 98.6, temperatureUnit: 'F', consciousness: 'A' },
};

export function triageContent(): TriageContent {
  const report = scoreInput(triageInput.vitals);
  return {
    ctas: { suggested: 2, floor: 1, final: 1, finalFrom: 'floor', reasons: ['SpO2 < 90 %: CTAS 1'], paediatric: false, missing: [], notApplicable: [] },
    flags: [],
    alerts: [],
    extremes: [],
    scores: { news2: report.news2, qsofa: report.qsofa, sirs: report.sirs, shockIndex: report.shockIndex, gcs: report.gcs },
    modifiers: [],
    rationale: null,
    modelOutput: 'usable',
    language: 'en',
  } as unknown as TriageContent;
}
