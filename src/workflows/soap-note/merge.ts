/**
 * The deterministic reduce step for long transcripts: chunk extractions are
 * merged in transcript order, statements deduplicated (the overlap between
 * chunks makes the model say the same thing twice, often in other words),
 * medications and allergies merged by name with missing details filled in.
 * Done in code, not by another model call, so nothing is dropped or invented
 * at this step.
 */
import type { Allergy, Extraction, Medication, SectionName } from './schema.ts';
import { sectionNames } from './schema.ts';

export interface MergedExtraction {
  chiefComplaint: string;
  sections: Record<SectionName, string[]>;
  medications: Medication[];
  allergies: Allergy[];
}

/** Near-duplicates are looked for among this many recent statements: overlap only repeats neighbouring chunks. */
const nearDuplicateWindow = 64;
const nearDuplicateJaccard = 0.8;

export function normaliseText(text: string): string {
  return text.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function wordSet(text: string): Set<string> {
  return new Set(normaliseText(text).split(' ').filter((word) => word !== ''));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** Words that turn a statement around: two statements differing in these are never the same statement. */
const negationWords = new Set(
  ('no not non none never without denies denied deny negative nor absent ' +
    'pas ne aucun aucune sans jamais nie nié niée ni négatif négative absence').split(' '),
);
const sideWords = new Set('left right bilateral bilaterally both gauche droite droit bilatéral bilatérale bilatéraux'.split(' '));
const unitWords = new Set(
  ('mg mcg µg ug g kg ml l mmol mmhg iu ui unit units unité unités cm mm bpm puff puffs tablet tablets comprimé comprimés ' +
    'milligram milligrams gram grams percent pourcent').split(' '),
);

/**
 * What must match for two statements to be the same fact whatever their wording:
 * negations, numbers and units, and sides.
 */
function meaningMarkers(text: string, words: ReadonlySet<string>): string {
  const markers = [...words].filter((word) => negationWords.has(word) || sideWords.has(word) || unitWords.has(word) || /\p{N}/u.test(word));
  // English contractions ("doesn't", "isn't") are split by normaliseText; catch them on the raw text.
  if (/n['’]t\b/i.test(text)) markers.push("n't");
  return [...new Set(markers)].sort().join(' ');
}

interface KeptStatement {
  text: string;
  words: Set<string>;
  markers: string;
}

/**
 * Exact duplicates (after normalisation) are dropped anywhere. A near-duplicate
 * (most words shared) is dropped only when it repeats a statement from an
 * EARLIER chunk — the overlap saying the same thing again — and only when it
 * agrees on every negation, number, unit and side: within one answer, or when
 * those differ ("no history of…", "20 mg" vs "10 mg", left vs right), both stay.
 */
function mergeStatements(lists: readonly (readonly string[])[]): string[] {
  const kept: KeptStatement[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    // Everything kept so far came from earlier chunks; the overlap only repeats the neighbouring ones.
    const earlier = kept.slice(-nearDuplicateWindow);
    for (const raw of list) {
      const text = raw.trim();
      const key = normaliseText(text);
      if (key === '' || seen.has(key)) continue;
      const words = wordSet(text);
      const markers = meaningMarkers(text, words);
      const repeatsEarlierChunk = earlier.some((other) => other.markers === markers && jaccard(words, other.words) >= nearDuplicateJaccard);
      if (repeatsEarlierChunk) continue;
      seen.add(key);
      kept.push({ text, words, markers });
    }
  }
  return kept.map((statement) => statement.text);
}

const optional = <K extends string>(key: K, value: string): Partial<Record<K, string>> =>
  (value.trim() === '' ? {} : ({ [key]: value.trim() } as Record<K, string>));

function mergeMedications(lists: readonly Extraction['medications'][]): Medication[] {
  const merged: Medication[] = [];
  for (const list of lists) {
    for (const entry of list) {
      const name = entry.name.trim();
      if (name === '') continue;
      const incoming: Medication = { name, ...optional('dose', entry.dose), ...optional('frequency', entry.frequency) };
      const sameName = merged.filter((medication) => normaliseText(medication.name) === normaliseText(name));
      // Same drug and no conflicting dose: one entry with whatever details either mention gave. Two doses stay two entries.
      const match = sameName.find((medication) => !medication.dose || !incoming.dose || normaliseText(medication.dose) === normaliseText(incoming.dose));
      if (!match) merged.push(incoming);
      else {
        if (!match.dose && incoming.dose) match.dose = incoming.dose;
        if (!match.frequency && incoming.frequency) match.frequency = incoming.frequency;
      }
    }
  }
  return merged;
}

function mergeAllergies(lists: readonly Extraction['allergies'][]): Allergy[] {
  const merged = new Map<string, Allergy>();
  for (const list of lists) {
    for (const entry of list) {
      const key = normaliseText(entry.substance);
      if (key === '') continue;
      const known = merged.get(key);
      if (!known) merged.set(key, { substance: entry.substance.trim(), ...optional('reaction', entry.reaction) });
      else if (!known.reaction && entry.reaction.trim() !== '') known.reaction = entry.reaction.trim();
    }
  }
  return [...merged.values()];
}

export function mergeExtractions(parts: readonly Extraction[]): MergedExtraction {
  const sections = Object.fromEntries(sectionNames.map((name) => [name, mergeStatements(parts.map((part) => part[name]))])) as Record<SectionName, string[]>;
  return {
    // The reason for the visit is said early; the first chunk that names one wins.
    chiefComplaint: parts.map((part) => part.chiefComplaint.trim()).find((complaint) => complaint !== '') ?? '',
    sections,
    medications: mergeMedications(parts.map((part) => part.medications)),
    allergies: mergeAllergies(parts.map((part) => part.allergies)),
  };
}
