/**
 * Every statement the model wrote passes the safety layer on its own, with the
 * transcript as source: definitive diagnoses and orders come back hedged (the
 * hedged text replaces the statement; the finding stays), unsupported or
 * contradicted claims are flagged, and the statement is linked to the
 * transcript spans that support it — the grounding guard's evidence, plus the
 * transcript turn that shares most of its words when no claim was doubted.
 */
import type { Finding, Language } from '../../safety/finding.ts';
import { reviewDraft } from '../../safety/review-draft.ts';
import { transcriptUnits, type TextRange } from './chunking.ts';
import type { GroundingSpan, SoapStatement } from './schema.ts';

const stopWords = new Set(
  ('the and for with that this was are has have had not but you your she her his him they them then than from into ' +
    'also about been were will would could should there their what when which who how patient reports states denies ' +
    'les des une que qui dans pour avec pas est sont elle ils par sur aux mais ses son sa patiente patient').split(' '),
);

const maxSpans = 4;

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => word.length >= 3 && !stopWords.has(word));
}

/** The transcript analysed once for the lexical search: its turns and, per content word, the turns that hold it. */
export interface TranscriptIndex {
  text: string;
  turns: TextRange[];
  postings: Map<string, number[]>;
}

export function indexTranscript(text: string): TranscriptIndex {
  const turns = transcriptUnits(text, 600);
  const postings = new Map<string, number[]>();
  for (const [turn, range] of turns.entries()) {
    for (const word of new Set(contentWords(text.slice(range.start, range.end)))) {
      const list = postings.get(word);
      if (list) list.push(turn);
      else postings.set(word, [turn]);
    }
  }
  return { text, turns, postings };
}

/** The turn sharing the most content words with `statement`, if it shares at least half of them (and two, for longer statements). */
export function bestMatchingTurn(statement: string, index: TranscriptIndex): TextRange | undefined {
  const words = [...new Set(contentWords(statement))];
  if (words.length === 0) return undefined;
  const scores = new Map<number, number>();
  for (const word of words) for (const turn of index.postings.get(word) ?? []) scores.set(turn, (scores.get(turn) ?? 0) + 1);
  let best: { turn: number; score: number } | undefined;
  for (const [turn, score] of scores) if (!best || score > best.score || (score === best.score && turn < best.turn)) best = { turn, score };
  const needed = Math.max(words.length > 2 ? 2 : 1, Math.ceil(words.length / 2));
  if (!best || best.score < needed) return undefined;
  const range = index.turns[best.turn];
  if (!range) return undefined;
  // Trim the new line and white space so the span is exactly the turn's words.
  const turnText = index.text.slice(range.start, range.end);
  const start = range.start + (turnText.length - turnText.trimStart().length);
  return { start, end: range.start + turnText.trimEnd().length };
}

export function reviewStatement(text: string, transcript: TranscriptIndex, language: Language): SoapStatement {
  const review = reviewDraft({ text, source: { text: transcript.text }, language });
  const claims = review.grounding?.claims ?? [];
  const spans: GroundingSpan[] = claims
    .filter((claim) => claim.status === 'supported')
    .flatMap((claim) => claim.support.filter((evidence) => evidence.in === 'text').map(({ start, end }) => ({ start, end })));
  // A lexical match would lend a doubted statement credibility it has not earned.
  if (claims.every((claim) => claim.status === 'supported')) {
    const turn = bestMatchingTurn(text, transcript);
    if (turn) spans.push(turn);
  }
  return { text: review.text, grounding: uniqueSpans(spans).slice(0, maxSpans), findings: review.findings };
}

function uniqueSpans(spans: readonly GroundingSpan[]): GroundingSpan[] {
  const seen = new Set<string>();
  return [...spans]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .filter((span) => {
      const key = `${span.start}:${span.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Reviews a short structured value (a medication line, the chief complaint): hedged text and findings, no spans. */
export function reviewValue(text: string, transcript: TranscriptIndex, language: Language): { text: string; findings: Finding[] } {
  const review = reviewDraft({ text, source: { text: transcript.text }, language });
  return { text: review.text, findings: review.findings };
}
