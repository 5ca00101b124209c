/**
 * Plants known errors in a real clinician's note, for measuring the grounding
 * guard: a dose or vital value changed, a side flipped, a negation flipped, a
 * duration's unit changed, a drug the dialogue never mentions added. Each plant
 * records the region of the new note whose meaning it changed.
 *
 * Values and sides are only changed where the guard found the original claim
 * supported by the dialogue: otherwise the "error" might be no error at all, or
 * already ungrounded. This selects claims the guard can read, so recall here is
 * recall on readable claims; the added drug does not depend on the guard.
 */
import type { Claim, GroundingReport } from '../grounding.ts';
import { medicationNames } from '../lexicon/medications.ts';

export type PlantedErrorType = 'dose' | 'vital' | 'laterality' | 'negation' | 'duration' | 'added-medication';
export const plantedErrorTypes: readonly PlantedErrorType[] = ['dose', 'vital', 'laterality', 'negation', 'duration', 'added-medication'];

export interface PlantedError {
  type: PlantedErrorType;
  /** Region of the modified note (UTF-16 offsets) whose meaning changed. */
  start: number;
  end: number;
  /** What was there and what it became. */
  before: string;
  after: string;
}

interface Edit {
  type: PlantedErrorType;
  start: number;
  end: number;
  replacement: string;
  /** Characters of original text after the edit that the change also affects (rest of a negated list). */
  affectsUntil: number;
}

/** Small deterministic generator, so every run plants the same errors. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const addedDrugs: readonly [generic: string, sentence: string][] = [
  ['warfarin', 'The patient also takes warfarin 5 mg daily.'],
  ['apixaban', 'The patient also takes Eliquis 5 mg twice a day.'],
  ['sertraline', 'The patient also takes sertraline 50 mg daily.'],
  ['gabapentin', 'The patient also takes gabapentin 300 mg three times a day.'],
  ['levothyroxine', 'The patient also takes levothyroxine 88 mcg daily.'],
  ['atorvastatin', 'The patient also takes Lipitor 40 mg at bedtime.'],
  ['metoprolol', 'The patient also takes metoprolol 25 mg twice daily.'],
  ['prednisone', 'The patient also takes prednisone 20 mg daily.'],
];
const unitFlips: Record<string, string> = { day: 'week', week: 'month', month: 'year', year: 'month', hour: 'day' };
const negationFlips: Record<string, string> = { denies: 'reports', denied: 'reported', deny: 'report', 'negative for': 'positive for', without: 'with', no: '' };

/** `word` with its first letter's case copied from `model`: "Left" → "Right". */
function sameCase(word: string, model: string): string {
  const first = model.charAt(0);
  return first !== first.toLowerCase() ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

function sentenceEnd(text: string, from: number): number {
  const match = /[.;\n]/.exec(text.slice(from));
  return match ? from + match.index : text.length;
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

const supported = (report: GroundingReport, kind: Claim['kind']): Claim[] => report.claims.filter((claim) => claim.kind === kind && claim.status === 'supported');

function doseEdit(claim: Claim): Edit | undefined {
  const number = /^\d+(\.\d+)?/.exec(claim.excerpt);
  if (!number) return undefined;
  return { type: 'dose', start: claim.start, end: claim.start + number[0].length, replacement: String(Number(number[0]) * 2), affectsUntil: 0 };
}

function vitalEdit(claim: Claim): Edit | undefined {
  const pair = /^(\d+)\/(\d+)/.exec(claim.excerpt);
  if (pair) return { type: 'vital', start: claim.start, end: claim.start + pair[0].length, replacement: `${Number(pair[1]) + 20}/${Number(pair[2]) + 10}`, affectsUntil: 0 };
  const number = /^\d+(\.\d+)?/.exec(claim.excerpt);
  if (!number) return undefined;
  const value = Number(number[0]);
  const changed = claim.excerpt.includes('%') ? value - 8 : value < 45 ? Math.round((value + 1.5) * 10) / 10 : value + 20;
  return { type: 'vital', start: claim.start, end: claim.start + number[0].length, replacement: String(changed), affectsUntil: 0 };
}

function lateralityEdit(claim: Claim): Edit | undefined {
  const side = /\b(left|right)\b/i.exec(claim.excerpt);
  if (!side) return undefined;
  const word = side[0];
  const flipped = word.toLowerCase() === 'left' ? 'right' : 'left';
  return { type: 'laterality', start: claim.start + side.index, end: claim.start + side.index + word.length, replacement: sameCase(flipped, word), affectsUntil: 0 };
}

function negationEdit(note: string, claim: Claim): Edit | undefined {
  if (claim.kind === 'finding') return { type: 'negation', start: claim.start, end: claim.start, replacement: 'no ', affectsUntil: sentenceEnd(note, claim.start) };
  const lineStart = Math.max(note.lastIndexOf('\n', claim.start), note.lastIndexOf('.', claim.start - 1)) + 1;
  const triggers = [...note.slice(lineStart, claim.start).matchAll(/\b(denies|denied|deny|negative for|without|no)\b/gi)];
  const trigger = triggers.at(-1);
  if (!trigger) return undefined;
  const start = lineStart + trigger.index;
  const flip = negationFlips[trigger[0].toLowerCase()] ?? '';
  const end = start + trigger[0].length + (flip === '' ? 1 : 0); // "no fever" → "fever"
  return { type: 'negation', start, end, replacement: sameCase(flip, trigger[0]), affectsUntil: sentenceEnd(note, claim.end) };
}

function durationEdit(claim: Claim): Edit | undefined {
  const unit = /\b(day|week|month|year|hour)(s?)\b/i.exec(claim.excerpt);
  const flipped = unit ? unitFlips[unit[1]?.toLowerCase() ?? ''] : undefined;
  if (!unit || flipped === undefined) return undefined;
  const start = claim.start + unit.index;
  return { type: 'duration', start, end: start + unit[0].length, replacement: flipped + (unit[2] ?? ''), affectsUntil: 0 };
}

function addedMedicationEdit(note: string, dialogue: string, random: () => number): Edit | undefined {
  const lower = dialogue.toLowerCase();
  const absent = addedDrugs.filter(([generic]) => !medicationNames.some(([name, concept]) => concept === generic && lower.includes(name.toLowerCase())));
  const drug = pick(absent, random);
  if (!drug) return undefined;
  const hpi = note.search(/HISTORY OF PRESENT ILLNESS/i);
  const period = /\.(?=\s)/.exec(note.slice(Math.max(0, hpi)));
  if (!period) return undefined;
  const at = Math.max(0, hpi) + period.index + 1;
  return { type: 'added-medication', start: at, end: at, replacement: ` ${drug[1]}`, affectsUntil: 0 };
}

/** Chooses at most one error of each type (seeded), applies them, and returns the new note with each planted region. */
export function plantErrors(note: string, dialogue: string, report: GroundingReport, seed: number): { note: string; planted: PlantedError[] } {
  const random = seededRandom(seed);
  const preferAffirmed = seed % 2 === 1;
  const candidates: Record<PlantedErrorType, () => (Edit | undefined)[]> = {
    dose: () => supported(report, 'dose').map((claim) => doseEdit(claim)),
    vital: () => supported(report, 'vital').map((claim) => vitalEdit(claim)),
    laterality: () => supported(report, 'laterality').map((claim) => lateralityEdit(claim)),
    negation: () => {
      const denied = supported(report, 'negation').map((claim) => negationEdit(note, claim));
      const affirmed = supported(report, 'finding').map((claim) => negationEdit(note, claim));
      const [first, second] = preferAffirmed ? [affirmed, denied] : [denied, affirmed];
      return first.some(Boolean) ? first : second;
    },
    duration: () => supported(report, 'duration').map((claim) => durationEdit(claim)),
    'added-medication': () => [addedMedicationEdit(note, dialogue, random)],
  };
  const edits: Edit[] = [];
  for (const type of plantedErrorTypes) {
    const options = candidates[type]().filter((edit): edit is Edit => edit !== undefined && !edits.some((other) => overlaps(edit, other)));
    const edit = pick(options, random);
    if (edit) edits.push(edit);
  }
  return apply(note, edits);
}

function reach(edit: Edit): number {
  return Math.max(edit.end, edit.affectsUntil);
}

function overlaps(a: Edit, b: Edit): boolean {
  return a.start <= reach(b) && b.start <= reach(a);
}

function apply(note: string, edits: readonly Edit[]): { note: string; planted: PlantedError[] } {
  const ordered = [...edits].sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  let shift = 0;
  const planted: PlantedError[] = [];
  for (const edit of ordered) {
    result += note.slice(cursor, edit.start) + edit.replacement;
    const start = edit.start + shift + (edit.replacement.length - edit.replacement.trimStart().length);
    shift += edit.replacement.length - (edit.end - edit.start);
    const end = Math.max(start + edit.replacement.length, reach(edit) + shift);
    planted.push({ type: edit.type, start, end, before: note.slice(edit.start, reach(edit)), after: '' });
    cursor = edit.end;
  }
  result += note.slice(cursor);
  for (const plant of planted) plant.after = result.slice(plant.start, plant.end);
  return { note: result, planted };
}
