/**
 * A patient's FHIR R4 Bundle (e.g. a Synthea export, a `transaction` whose
 * references are `urn:uuid:`s) as context for the workflows: the shape is
 * checked, the one Patient summarised, the clinical resources listed with the
 * `ResourceType/id` each came from (so a summary's claims can be grounded),
 * and the history-summary workflow's input built from them.
 *
 * Refusals are `bad_request` (`payload_too_large` past the size limits) errors that name the problem by entry index and
 * resource type, never by a value from the bundle (names, identifiers and
 * codes are PHI or may be).
 */
import { Buffer } from 'node:buffer';
import { badRequest, NorthstationError } from '../core/errors.ts';
import type { HistorySummaryInput } from '../workflows/history-summary/input.ts';

/** Default size limit: 16 MiB of JSON (the largest shared test bundle is 3.9 MB; the history-summary workflow takes up to 50 M characters). */
export const defaultMaxBundleBytes = 16 * 1024 * 1024;
/** Default entry limit. */
export const defaultMaxBundleEntries = 50_000;

export interface ImportBundleOptions {
  /** Largest bundle accepted, in bytes of UTF-8 JSON. Default `defaultMaxBundleBytes` (16 MiB). */
  maxBytes?: number;
  /** Most entries accepted. Default `defaultMaxBundleEntries` (50,000). */
  maxEntries?: number;
  /** Language of the history summary; left out of its input when not given (the workflow's default, English). */
  language?: 'en' | 'fr';
}

export interface PatientSummary {
  /** `Patient/id`. */
  reference: string;
  /** The official name (else the first), as text: `name.text`, else given names and family name. */
  name: string | null;
  family: string | null;
  given: string[];
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate: string | null;
  gender: 'male' | 'female' | 'other' | 'unknown' | null;
  identifiers: { system: string | null; value: string; type: string | null }[];
}

/** One clinical resource of the bundle, as a line of context. */
export interface ContextItem {
  /** `ResourceType/id` of the source resource: what a claim cites. */
  reference: string;
  /** The coded concept's text (condition, medication, substance, test, encounter type …), when it has one. */
  text: string | null;
  /** Observations: the value with its unit, or the components' values. */
  value: string | null;
  /** The status the resource records (clinical status for conditions and allergies). */
  status: string | null;
  /** The date (YYYY-MM-DD or a dateTime) of what the resource records. */
  date: string | null;
}

export interface PatientContext {
  conditions: ContextItem[];
  /** MedicationRequest and MedicationStatement. */
  medications: ContextItem[];
  allergies: ContextItem[];
  observations: ContextItem[];
  encounters: ContextItem[];
  procedures: ContextItem[];
  immunizations: ContextItem[];
  diagnosticReports: ContextItem[];
}

export interface ImportedBundle {
  patient: PatientSummary;
  /** Resources in the bundle by resourceType, every entry counted (repeats included). */
  counts: Record<string, number>;
  /** Entries without a resource (e.g. a transaction's DELETE); not imported. */
  skippedEntries: number;
  /** The clinical resources, one item per distinct `ResourceType/id`, in bundle order. */
  context: PatientContext;
  /** The history-summary workflow's input: a `collection` Bundle of the Patient and the clinical resources, untouched. */
  historySummaryInput: HistorySummaryInput;
}

type Json = Record<string, unknown>;
type ContextList = keyof PatientContext;

const listOf: Readonly<Record<string, ContextList>> = {
  Condition: 'conditions',
  MedicationRequest: 'medications',
  MedicationStatement: 'medications',
  AllergyIntolerance: 'allergies',
  Observation: 'observations',
  Encounter: 'encounters',
  Procedure: 'procedures',
  Immunization: 'immunizations',
  DiagnosticReport: 'diagnosticReports',
};

const bundleTypes = new Set(['document', 'message', 'transaction', 'transaction-response', 'batch', 'batch-response', 'history', 'searchset', 'collection']);
const resourceTypePattern = /^[A-Z][A-Za-z]{0,63}$/;
const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
const uuidUrn = /^urn:uuid:([0-9a-fA-F-]{36})$/;
const relativeReference = /(?:^|\/)([A-Z][A-Za-z]{0,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const datePattern = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const genders = new Set(['male', 'female', 'other', 'unknown']);

/** Parses a bundle from its JSON text (or bytes); the size is checked before parsing. */
export function importPatientBundle(json: string | Uint8Array, options: ImportBundleOptions = {}): ImportedBundle {
  const maxBytes = options.maxBytes ?? defaultMaxBundleBytes;
  const size = typeof json === 'string' ? Buffer.byteLength(json, 'utf8') : json.byteLength;
  if (size > maxBytes) throw new NorthstationError('payload_too_large', `the bundle is ${String(size)} bytes; at most ${String(maxBytes)} are accepted`, { size, limit: maxBytes });
  let value: unknown;
  try {
    value = JSON.parse(typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  } catch {
    // JSON.parse's message quotes the input: not repeated here.
    throw badRequest('the bundle is not valid JSON');
  }
  return importBundle(value, options, size);
}

/** Imports an already parsed bundle; its size is measured as JSON. */
export function importPatientBundleValue(value: unknown, options: ImportBundleOptions = {}): ImportedBundle {
  const maxBytes = options.maxBytes ?? defaultMaxBundleBytes;
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : '';
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new NorthstationError('payload_too_large', `the bundle is ${String(size)} bytes of JSON; at most ${String(maxBytes)} are accepted`, { size, limit: maxBytes });
  return importBundle(value, options, size);
}

function importBundle(value: unknown, options: ImportBundleOptions, size: number): ImportedBundle {
  const maxEntries = options.maxEntries ?? defaultMaxBundleEntries;
  const bundle = asObject(value);
  if (bundle === undefined) throw badRequest('expected a FHIR R4 Bundle: the JSON is not an object');
  const { resourceType } = bundle;
  if (resourceType !== 'Bundle') {
    const named = typeof resourceType === 'string' && resourceTypePattern.test(resourceType) ? `a ${resourceType}` : 'no valid resourceType';
    throw badRequest(`expected a FHIR R4 Bundle, got ${named}`);
  }
  if (bundle.type !== undefined && (typeof bundle.type !== 'string' || !bundleTypes.has(bundle.type))) throw badRequest('the Bundle type is not an R4 bundle type');
  if (!Array.isArray(bundle.entry)) throw badRequest(bundle.entry === undefined ? 'the Bundle has no entries' : 'the Bundle entry is not an array');
  const entries: unknown[] = bundle.entry;
  if (entries.length > maxEntries) throw new NorthstationError('payload_too_large', `the Bundle has ${String(entries.length)} entries; at most ${String(maxEntries)} are accepted`, { entries: entries.length, limit: maxEntries, size });

  // First pass: every resource's type and id, and what each fullUrl names.
  const resources: { index: number; resource: Json; type: string; id: string; fullUrl: string | undefined }[] = [];
  const byFullUrl = new Map<string, string>();
  let skippedEntries = 0;
  for (const [index, item] of entries.entries()) {
    const entry = asObject(item);
    if (entry === undefined) throw badRequest(`entry ${String(index)} is not an object`);
    if (entry.resource === undefined) {
      skippedEntries += 1;
      continue;
    }
    const resource = asObject(entry.resource);
    if (resource === undefined) throw badRequest(`entry ${String(index)}: resource is not an object`);
    const type = resource.resourceType;
    if (typeof type !== 'string' || !resourceTypePattern.test(type)) throw badRequest(`entry ${String(index)}: resource has no valid resourceType`);
    const fullUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
    const fromUrn = fullUrl === undefined ? undefined : uuidUrn.exec(fullUrl)?.[1];
    const id = typeof resource.id === 'string' ? resource.id : fromUrn;
    if (id === undefined || !idPattern.test(id)) throw badRequest(`entry ${String(index)} (${type}): resource has no valid id`);
    resources.push({ index, resource, type, id, fullUrl });
    if (fullUrl !== undefined) byFullUrl.set(fullUrl, `${type}/${id}`);
  }

  const patientIds = [...new Set(resources.filter((item) => item.type === 'Patient').map((item) => item.id))];
  if (patientIds.length === 0) throw badRequest('the Bundle has no Patient');
  if (patientIds.length > 1) throw badRequest(`the Bundle holds ${String(patientIds.length)} Patients; an import takes one patient's record`, { patients: patientIds.length });
  const patientReference = `Patient/${String(patientIds[0])}`;
  const patientEntry = resources.find((item) => item.type === 'Patient');
  if (patientEntry === undefined) throw badRequest('the Bundle has no Patient');

  const counts: Record<string, number> = {};
  const context: PatientContext = { conditions: [], medications: [], allergies: [], observations: [], encounters: [], procedures: [], immunizations: [], diagnosticReports: [] };
  const seen = new Set<string>();
  const kept: HistorySummaryInput['bundle']['entry'] = [];
  for (const { index, resource, type, id, fullUrl } of resources) {
    counts[type] = (counts[type] ?? 0) + 1;
    // A resource about another patient must not become this patient's context.
    for (const field of ['subject', 'patient'] as const) {
      const target = resolve(asObject(resource[field])?.reference, byFullUrl);
      if (target?.startsWith('Patient/') === true && target !== patientReference) throw badRequest(`entry ${String(index)} (${type}): ${field} is not the Bundle's Patient`);
    }
    const reference = `${type}/${id}`;
    const list = listOf[type];
    if ((list === undefined && type !== 'Patient') || seen.has(reference)) continue;
    seen.add(reference);
    const withId = resource.id === id ? resource : { ...resource, id };
    kept.push({ ...(fullUrl === undefined ? {} : { fullUrl }), resource: withId as HistorySummaryInput['bundle']['entry'][number]['resource'] });
    if (list !== undefined) context[list].push(contextItem(reference, type, resource));
  }

  return {
    patient: patientSummary(patientReference, patientEntry.resource),
    counts,
    skippedEntries,
    context,
    historySummaryInput: {
      bundle: { resourceType: 'Bundle', type: 'collection', entry: kept },
      ...(options.language === undefined ? {} : { language: options.language }),
    },
  };
}

/** `Type/id` of a reference that names one: a fullUrl in the bundle, else a relative or absolute RESTful reference. */
function resolve(reference: unknown, byFullUrl: ReadonlyMap<string, string>): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const inBundle = byFullUrl.get(reference);
  if (inBundle !== undefined) return inBundle;
  const match = relativeReference.exec(reference);
  return match === null ? undefined : `${String(match[1])}/${String(match[2])}`;
}

function patientSummary(reference: string, patient: Json): PatientSummary {
  const names = asArray(patient.name).map(asObject).filter((name): name is Json => name !== undefined);
  const name = names.find((candidate) => candidate.use === 'official') ?? names[0];
  const given = asArray(name?.given).filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  const family = typeof name?.family === 'string' && name.family.trim() !== '' ? name.family : null;
  const text = typeof name?.text === 'string' && name.text.trim() !== '' ? name.text : [...given, ...(family === null ? [] : [family])].join(' ');
  const identifiers = asArray(patient.identifier)
    .map(asObject)
    .flatMap((identifier) => {
      if (identifier === undefined || typeof identifier.value !== 'string' || identifier.value === '') return [];
      return [{ system: typeof identifier.system === 'string' ? identifier.system : null, value: identifier.value, type: conceptText(identifier.type) }];
    });
  return {
    reference,
    name: text === '' ? null : text,
    family,
    given,
    birthDate: typeof patient.birthDate === 'string' && datePattern.test(patient.birthDate) ? patient.birthDate : null,
    gender: typeof patient.gender === 'string' && genders.has(patient.gender) ? (patient.gender as PatientSummary['gender']) : null,
    identifiers,
  };
}

function contextItem(reference: string, type: string, r: Json): ContextItem {
  const item = (text: string | null, status: unknown, ...dates: unknown[]): ContextItem => ({
    reference,
    text,
    value: type === 'Observation' ? observationValue(r) : null,
    status: typeof status === 'string' ? status : null,
    date: firstDate(dates),
  });
  switch (type) {
    case 'Condition':
      return item(conceptText(r.code), codeOf(r.clinicalStatus), r.onsetDateTime, r.onsetPeriod, r.recordedDate);
    case 'AllergyIntolerance':
      return item(conceptText(r.code), codeOf(r.clinicalStatus), r.onsetDateTime, r.recordedDate);
    case 'MedicationRequest':
    case 'MedicationStatement': {
      const display = asObject(r.medicationReference)?.display;
      return item(conceptText(r.medicationCodeableConcept) ?? (typeof display === 'string' ? display : null), r.status, r.authoredOn, r.effectiveDateTime, r.effectivePeriod, r.dateAsserted);
    }
    case 'Observation':
      return item(conceptText(r.code), r.status, r.effectiveDateTime, r.effectivePeriod, r.effectiveInstant, r.issued);
    case 'Encounter':
      return item(conceptText(asArray(r.type)[0]) ?? codeOf(r.class), r.status, r.period);
    case 'Procedure':
      return item(conceptText(r.code), r.status, r.performedDateTime, r.performedPeriod);
    case 'Immunization':
      return item(conceptText(r.vaccineCode), r.status, r.occurrenceDateTime, r.recorded);
    default:
      return item(conceptText(r.code), r.status, r.effectiveDateTime, r.effectivePeriod, r.issued);
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A CodeableConcept's text, else its first coding's display, else its first code. */
function conceptText(value: unknown): string | null {
  const concept = asObject(value);
  if (concept === undefined) return null;
  if (typeof concept.text === 'string' && concept.text.trim() !== '') return concept.text;
  const codings = asArray(concept.coding).map(asObject);
  for (const coding of codings) if (typeof coding?.display === 'string' && coding.display.trim() !== '') return coding.display;
  for (const coding of codings) if (typeof coding?.code === 'string' && coding.code !== '') return coding.code;
  return null;
}

/** A status CodeableConcept's first code (e.g. clinicalStatus `active`) or a Coding's code (Encounter.class). */
function codeOf(value: unknown): string | null {
  const object = asObject(value);
  if (typeof object?.code === 'string') return object.code;
  const coding = asObject(asArray(object?.coding)[0]);
  return typeof coding?.code === 'string' ? coding.code : null;
}

function firstDate(values: unknown[]): string | null {
  for (const value of values) {
    if (typeof value === 'string' && value !== '') return value;
    const start = asObject(value)?.start;
    if (typeof start === 'string' && start !== '') return start;
  }
  return null;
}

function quantityText(value: unknown): string | null {
  const quantity = asObject(value);
  if (typeof quantity?.value !== 'number') return null;
  const unit = typeof quantity.unit === 'string' ? quantity.unit : typeof quantity.code === 'string' ? quantity.code : '';
  return unit === '' ? String(quantity.value) : `${String(quantity.value)} ${unit}`;
}

function observationValue(r: Json): string | null {
  const own = quantityText(r.valueQuantity) ?? conceptText(r.valueCodeableConcept) ?? (typeof r.valueString === 'string' ? r.valueString : null);
  if (own !== null) return own;
  for (const kind of ['valueBoolean', 'valueInteger'] as const) if (typeof r[kind] === 'boolean' || typeof r[kind] === 'number') return String(r[kind]);
  const parts = asArray(r.component).flatMap((item) => {
    const component = asObject(item);
    const value = quantityText(component?.valueQuantity) ?? conceptText(component?.valueCodeableConcept);
    return value === null ? [] : [`${conceptText(component?.code) ?? '?'} ${value}`];
  });
  return parts.length === 0 ? null : parts.join('; ');
}
