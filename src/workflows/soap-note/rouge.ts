/**
 * ROUGE-L (Lin 2004) on lower-cased word tokens: the longest common
 * subsequence of candidate and reference words gives precision (over the
 * candidate) and recall (over the reference); F1 is their harmonic mean.
 * O(n·m) time, O(min(n, m)) memory.
 */

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let previous = new Array<number>(short.length + 1).fill(0);
  let current = new Array<number>(short.length + 1).fill(0);
  for (const word of long) {
    for (let j = 1; j <= short.length; j++) {
      current[j] = word === short[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[short.length] ?? 0;
}

export function rougeL(candidate: string, reference: string): RougeScore {
  const candidateWords = wordTokens(candidate);
  const referenceWords = wordTokens(reference);
  const lcs = lcsLength(candidateWords, referenceWords);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = lcs / candidateWords.length;
  const recall = lcs / referenceWords.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}
