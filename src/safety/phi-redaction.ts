/**
 * Removes personal health information from text before it is logged or leaves
 * the clinical record: names, dates, Canadian health card numbers, phone
 * numbers, addresses, postal codes, e-mail addresses and record ids become
 * typed placeholders ([NAME], [DATE], …). All person names are treated as PHI,
 * clinicians' included: it is the simpler rule, and a log needs no names.
 *
 * Rule-based, so it errs both ways: a bare first name in a lower-case
 * transcript ("hi , brian") is found only through `knownNames`; a capitalised
 * word after a title is removed even when it is not a name. The findings hold
 * the PHI itself (excerpts): show them to the clinician, never log them.
 */
import { findingAt, type Finding } from './finding.ts';
import { phiPatterns, type PhiKind, type PhiPattern } from './phi-patterns.ts';

export type { PhiKind } from './phi-patterns.ts';

export interface RedactPhiOptions {
  /** Names from the record (patient, family, clinicians); each word of each is removed wherever it stands. Default: none. */
  knownNames?: readonly string[];
}

export interface RedactedText {
  text: string;
  findings: Finding[];
}

export const phiPlaceholders: Readonly<Record<PhiKind, string>> = {
  name: '[NAME]',
  date: '[DATE]',
  'health-card': '[HEALTH-CARD]',
  phone: '[PHONE]',
  address: '[ADDRESS]',
  'postal-code': '[POSTAL-CODE]',
  email: '[EMAIL]',
  id: '[ID]',
};

const kindWords: Readonly<Record<PhiKind, string>> = {
  name: 'a name',
  date: 'a date',
  'health-card': 'a health card number',
  phone: 'a phone number',
  address: 'an address',
  'postal-code': 'a postal code',
  email: 'an e-mail address',
  id: 'an identifier',
};

interface Candidate {
  kind: PhiKind;
  start: number;
  end: number;
  rank: number;
}

export function redactPhi(text: string, options: RedactPhiOptions = {}): RedactedText {
  const candidates: Candidate[] = [];
  const patterns = [...phiPatterns, ...knownNamePatterns(options.knownNames ?? [])];
  patterns.forEach((entry, rank) => {
    collect(text, entry, rank, candidates);
  });
  const hashes = hexDigestSpans(text);
  const outsideHashes = hashes.length === 0 ? candidates : candidates.filter((c) => !hashes.some(([start, end]) => c.start >= start && c.end <= end));
  const findings = pickNonOverlapping(outsideHashes).map((c) =>
    findingAt(text, 'phi', c.start, c.end, `Possible personal health information (${kindWords[c.kind]}), replaced by ${phiPlaceholders[c.kind]}.`, phiPlaceholders[c.kind]),
  );
  return { text: replaceSpans(text, findings), findings };
}

/**
 * Hex digests (SHA-256 and the like: 32 or more hex characters, at least one a–f letter, standing alone):
 * not PHI, and logs name files and reports by them, so no pattern may cut digits out of one.
 */
function hexDigestSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/(?<![\p{L}\p{N}_])[0-9a-fA-F]{32,}(?![\p{L}\p{N}_])/gu)) {
    if (/[a-fA-F]/.test(match[0])) spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/** The text with each (sorted, non-overlapping) finding replaced by its placeholder, in one pass. */
function replaceSpans(text: string, findings: readonly Finding[]): string {
  const pieces: string[] = [];
  let from = 0;
  for (const finding of findings) {
    pieces.push(text.slice(from, finding.start), finding.suggestion ?? '');
    from = finding.end;
  }
  pieces.push(text.slice(from));
  return pieces.join('');
}

function collect(text: string, { kind, pattern, group, accept }: PhiPattern, rank: number, into: Candidate[]): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex += 1;
      continue;
    }
    const span: readonly [number, number] | undefined = group === undefined ? [match.index, match.index + match[0].length] : match.indices?.[group];
    if (!span) continue;
    const [start, end] = span;
    if (end <= start || (accept && !accept(text.slice(start, end)))) continue;
    into.push({ kind, start, end, rank });
  }
}

/** Earliest first, then longest, then the pattern listed first; a span overlapping one already kept is dropped. */
function pickNonOverlapping(candidates: Candidate[]): Candidate[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    const last = kept.at(-1);
    if (!last || candidate.start >= last.end) kept.push(candidate);
  }
  return kept;
}

const knownNameCache = new Map<string, PhiPattern[]>();

/** One pattern for the given names: whole names first, then each word of two letters or more, any case. */
function knownNamePatterns(names: readonly string[]): PhiPattern[] {
  if (names.length === 0) return [];
  const key = names.join('\u0000');
  let cached = knownNameCache.get(key);
  if (!cached) {
    const words = new Set<string>();
    for (const full of names) {
      const trimmed = full.trim();
      if (trimmed.length >= 2) words.add(trimmed);
      for (const word of trimmed.split(/[\s,]+/)) if (word.replace(/\W/g, '').length >= 2) words.add(word);
    }
    const alternatives = [...words].sort((a, b) => b.length - a.length).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
    cached = alternatives.length === 0 ? [] : [{ kind: 'name', pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu') }];
    if (knownNameCache.size >= 64) knownNameCache.clear();
    knownNameCache.set(key, cached);
  }
  return cached;
}
