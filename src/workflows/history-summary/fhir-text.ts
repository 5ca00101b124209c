/** Small readers for the FHIR R4 datatypes the renderer needs; every field is untrusted, so each is checked before use. */

type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? oneLine(value) : undefined;
}

/** Whitespace collapsed and length capped: one resource is one short line, whatever its narrative holds. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** CodeableConcept → its text, else the first coding's display, else its code. */
export function conceptText(value: unknown): string | undefined {
  const concept = asObject(value);
  if (!concept) return undefined;
  const coding = asObject(asArray(concept.coding)[0]);
  return asText(concept.text) ?? asText(coding?.display) ?? asText(coding?.code);
}

/** system|code of the first coding, else the text: what "the same test" means when keeping the latest result. */
export function conceptKey(value: unknown): string | undefined {
  const concept = asObject(value);
  const coding = asObject(asArray(concept?.coding)[0]);
  if (typeof coding?.code === 'string') return `${typeof coding.system === 'string' ? coding.system : ''}|${coding.code}`;
  return conceptText(value)?.toLowerCase();
}

/** The first of `values` that is a FHIR date/dateTime (or a Period's start), as YYYY-MM-DD. */
export function firstDate(...values: unknown[]): string | undefined {
  for (const value of values) {
    const text = typeof value === 'string' ? value : asObject(value)?.start;
    if (typeof text === 'string' && /^\d{4}(-\d{2}(-\d{2})?)?/.test(text)) return text.slice(0, 10);
  }
  return undefined;
}

/** Observation value[x] as text: quantity with unit, coded value, string, or the components (blood pressure). */
export function observationValue(resource: Json): string | undefined {
  const quantity = quantityText(resource.valueQuantity);
  if (quantity) return quantity;
  const simple = conceptText(resource.valueCodeableConcept) ?? asText(resource.valueString);
  if (simple) return simple;
  if (typeof resource.valueBoolean === 'boolean') return String(resource.valueBoolean);
  const parts = asArray(resource.component)
    .map((component) => {
      const item = asObject(component);
      const value = item ? (quantityText(item.valueQuantity) ?? conceptText(item.valueCodeableConcept)) : undefined;
      return item && value ? `${conceptText(item.code) ?? 'component'} ${value}` : undefined;
    })
    .filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function quantityText(value: unknown): string | undefined {
  const quantity = asObject(value);
  if (typeof quantity?.value !== 'number') return undefined;
  // Synthea writes 15 significant digits; four are more than any result needs and keep lines short.
  const number = Number(quantity.value.toPrecision(4)).toString();
  const unit = asText(quantity.unit) ?? asText(quantity.code);
  return unit ? `${number} ${unit}` : number;
}

export function codeOf(value: unknown): string | undefined {
  const concept = asObject(value);
  const coding = asObject(asArray(concept?.coding)[0]);
  return asText(coding?.code) ?? asText(concept?.text);
}
