/** FHIR ids, references and the local systems this layer names. */
import { createHash } from 'node:crypto';
import type { Patient } from '../records/repository.ts';
import type { Reference, Resource } from './types.ts';

export const localBase = 'https://northstation.example/fhir';
export const defaultFhirBaseUrl = localBase;

export const localSystems = {
  ctas: `${localBase}/CodeSystem/ctas`,
  scores: `${localBase}/CodeSystem/scores`,
  draft: `${localBase}/NamingSystem/draft`,
  document: `${localBase}/NamingSystem/document`,
  user: `${localBase}/NamingSystem/user`,
  patient: `${localBase}/NamingSystem/patient`,
  model: `${localBase}/NamingSystem/model`,
  modelSha256: `${localBase}/NamingSystem/model-sha256`,
  modelCard: `${localBase}/NamingSystem/model-card`,
  promptTemplate: `${localBase}/NamingSystem/prompt-template-sha256`,
  inputSha256: `${localBase}/NamingSystem/input-sha256`,
  errorCode: `${localBase}/CodeSystem/error-code`,
} as const;

export const loinc = 'http://loinc.org';
export const snomed = 'http://snomed.info/sct';
/** SNOMED CT UK Edition (module 83821000000107), where the NEWS2 concept lives. */
export const snomedUkEdition = 'http://snomed.info/sct/83821000000107';
export const ucum = 'http://unitsofmeasure.org';

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** A valid FHIR id: the value itself when it already is one, else a stable hash of it. */
export function fhirId(value: string): string {
  if (idPattern.test(value)) return value;
  return `h-${createHash('sha256').update(value).digest('hex').slice(0, 40)}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export const referenceTo = (resource: Resource, display?: string): Reference => ({
  reference: `${resource.resourceType}/${resource.id ?? ''}`,
  ...(display === undefined ? {} : { display }),
});

export function patientResource(patient: Patient): Resource {
  return {
    resourceType: 'Patient',
    id: fhirId(patient.id),
    identifier: [{ system: localSystems.patient, value: patient.id }],
    name: [{ text: patient.displayName }],
    ...(patient.birthDate === null ? {} : { birthDate: patient.birthDate }),
    ...(patient.fhirReference === null ? {} : { link: [{ other: { reference: patient.fhirReference }, type: 'seealso' }] }),
  };
}

/** A clinician as the records layer knows them: a user id, and a display name when the caller has one. */
export function practitionerResource(userId: string, name?: string): Resource {
  return {
    resourceType: 'Practitioner',
    id: fhirId(userId),
    identifier: [{ system: localSystems.user, value: userId }],
    ...(name === undefined ? {} : { name: [{ text: name }] }),
  };
}
