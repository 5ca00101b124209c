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

function mergeStatements(lists: readonly (readonly string[])[]): string[] {
  const kept: { text: string; words: Set<string> }[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const raw of list) {
      const text = raw.trim();
      const key = normaliseText(text);
      if (key === '' || seen.has(key)) continue;
      const words = wordSet(text);
      if (kept.slice(-nearDuplicateWindow).some((other) => jaccard(words, other.words) >= nearDuplicateJaccard)) continue;
      seen.add(key);
      kept.push({ text, words });
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
