/**
 * A normalised copy of a text for pattern matching, with a map back to the
 * original offsets. Guards match their patterns against the view (lower case,
 * accents folded, look-alike letters and leetspeak undone, invisible characters
 * dropped) but report findings on the text the caller gave, so that a finding's
 * offsets and excerpt always point at what the clinician sees.
 */
import { invisibleRanges } from './lexicon/model-tokens.ts';

export interface TextView {
  /** The normalised text that patterns run on. */
  text: string;
  /** `starts[i]` and `ends[i]`: the original span that view character `i` stands for (an entity or a tag is several). */
  starts: Int32Array;
  ends: Int32Array;
}

export interface ViewOptions {
  /** Undo leetspeak digits and symbols next to letters ("1gn0re" → "ignore"). Default: false. */
  leet?: boolean;
  /** Replace HTML/XML tags with one space, so that "ignore <b>previous</b>" reads as words. Default: false. */
  stripTags?: boolean;
}

/** Zero-width, formatting and variation-selector characters an attacker uses to split words so that patterns miss them. */
const invisible = new Set(invisibleRanges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i)));

// Cyrillic and Greek letters that render like Latin ones ("іgnоre" with Cyrillic і and о).
const homoglyphs: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ѕ: 's', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ԁ: 'd', ɡ: 'g',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  '\u2018': "'", '\u2019': "'", '\u02BC': "'", '\u2032': "'", '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-',
  '\u00A0': ' ', '\u202F': ' ', '\u2009': ' ',
};

const leetDigits: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'i' };

const entities: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'", '&#39;': "'", '&nbsp;': ' ' };
const entityPattern = /&(?:lt|gt|amp|quot|apos|#39|nbsp);/y;
const tagPattern = /<\/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?\/?>/y;

// One entry per distinct non-ASCII code unit ever seen, so at most 65,536.
const folded = new Map<string, string>();

/** Lower case without accents, one code unit in, at most one out, so offsets stay one-to-one. */
function fold(char: string): string {
  let result = folded.get(char);
  if (result === undefined) {
    const lower = char.toLowerCase();
    // NFKD also folds full-width letters ("ＩＧＮＯＲＥ"); styled maths letters ("𝐢𝐠𝐧𝐨𝐫𝐞") are surrogate pairs and stay as they are.
    result = homoglyphs[lower] ?? (lower.normalize('NFKD')[0]?.toLowerCase() ?? lower);
    if (result.length !== 1) result = char;
    folded.set(char, result);
  }
  return result;
}

const isAsciiLetterCode = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const leetCodes = new Set(Object.keys(leetDigits).map((char) => char.charCodeAt(0)));

export function textView(text: string, options: ViewOptions = {}): TextView {
  const leet = options.leet ?? false;
  const stripTags = options.stripTags ?? false;
  // At most one view character per original code unit, so the offset arrays never grow.
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  let view = '';
  let length = 0;
  const push = (out: string, at: number, width: number): void => {
    view += out;
    starts[length] = at;
    ends[length] = at + width;
    length += 1;
  };
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code < 128 && code !== 38 && code !== 60) {
      // Plain ASCII, the common case: lower-case it, and undo leetspeak beside a letter.
      let out = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[index] ?? '';
      if (leet && leetCodes.has(code) && (isAsciiLetterCode(text.charCodeAt(index - 1)) || isAsciiLetterCode(text.charCodeAt(index + 1)))) {
        out = leetDigits[out] ?? out;
      }
      push(out, index, 1);
      index += 1;
      continue;
    }
    if (code === 38) {
      entityPattern.lastIndex = index;
      const entity = entityPattern.exec(text);
      if (entity) {
        push(entities[entity[0]] ?? ' ', index, entity[0].length);
        index += entity[0].length;
        continue;
      }
    }
    if (stripTags && code === 60) {
      tagPattern.lastIndex = index;
      const tag = tagPattern.exec(text);
      if (tag) {
        push(' ', index, tag[0].length);
        index += tag[0].length;
        continue;
      }
    }
    // Tag characters (U+E0000–E007F) are invisible ASCII look-alikes: read them as the ASCII they encode.
    if (code === 0xdb40) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdc7f) {
        const ascii = String.fromCharCode(low - 0xdc00);
        if (ascii >= ' ' && ascii <= '~') push(fold(ascii), index, 2);
        index += 2;
        continue;
      }
    }
    if (!invisible.has(code)) push(fold(text[index] ?? ''), index, 1);
    index += 1;
  }
  return { text: view, starts: starts.subarray(0, length), ends: ends.subarray(0, length) };
}

/** Only the letters a–z of a view, for spaced-out or punctuated words ("i g n o r e", "ig.nore"). */
export function lettersOnly(view: TextView): TextView {
  const starts = new Int32Array(view.text.length);
  const ends = new Int32Array(view.text.length);
  let letters = '';
  let length = 0;
  for (let i = 0; i < view.text.length; i++) {
    const code = view.text.charCodeAt(i);
    if (code >= 97 && code <= 122) {
      letters += view.text.charAt(i);
      starts[length] = view.starts[i] ?? 0;
      ends[length] = view.ends[i] ?? 0;
      length += 1;
    }
  }
  return { text: letters, starts: starts.subarray(0, length), ends: ends.subarray(0, length) };
}

/** The original [start, end) of the non-empty view span [viewStart, viewEnd). */
export function originalSpan(view: TextView, viewStart: number, viewEnd: number): [number, number] {
  return [view.starts[viewStart] ?? 0, view.ends[viewEnd - 1] ?? 0];
}
