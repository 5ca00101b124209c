/**
 * Where a span sits in a note: its sentence, its clause, whether it is inside quoted speech, and
 * which section (past history, family history, medications …) holds it. Guards use this to scope
 * cues the way clinicians read them: "no" negates its own clause, not the next sentence.
 *
 * Computed once per text in linear time; lookups are binary searches.
 */

export type SectionKind = 'history' | 'family' | 'medications' | 'other';

export interface TextScope {
  sentenceStart(index: number): number;
  /** Start of the clause holding `index` (sentence start, ";", a new line, or "but", "and" …). */
  clauseStart(index: number): number;
  /** End of the clause that continues from `index` (exclusive). */
  clauseEnd(index: number): number;
  isQuoted(index: number): boolean;
  section(index: number): SectionKind;
}

/** A full stop after these is not the end of a sentence. */
const abbreviations = new Set(['dr', 'mr', 'mrs', 'ms', 'st', 'vs', 'e.g', 'i.e', 'approx', 'fig', 'm', 'mme', 'pr']);

// A terminator ends a sentence only after a word and before white space: "?pneumonia" and
// "2.5 mg" do not split.
const sentenceBreak = /(?<=[\p{L}\p{N})\]"”»%])[.!?…]+(?=\s|$)|\n|•/gu;
const clauseBreak = /;|(?<![\p{L}\p{N}])(?:but|however|although|though|whereas|and|mais|cependant|toutefois|alors que|bien que|quoique|tandis que|et)(?![\p{L}\p{N}])/giu;

function sectionKindOf(header: string): SectionKind {
  const name = header.toLowerCase();
  if (/present illness|hpi|interval|maladie actuelle|histoire de la maladie|évolution|depuis la dernière/u.test(name)) return 'other';
  if (/famil/u.test(name)) return 'family';
  if (/medication|médicament|\bmeds\b|\brx\b|allerg/u.test(name)) return 'medications';
  if (/history|\bpmh|antécédent|\batcd|social|habitudes/u.test(name)) return 'history';
  return 'other';
}

/** Index of the last element ≤ index in a sorted array, or -1. */
function lastAtOrBefore(sorted: readonly number[], index: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? Infinity) <= index) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

function sentenceStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(sentenceBreak)) {
    if (match[0].startsWith('.')) {
      const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, match.index - 8), match.index))?.[1]?.toLowerCase();
      if (word !== undefined && abbreviations.has(word)) continue;
    }
    starts.push(match.index + match[0].length);
  }
  return starts;
}

/** Ranges inside “…”, «…» and "…"; an unclosed quote runs to the end of its line. */
function quotedRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { index: number; closer: string } | null = null;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (open === null) {
      if (character === '“') open = { index, closer: '”' };
      else if (character === '«') open = { index, closer: '»' };
      else if (character === '"') open = { index, closer: '"' };
    } else if (character === open.closer || (character === '\n' && open.closer !== '"')) {
      ranges.push([open.index, index + 1]);
      open = null;
    } else if (character === '\n') {
      ranges.push([open.index, index]);
      open = null;
    }
  }
  if (open !== null) ranges.push([open.index, text.length]);
  return ranges;
}

/** A line that opens with "Label:" and goes on: "Plan: give aspirin", "A/P: pneumonia". */
const inlineLabel = /^[ \t]*(?:[-•*][ \t]+)?(?:#+[ \t]*)?([\p{L}][\p{L}\p{N} /&'’()-]{0,60}?)[ \t]*:[ \t]*\S/u;
const headingOnly = /^[ \t]*(?:#+[ \t]*)?([\p{L}][\p{L} /&'’()-]{1,60}?)[ \t]*(:?)[ \t]*$/u;
const fewWords = (name: string): boolean => name.trim().split(/\s+/u).length <= 6;

/**
 * Sections, line by line. A heading alone on its line opens a section that runs to the next
 * heading or label, or to a blank line once the section has content. A "Label: content" line is a
 * section of its own: it ends at the end of its line (list items indented or bulleted under it
 * stay in it). So "History:" cannot reach past "Assessment: …", "Plan: …" or a blank line.
 */
function sections(text: string): { starts: number[]; kinds: SectionKind[] } {
  const starts = [0];
  const kinds: SectionKind[] = ['other'];
  const open = (index: number, kind: SectionKind): void => {
    if (starts.at(-1) === index) kinds[kinds.length - 1] = kind;
    else if (kinds.at(-1) !== kind || kind !== 'other') {
      starts.push(index);
      kinds.push(kind);
    }
  };
  let hasContent = false;
  let inline = false;
  for (let lineStart = 0; lineStart <= text.length; ) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, Math.min(lineEnd, lineStart + 400));
    const heading = headingOnly.exec(line);
    const label = heading === null ? inlineLabel.exec(line) : null;
    if (line.trim() === '') {
      if (hasContent || inline) open(lineStart, 'other');
      hasContent = false;
      inline = false;
    } else if (heading !== null && (heading[2] === ':' || (heading[1] ?? '') === (heading[1] ?? '').toUpperCase()) && fewWords(heading[1] ?? '')) {
      open(lineStart, sectionKindOf(heading[1] ?? ''));
      hasContent = false;
      inline = false;
    } else if (label !== null && fewWords(label[1] ?? '')) {
      open(lineStart, sectionKindOf(label[1] ?? ''));
      hasContent = true;
      inline = true;
    } else {
      if (inline && !/^(?:[ \t]+|[ \t]*[-•*][ \t])/u.test(line)) open(lineStart, 'other');
      inline = inline && kinds.at(-1) !== 'other';
      hasContent = true;
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return { starts, kinds };
}

export function scopeOf(text: string): TextScope {
  const sentences = sentenceStarts(text);
  const clauses = [...sentences];
  for (const match of text.matchAll(clauseBreak)) clauses.push(match[0] === ';' ? match.index + 1 : match.index);
  clauses.sort((a, b) => a - b);
  const quotes = quotedRanges(text);
  const quoteStarts = quotes.map(([start]) => start);
  const { starts: sectionStarts, kinds } = sections(text);

  return {
    sentenceStart: (index) => sentences[lastAtOrBefore(sentences, index)] ?? 0,
    clauseStart: (index) => clauses[lastAtOrBefore(clauses, index)] ?? 0,
    clauseEnd: (index) => {
      const next = clauses[lastAtOrBefore(clauses, index) + 1];
      return next === undefined ? text.length : next;
    },
    isQuoted: (index) => {
      const range = quotes[lastAtOrBefore(quoteStarts, index)];
      return range !== undefined && index < range[1];
    },
    section: (index) => kinds[lastAtOrBefore(sectionStarts, index)] ?? 'other',
  };
}
