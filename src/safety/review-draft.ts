/**
 * The safety middleware every draft passes through before a person sees it
 * (DESIGN.md rule 3): each guard runs on the draft, findings are merged in
 * text order, and the hedged rewrites of definitive diagnoses and
 * prescriptive orders are applied so the reviewer starts from reviewable text.
 * The original draft stays available to the caller; nothing here blocks a
 * draft: the clinician who signs sees every finding.
 */
import { lintDefinitiveDiagnoses } from './definitive-diagnosis.ts';
import { applySuggestions, type Finding, type Language } from './finding.ts';
import { groundDraft, type GroundingReport, type GroundingSource } from './grounding.ts';
import { detectInjections } from './injection.ts';
import { redactPhi } from './phi-redaction.ts';
import { findPrescriptiveOrders } from './prescriptive-order.ts';

export interface DraftReviewInput {
  text: string;
  /** What the draft was made from, to ground its claims against. Default: none (no grounding). */
  source?: GroundingSource;
  /** Default: en. */
  language?: Language;
}

export interface DraftReview {
  /** The draft with hedged rewrites applied. */
  text: string;
  /** Every finding, in text order; offsets index the ORIGINAL draft. */
  findings: Finding[];
  /**
   * Instructions embedded in the source text (offsets index the source): the
   * source reached the model only as fenced data, but the reviewer should know
   * someone tried to steer it.
   */
  sourceFindings: Finding[];
  /** Claim-by-claim grounding, when a source was given. */
  grounding?: GroundingReport;
}

export function reviewDraft({ text, source, language = 'en' }: DraftReviewInput): DraftReview {
  const sourceText = typeof source?.text === 'string' ? source.text : undefined;
  const rewrites = [
    ...lintDefinitiveDiagnoses(text, { language, ...(sourceText === undefined ? {} : { source: sourceText }) }),
    ...findPrescriptiveOrders(text, { language }),
  ];
  const grounding = source ? groundDraft(text, source, { language }) : undefined;
  const findings = [
    ...rewrites,
    ...(grounding?.findings ?? []),
    ...detectInjections(text, { language }),
    ...redactPhi(text).findings,
  ].sort((a, b) => a.start - b.start || a.end - b.end);
  const sourceFindings = sourceText === undefined ? [] : detectInjections(sourceText, { language });
  return { text: applySuggestions(text, rewrites), findings, sourceFindings, ...(grounding ? { grounding } : {}) };
}
