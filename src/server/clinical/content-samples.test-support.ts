/**
 * Test-only: one well-formed draft content per workflow, typed by the
 * workflow's own content type so the compiler keeps each sample in step with
 * it, and invented (no patient data). Each call returns a fresh object: tests
 * mutate them to make malformed edits.
 */
import type { Contraindications } from '../../workflows/contraindications/index.ts';
import type { Differential } from '../../workflows/differential/index.ts';
import type { HistorySummary } from '../../workflows/history-summary/index.ts';
import type { ImagingRead } from '../../workflows/imaging-read/index.ts';
import type { SoapNoteContent } from '../../workflows/soap-note/index.ts';
import type { TriageContent } from '../../workflows/triage/index.ts';

const statement = (text: string): SoapNoteContent['sections']['plan'][number] => ({ text, grounding: [{ start: 0, end: 5 }], findings: [] });

const soapNote = (): SoapNoteContent => ({
  chiefComplaint: 'Cough and fever',
  sections: {
    subjective: [statement('Cough and fever for three days.')],
    objective: [statement('Temperature 38.4.')],
    assessment: [
      {
        text: 'Possible chest infection.',
        grounding: [],
        findings: [{ rule: 'definitive-diagnosis', start: 0, end: 8, excerpt: 'Possible', message: 'hedged', suggestion: 'Possible' }],
      },
    ],
    plan: [statement('Review in two days.')],
  },
  medications: [{ name: 'Lisinopril', dose: '10 mg', frequency: 'daily' }, { name: 'Paracetamol' }],
  allergies: [{ substance: 'Penicillin', reaction: 'rash' }],
  language: 'en',
});

const triage = (): TriageContent => ({
  ctas: {
    suggested: 3,
    floor: null,
    final: 3,
    finalFrom: 'suggestion',
    reasons: ['the suggestion is CTAS 3'],
    paediatric: false,
    missing: ['pain'],
    notApplicable: [],
  },
  flags: ['incomplete-vitals'],
  alerts: [{ code: 'incomplete-vitals', message: 'Some vitals are missing.' }],
  extremes: [],
  scores: {
    news2: {
      total: 3,
      maxTotal: 6,
      risk: 'low-medium',
      response: 'urgent ward-based response',
      parameters: { heartRate: 1, temperature: 1, respiratoryRate: 1 },
      missing: ['consciousness'],
      complete: false,
      singleParameterThree: false,
      consciousnessFromGcs: false,
    },
    qsofa: { score: 1, positive: null, missing: ['mentation'] },
    sirs: { met: true, count: 2, criteria: ['temperature', 'heartRate'], evaluated: ['temperature', 'heartRate', 'respiratory'], missing: ['whiteCells'] },
    shockIndex: 0.8,
    gcs: null,
  },
  modifiers: [{ name: 'dehydration signs', evidence: 'dry mucosa', usualLevel: 3 }],
  rationale: 'Fever with a raised heart rate.',
  modelOutput: 'usable',
  language: 'en',
});

const historySummary = (): HistorySummary => ({
  problems: [{ text: 'Hypertension', sources: ['c1'], date: '2024-01-02', findings: [] }],
  medications: [{ text: 'Lisinopril 10 mg', sources: ['m1'], findings: [] }],
  allergies: [],
  recentResults: [],
  encounters: [],
  coverage: { resources: 2, chunks: 1, summarisedChunks: 1, notes: [] },
});

const differential = (): Differential => ({
  items: [{ diagnosis: 'Possible pneumonia', likelihood: 'more likely', supporting: ['fever'], opposing: [], findings: [{ rule: 'ungrounded-claim', start: 0, end: 5, excerpt: 'fever', message: 'check', field: 'supporting.0' }] }],
  redFlags: [{ condition: 'Sepsis', why: 'fever and tachycardia', findings: [] }],
});

const contraindications = (): Contraindications => ({
  items: [{ kind: 'allergy', with: 'penicillin', concern: 'may cross-react', severity: 'avoid-unless-confirmed', basis: 'model+rule', findings: [] }],
});

const imagingRead = (): ImagingRead => ({
  findings: 'The cardiac silhouette appears enlarged. No focal consolidation is seen.',
  impression: 'Findings may represent cardiomegaly; clinician to confirm.',
  question: 'Is there a pleural effusion?',
  answer: 'No pleural effusion is seen.',
});

export const contentSamples = {
  'soap-note': soapNote,
  triage,
  'history-summary': historySummary,
  differential,
  contraindications,
  'imaging-read': imagingRead,
} as const;
