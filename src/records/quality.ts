/**
 * Quality monitoring: how much did the clinician change the AI draft before
 * signing? A pure function over the AI content and the signed content. The
 * summary holds numbers and section names only, never text (no PHI).
 */
import { canonicalJson } from '../core/canonical-json.ts';

export interface DiffSummary {
  /** Levenshtein distance in characters between the two texts (see `contentText`). */
  editDistance: number;
  aiLength: number;
  signedLength: number;
  /** Top-level sections (object keys) whose content differs, sorted. */
  sectionsChanged: string[];
  /** True when the clinician signed the AI draft unchanged. */
  unchanged: boolean;
}

/** The text of a content value: strings as they are, objects as `key: text` lines in key order. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) return content.map((item: unknown) => contentText(item)).join('\n');
  if (typeof content === 'object') {
    return Object.keys(content).sort().map((key) => `${key}: ${contentText((content as Record<string, unknown>)[key])}`).join('\n');
  }
  return JSON.stringify(content);
}

/** Levenshtein distance over UTF-16 code units, O(n·m) time and O(min(n, m)) memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  if (short.length === 0) return long.length;
  let previous = Array.from({ length: short.length + 1 }, (_, i) => i);
  let current = new Array<number>(short.length + 1).fill(0);
  for (let i = 1; i <= long.length; i++) {
    current[0] = i;
    const c = long.charCodeAt(i - 1);
    for (let j = 1; j <= short.length; j++) {
      const cost = c === short.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[short.length] ?? 0;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function diffSummary(aiContent: unknown, signedContent: unknown): DiffSummary {
  const aiText = contentText(aiContent);
  const signedText = contentText(signedContent);
  let sectionsChanged: string[];
  if (isRecord(aiContent) && isRecord(signedContent)) {
    const keys = new Set([...Object.keys(aiContent), ...Object.keys(signedContent)]);
    sectionsChanged = [...keys].filter((key) => canonicalJson(aiContent[key]) !== canonicalJson(signedContent[key])).sort();
  } else {
    sectionsChanged = canonicalJson(aiContent) === canonicalJson(signedContent) ? [] : ['(content)'];
  }
  return {
    editDistance: editDistance(aiText, signedText),
    aiLength: aiText.length,
    signedLength: signedText.length,
    sectionsChanged,
    unchanged: sectionsChanged.length === 0,
  };
}
