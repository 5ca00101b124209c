/**
 * Which free sequence a prompt should run on, and how much of what it already
 * holds in its KV cache can be kept. Requests that share a prefix (the same
 * long system prompt, the same conversation so far) skip evaluating it again.
 *
 * Gemma 3 attends most layers through a sliding window, and unless the context
 * keeps the full cache for those layers, llama.cpp overwrites window cells once
 * a sequence has moved past them. Reusing a prefix is exact only while the
 * window before the prefix's end is still cached; otherwise the output would
 * quietly differ from a fresh evaluation, so such a sequence is cleared and
 * evaluated from the start instead.
 */

export interface SequenceCacheView {
  /** Tokens whose KV cache the sequence holds, from position 0. */
  heldTokens: readonly number[];
  /** Lowest position still in the KV cache (llama.cpp's seq_pos_min); -1 when empty. */
  oldestCachedPosition: number;
  /** Larger is more recent; breaks ties so that recently used caches survive longest. */
  lastUsed: number;
}

/** Length of the common prefix of two token lists. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index++;
  return index;
}

/**
 * Prompt tokens whose cache `view` can supply exactly. At least the last prompt
 * token is always evaluated, because its logits give the first generated token.
 * `slidingWindow` is the model's window when the cache for windowed layers is
 * truncated, else undefined.
 */
export function reusablePrefixLength(
  view: SequenceCacheView,
  prompt: readonly number[],
  slidingWindow: number | undefined,
): number {
  const shared = Math.min(commonPrefixLength(view.heldTokens, prompt), Math.max(0, prompt.length - 1));
  if (shared === 0 || slidingWindow === undefined) return shared;
  // The first new token at position `shared` looks back `slidingWindow` positions.
  const needFrom = Math.max(0, shared - slidingWindow);
  return view.oldestCachedPosition <= needFrom ? shared : 0;
}

/**
 * A reused token saves one token of prompt evaluation now; an erased cached
 * token costs one later, but only if some request would have reused it, so it
 * weighs half.
 */
const erasedTokenWeight = 0.5;

/**
 * The free slot worth the most for `prompt`: tokens reused minus half the
 * cached tokens it would erase. So a request with a new prompt takes an empty
 * sequence rather than wiping a long cached system prompt for the few template
 * tokens every prompt starts with. Ties go to the least recently used slot.
 */
export function chooseSlotForPrompt<Slot>(
  free: readonly Slot[],
  viewOf: (slot: Slot) => SequenceCacheView,
  prompt: readonly number[],
  slidingWindow: number | undefined,
): Slot {
  let best: { slot: Slot; score: number; lastUsed: number } | undefined;
  for (const slot of free) {
    const view = viewOf(slot);
    const reusable = reusablePrefixLength(view, prompt, slidingWindow);
    const score = reusable - erasedTokenWeight * (view.heldTokens.length - reusable);
    if (!best || score > best.score || (score === best.score && view.lastUsed < best.lastUsed)) {
      best = { slot, score, lastUsed: view.lastUsed };
    }
  }
  if (!best) throw new RangeError('no free slot to choose from');
  return best.slot;
}
