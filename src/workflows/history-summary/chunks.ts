/**
 * Splits the rendered facts into chunks that fit one model call. Token counts
 * are estimated from characters because the prompt is planned before any call
 * and the ChatModel contract has no tokenizer.
 */
import { NorthstationError } from '../../core/errors.ts';

/** Gemma's tokenizer on English clinical text is about 4 characters a token; resource ids (hex UUIDs) are denser, so 3 keeps a margin. */
export const defaultCharsPerToken = 3;
/** Chat-template tokens, the source-data markers and rounding: room kept free beyond the estimates. */
export const contextMarginTokens = 96;
/** Below this a chunk holds too little for a summary to be worth a call. */
const minChunkTokens = 120;

export function estimateTokens(text: string, charsPerToken: number): number {
  return Math.ceil(text.length / charsPerToken);
}

export interface ChunkBudget {
  contextSize: number;
  /** The fixed prompt text sent with every chunk (system prompt and instructions). */
  promptTokens: number;
  maxOutputTokens: number;
  charsPerToken: number;
}

/** Characters of facts one chunk may hold. */
export function chunkChars({ contextSize, promptTokens, maxOutputTokens, charsPerToken }: ChunkBudget): number {
  const tokens = contextSize - promptTokens - maxOutputTokens - contextMarginTokens;
  if (tokens < minChunkTokens) {
    throw new NorthstationError(
      'config_invalid',
      `a ${contextSize}-token context leaves ${tokens} tokens for bundle data after the prompt and ${maxOutputTokens} output tokens; load the model with a larger context`,
      { contextSize, promptTokens, maxOutputTokens },
    );
  }
  return Math.floor(tokens * charsPerToken);
}

/** [start, end) index ranges over `lines`, each within `maxChars` (a longer single line gets a chunk of its own). */
export function planChunks(lines: readonly string[], maxChars: number): [number, number][] {
  const chunks: [number, number][] = [];
  let start = 0;
  let size = 0;
  lines.forEach((line, index) => {
    const cost = line.length + 1;
    if (index > start && size + cost > maxChars) {
      chunks.push([start, index]);
      start = index;
      size = 0;
    }
    size += cost;
  });
  if (start < lines.length) chunks.push([start, lines.length]);
  return chunks;
}
