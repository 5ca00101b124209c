/**
 * A SOAP note as a FHIR R4 document: a `Bundle` (type document) whose first
 * entry is the `Composition`, then the Patient, the clinicians, the AI Device
 * and the Provenance. The status follows the records' lifecycle: a draft is
 * `preliminary`, a signed note `final` with a legal attester, a corrected one
 * `amended`, a withdrawn one `entered-in-error` (REFERENCE.md §5–6).
 */
import { badRequest } from '../core/errors.ts';
import type { Patient, Signature, StoredDraft } from '../records/repository.ts';
import type { Draft } from '../workflows/draft.ts';
import type { SoapNoteContent, SoapStatement } from '../workflows/soap-note/index.ts';
import { aiAssertedLabel, aiDevice, aiProvenance, documentPractitioners, fhirStatus, signers, type Lifecycle } from './ai-transparency.ts';
import { defaultFhirBaseUrl, fhirId, localSystems, loinc, patientResource, practitionerResource, referenceTo } from './ids.ts';
import { narrative, type NarrativeBlock } from './narrative.ts';
import type { Bundle, Resource } from './types.ts';

export interface SoapDocumentSource {
  /** The draft's id in the records store. */
  id: string;
  /** Changes with every edit, signature or amendment; part of the Bundle identifier. */
  version: number;
  patient: Patient;
  content: SoapNoteContent;
  provenance: Draft<unknown>['provenance'];
  lifecycle: Lifecycle;
  /** The user who ran the workflow, when known (a co-author beside the AI Device). */
  createdBy: string | null;
}

export interface FhirExportOptions {
  /** Absolute base for `fullUrl`s; default https://northstation.example/fhir. */
  baseUrl?: string;
  /** Display names of users, by user id, for Practitioner.name. */
  userNames?: Readonly<Record<string, string>>;
}

export const soapSectionCodes = {
  subjective: { code: '61150-9', display: 'Subjective Narrative' },
  objective: { code: '61149-1', display: 'Objective Narrative' },
  assessment: { code: '51848-0', display: 'Evaluation note' },
  plan: { code: '18776-5', display: 'Plan of care note' },
} as const;

export const soapDocumentType = { system: loinc, code: '11506-3', display: 'Progress note' } as const;

const labels = {
  en: {
    title: 'SOAP note',
    subjective: 'Subjective',
    objective: 'Objective',
    assessment: 'Assessment',
    plan: 'Plan',
    chiefComplaint: 'Chief complaint',
    medications: 'Medications',
    allergies: 'Allergies',
    none: 'Nothing recorded.',
  },
  fr: {
    title: 'Note SOAP',
    subjective: 'Subjectif',
    objective: 'Objectif',
    assessment: 'Évaluation',
    plan: 'Plan',
    chiefComplaint: 'Motif de consultation',
    medications: 'Médicaments',
    allergies: 'Allergies',
    none: 'Rien de consigné.',
  },
} as const;

/** The note as the records store holds it; its current content (latest amendment, else latest edit, else the AI's). */
export function soapSourceFromStored(stored: StoredDraft, patient: Patient): SoapDocumentSource {
  if (stored.workflow !== 'soap-note') throw badRequest(`draft ${stored.id} is a ${stored.workflow} draft, not a SOAP note`);
  return {
    id: stored.id,
    version: stored.version,
    patient,
    content: asSoapNoteContent(stored.currentContent),
    provenance: stored.provenance,
    lifecycle: { status: stored.status, signature: stored.signature, amendments: stored.amendments, withdrawal: stored.withdrawal },
    createdBy: stored.createdBy,
  };
}

/** A workflow's draft not yet (or just) stored: preliminary, or final when a signature is given. */
export function soapSourceFromDraft(draft: Draft<SoapNoteContent>, context: { id: string; patient: Patient; signature?: Pick<Signature, 'signedBy' | 'signedAt'> | null }): SoapDocumentSource {
  const signature = context.signature ?? null;
  return {
    id: context.id,
    version: signature === null ? 1 : 2,
    patient: context.patient,
    content: draft.content,
    provenance: draft.provenance,
    lifecycle: { status: signature === null ? 'draft' : 'signed', signature, amendments: [], withdrawal: null },
    createdBy: null,
  };
}

export function storedSoapNoteBundle(stored: StoredDraft, patient: Patient, options: FhirExportOptions = {}): Bundle {
  return soapNoteBundle(soapSourceFromStored(stored, patient), options);
}

export function draftSoapNoteBundle(
  draft: Draft<SoapNoteContent>,
  context: { id: string; patient: Patient; signature?: Pick<Signature, 'signedBy' | 'signedAt'> | null },
  options: FhirExportOptions = {},
): Bundle {
  return soapNoteBundle(soapSourceFromDraft(draft, context), options);
}

export function soapNoteBundle(source: SoapDocumentSource, options: FhirExportOptions = {}): Bundle {
  const baseUrl = (options.baseUrl ?? defaultFhirBaseUrl).replace(/\/+$/, '');
  const { content, lifecycle, provenance } = source;
  const text = labels[content.language];
  const status = fhirStatus(lifecycle.status);
  const id = fhirId(source.id);
  const patient = patientResource(source.patient);
  const device = aiDevice(provenance);
  const signedBy = signers(lifecycle);
  const practitioners = documentPractitioners(source.createdBy, signedBy, options.userNames);
  const practitionerOf = (userId: string): Resource => practitioners.find((practitioner) => practitioner.id === fhirId(userId)) ?? practitionerResource(userId);
  const date = signedBy.at(-1)?.at ?? provenance.createdAt;

  const section = (name: keyof typeof soapSectionCodes, blocks: NarrativeBlock[]): Record<string, unknown> => {
    const empty = blocks.every((block) => 'items' in block && block.items.length === 0);
    return {
      title: text[name],
      code: { coding: [{ system: loinc, ...soapSectionCodes[name] }] },
      text: narrative(empty ? [{ paragraph: text.none }] : blocks, content.language),
      ...(empty ? { emptyReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable', display: 'Unavailable' }] } } : {}),
    };
  };
  const statements = (list: SoapStatement[]): string[] => list.map((statement) => statement.text).filter((line) => line.trim() !== '');
  const composition: Resource = {
    resourceType: 'Composition',
    id,
    meta: { security: [aiAssertedLabel] },
    language: content.language,
    identifier: { system: localSystems.draft, value: source.id },
    status,
    type: { coding: [soapDocumentType], text: text.title },
    subject: referenceTo(patient),
    date,
    author: [referenceTo(device, provenance.model.id), ...(source.createdBy === null ? [] : [referenceTo(practitionerOf(source.createdBy))])],
    title: text.title,
    ...(signedBy.length === 0 ? {} : { attester: signedBy.map((signer) => ({ mode: 'legal', time: signer.at, party: referenceTo(practitionerOf(signer.userId)) })) }),
    section: [
      section('subjective', [
        { heading: text.chiefComplaint, items: content.chiefComplaint.trim() === '' ? [] : [content.chiefComplaint] },
        { heading: '', items: statements(content.sections.subjective) },
        { heading: text.medications, items: content.medications.map((medication) => [medication.name, medication.dose, medication.frequency].filter((part) => part !== undefined && part !== '').join(' ')) },
        { heading: text.allergies, items: content.allergies.map((allergy) => (allergy.reaction === undefined || allergy.reaction === '' ? allergy.substance : `${allergy.substance} (${allergy.reaction})`)) },
      ]),
      section('objective', [{ heading: '', items: statements(content.sections.objective) }]),
      section('assessment', [{ heading: '', items: statements(content.sections.assessment) }]),
      section('plan', [{ heading: '', items: statements(content.sections.plan) }]),
    ],
  };
  const provenanceResource = aiProvenance({ id: fhirId(`prov-${id}`), targets: [referenceTo(composition)], device, provenance, lifecycle });
  const resources = [composition, patient, ...practitioners, device, provenanceResource];
  return {
    resourceType: 'Bundle',
    id: fhirId(`doc-${id}-${source.version}`),
    identifier: { system: localSystems.document, value: `${source.id}/${source.version}/${status}` },
    type: 'document',
    timestamp: lifecycle.withdrawal?.at ?? date,
    entry: resources.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`, resource })),
  };
}

/** Checks that stored content has the SOAP note's shape before it is exported. */
export function asSoapNoteContent(value: unknown): SoapNoteContent {
  const fail = (what: string): never => {
    throw badRequest(`the draft's content is not a SOAP note: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const content = value as Partial<SoapNoteContent>;
  if (typeof content.chiefComplaint !== 'string') fail('chiefComplaint');
  if (content.language !== 'en' && content.language !== 'fr') fail('language');
  if (!Array.isArray(content.medications) || !Array.isArray(content.allergies)) fail('medications or allergies');
  const sections: unknown = content.sections;
  if (typeof sections !== 'object' || sections === null) return fail('sections');
  for (const name of Object.keys(soapSectionCodes) as (keyof typeof soapSectionCodes)[]) {
    const list: unknown = (sections as Record<string, unknown>)[name];
    if (!Array.isArray(list) || !list.every((item: unknown) => typeof item === 'object' && item !== null && typeof (item as { text?: unknown }).text === 'string')) fail(`sections.${name}`);
  }
  return content as SoapNoteContent;
}
