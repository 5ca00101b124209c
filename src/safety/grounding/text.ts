/**
 * Tokens with UTF-16 offsets into the original text, plus a folded key for
 * matching: lower case, accents removed, a plural ending dropped, so "Fevers",
 * "fever" and "fièvre"/"fievre" compare equal. Offsets always point into the
 * text as given, so every claim and finding can be shown in place.
 */

export type TokenKind = 'word' | 'number' | 'punct';

export interface Token {
  start: number;
  end: number;
  kind: TokenKind;
  /** Lower case, accents removed, curly apostrophe straightened. */
  norm: string;
  /** `norm` with a plural ending folded, for lexicon matching. */
  key: string;
  /** Sentence number: a sentence ends at . ! ? ; • or a line break. */
  sentence: number;
  /** Speaker turn in a dialogue (lines opening with "[doctor]", "[patient]"); 0 before the first tag or when there are none. */
  turn: number;
  /** Part of a speaker tag such as "[doctor]": never matched. */
  tag: boolean;
}

// A number (decimal point or comma), a dotted abbreviation ("b.i.d.", "q.d."), a word (letters, then
// letters or digits: "spo2", "a1c", "q8h", with inner apostrophes: "n't", "don't", "n'a"), or any
// other single code point.
const tokenPattern = /\d+(?:[.,]\d+)*|(?:\p{L}\.){2,}|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*|\S/gu;
const sentenceEnds = new Set(['.', '!', '?', ';', '•']);

export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/’/g, "'");
}

/** Drops an English/French plural ending; applied alike to lexicon phrases and text, so it only has to be consistent. */
export function stem(norm: string): string {
  if (norm.length > 4 && norm.endsWith('ies')) return `${norm.slice(0, -3)}y`;
  if (norm.length > 3 && norm.endsWith('s') && !/(ss|us|is)$/.test(norm)) return norm.slice(0, -1);
  return norm;
}

// Folding is the costly part of tokenizing and words repeat a lot: cache it, bounded so a server
// checking many notes does not grow it without end.
const foldCache = new Map<string, readonly [norm: string, key: string]>();
const maxCached = 50_000;

function folded(raw: string, kind: TokenKind): readonly [string, string] {
  const cached = foldCache.get(raw);
  if (cached) return cached;
  const norm = /^[\x20-\x7e]*$/.test(raw) ? raw.toLowerCase() : fold(raw);
  const entry = [norm, kind === 'word' ? stem(norm) : norm] as const;
  if (foldCache.size >= maxCached) foldCache.clear();
  foldCache.set(raw, entry);
  return entry;
}

function kindOf(raw: string): TokenKind {
  const code = raw.charCodeAt(0);
  if (code >= 48 && code <= 57) return 'number';
  return /^[\p{L}\p{M}]/u.test(raw) ? 'word' : 'punct';
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentence = 0;
  let turn = 0;
  let tagUntil = -1;
  let nextNewline = text.indexOf('\n');
  for (const match of text.matchAll(tokenPattern)) {
    const start = match.index;
    const raw = match[0];
    const end = start + raw.length;
    const last = tokens.at(-1);
    let lineStart = last === undefined;
    if (nextNewline >= 0 && nextNewline < start) {
      lineStart = true;
      nextNewline = text.indexOf('\n', start);
    }
    if (last !== undefined && (lineStart || sentenceEnds.has(last.norm))) sentence++;
    // A speaker tag is "[word]" (or "[two words]") opening a line.
    if (raw === '[' && lineStart) {
      const close = /^\[[^\]\n]{1,24}\]/.exec(text.slice(start, start + 26));
      if (close) {
        tagUntil = start + close[0].length;
        turn++;
      }
    }
    const kind = kindOf(raw);
    const [norm, key] = folded(raw, kind);
    tokens.push({ start, end, kind, norm, key, sentence, turn, tag: end <= tagUntil });
  }
  return tokens;
}

/** Index of the next word or number token at or after `from` in the same sentence, skipping hyphens; -1 if none. */
export function nextWord(tokens: readonly Token[], from: number, sentence: number): number {
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== sentence) return -1;
    if (token.kind !== 'punct') return i;
    if (token.norm !== '-') return -1;
  }
  return -1;
}
