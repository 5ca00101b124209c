/**
 * Numbers with what follows them: a unit ("500 mg", "five hundred milligrams"),
 * a second number ("120/80", "one twenty over eighty", "three out of six"), a
 * range ("4 to 5", "2-3"), or an approximate amount ("a couple of weeks" = 2–3,
 * "a few days" = 2–4). Values are compared in a base unit per dimension, so
 * °F↔°C, lb↔kg and weeks↔days compare directly.
 */
import type { Language } from '../finding.ts';
import { unitNames, type Unit } from '../lexicon/measurements.ts';
import { buildTrie, longestAt } from './phrases.ts';
import { digitValue, isNumberWord, readSpokenNumber } from './spoken-numbers.ts';
import type { Token } from './text.ts';

export interface Quantity {
  startTok: number;
  /** Exclusive; includes the unit. */
  endTok: number;
  start: number;
  end: number;
  /** Equal for a plain value; a range or an approximate word gives lo < hi. */
  lo: number;
  hi: number;
  /** The second number of a pair: 120/80, "three out of six". */
  second?: number;
  approx: boolean;
  unit?: Unit;
  /** "58-year-old", "âgé de 58 ans". */
  age: boolean;
}

const unitTrie = buildTrie(unitNames);
const approximate: Record<string, [number, number]> = { couple: [2, 3], few: [2, 4], several: [3, 7], quelques: [2, 5], plusieurs: [3, 7] };
// "a week", "une semaine" count as 1 only after these words (or before "ago"): "twice a day" is a frequency.
const articleLeadIns = new Set(['for', 'about', 'around', 'over', 'past', 'last', 'in', 'within', 'after', 'almost', 'nearly', 'like', 'maybe', 'probably', 'than', 'pendant', 'depuis', 'durant', 'environ', 'dans', 'since']);
const pairWords = new Set(['over', 'sur']);
const rangeWords = new Set(['to', 'or', 'a', 'ou', '-']);
const ageNouns = new Set(['age', 'agee', 'homme', 'femme', 'patient', 'patiente', 'garcon', 'fille', 'enfant']);

interface NumberRead {
  lo: number;
  hi: number;
  approx: boolean;
  endTok: number;
  /** Only a number when a unit follows ("a week", "a few days"). */
  needsUnit: boolean;
}

// Words that can open a number; any other word is rejected at once (this runs on every token).
const numberOpeners = new Set(['a', 'an', 'un', 'une', 'half', 'demi', 'demie', ...Object.keys(approximate)]);

function readNumber(tokens: readonly Token[], i: number, language: Language): NumberRead | undefined {
  const token = tokens[i];
  if (token === undefined || token.tag || token.kind === 'punct') return undefined;
  if (token.kind === 'word' && !numberOpeners.has(token.norm) && !isNumberWord(token.norm) && !/^x\d+$/.test(token.norm)) return undefined;
  if (token.kind === 'number') {
    const value = digitValue(token.norm, language);
    return { lo: value, hi: value, approx: false, endTok: i + 1, needsUnit: false };
  }
  const times = /^x(\d+)$/.exec(token.norm); // "x2 weeks"
  if (times) return { lo: Number(times[1]), hi: Number(times[1]), approx: false, endTok: i + 1, needsUnit: true };
  // "half a centimeter", "half an hour", "une demi-heure"
  if (token.norm === 'half' || token.norm === 'demi' || token.norm === 'demie') {
    const article = ['a', 'an', '-'].includes(tokens[i + 1]?.norm ?? '') ? 2 : 1;
    return { lo: 0.5, hi: 0.5, approx: false, endTok: i + article, needsUnit: true };
  }
  let j = i;
  if (['a', 'an', 'une'].includes(tokens[j]?.norm ?? '') && (tokens[j + 1]?.norm ?? '') in approximate) j++;
  const range = approximate[tokens[j]?.norm ?? ''];
  if (range) {
    j++;
    if (tokens[j]?.norm === 'of' || tokens[j]?.norm === 'de') j++;
    return { lo: range[0], hi: range[1], approx: true, endTok: j, needsUnit: true };
  }
  if (['a', 'an', 'un', 'une'].includes(token.norm) && !isNumberWord(tokens[i + 1]?.norm) && tokens[i + 1]?.norm !== 'hundred' && tokens[i + 1]?.norm !== 'thousand') {
    const before = tokens[i - 1]?.norm ?? '';
    const after = tokens[i + 2]?.norm ?? '';
    if (!articleLeadIns.has(before) && after !== 'ago') return undefined;
    return { lo: 1, hi: 1, approx: false, endTok: i + 1, needsUnit: true };
  }
  const spoken = readSpokenNumber(tokens, i, language);
  if (spoken === undefined) return undefined;
  return { lo: spoken.value, hi: spoken.value, approx: false, endTok: spoken.endTok, needsUnit: false };
}

/** Every number in the tokens, with its unit, pair or range; sorted by position. */
export function scanQuantities(tokens: readonly Token[], language: Language): Quantity[] {
  const quantities: Quantity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const startToken = tokens[i];
    if (startToken === undefined || partOfName(tokens, i)) continue;
    const date = dateEnd(tokens, i);
    if (date > i) {
      i = date - 1;
      continue;
    }
    const first = readNumber(tokens, i, language);
    if (first === undefined) continue;
    const quantity: Quantity = { startTok: i, endTok: first.endTok, start: startToken.start, end: 0, lo: first.lo, hi: first.hi, approx: first.approx, age: false };
    if (!first.needsUnit) readPairOrRange(tokens, quantity, language);
    readDecade(tokens, quantity);
    const unit = longestAt(tokens, skipHyphen(tokens, quantity.endTok), unitTrie);
    if (unit !== undefined) {
      quantity.unit = unit.value;
      quantity.endTok = unit.endTok;
    } else if (first.needsUnit) {
      continue;
    }
    readAge(tokens, quantity);
    const last = tokens[quantity.endTok - 1];
    quantity.end = last?.end ?? startToken.end;
    quantities.push(quantity);
    i = quantity.endTok - 1;
  }
  return quantities;
}

/** "B-12", "COVID-19", "a1c": a number glued to a word by a hyphen names a thing, it is not a quantity. */
function partOfName(tokens: readonly Token[], at: number): boolean {
  const hyphen = tokens[at - 1];
  const word = tokens[at - 2];
  const token = tokens[at];
  return token?.kind === 'number' && hyphen?.norm === '-' && hyphen.end === token.start && word?.kind === 'word' && word.end === hyphen.start;
}

/** End of a date such as 03/04/2021, 07/2021 or 2021-03-04 starting at `at`, or `at` when there is none. */
function dateEnd(tokens: readonly Token[], at: number): number {
  const parts: string[] = [];
  let i = at;
  while (tokens[i]?.kind === 'number' && parts.length < 3) {
    parts.push(tokens[i]?.norm ?? '');
    const separator = tokens[i + 1];
    if ((separator?.norm !== '/' && separator?.norm !== '-') || separator.start !== tokens[i]?.end || tokens[i + 2]?.start !== separator.end) {
      i++;
      break;
    }
    i += 2;
  }
  const isDate = parts.length === 3 || (parts.length === 2 && /^(19|20)\d\d$/.test(parts[1] ?? ''));
  return isDate ? i : at;
}

/** "in the 80s": 80 to 89. */
function readDecade(tokens: readonly Token[], quantity: Quantity): void {
  const number = tokens[quantity.endTok - 1];
  const suffix = tokens[quantity.endTok];
  if (number?.kind !== 'number' || suffix?.norm !== 's' || suffix.start !== number.end || quantity.lo % 10 !== 0) return;
  quantity.hi = quantity.lo + 9;
  quantity.approx = true;
  quantity.endTok++;
}

function skipHyphen(tokens: readonly Token[], at: number): number {
  return tokens[at]?.norm === '-' ? at + 1 : at;
}

function readPairOrRange(tokens: readonly Token[], quantity: Quantity, language: Language): void {
  const at = quantity.endTok;
  const word = tokens[at]?.norm ?? '';
  const outOf = word === 'out' && tokens[at + 1]?.norm === 'of';
  const secondAt = outOf ? at + 2 : at + 1;
  const isPair = word === '/' || pairWords.has(word) || outOf;
  if (!isPair && !rangeWords.has(word)) return;
  if (word === '/' && tokens[secondAt]?.kind !== 'number') return;
  const second = readNumber(tokens, secondAt, language);
  if (second === undefined || second.needsUnit) return;
  if (isPair) {
    quantity.second = second.lo;
    quantity.endTok = second.endTok;
    return;
  }
  // "from 40 to 80 mg" is a change, not a range: the two values stay separate.
  const before = tokens[quantity.startTok - 1]?.norm ?? '';
  if (second.lo <= quantity.lo || before === 'from' || before === 'de' || before === 'du') return;
  quantity.hi = second.lo;
  quantity.endTok = second.endTok;
}

function readAge(tokens: readonly Token[], quantity: Quantity): void {
  if (quantity.unit?.id !== 'year' && quantity.unit !== undefined) return;
  const after = skipHyphen(tokens, quantity.endTok);
  const word = tokens[after]?.norm ?? '';
  if (quantity.unit?.id === 'year' && word === 'old') {
    quantity.age = true;
    quantity.endTok = after + 1;
    return;
  }
  if (quantity.unit === undefined && (word === 'yo' || word === 'y.o.')) {
    quantity.age = true;
    quantity.endTok = after + 1;
    return;
  }
  const de = tokens[quantity.startTok - 1]?.norm;
  const noun = tokens[quantity.startTok - 2]?.norm ?? '';
  if (quantity.unit?.id === 'year' && de === 'de' && ageNouns.has(noun)) quantity.age = true;
}

/** A temperature in °C: an explicit °F converts; a bare value or "degrees" reads as °F from 50 up. */
function celsius(value: number, unit: Unit | undefined): number {
  if (unit?.id === 'fahrenheit' || (unit?.id !== 'celsius' && value >= 50)) return ((value - 32) * 5) / 9;
  return value;
}

export function toBase(value: number, unit: Unit | undefined, dimension: string | undefined): number {
  if (dimension === 'temperature') return celsius(value, unit);
  return value * (unit?.factor ?? 1);
}

/**
 * Whether two quantities can be the same value. A missing unit takes the other's
 * unit only when `unitless` allows it. Same unit: exact (ranges overlap).
 * Converted units: within rounding (2 %, 10 % for durations: a month ≈ 4 weeks; 0.2 °C).
 */
export function sameValue(a: Quantity, b: Quantity, unitless: boolean): boolean {
  if ((a.second === undefined) !== (b.second === undefined)) return false;
  if ((a.age && !ageLike(b)) || (b.age && !ageLike(a))) return false;
  const unitA = a.unit ?? (unitless ? b.unit : undefined);
  const unitB = b.unit ?? (unitless ? a.unit : undefined);
  if ((unitA === undefined) !== (unitB === undefined)) return false;
  if (unitA !== undefined && unitB !== undefined && unitA.dim !== unitB.dim) return false;
  if (a.second !== undefined) return a.lo === b.lo && a.second === b.second;
  const dimension = unitA?.dim;
  const converted = unitA?.id !== unitB?.id || dimension === 'temperature';
  const loA = toBase(a.lo, unitA, dimension);
  const hiA = toBase(a.hi, unitA, dimension);
  const loB = toBase(b.lo, unitB, dimension);
  const hiB = toBase(b.hi, unitB, dimension);
  const scale = Math.max(Math.abs(hiA), Math.abs(hiB));
  const tolerance = !converted ? 1e-9 * scale : dimension === 'temperature' ? 0.2 : (dimension === 'time' ? 0.1 : 0.02) * scale;
  return loA - tolerance <= hiB && loB - tolerance <= hiA;
}

function ageLike(quantity: Quantity): boolean {
  return quantity.age || quantity.unit === undefined || quantity.unit.id === 'year';
}
