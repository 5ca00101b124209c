/**
 * What a check returns: a status and the source spans behind it (what
 * supports the claim, or what it contradicts), each in the source text or in a
 * fact / the vitals record named by `ref`.
 */
import type { SourceSpan } from '../finding.ts';
import type { Located, SourceDocument } from './source-index.ts';

export type ClaimStatus = 'supported' | 'unsupported' | 'contradicted';

/** A supporting (or contradicting) span: in the source text, or in a fact / the vitals record named by `ref`. */
export interface Evidence extends SourceSpan {
  in: 'text' | 'fact' | 'vitals';
  ref?: string;
}

export interface CheckResult {
  status: ClaimStatus;
  support: Evidence[];
  detail: string;
}

// A clinician reads the first few spans; more is noise.
const maxEvidence = 3;

function evidence(document: SourceDocument, span: { start: number; end: number }): Evidence {
  const found: Evidence = { in: document.in, start: span.start, end: span.end, excerpt: document.analyzed.text.slice(span.start, span.end) };
  if (document.ref !== undefined) found.ref = document.ref;
  return found;
}

export function result(status: ClaimStatus, found: readonly Located<{ start: number; end: number }>[], detail: string): CheckResult {
  const support: Evidence[] = [];
  for (const { document, item } of found) {
    if (support.length === maxEvidence) break;
    if (!support.some((seen) => seen.start === item.start && seen.end === item.end && seen.ref === document.ref)) support.push(evidence(document, item));
  }
  return { status, support, detail };
}

export const quoted = (list: readonly Located<{ start: number; end: number }>[]): string =>
  [...new Set(list.map(({ document, item }) => `“${document.analyzed.text.slice(item.start, item.end)}”`))].slice(0, maxEvidence).join(', ');
