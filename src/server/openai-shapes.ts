/**
 * Response bodies in OpenAI's chat.completion and chat.completion.chunk shapes,
 * built from engine results.
 */
import { randomUUID } from 'node:crypto';
import type { FinishReason, GenerateResult } from '../engine/chat-model.ts';

/** What every chunk of one completion repeats. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  /**
   * OpenAI's field for the serving configuration. A synthetic model says so in
   * every response and every chunk, so no client mistakes its text for medicine.
   */
  system_fingerprint: string;
}

export const syntheticFingerprint = 'northstation-synthetic-random-weights-not-a-medical-model';

export function newCompletionIdentity(model: string, synthetic: boolean): CompletionIdentity {
  return {
    id: `chatcmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: synthetic ? syntheticFingerprint : 'northstation',
  };
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export function toOpenAiUsage(usage: GenerateResult['usage']): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens },
  };
}

export function chatCompletion(identity: CompletionIdentity, result: GenerateResult) {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text, refusal: null },
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: toOpenAiUsage(result.usage),
  } as const;
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
}

/** One streamed chunk; with `include_usage`, OpenAI sends `usage: null` on every chunk but the last. */
export function chatCompletionChunk(identity: CompletionIdentity, delta: ChunkDelta, finishReason: FinishReason | null, includeUsage: boolean) {
  return {
    ...identity,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  } as const;
}

/** The usage chunk OpenAI sends last when `stream_options.include_usage` is set: no choices. */
export function usageChunk(identity: CompletionIdentity, usage: GenerateResult['usage']) {
  return { ...identity, object: 'chat.completion.chunk', choices: [], usage: toOpenAiUsage(usage) } as const;
}
