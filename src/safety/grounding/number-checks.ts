/**
 * Checks of claims that carry a number: doses, vitals, lab values and other
 * numbers, durations. A number is compared with the numbers next to what it
 * belongs to in the source (a dose next to its drug, a value next to its vital
 * or lab name, a duration next to its finding); a different value there
 * contradicts. Numbers anywhere in the source count only as a fallback.
 */
import type { Mention } from './analyze.ts';
import type { DraftClaim } from './claims.ts';
import { quoted, result, type CheckResult } from './evidence.ts';
import { sameValue, toBase, type Quantity } from './quantities.ts';
import { lookup, type Located, type SourceDocument, type SourceIndex } from './source-index.ts';

// Token windows around a source anchor (drug, vital, lab, finding) in which its numbers are looked for.
const doseWindow = { before: 12, after: 40 };
const vitalWindow = { before: 2, after: 15 };
const labWindow = { before: 3, after: 15 };
const durationWindow = { before: 15, after: 30 };

/** Quantities of a document whose start lies in [from, to), by binary search on the sorted list. */
function quantitiesIn(document: SourceDocument, from: number, to: number): Quantity[] {
  const list = document.analyzed.quantities;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle]?.startTok ?? 0) < from) low = middle + 1;
    else high = middle;
  }
  const found: Quantity[] = [];
  for (let i = low; i < list.length; i++) {
    const quantity = list[i];
    if (quantity === undefined || quantity.startTok >= to) break;
    if (!document.analyzed.frequencyQuantities.has(quantity)) found.push(quantity);
  }
  return found;
}

/** Numbers near each mention of an anchor; the window stops at a different anchor of the same kind (the next drug's dose is not this drug's). */
function near(anchors: readonly Located<Mention>[], window: { before: number; after: number }, fits: (quantity: Quantity) => boolean): Located<Quantity>[] {
  const found: Located<Quantity>[] = [];
  for (const { document, item: anchor } of anchors) {
    const others = document.analyzed.byKind.get(anchor.kind) ?? [];
    let from = anchor.startTok - window.before;
    let to = anchor.endTok + window.after;
    const at = firstStartingAt(others, anchor.startTok);
    for (let i = at - 1; i >= 0; i--) {
      const other = others[i];
      if (other === undefined || other.endTok <= from) break;
      if (other.concept !== anchor.concept && other.endTok <= anchor.startTok) {
        from = other.endTok;
        break;
      }
    }
    for (let i = at; i < others.length; i++) {
      const other = others[i];
      if (other === undefined || other.startTok >= to) break;
      if (other.concept !== anchor.concept && other.startTok >= anchor.endTok) {
        to = other.startTok;
        break;
      }
    }
    for (const quantity of quantitiesIn(document, from, to)) if (fits(quantity)) found.push({ document, item: quantity });
  }
  return found;
}

/** Index of the first mention starting at or after `startTok` in a list sorted by start. */
function firstStartingAt(list: readonly Mention[], startTok: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle]?.startTok ?? 0) < startTok) low = middle + 1;
    else high = middle;
  }
  return low;
}

const allKeys = ['pair', 'none', 'mass', 'dose-per-weight', 'volume', 'units', 'meq', 'pressure', 'rate', 'percent', 'temperature', 'length', 'time', 'count', 'times', 'concentration', 'molar'];

/** The keys a claim's number can match: its own dimension, and bare numbers. */
function keysFor(quantity: Quantity): readonly string[] {
  if (quantity.second !== undefined) return ['pair'];
  return quantity.unit ? [quantity.unit.dim, 'none'] : allKeys;
}

interface Entry {
  located: Located<Quantity>;
  /** Position in the source's own list, so results keep source order. */
  order: number;
  value: number;
  width: number;
}

/** Entries sorted by value; `maxWidth` bounds how far below a probe a range can start and still reach it. */
interface Sorted {
  entries: Entry[];
  maxWidth: number;
}

/** Per key: source numbers by their written value, and those with a unit by value in base units, per unit. */
interface KeyIndex {
  raw: Sorted;
  base: Map<string, Sorted>;
}

function sortedOf(entries: Entry[]): Sorted {
  const finite = entries.filter((entry) => Number.isFinite(entry.value) && Number.isFinite(entry.width));
  finite.sort((a, b) => a.value - b.value);
  return { entries: finite, maxWidth: finite.reduce((widest, entry) => Math.max(widest, entry.width), 0) };
}

/**
 * Source numbers indexed by value once per source, so a claim looks up the few that can match
 * instead of scanning every number in the source (a draft of 40 000 numbers against a source of
 * 40 000 was 1.6 billion comparisons).
 */
const valueIndexes = new WeakMap<SourceIndex, Map<string, KeyIndex>>();

function keyIndex(index: SourceIndex, key: string): KeyIndex {
  let byKey = valueIndexes.get(index);
  if (byKey === undefined) {
    byKey = new Map();
    valueIndexes.set(index, byKey);
  }
  let found = byKey.get(key);
  if (found === undefined) {
    const list = index.quantities.get(key) ?? [];
    const raw = list.map((located, order): Entry => ({ located, order, value: located.item.lo, width: located.item.hi - located.item.lo }));
    const byUnit = new Map<string, Entry[]>();
    for (const [order, located] of list.entries()) {
      const unit = located.item.unit;
      if (unit === undefined) continue;
      const lo = toBase(located.item.lo, unit, unit.dim);
      const hi = toBase(located.item.hi, unit, unit.dim);
      const entries = byUnit.get(unit.id) ?? [];
      entries.push({ located, order, value: Math.min(lo, hi), width: Math.abs(hi - lo) });
      byUnit.set(unit.id, entries);
    }
    found = { raw: sortedOf(raw), base: new Map([...byUnit].map(([id, entries]) => [id, sortedOf(entries)])) };
    byKey.set(key, found);
  }
  return found;
}

/** More matches than this add nothing: a check reports a few pieces of evidence, or none. */
const matchCap = 32;

/** Entries whose range [value, value + width] meets [lo, hi] and that pass `fits`, up to matchCap. */
function collect(sorted: Sorted, lo: number, hi: number, fits: (quantity: Quantity) => boolean, into: Map<number, Located<Quantity>>): void {
  const { entries } = sorted;
  const from = lo - sorted.maxWidth;
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((entries[middle]?.value ?? Infinity) < from) low = middle + 1;
    else high = middle;
  }
  for (let i = low; i < entries.length; i++) {
    const entry = entries[i];
    if (entry === undefined || entry.value > hi) break;
    if (entry.value + entry.width >= lo && !into.has(entry.order) && fits(entry.located.item)) {
      into.set(entry.order, entry.located);
      if (into.size >= matchCap) return;
    }
  }
}

/**
 * Numbers anywhere in the source under the given keys, near `probe` in value (the same written
 * number, or within rounding once converted to base units), that pass `fits`. `fits` decides; the
 * index only narrows, generously, what it is asked about.
 */
function everywhere(index: SourceIndex, keys: readonly string[], probe: Quantity, fits: (quantity: Quantity) => boolean): Located<Quantity>[] {
  const found: Located<Quantity>[] = [];
  for (const key of keys) {
    // Temperatures compare within 0.2 °C even in the same unit.
    const rawSlack = 1e-6 * Math.max(Math.abs(probe.lo), Math.abs(probe.hi)) + (key === 'temperature' ? 0.5 : 1e-9);
    const { raw, base } = keyIndex(index, key);
    const hits = new Map<number, Located<Quantity>>();
    collect(raw, probe.lo - rawSlack, probe.hi + rawSlack, fits, hits);
    const unit = probe.unit;
    if (unit !== undefined) {
      const a = toBase(probe.lo, unit, unit.dim);
      const b = toBase(probe.hi, unit, unit.dim);
      // sameValue allows 2 % between converted units, 10 % for durations, 0.2 °C; a little more here.
      const slack = (unit.dim === 'time' ? 0.12 : 0.025) * Math.max(Math.abs(a), Math.abs(b)) + 0.3;
      // The probe's own unit is compared as written (the raw list), not converted.
      for (const [id, sorted] of base) if (id !== unit.id || unit.dim === 'temperature') collect(sorted, Math.min(a, b) - slack, Math.max(a, b) + slack, fits, hits);
    }
    for (const order of [...hits.keys()].sort((x, y) => x - y)) {
      const located = hits.get(order);
      if (located !== undefined) found.push(located);
    }
  }
  return found;
}

/** Every number under the keys that passes `fits`, computed once per source and question. */
const allCache = new WeakMap<SourceIndex, Map<string, Located<Quantity>[]>>();

function everyNumber(index: SourceIndex, keys: readonly string[], question: string, fits: (quantity: Quantity) => boolean): Located<Quantity>[] {
  let byQuestion = allCache.get(index);
  if (byQuestion === undefined) {
    byQuestion = new Map();
    allCache.set(index, byQuestion);
  }
  let found = byQuestion.get(question);
  if (found === undefined) {
    found = [];
    for (const key of keys) for (const located of index.quantities.get(key) ?? []) if (fits(located.item)) found.push(located);
    byQuestion.set(question, found);
  }
  return found;
}

export function checkDose(claim: Extract<DraftClaim, { kind: 'dose' }>, index: SourceIndex): CheckResult {
  const mentions = lookup(index, 'med', claim.medication);
  if (mentions.length === 0) return result('unsupported', [], `${claim.medication} is not mentioned in the source`);
  const dim = claim.quantity.unit?.dim;
  const candidates = near(mentions, doseWindow, (q) => !q.age && q.second === undefined && (q.unit === undefined || q.unit.dim === dim));
  // A combination "20/25 mg" is two doses; both must be there.
  const parts = claim.quantity.second === undefined ? [claim.quantity] : [{ ...claim.quantity, second: undefined }, { ...claim.quantity, lo: claim.quantity.second, hi: claim.quantity.second, second: undefined }];
  const partMatches = parts.map((part) => candidates.filter(({ item }) => sameValue(part, item, true)));
  const matches = partMatches.every((found) => found.length > 0) ? partMatches.flat() : [];
  if (matches.length > 0) return checkFrequency(claim, matches);
  const withUnit = candidates.filter(({ item }) => item.unit !== undefined);
  if (withUnit.length > 0) return result('contradicted', withUnit, `the source gives ${quoted(withUnit)} for ${claim.medication}`);
  return result('unsupported', mentions, `no dose of ${claim.medication} in the source matches`);
}

function checkFrequency(claim: Extract<DraftClaim, { kind: 'dose' }>, matches: readonly Located<Quantity>[]): CheckResult {
  const wanted = claim.frequency?.perDay;
  if (wanted === undefined || wanted === 'prn') return result('supported', matches, 'dose found next to the drug in the source');
  let conflicting: Located<{ start: number; end: number }> | undefined;
  for (const { document, item } of matches) {
    const frequency = document.analyzed.frequencies.find((f) => f.startTok >= item.endTok && f.startTok - item.endTok <= 8);
    if (frequency === undefined || frequency.perDay === 'prn' || Math.abs(frequency.perDay - wanted) < 1e-6) return result('supported', matches, 'dose found next to the drug in the source');
    const first = document.analyzed.tokens[frequency.startTok];
    const last = document.analyzed.tokens[frequency.endTok - 1];
    if (first && last) conflicting = { document, item: { start: first.start, end: last.end } };
  }
  return result('contradicted', conflicting ? [conflicting] : [], `the dose matches but the source gives a different frequency${conflicting ? `: ${quoted([conflicting])}` : ''}`);
}

// Values a vital can take, in any of its units: a stray "two" near "heart rate" is not a heart rate.
const plausible: Record<string, (q: Quantity) => boolean> = {
  bp: (q) => q.lo >= 50 && q.lo <= 300 && (q.second ?? 0) >= 20 && (q.second ?? 0) <= 200,
  hr: (q) => q.lo >= 20 && q.hi <= 250,
  rr: (q) => q.lo >= 4 && q.hi <= 80,
  temp: (q) => (q.lo >= 30 && q.hi <= 45) || (q.lo >= 85 && q.hi <= 115),
  spo2: (q) => q.lo >= 50 && q.hi <= 100,
  weight: (q) => q.lo >= 1 && q.hi <= 700,
};

export function checkVital(claim: Extract<DraftClaim, { kind: 'vital' }>, index: SourceIndex): CheckResult {
  const isPair = claim.quantity.second !== undefined;
  const inRange = plausible[claim.vital] ?? (() => true);
  const fits = (q: Quantity): boolean => !q.age && (q.second !== undefined) === isPair && inRange(q) && (q.unit === undefined || q.unit.dim === claim.quantity.unit?.dim || claim.quantity.unit === undefined);
  const byUnit = (q: Quantity): boolean => fits(q) && q.unit !== undefined && ({ bpm: 'hr', mmhg: 'bp', celsius: 'temp', fahrenheit: 'temp', degree: 'temp' } as Record<string, string>)[q.unit.id] === claim.vital;
  const vitalKeys = ['pair', 'rate', 'temperature'];
  const nearby = near(lookup(index, 'vital', claim.vital), vitalWindow, fits);
  const same = (q: Quantity): boolean => sameValue(claim.quantity, q, true);
  const matches = [...nearby.filter(({ item }) => same(item)), ...everywhere(index, vitalKeys, claim.quantity, (q) => byUnit(q) && same(q))];
  if (matches.length > 0) return result('supported', matches, 'value found in the source');
  const candidates = [...nearby, ...everyNumber(index, vitalKeys, `vital:${claim.vital}:${String(isPair)}:${claim.quantity.unit?.dim ?? ''}`, byUnit)];
  if (candidates.length > 0) return result('contradicted', candidates, `the source gives ${quoted(candidates)}`);
  if (isPair) {
    const pairs = everywhere(index, ['pair'], claim.quantity, (q) => sameValue(claim.quantity, q, true));
    if (pairs.length > 0) return result('supported', pairs, 'value found in the source');
  }
  return result('unsupported', [], 'this value is not in the source');
}

const labDimensions = new Set(['percent', 'concentration', 'molar', 'units', 'meq']);

export function checkNumber(claim: Extract<DraftClaim, { kind: 'number' }>, index: SourceIndex): CheckResult {
  const lab = claim.lab;
  if (lab !== undefined && lab !== 'age') {
    const unit = claim.quantity.unit;
    const labUnit = (q: Quantity): boolean => (unit === undefined ? q.unit === undefined || labDimensions.has(q.unit.dim) : q.unit === undefined || q.unit.dim === unit.dim);
    const candidates = near(lookup(index, 'lab', lab), labWindow, (q) => !q.age && (q.second === undefined) === (claim.quantity.second === undefined) && labUnit(q));
    const matches = candidates.filter(({ item }) => sameValue(claim.quantity, item, true));
    if (matches.length > 0) return result('supported', matches, `${lab} value found in the source`);
    if (candidates.length > 0) return result('contradicted', candidates, `the source gives ${quoted(candidates)} for ${lab}`);
  }
  const matches = everywhere(index, keysFor(claim.quantity), claim.quantity, (q) => sameValue(claim.quantity, q, true));
  if (matches.length > 0) return result('supported', matches, 'value found in the source');
  // A score "4/10" is often said as just "a four".
  const score = claim.quantity.second === 10 ? everywhere(index, ['none'], claim.quantity, (q) => q.lo === claim.quantity.lo) : [];
  if (score.length > 0) return result('supported', score, 'score found in the source');
  return result('unsupported', [], 'this number is not in the source');
}

export function checkDuration(quantity: Quantity, context: Mention | undefined, index: SourceIndex): CheckResult {
  const isDuration = (q: Quantity): boolean => !q.age && q.unit?.dim === 'time';
  // Durations next to the same finding, drug or follow-up in the source decide; elsewhere only when there are none.
  const nearby = context ? near(lookup(index, context.kind, context.concept), durationWindow, isDuration) : [];
  if (nearby.length > 0) {
    const matches = nearby.filter(({ item }) => sameValue(quantity, item, false));
    if (matches.length > 0) return result('supported', matches, `duration found next to ${context?.concept ?? ''} in the source`);
    return result('contradicted', nearby, `the source gives ${quoted(nearby)} for ${context?.concept ?? ''}`);
  }
  const matches = everywhere(index, ['time'], quantity, (q) => isDuration(q) && sameValue(quantity, q, false));
  if (matches.length > 0) return result('supported', matches, 'duration found in the source');
  // "3 days" where the source says "3 weeks": the classic slip. Not for 1 ("a week" vs "1 year" says little).
  const sameNumber = quantity.lo < 2 ? [] : everywhere(index, ['time'], { ...quantity, unit: undefined }, (q) => isDuration(q) && !q.approx && q.lo === quantity.lo && q.unit?.id !== quantity.unit?.id);
  if (sameNumber.length > 0) return result('contradicted', sameNumber, `the source gives ${quoted(sameNumber)}`);
  return result('unsupported', [], 'this duration is not in the source');
}
