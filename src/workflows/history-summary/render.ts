/**
 * FHIR resources → one line of text each, deterministically, in code: the
 * model only ever sees these lines, and the grounding guard checks its
 * summary against the same lines. Each line starts with the resource's
 * `ResourceType/id`, which is how the model cites it.
 */
import { asArray, asObject, codeOf, conceptKey, conceptText, firstDate, observationValue, oneLine } from './fhir-text.ts';
import type { FhirResource } from './input.ts';

export interface RenderedFact {
  /** `ResourceType/id`. */
  id: string;
  /** The line the model sees: `ResourceType/id: …`. */
  text: string;
  /** YYYY-MM-DD of the event the resource records, when it has one. */
  date?: string;
  /** Same test/code across resources (system|code), for keeping only the latest result. */
  codeKey?: string;
}

type Json = Record<string, unknown>;

/** Order in which facts are sent: what a summary needs most comes first, so a capped run (maxChunks) loses old encounters, not allergies. */
const renderers: readonly [string, (resource: Json) => string | undefined][] = [
  ['AllergyIntolerance', renderAllergy],
  ['Condition', renderCondition],
  ['MedicationRequest', renderMedication],
  ['MedicationStatement', renderMedication],
  ['Observation', renderObservation],
  ['DiagnosticReport', (r) => describe(conceptText(r.code), r.status)],
  ['Procedure', (r) => describe(conceptText(r.code), r.status)],
  ['Immunization', (r) => describe(conceptText(r.vaccineCode), r.status)],
  ['Encounter', renderEncounter],
];
const rank = new Map(renderers.map(([type], index) => [type, index]));
const renderByType = new Map(renderers);

/**
 * Every relevant resource as a fact, in send order (by type, then most recent
 * first). Observations are kept only at their latest per code: a chart holds
 * hundreds of repeated vitals, and a summary wants the current value.
 */
export function renderBundle(resources: Iterable<FhirResource>): RenderedFact[] {
  const facts: RenderedFact[] = [];
  const latestObservation = new Map<string, RenderedFact>();
  const seen = new Set<string>();
  for (const resource of resources) {
    const fact = renderResource(resource);
    // A bundle may repeat a resource (several versions, or careless export): one line per reference.
    if (!fact || seen.has(fact.id)) continue;
    seen.add(fact.id);
    if (resource.resourceType === 'Observation' && fact.codeKey !== undefined) {
      const kept = latestObservation.get(fact.codeKey);
      if (!kept || (fact.date ?? '') > (kept.date ?? '')) latestObservation.set(fact.codeKey, fact);
    } else {
      facts.push(fact);
    }
  }
  facts.push(...latestObservation.values());
  return facts.sort(
    (a, b) =>
      (rank.get(typeOf(a.id)) ?? 0) - (rank.get(typeOf(b.id)) ?? 0) || (b.date ?? '').localeCompare(a.date ?? '') || a.id.localeCompare(b.id),
  );
}

export function renderResource(resource: FhirResource): RenderedFact | undefined {
  const render = renderByType.get(resource.resourceType);
  const body = render?.(resource);
  if (body === undefined) return undefined;
  const id = `${resource.resourceType}/${resource.id}`;
  const date = dateOf(resource);
  const codeKey = resource.resourceType === 'Observation' ? conceptKey(resource.code) : undefined;
  return {
    id,
    text: `${id}: ${body}${date ? `; ${date}` : ''}`,
    ...(date === undefined ? {} : { date }),
    ...(codeKey === undefined ? {} : { codeKey }),
  };
}

function typeOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

function dateOf(r: Json): string | undefined {
  return firstDate(
    r.onsetDateTime, r.recordedDate, r.authoredOn, r.effectiveDateTime, r.effectivePeriod, r.dateAsserted,
    r.performedDateTime, r.performedPeriod, r.occurrenceDateTime, r.period, r.issued,
  );
}

function describe(what: string | undefined, ...qualifiers: unknown[]): string | undefined {
  if (what === undefined) return undefined;
  const extra = qualifiers.filter((q): q is string => typeof q === 'string' && q !== '').map((q) => oneLine(q, 40));
  return [what, ...extra].join('; ');
}

function renderCondition(r: Json): string | undefined {
  const abated = firstDate(r.abatementDateTime, r.abatementPeriod);
  return describe(conceptText(r.code), codeOf(r.clinicalStatus), abated ? `resolved ${abated}` : undefined);
}

function renderMedication(r: Json): string | undefined {
  const display = asObject(r.medicationReference)?.display;
  const medication = conceptText(r.medicationCodeableConcept) ?? (typeof display === 'string' ? oneLine(display) : '');
  const dosage = asObject(asArray(r.dosageInstruction ?? r.dosage)[0]);
  return describe(medication || undefined, r.status, typeof dosage?.text === 'string' ? dosage.text : undefined);
}

function renderAllergy(r: Json): string | undefined {
  const substance = conceptText(r.code);
  const reaction = asObject(asArray(r.reaction)[0]);
  const manifestation = conceptText(asArray(reaction?.manifestation)[0]);
  return substance ? describe(`allergy to ${substance}`, codeOf(r.clinicalStatus), r.criticality, manifestation ? `reaction ${manifestation}` : undefined) : undefined;
}

function renderObservation(r: Json): string | undefined {
  const value = observationValue(r);
  const name = conceptText(r.code);
  return name && value ? `${name} ${value}` : undefined;
}

function renderEncounter(r: Json): string | undefined {
  const reason = conceptText(asArray(r.reasonCode)[0]);
  return describe(conceptText(asArray(r.type)[0]) ?? codeOf(r.class), reason ? `reason ${reason}` : undefined);
}
