/**
 * Phrase lookup over tokens: a trie keyed by folded token keys, so a lexicon of
 * any size is matched in one left-to-right pass (cost grows with the text, not
 * with the lexicon). Hyphens are skipped on both sides: "x-ray" = "x ray",
 * "mm-hmm" = "mm hmm". A phrase never spans two sentences.
 */
import { tokenize, type Token } from './text.ts';

export interface PhraseTrie<T> {
  next: Map<string, PhraseTrie<T>>;
  value?: T;
}

export interface PhraseMatch<T> {
  startTok: number;
  /** Exclusive. */
  endTok: number;
  value: T;
}

export function phraseKeys(phrase: string): string[] {
  return tokenize(phrase).filter((token) => token.norm !== '-').map((token) => token.key);
}

/** Builds a trie; when two entries share a phrase, the first one wins. */
export function buildTrie<T>(entries: Iterable<readonly [string, T]>): PhraseTrie<T> {
  const root: PhraseTrie<T> = { next: new Map() };
  for (const [phrase, value] of entries) {
    let node = root;
    for (const key of phraseKeys(phrase)) {
      let child = node.next.get(key);
      if (child === undefined) {
        child = { next: new Map() };
        node.next.set(key, child);
      }
      node = child;
    }
    if (node !== root && node.value === undefined) node.value = value;
  }
  return root;
}

/** The longest phrase of `trie` starting at token `start`, or undefined. */
export function longestAt<T>(tokens: readonly Token[], start: number, trie: PhraseTrie<T>): PhraseMatch<T> | undefined {
  const first = tokens[start];
  if (first === undefined || first.tag || first.norm === '-') return undefined;
  let node: PhraseTrie<T> | undefined = trie;
  let best: PhraseMatch<T> | undefined;
  for (let i = start; i < tokens.length && node !== undefined; i++) {
    const token: Token | undefined = tokens[i];
    if (token === undefined || token.sentence !== first.sentence || token.tag) break;
    if (token.norm === '-' && i > start) continue;
    node = node.next.get(token.key);
    if (node?.value !== undefined) best = { startTok: start, endTok: i + 1, value: node.value };
  }
  return best;
}

/** All non-overlapping longest matches, left to right. */
export function findPhrases<T>(tokens: readonly Token[], trie: PhraseTrie<T>): PhraseMatch<T>[] {
  const matches: PhraseMatch<T>[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const match = longestAt(tokens, i, trie);
    if (match === undefined) continue;
    matches.push(match);
    i = match.endTok - 1;
  }
  return matches;
}
