/**
 * Cuts a text into plain and highlighted segments for a set of spans
 * (UTF-16 offsets, end exclusive, as the grounding reports them). Spans may
 * overlap or fall outside the text; they are clipped and merged.
 */
export interface Segment {
  text: string;
  highlighted: boolean;
}

export function highlightSegments(text: string, spans: readonly { start: number; end: number }[]): Segment[] {
  const clipped = spans
    .map((span) => ({ start: Math.max(0, Math.min(text.length, span.start)), end: Math.max(0, Math.min(text.length, span.end)) }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const segments: Segment[] = [];
  let at = 0;
  for (const span of clipped) {
    if (span.end <= at) continue;
    const start = Math.max(span.start, at);
    if (start > at) segments.push({ text: text.slice(at, start), highlighted: false });
    const last = segments.at(-1);
    if (last?.highlighted === true && start === at) last.text += text.slice(start, span.end);
    else segments.push({ text: text.slice(start, span.end), highlighted: true });
    at = span.end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), highlighted: false });
  return segments.filter((segment) => segment.text !== '');
}
