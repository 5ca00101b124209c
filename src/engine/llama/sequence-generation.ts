/**
 * One request on one context sequence: keep the reusable part of the KV cache,
 * evaluate the rest of the prompt in batches (so an abort lands between
 * batches instead of after the whole prompt), then let node-llama-cpp's
 * LlamaCompletion sample, stream, stop and constrain the output.
 */
import type { LlamaCompletion, LlamaContextSequence, LlamaGrammar, LlamaText, Token } from 'node-llama-cpp';
import type { FinishReason } from '../chat-model.ts';
import { reusablePrefixLength, type SequenceCacheView } from './prefix-reuse.ts';

/** A context sequence with the completion object bound to it. */
export interface SequenceSlot {
  index: number;
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  /** Larger is more recent; see SequenceCacheView. */
  lastUsed: number;
}

export function cacheViewOf(slot: SequenceSlot): SequenceCacheView {
  return {
    heldTokens: slot.sequence.contextTokens,
    oldestCachedPosition: slot.sequence.nextTokenIndex === 0 ? -1 : slot.sequence.stateCellsStartIndex,
    lastUsed: slot.lastUsed,
  };
}

export interface SequenceRequest {
  /** The prompt as the sequence will hold it (BOS included when the model wants one). */
  promptTokens: readonly Token[];
  /** The same prompt as LlamaCompletion takes it (it prepends BOS itself). */
  completionInput: Token[];
  maxTokens: number;
  temperature: number;
  seed: number | undefined;
  /** Caller's stop strings plus the chat template's end-of-turn text. */
  stopTriggers: readonly (string | LlamaText)[];
  grammar: LlamaGrammar | undefined;
  signal: AbortSignal;
  onTextDelta: ((delta: string) => void) | undefined;
  /** The model's sliding window when the windowed layers' cache is truncated; see prefix-reuse.ts. */
  slidingWindow: number | undefined;
  /** Tokens per prompt-evaluation step (the context's batch size). */
  batchSize: number;
}

export interface SequenceOutcome {
  text: string;
  finishReason: FinishReason;
  completionTokens: number;
  cachedPromptTokens: number;
  /** performance.now() when the first text or token was released; undefined when none was. */
  firstTokenAt: number | undefined;
  finishedAt: number;
}

export async function generateOnSequence(slot: SequenceSlot, request: SequenceRequest): Promise<SequenceOutcome> {
  const { sequence, completion } = slot;
  const { promptTokens, signal } = request;
  const cachedPromptTokens = await keepReusablePrefix(slot, promptTokens, request.slidingWindow);

  // Evaluate all but the last prompt token here; LlamaCompletion evaluates the last one and samples from its logits.
  const pending = promptTokens.slice(cachedPromptTokens, -1);
  for (let start = 0; start < pending.length; start += request.batchSize) {
    signal.throwIfAborted();
    await sequence.evaluateWithoutGeneratingNewTokens(pending.slice(start, start + request.batchSize));
  }
  signal.throwIfAborted();

  let firstTokenAt: number | undefined;
  const markFirstToken = (): void => {
    firstTokenAt ??= performance.now();
  };
  // node-llama-cpp catches what a text callback throws and prints it to the console, then goes
  // on generating. A caller's callback may throw on purpose (a guard stopping output), so the
  // first error stops generation here and is rethrown to the caller instead.
  const { onTextDelta } = request;
  const callbackFailure = new AbortController();
  let callbackError: unknown;
  const generationSignal = AbortSignal.any([signal, callbackFailure.signal]);
  const result = await completion.generateCompletionWithMeta(request.completionInput, {
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(request.grammar ? { grammar: request.grammar } : {}),
    customStopTriggers: request.stopTriggers,
    // Greedy means the most likely token: no penalty reshaping the distribution behind the caller's back.
    repeatPenalty: false,
    // The caller checked that prompt + maxTokens fits, so nothing may be cut from the prompt's start.
    disableContextShift: true,
    contextShiftSize: 1,
    signal: generationSignal,
    onToken: markFirstToken,
    onTextChunk: (text) => {
      markFirstToken();
      if (!onTextDelta || text === '' || callbackFailure.signal.aborted) return;
      try {
        onTextDelta(text);
      } catch (error) {
        callbackError = error;
        callbackFailure.abort(error);
      }
    },
  }).catch((error: unknown) => {
    throw callbackFailure.signal.aborted ? callbackError : error;
  });
  if (callbackFailure.signal.aborted) throw callbackError;
  const finishedAt = performance.now();
  // The last sampled token (end-of-turn or the maxTokens-th) is never evaluated into the cache.
  const completionTokens = Math.max(0, sequence.nextTokenIndex - promptTokens.length + 1);
  return {
    text: result.response,
    finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
    completionTokens,
    cachedPromptTokens,
    firstTokenAt,
    finishedAt,
  };
}

/** Erases what the sequence holds beyond the reusable prefix; returns that prefix's length. */
async function keepReusablePrefix(slot: SequenceSlot, prompt: readonly Token[], slidingWindow: number | undefined): Promise<number> {
  const { sequence } = slot;
  const reusable = reusablePrefixLength(cacheViewOf(slot), prompt, slidingWindow);
  if (reusable === 0) {
    if (sequence.nextTokenIndex > 0) await sequence.clearHistory();
  } else if (reusable < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: reusable, end: sequence.nextTokenIndex }]);
  }
  return reusable;
}
