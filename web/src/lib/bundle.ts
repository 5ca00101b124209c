/**
 * A first check of a FHIR bundle file in the browser, so a wrong file is
 * refused before it is sent: JSON, a Bundle, exactly one Patient. The server
 * checks everything again (src/fhir/import-bundle.ts). Pure: tested in Node.
 */

export interface CheckedBundle {
  bundle: { resourceType: 'Bundle'; entry: { resource: FhirResource }[] };
  patientName: string;
  birthDate?: string;
  resourceCount: number;
}

export interface FhirResource {
  resourceType: string;
  id: string;
  [field: string]: unknown;
}

/** The checked bundle, or why it was refused. */
export function checkBundle(text: string): CheckedBundle | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || (value as { resourceType?: unknown }).resourceType !== 'Bundle') return 'not a FHIR Bundle';
  const entries = (value as { entry?: unknown }).entry;
  if (!Array.isArray(entries) || entries.length === 0) return 'the bundle has no entries';
  const resources: FhirResource[] = [];
  for (const entry of entries as unknown[]) {
    const resource = (entry as { resource?: unknown } | null)?.resource as Partial<FhirResource> | undefined;
    if (typeof resource?.resourceType !== 'string' || typeof resource.id !== 'string') return 'an entry has no resource with a resourceType and an id';
    resources.push(resource as FhirResource);
  }
  const patients = resources.filter((resource) => resource.resourceType === 'Patient');
  if (patients.length !== 1) return `the bundle must hold exactly one Patient (it holds ${patients.length})`;
  const patient = patients[0] as FhirResource;
  return {
    bundle: { resourceType: 'Bundle', entry: resources.map((resource) => ({ resource })) },
    patientName: patientName(patient),
    ...(typeof patient.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) ? { birthDate: patient.birthDate } : {}),
    resourceCount: resources.length,
  };
}

/** "Given Family" from the first name, else the resource id. */
export function patientName(patient: FhirResource): string {
  const names = Array.isArray(patient.name) ? (patient.name as { given?: unknown; family?: unknown; text?: unknown }[]) : [];
  const first = names[0];
  if (first === undefined) return `Patient/${patient.id}`;
  if (typeof first.text === 'string' && first.text.trim() !== '') return first.text.trim();
  const given = Array.isArray(first.given) ? first.given.filter((part): part is string => typeof part === 'string') : [];
  const parts = [...given, typeof first.family === 'string' ? first.family : ''].filter((part) => part !== '');
  return parts.length === 0 ? `Patient/${patient.id}` : parts.join(' ');
}
