/**
 * A word diff between the AI's draft and the clinician's edit, so the signer
 * sees exactly what changed. Longest common subsequence over words (and the
 * whitespace between them): notes are short enough that the quadratic table
 * stays small, and it is bounded anyway.
 */

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Past this many tokens a side, the diff falls back to "all removed, all added" rather than a huge table. */
const maxTokens = 4000;

export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length > maxTokens || b.length > maxTokens) return merge([{ kind: 'removed', text: before }, { kind: 'added', text: after }]);
  // lengths[i][j]: LCS length of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] = a[i] === b[j] ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      parts.push({ kind: 'same', text: a[i] ?? '' });
      i += 1;
      j += 1;
    } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
      parts.push({ kind: 'removed', text: a[i] ?? '' });
      i += 1;
    } else {
      parts.push({ kind: 'added', text: b[j] ?? '' });
      j += 1;
    }
  }
  for (; i < a.length; i += 1) parts.push({ kind: 'removed', text: a[i] ?? '' });
  for (; j < b.length; j += 1) parts.push({ kind: 'added', text: b[j] ?? '' });
  return merge(parts);
}

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Joins neighbours of the same kind, dropping empty parts. */
function merge(parts: DiffPart[]): DiffPart[] {
  const merged: DiffPart[] = [];
  for (const part of parts) {
    if (part.text === '') continue;
    const last = merged.at(-1);
    if (last !== undefined && last.kind === part.kind) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

/** Whether anything differs. */
export function changed(parts: readonly DiffPart[]): boolean {
  return parts.some((part) => part.kind !== 'same');
}
