/**
 * The tiny synthetic Gemma 3 loaded through the real llama.cpp path, for the
 * backend's integration tests.
 */
import type { ChatMessage } from '../chat-model.ts';
import { ensureTinyModel } from '../synthetic/test-models.ts';
import { loadLlamaChatModel, type LlamaChatModel } from './llama-chat-model.ts';
import type { LlamaChatModelOptions } from './llama-options.ts';

/**
 * One thread: the tiny model's work per token is microseconds, so thread
 * synchronisation dominates, and on the shared 2-core test machine 2 threads
 * measured 50–80 tokens/s against 3000–4000 with 1 (under load from other jobs).
 */
export const testThreads = 1;

export async function loadTinyChatModel(overrides: Partial<LlamaChatModelOptions> = {}): Promise<LlamaChatModel> {
  return loadLlamaChatModel({
    modelPath: await ensureTinyModel(),
    gpu: false,
    threads: testThreads,
    contextSize: 1024,
    sequences: 2,
    ...overrides,
  });
}

export const greeting: readonly ChatMessage[] = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say hello.' },
];

/** A system prompt of roughly `words` words, different per `seed`. */
export function longSystemPrompt(words: number, seed = 0): string {
  const vocabulary = ['patient', 'vitals', 'stable', 'review', 'note', 'triage', 'history', 'allergy', 'dose', 'chart'];
  return Array.from({ length: words }, (_, index) => vocabulary[(index * 7 + seed * 3 + Math.floor(index / 10) * seed) % vocabulary.length]).join(' ');
}
