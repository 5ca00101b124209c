/**
 * Grounding guard: links each factual claim of a draft (medications and doses,
 * vitals and other numbers, sides, findings asserted or denied, allergies,
 * durations) to the span of the source that supports it, and reports an
 * `ungrounded-claim` finding for every claim the source does not support, gives
 * a different value or side for, or states the other way round.
 *
 * Rule-based and linear in the size of draft and source: the source is analysed
 * once (tokens, lexicon mentions by concept, numbers with units, negation
 * scopes), then each claim is a few map lookups and a bounded window scan.
 * Pure: no I/O, runs anywhere JavaScript runs.
 */
import { findingAt, type Finding, type Language } from './finding.ts';
import { analyze } from './grounding/analyze.ts';
import { checkClaim, type ClaimStatus, type Evidence } from './grounding/checks.ts';
import { extractClaims, type DraftClaim } from './grounding/claims.ts';
import { indexSource, type GroundingSource, type SourceIndex } from './grounding/source-index.ts';

export type { ClaimStatus, Evidence, GroundingSource, SourceIndex };

export type ClaimKind = 'medication' | 'dose' | 'number' | 'vital' | 'laterality' | 'negation' | 'allergy' | 'duration' | 'finding';

export interface Claim {
  kind: ClaimKind;
  /** UTF-16 offsets into the draft (end exclusive). */
  start: number;
  end: number;
  excerpt: string;
  status: ClaimStatus;
  /** Source spans behind the status: what supports it, or what it contradicts. A span in a fact or the vitals carries their `ref` (e.g. "Observation/123", "vitals.heartRate"). */
  support: Evidence[];
  detail?: string;
}

export interface GroundingReport {
  claims: Claim[];
  /** One `ungrounded-claim` finding per claim that is not supported. */
  findings: Finding[];
}

export interface GroundingOptions {
  /** Language of draft and source; decides decimal commas and number words. Default 'en'. */
  language?: Language;
}

const kindLabels: Record<ClaimKind, string> = {
  medication: 'Medication', dose: 'Dose', number: 'Number', vital: 'Vital sign', laterality: 'Side',
  negation: 'Denied finding', allergy: 'Allergy', duration: 'Duration', finding: 'Finding',
};

/** Analyses a source once, for checking several drafts against it. */
export function indexGroundingSource(source: GroundingSource, options: GroundingOptions = {}): SourceIndex {
  return indexSource(source, options.language ?? 'en');
}

export function groundDraft(draft: string, source: GroundingSource | SourceIndex, options: GroundingOptions = {}): GroundingReport {
  const language = options.language ?? 'en';
  const index = 'documents' in source ? source : indexSource(source, language);
  const analyzed = analyze(draft, language);
  const claims: Claim[] = [];
  const findings: Finding[] = [];
  for (const draftClaim of extractClaims(analyzed)) {
    const first = analyzed.tokens[draftClaim.startTok];
    const last = analyzed.tokens[draftClaim.endTok - 1];
    if (first === undefined || last === undefined) continue;
    const { status, support, detail } = checkClaim(draftClaim, index);
    const claim: Claim = { kind: draftClaim.kind, start: first.start, end: last.end, excerpt: draft.slice(first.start, last.end), status, support, detail };
    claims.push(claim);
    if (status !== 'supported') findings.push(findingAt(draft, 'ungrounded-claim', claim.start, claim.end, message(draftClaim, status, detail)));
  }
  return { claims, findings };
}

function message(claim: DraftClaim, status: ClaimStatus, detail: string): string {
  const verdict = status === 'contradicted' ? 'contradicted by the source' : 'not supported by the source';
  return `${kindLabels[claim.kind]} ${verdict}: ${detail}. Check before signing.`;
}
