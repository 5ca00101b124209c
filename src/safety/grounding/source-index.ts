/**
 * The source, analysed once: the transcript or note, each structured fact
 * (e.g. a FHIR resource rendered to text, kept with its id), and the vitals
 * record (one small document per vital, so a claim can cite "vitals.heartRate").
 * Mentions are indexed by concept so every claim looks up its evidence directly.
 */
import type { Language } from '../finding.ts';
import { analyze, type AllergyStatement, type AnalyzedText, type Mention, type MentionKind, type SideLink } from './analyze.ts';
import type { Quantity } from './quantities.ts';

export type VitalValue = number | string | boolean;

export interface GroundingSource {
  /** A transcript ("[doctor] …" / "[patient] …" lines) or a note. */
  text?: string;
  /** Structured vitals, e.g. { systolicBP: 130, diastolicBP: 85, heartRate: 88, temperature: 38.5, onOxygen: false }. */
  vitals?: Record<string, VitalValue>;
  /** Facts with their id, e.g. { id: 'Observation/123', text: 'Blood pressure 130/85 mmHg' }. */
  facts?: readonly { id: string; text: string }[];
}

export interface SourceDocument {
  /** Where evidence lies: the source text, a fact, or the vitals record. */
  in: 'text' | 'fact' | 'vitals';
  /** The fact id, or `vitals.<key>`; absent for the source text. */
  ref?: string;
  analyzed: AnalyzedText;
}

export interface Located<T> {
  document: SourceDocument;
  item: T;
}

export interface SourceIndex {
  documents: SourceDocument[];
  mentions: ReadonlyMap<string, Located<Mention>[]>;
  sideLinks: ReadonlyMap<string, Located<SideLink>[]>;
  pluralBodies: ReadonlyMap<string, Located<Mention>[]>;
  allergies: Located<AllergyStatement>[];
  /** Every number (frequencies aside) by `quantityKey`: a claim compares only with numbers of its kind. */
  quantities: ReadonlyMap<string, Located<Quantity>[]>;
}

/** 'pair' for 120/80-like values, else the unit's dimension, or 'none' for a bare number. */
export function quantityKey(quantity: Quantity): string {
  return quantity.second !== undefined ? 'pair' : (quantity.unit?.dim ?? 'none');
}

export function mentionKey(kind: MentionKind, concept: string): string {
  return `${kind}:${concept}`;
}

export function lookup(index: SourceIndex, kind: MentionKind, concept: string): readonly Located<Mention>[] {
  return index.mentions.get(mentionKey(kind, concept)) ?? [];
}

function push<T>(map: Map<string, Located<T>[]>, key: string, located: Located<T>): void {
  const list = map.get(key);
  if (list) list.push(located);
  else map.set(key, [located]);
}

export function indexSource(source: GroundingSource, language: Language): SourceIndex {
  const documents: SourceDocument[] = [];
  if (source.text !== undefined && source.text !== '') documents.push({ in: 'text', analyzed: analyze(source.text, language) });
  for (const fact of source.facts ?? []) documents.push({ in: 'fact', ref: fact.id, analyzed: analyze(fact.text, language) });
  for (const [key, text] of renderVitals(source.vitals ?? {})) documents.push({ in: 'vitals', ref: `vitals.${key}`, analyzed: analyze(text, language) });
  const mentions = new Map<string, Located<Mention>[]>();
  const sideLinks = new Map<string, Located<SideLink>[]>();
  const pluralBodies = new Map<string, Located<Mention>[]>();
  const allergies: Located<AllergyStatement>[] = [];
  const quantities = new Map<string, Located<Quantity>[]>();
  for (const document of documents) {
    for (const [kind, list] of document.analyzed.byKind) for (const mention of list) push(mentions, mentionKey(kind, mention.concept), { document, item: mention });
    for (const link of document.analyzed.sideLinks) push(sideLinks, link.body.concept, { document, item: link });
    for (const body of document.analyzed.pluralBodies) push(pluralBodies, body.concept, { document, item: body });
    for (const statement of document.analyzed.allergies) allergies.push({ document, item: statement });
    for (const quantity of document.analyzed.quantities) {
      if (!document.analyzed.frequencyQuantities.has(quantity)) push(quantities, quantityKey(quantity), { document, item: quantity });
    }
  }
  return { documents, mentions, sideLinks, pluralBodies, allergies, quantities };
}


// Vitals keys as the clinical module and FHIR-derived records spell them, to the words a note uses.
const vitalLabels: readonly [RegExp, string][] = [
  [/^(bp|bloodpressure)$/, 'blood pressure'],
  [/^(hr|heartrate|pulse|pulserate)$/, 'heart rate'],
  [/^(rr|resprate|respiratoryrate)$/, 'respiratory rate'],
  [/^(spo2|sao2|o2sat|oxygensaturation)$/, 'oxygen saturation'],
  [/^temp(erature)?/, 'temperature'],
  [/^weight/, 'weight'],
  [/^age/, 'age'],
];
const skippedKeys = new Set(['temperatureunit', 'spo2scale']);

/** One line of text per vital: "blood pressure 130/85", "temperature 101 °F", "no on oxygen" for false. */
export function renderVitals(vitals: Record<string, VitalValue>): [key: string, text: string][] {
  const lines: [string, string][] = [];
  const entries = Object.entries(vitals);
  const folded = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const systolic = entries.find(([key]) => folded(key).includes('systolic'));
  const diastolic = entries.find(([key]) => folded(key).includes('diastolic'));
  if (systolic && diastolic) lines.push([systolic[0], `blood pressure ${String(systolic[1])}/${String(diastolic[1])}`]);
  const temperatureUnit = entries.find(([key]) => folded(key) === 'temperatureunit')?.[1];
  for (const [key, value] of entries) {
    const name = folded(key);
    if (skippedKeys.has(name) || name.includes('systolic') || name.includes('diastolic')) continue;
    const label = vitalLabels.find(([pattern]) => pattern.test(name))?.[1] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ').toLowerCase();
    if (typeof value === 'boolean') {
      lines.push([key, value ? label : `no ${label}`]);
      continue;
    }
    lines.push([key, `${label} ${String(value)}${unitSuffix(name, label, temperatureUnit)}`]);
  }
  return lines;
}

function unitSuffix(name: string, label: string, temperatureUnit: VitalValue | undefined): string {
  if (label === 'temperature') {
    const unit = /(f|fahrenheit)$/.test(name) ? 'F' : /(c|celsius)$/.test(name) ? 'C' : String(temperatureUnit ?? '').toUpperCase();
    return unit === 'F' ? ' °F' : unit === 'C' ? ' °C' : '';
  }
  if (label === 'weight') return /lbs?$/.test(name) ? ' lb' : /kg$/.test(name) ? ' kg' : '';
  if (label === 'oxygen saturation') return ' %';
  if (label === 'age') return ' year old';
  return '';
}
