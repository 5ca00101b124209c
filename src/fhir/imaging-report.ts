/**
 * An imaging read as a FHIR R4 `DiagnosticReport` (REFERENCE.md §6: status
 * `preliminary` while a draft, category v2-0074 `RAD`), in a `collection`
 * Bundle with the Patient, the clinicians, the `ImagingStudy` when the study
 * or its modality is known, the AI `Device` and the `Provenance` (Device as
 * author, every signing clinician as verifier). The report is AI-asserted:
 * labelled `AIAST`. Its text is exported exactly as stored: the impression is
 * `conclusion`, findings, impression and any question/answer are the narrative
 * and a plain-text `presentedForm`; nothing is reworded, added or dropped.
 */
import { Buffer } from 'node:buffer';
import { badRequest } from '../core/errors.ts';
import type { Patient, Signature, StoredDraft } from '../records/repository.ts';
import type { Draft } from '../workflows/draft.ts';
import { aiAssertedLabel, aiDevice, aiProvenance, documentPractitioners, fhirStatus, signers, type Lifecycle } from './ai-transparency.ts';
import { defaultFhirBaseUrl, fhirId, localSystems, loinc, patientResource, practitionerResource, referenceTo } from './ids.ts';
import { narrative } from './narrative.ts';
import type { FhirExportOptions } from './soap-composition.ts';
import type { Bundle, Coding, Resource } from './types.ts';

/**
 * What an imaging read holds (the imaging-read workflow comes in a later
 * issue; this is the least the export needs). All text is the model's or the
 * clinician's, in the language they wrote it.
 */
export interface ImagingReadContent {
  /** What is seen, as free text. */
  findings: string;
  /** The reader's summary; becomes `DiagnosticReport.conclusion`. */
  impression: string;
  /** A clinician's question about the image (visual question answering), when there was one. */
  question?: string;
  /** The answer to `question`. */
  answer?: string;
}

/** What is known of the study that was read; every field optional. */
export interface ImagingStudyInfo {
  /** DICOM Study Instance UID (0020,000D): digits and dots, at most 64 characters. */
  studyInstanceUid?: string;
  /** DICOM modality code (0008,0060), one of `dicomModalities`. */
  modality?: string;
}

export interface ImagingReportSource {
  /** The draft's id in the records store. */
  id: string;
  patient: Patient;
  content: ImagingReadContent;
  provenance: Draft<unknown>['provenance'];
  lifecycle: Lifecycle;
  /** The user who ran the workflow, when known. */
  createdBy: string | null;
  study?: ImagingStudyInfo;
}

export const dicomSystem = 'http://dicom.nema.org/resources/ontology/DCM';

/** DICOM modality codes (PS3.16 CID 29) this export accepts, with their DCM display names. */
export const dicomModalities: Readonly<Record<string, string>> = {
  CR: 'Computed Radiography',
  DX: 'Digital Radiography',
  CT: 'Computed Tomography',
  MR: 'Magnetic Resonance',
  US: 'Ultrasound',
  MG: 'Mammography',
  NM: 'Nuclear Medicine',
  PT: 'Positron emission tomography',
  XA: 'X-Ray Angiography',
  RF: 'Radio Fluoroscopy',
  IO: 'Intra-oral Radiography',
  PX: 'Panoramic X-Ray',
  OT: 'Other',
};

export const imagingReportCodes = {
  /** The report's code: LOINC 18748-4. */
  code: { system: loinc, code: '18748-4', display: 'Diagnostic imaging study' },
  /** Category, HL7 v2 table 0074 (REFERENCE.md §6). */
  categoryV2: { system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' },
  /** The same category as a LOINC part code (as US Core writes it). */
  categoryLoinc: { system: loinc, code: 'LP29684-5', display: 'Radiology' },
} as const satisfies Record<string, Coding>;

const uidPattern = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;

/** A stored imaging-read draft: its current content (latest amendment, else latest edit, else the AI's). */
export function imagingReportSourceFromStored(stored: StoredDraft, patient: Patient, study?: ImagingStudyInfo): ImagingReportSource {
  if (stored.workflow !== 'imaging-read') throw badRequest(`draft ${stored.id} is a ${stored.workflow} draft, not an imaging read`);
  return {
    id: stored.id,
    patient,
    content: asImagingReadContent(stored.currentContent),
    provenance: stored.provenance,
    lifecycle: { status: stored.status, signature: stored.signature, amendments: stored.amendments, withdrawal: stored.withdrawal },
    createdBy: stored.createdBy,
    ...(study === undefined ? {} : { study }),
  };
}

/** A workflow's imaging read not yet (or just) stored: preliminary, or final when a signature is given. */
export function imagingReportSourceFromDraft(
  draft: Draft<ImagingReadContent>,
  context: { id: string; patient: Patient; study?: ImagingStudyInfo; signature?: Pick<Signature, 'signedBy' | 'signedAt'> | null },
): ImagingReportSource {
  const signature = context.signature ?? null;
  return {
    id: context.id,
    patient: context.patient,
    content: asImagingReadContent(draft.content),
    provenance: draft.provenance,
    lifecycle: { status: signature === null ? 'draft' : 'signed', signature, amendments: [], withdrawal: null },
    createdBy: null,
    ...(context.study === undefined ? {} : { study: context.study }),
  };
}

export function storedImagingReportBundle(stored: StoredDraft, patient: Patient, study?: ImagingStudyInfo, options: FhirExportOptions = {}): Bundle {
  return imagingReportBundle(imagingReportSourceFromStored(stored, patient, study), options);
}

export interface ImagingReportExport {
  report: Resource;
  patient: Resource;
  practitioners: Resource[];
  /** Present when the Study Instance UID or the modality is known. */
  imagingStudy: Resource | null;
  device: Resource;
  provenance: Resource;
}

export function imagingReport(source: ImagingReportSource, options: Pick<FhirExportOptions, 'userNames'> = {}): ImagingReportExport {
  const { content, lifecycle, provenance } = source;
  const study = checkStudy(source.study);
  const id = fhirId(source.id);
  const patient = patientResource(source.patient);
  const device = aiDevice(provenance);
  const signedBy = signers(lifecycle);
  const practitioners = documentPractitioners(source.createdBy, signedBy, options.userNames);
  const interpreters = [...new Set(signedBy.map((signer) => signer.userId))].map((userId) => referenceTo(practitionerResource(userId)));

  const imagingStudy: Resource | null =
    study.studyInstanceUid === undefined && study.modality === undefined
      ? null
      : {
          resourceType: 'ImagingStudy',
          id: fhirId(study.studyInstanceUid === undefined ? `study-${id}` : `study-${study.studyInstanceUid}`),
          ...(study.studyInstanceUid === undefined ? {} : { identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${study.studyInstanceUid}` }] }),
          status: 'available',
          ...(study.modality === undefined ? {} : { modality: [{ system: dicomSystem, code: study.modality, display: dicomModalities[study.modality] }] }),
          subject: referenceTo(patient),
        };

  const sections: { heading: string; text: string | undefined }[] = [
    { heading: 'Findings', text: content.findings },
    { heading: 'Impression', text: content.impression },
    { heading: 'Question', text: content.question },
    { heading: 'Answer', text: content.answer },
  ];
  const present = sections.filter((section): section is { heading: string; text: string } => section.text !== undefined && section.text.trim() !== '');
  const plainText = present.map((section) => `${section.heading}:\n${section.text}`).join('\n\n');
  const issued = signedBy.at(-1)?.at ?? provenance.createdAt;

  const report: Resource = {
    resourceType: 'DiagnosticReport',
    id,
    meta: { security: [aiAssertedLabel] },
    text: narrative(present.length === 0 ? [{ paragraph: 'Nothing recorded.' }] : present.flatMap((section) => [{ heading: section.heading, items: [section.text] }])),
    identifier: [{ system: localSystems.draft, value: source.id }],
    status: fhirStatus(lifecycle.status),
    category: [{ coding: [imagingReportCodes.categoryV2, imagingReportCodes.categoryLoinc], text: 'Radiology' }],
    code: { coding: [imagingReportCodes.code], text: 'Imaging read' },
    subject: referenceTo(patient),
    issued,
    ...(interpreters.length === 0 ? {} : { resultsInterpreter: interpreters }),
    ...(imagingStudy === null ? {} : { imagingStudy: [referenceTo(imagingStudy)] }),
    ...(content.impression.trim() === '' ? {} : { conclusion: content.impression }),
    ...(plainText === ''
      ? {}
      : { presentedForm: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(plainText, 'utf8').toString('base64'), title: 'Imaging read' }] }),
  };
  const provenanceResource = aiProvenance({
    id: fhirId(`prov-${id}`),
    targets: [referenceTo(report)],
    device,
    provenance,
    lifecycle,
    ...(imagingStudy === null ? {} : { sources: [referenceTo(imagingStudy)] }),
  });
  return { report, patient, practitioners, imagingStudy, device, provenance: provenanceResource };
}

/** The imaging read as one `collection` Bundle (DiagnosticReport, Patient, clinicians, ImagingStudy, Device, Provenance). */
export function imagingReportBundle(source: ImagingReportSource, options: FhirExportOptions = {}): Bundle {
  const baseUrl = (options.baseUrl ?? defaultFhirBaseUrl).replace(/\/+$/, '');
  const exported = imagingReport(source, options);
  const resources = [exported.report, exported.patient, ...exported.practitioners, ...(exported.imagingStudy === null ? [] : [exported.imagingStudy]), exported.device, exported.provenance];
  return {
    resourceType: 'Bundle',
    id: fhirId(`imaging-${fhirId(source.id)}`),
    type: 'collection',
    timestamp: String(exported.provenance.recorded),
    entry: resources.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`, resource })),
  };
}

/** Checks that stored content has the imaging read's shape before it is exported. */
export function asImagingReadContent(value: unknown): ImagingReadContent {
  const fail = (what: string): never => {
    throw badRequest(`the draft's content is not an imaging read: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not an object');
  const content = value as Record<string, unknown>;
  if (typeof content.findings !== 'string') fail('findings');
  if (typeof content.impression !== 'string') fail('impression');
  for (const name of ['question', 'answer'] as const) if (content[name] !== undefined && typeof content[name] !== 'string') fail(name);
  return value as ImagingReadContent;
}

function checkStudy(study: ImagingStudyInfo | undefined): ImagingStudyInfo {
  if (study === undefined) return {};
  const { studyInstanceUid, modality } = study;
  if (studyInstanceUid !== undefined && (studyInstanceUid.length > 64 || !uidPattern.test(studyInstanceUid))) throw badRequest('the Study Instance UID is not a DICOM UID (digits and dots, at most 64 characters)');
  if (modality !== undefined && !Object.hasOwn(dicomModalities, modality)) throw badRequest(`the modality is not one of the DICOM codes ${Object.keys(dicomModalities).join(', ')}`);
  return study;
}
