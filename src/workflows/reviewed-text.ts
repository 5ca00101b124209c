/**
 * The safety pass every model-written text field of a workflow goes through:
 * reviewDraft (hedged rewrites, grounding, injection, PHI), returning the text
 * the reviewer starts from and the findings shown beside it. Shared by the
 * history-summary, differential and contraindications workflows.
 */
import type { Finding, Language } from '../safety/finding.ts';
import type { GroundingSource } from '../safety/grounding.ts';
import { reviewDraft } from '../safety/review-draft.ts';

export interface ReviewedText {
  text: string;
  findings: Finding[];
}

export function reviewText(text: string, source: GroundingSource | undefined, language: 'en' | 'fr'): ReviewedText {
  const review = reviewDraft({ text, language: language satisfies Language, ...(source === undefined ? {} : { source }) });
  return { text: review.text, findings: review.findings };
}

/** A finding about a whole text the workflow left out or changed (e.g. an invented citation), spanning all of it. */
export function wholeTextFinding(text: string, message: string): Finding {
  return { rule: 'ungrounded-claim', start: 0, end: text.length, excerpt: text, message };
}

/** Zod field for the optional output language. */
export const languages = ['en', 'fr'] as const;
