/**
 * A triage draft as FHIR R4 Observations: the final CTAS level (LOINC 11283-9
 * with a local CTAS code system), the NEWS2 total (local code + UK SNOMED
 * 1104051000000101) and the vitals of the input (vital-signs category, LOINC,
 * UCUM). Status follows the records' lifecycle (`preliminary` until signed).
 * The CTAS level is AI-assisted: labelled AIAST, with a Provenance naming the
 * AI Device as author and the measured vitals as its sources. NEWS2 (computed
 * by the rules) and the vitals (measured by people) are not AI-asserted.
 */
import { parseVitals, type CtasLevel } from '../clinical/index.ts';
import type { Patient, StoredDraft } from '../records/repository.ts';
import type { Draft } from '../workflows/draft.ts';
import type { TriageContent, TriageInput } from '../workflows/triage/index.ts';
import { aiAssertedLabel, aiDevice, aiProvenance, fhirStatus, signers, type Lifecycle } from './ai-transparency.ts';
import { defaultFhirBaseUrl, fhirId, localSystems, loinc, patientResource, practitionerResource, referenceTo, snomed, snomedUkEdition, ucum } from './ids.ts';
import type { FhirExportOptions } from './soap-composition.ts';
import type { Bundle, Coding, Quantity, Resource } from './types.ts';

export interface TriageSource {
  id: string;
  patient: Patient;
  /** The workflow's input: its vitals become Observations. */
  input: TriageInput;
  content: TriageContent;
  provenance: Draft<unknown>['provenance'];
  lifecycle: Lifecycle;
  createdBy: string | null;
}

export interface TriageExport {
  /** CTAS first, then NEWS2, then the vitals. */
  observations: Resource[];
  patient: Resource;
  practitioners: Resource[];
  device: Resource;
  provenance: Resource;
}

export const ctasLevelNames: Record<CtasLevel, { en: string; fr: string }> = {
  1: { en: 'Resuscitation', fr: 'Réanimation' },
  2: { en: 'Emergent', fr: 'Très urgent' },
  3: { en: 'Urgent', fr: 'Urgent' },
  4: { en: 'Less urgent', fr: 'Moins urgent' },
  5: { en: 'Non-urgent', fr: 'Non urgent' },
};

export const triageCodes = {
  ctas: { system: loinc, code: '11283-9', display: 'Acuity assessment at First encounter' },
  news2Local: { system: localSystems.scores, code: 'news2-total', display: 'NEWS2 total score' },
  news2Snomed: { system: snomed, version: snomedUkEdition, code: '1104051000000101', display: 'Royal College of Physicians National Early Warning Score 2 (NEWS2) total score' },
  respiratoryRate: { system: loinc, code: '9279-1', display: 'Respiratory rate' },
  heartRate: { system: loinc, code: '8867-4', display: 'Heart rate' },
  spo2: { system: loinc, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
  spo2PulseOximetry: { system: loinc, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
  temperature: { system: loinc, code: '8310-5', display: 'Body temperature' },
  bloodPressure: { system: loinc, code: '85354-9', display: 'Blood pressure panel with all children optional' },
  systolic: { system: loinc, code: '8480-6', display: 'Systolic blood pressure' },
  diastolic: { system: loinc, code: '8462-4', display: 'Diastolic blood pressure' },
} as const satisfies Record<string, Coding>;

const category = (code: string, display: string): unknown[] => [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code, display }] },
];
const vitalSigns = category('vital-signs', 'Vital Signs');
const quantity = (value: number, unit: string, code: string): Quantity => ({ value, unit, system: ucum, code });
const profile = (name: string): { profile: string[] } => ({ profile: [`http://hl7.org/fhir/StructureDefinition/${name}`] });

export function triageSourceFromStored(stored: StoredDraft, patient: Patient): TriageSource {
  return {
    id: stored.id,
    patient,
    input: stored.input as TriageInput,
    content: stored.currentContent as TriageContent,
    provenance: stored.provenance,
    lifecycle: { status: stored.status, signature: stored.signature, amendments: stored.amendments, withdrawal: stored.withdrawal },
    createdBy: stored.createdBy,
  };
}

export function triageObservations(source: TriageSource, options: Pick<FhirExportOptions, 'userNames'> = {}): TriageExport {
  const { content, lifecycle, provenance } = source;
  const status = fhirStatus(lifecycle.status);
  const id = fhirId(source.id);
  const patient = patientResource(source.patient);
  const device = aiDevice(provenance);
  const userIds = [...new Set([...(source.createdBy === null ? [] : [source.createdBy]), ...signers(lifecycle).map((signer) => signer.userId)])];
  const practitioners = userIds.map((userId) => practitionerResource(userId, options.userNames?.[userId]));
  const performer = source.createdBy === null ? {} : { performer: [referenceTo(practitionerResource(source.createdBy))] };
  const common = { status, subject: referenceTo(patient), effectiveDateTime: provenance.createdAt, ...performer };
  const language = content.language;

  const level = content.ctas.final;
  const ctas: Resource = {
    resourceType: 'Observation',
    id: fhirId(`${id}-ctas`),
    meta: { security: [aiAssertedLabel] },
    ...common,
    category: category('survey', 'Survey'),
    code: { coding: [triageCodes.ctas], text: 'CTAS' },
    valueCodeableConcept: {
      coding: [{ system: localSystems.ctas, code: String(level), display: ctasLevelNames[level].en }],
      text: `CTAS ${String(level)} (${ctasLevelNames[level][language]})`,
    },
    ...(content.ctas.reasons.length === 0 ? {} : { note: content.ctas.reasons.map((reason) => ({ text: reason })) }),
  };

  const { news2 } = content.scores;
  const news2Observation: Resource = {
    resourceType: 'Observation',
    id: fhirId(`${id}-news2`),
    ...common,
    category: category('survey', 'Survey'),
    code: { coding: [triageCodes.news2Local, triageCodes.news2Snomed], text: 'NEWS2' },
    valueInteger: news2.total,
    ...(news2.complete
      ? {}
      : { note: [{ text: `Incomplete: ${String(news2.total)} is a lower bound (at most ${String(news2.maxTotal)}); not scored: ${news2.missing.join(', ')}` }] }),
  };

  const vitals = parseVitals(source.input.vitals).vitals;
  const vital = (suffix: string, name: string, codes: Coding[], text: string, value: Quantity): Resource => ({
    resourceType: 'Observation',
    id: fhirId(`${id}-${suffix}`),
    meta: profile(name),
    ...common,
    category: vitalSigns,
    code: { coding: codes, text },
    valueQuantity: value,
  });
  const measured: Resource[] = [];
  if (vitals.respiratoryRate !== undefined) measured.push(vital('rr', 'resprate', [triageCodes.respiratoryRate], 'Respiratory rate', quantity(vitals.respiratoryRate, '/min', '/min')));
  if (vitals.heartRate !== undefined) measured.push(vital('hr', 'heartrate', [triageCodes.heartRate], 'Heart rate', quantity(vitals.heartRate, '/min', '/min')));
  if (vitals.spo2 !== undefined) measured.push(vital('spo2', 'oxygensat', [triageCodes.spo2, triageCodes.spo2PulseOximetry], 'SpO2', quantity(vitals.spo2, '%', '%')));
  if (vitals.temperatureC !== undefined) measured.push(vital('temp', 'bodytemp', [triageCodes.temperature], 'Body temperature', quantity(vitals.temperatureC, 'Cel', 'Cel')));
  if (vitals.systolicBP !== undefined || vitals.diastolicBP !== undefined) {
    const component = (coding: Coding, value: number | undefined): Record<string, unknown> => ({
      code: { coding: [coding] },
      ...(value === undefined
        ? { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown', display: 'Unknown' }] } }
        : { valueQuantity: quantity(value, 'mmHg', 'mm[Hg]') }),
    });
    measured.push({
      resourceType: 'Observation',
      id: fhirId(`${id}-bp`),
      meta: profile('bp'),
      ...common,
      category: vitalSigns,
      code: { coding: [triageCodes.bloodPressure], text: 'Blood pressure' },
      component: [component(triageCodes.systolic, vitals.systolicBP), component(triageCodes.diastolic, vitals.diastolicBP)],
    });
  }

  const provenanceResource = aiProvenance({
    id: fhirId(`prov-${id}-ctas`),
    targets: [referenceTo(ctas)],
    device,
    provenance,
    lifecycle,
    sources: [news2Observation, ...measured].map((observation) => referenceTo(observation)),
  });
  return { observations: [ctas, news2Observation, ...measured], patient, practitioners, device, provenance: provenanceResource };
}

/** The triage export as one `collection` Bundle (Observations, Patient, clinicians, Device, Provenance). */
export function triageBundle(source: TriageSource, options: FhirExportOptions = {}): Bundle {
  const baseUrl = (options.baseUrl ?? defaultFhirBaseUrl).replace(/\/+$/, '');
  const exported = triageObservations(source, options);
  const resources = [...exported.observations, exported.patient, ...exported.practitioners, exported.device, exported.provenance];
  return {
    resourceType: 'Bundle',
    id: fhirId(`triage-${fhirId(source.id)}`),
    type: 'collection',
    timestamp: String(exported.provenance.recorded),
    entry: resources.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`, resource })),
  };
}
