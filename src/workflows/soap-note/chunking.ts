/**
 * Long transcripts are split, never truncated: into turns (lines), a turn
 * longer than a chunk at sentence ends or spaces, then into chunks of whole
 * turns that overlap a little so a fact said across a boundary is seen whole
 * at least once. Chunks are offsets into the transcript, so memory stays one
 * copy of it however long it is.
 */

export interface TextRange {
  start: number;
  end: number;
}

/** Lines of `text` (new line kept with its line); lines longer than `maxChars` cut at a sentence end, else a space, else hard. */
export function transcriptUnits(text: string, maxChars: number): TextRange[] {
  const units: TextRange[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    for (let start = lineStart; start < lineEnd; ) {
      const end = lineEnd - start <= maxChars ? lineEnd : cutPoint(text, start, start + maxChars);
      units.push({ start, end });
      start = end;
    }
    lineStart = lineEnd;
  }
  return units;
}

/** The best place to end a piece that starts at `start` and may run to `limit` (exclusive). */
function cutPoint(text: string, start: number, limit: number): number {
  const window = text.slice(start, limit);
  const sentenceEnd = Math.max(window.lastIndexOf('. '), window.lastIndexOf('? '), window.lastIndexOf('! '));
  // A cut in the first half of the window would make many tiny pieces; fall back to a space.
  if (sentenceEnd > window.length / 2) return start + sentenceEnd + 2;
  const space = window.lastIndexOf(' ');
  if (space > window.length / 2) return start + space + 1;
  // No space at all: cut hard, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Ranges of at most `maxChars`, made of whole units; each after the first repeats up to `overlapChars` of its predecessor's end. */
export function chunkTranscript(text: string, maxChars: number, overlapChars: number): TextRange[] {
  const units = transcriptUnits(text, maxChars);
  const chunks: TextRange[] = [];
  let first = 0;
  while (first < units.length) {
    const start = units[first]?.start ?? 0;
    let next = first;
    while (next < units.length && (units[next]?.end ?? 0) - start <= maxChars) next++;
    next = Math.max(next, first + 1); // a unit is never longer than maxChars; this only guards the loop
    chunks.push({ start, end: units[next - 1]?.end ?? text.length });
    if (next >= units.length) break;
    // Step back over whole units for the overlap, but always move forward by at least one unit.
    let overlapFrom = next;
    const nextStart = units[next]?.start ?? 0;
    while (overlapFrom - 1 > first && nextStart - (units[overlapFrom - 1]?.start ?? 0) <= overlapChars) overlapFrom--;
    first = overlapFrom;
  }
  return chunks;
}
