/**
 * What every guard reports. A finding points at a span of the text it checked
 * (UTF-16 code-unit offsets, as JavaScript strings index) and says what a
 * clinician should do about it. Findings never block a draft on their own: they
 * are shown inline so the person who signs sees them (DESIGN.md rules 1 and 3).
 */

export type SafetyRule = 'definitive-diagnosis' | 'prescriptive-order' | 'ungrounded-claim' | 'injection' | 'phi';

/** Languages the guards understand: English and Canadian French. */
export type Language = 'en' | 'fr';

export interface Finding {
  rule: SafetyRule;
  /** Start offset in the checked text (UTF-16 code units, inclusive). */
  start: number;
  /** End offset (exclusive). */
  end: number;
  /** The text between start and end. */
  excerpt: string;
  /** Why this was flagged, for the reviewing clinician. */
  message: string;
  /** Replacement text for the span (e.g. the hedged rewrite), when the guard has one. */
  suggestion?: string;
}

/** A span of source text that supports a claim (grounding). */
export interface SourceSpan {
  start: number;
  end: number;
  excerpt: string;
}

/** Builds a finding from a span of `text`, keeping excerpt and offsets consistent. */
export function findingAt(text: string, rule: SafetyRule, start: number, end: number, message: string, suggestion?: string): Finding {
  const finding: Finding = { rule, start, end, excerpt: text.slice(start, end), message };
  if (suggestion !== undefined) finding.suggestion = suggestion;
  return finding;
}

/**
 * Applies the suggestions of findings to `text`. Where two overlap, the one
 * that starts first wins (ties: the longer). One pass, so a note with
 * thousands of findings stays linear.
 */
export function applySuggestions(text: string, findings: readonly Finding[]): string {
  const ordered = findings
    .filter((finding) => finding.suggestion !== undefined)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: string[] = [];
  let copiedUpTo = 0;
  for (const finding of ordered) {
    if (finding.start < copiedUpTo) continue; // overlaps one already applied
    pieces.push(text.slice(copiedUpTo, finding.start), finding.suggestion ?? '');
    copiedUpTo = finding.end;
  }
  pieces.push(text.slice(copiedUpTo));
  return pieces.join('');
}
