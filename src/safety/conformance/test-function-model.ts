/**
 * A ChatModel whose answer is a function of the request, for testing each
 * check's logic (what it counts, when it fails) without a real model. Never
 * used to make the gate pass: reports in gate tests are hand-built files.
 */
import type { ChatMessage, ChatModel, GenerateOptions, GenerateResult } from '../../engine/chat-model.ts';
import { parseJsonOutput } from '../../engine/json-output.ts';

export function functionModel(
  answer: (messages: readonly ChatMessage[], options: GenerateOptions) => string,
  options: { image?: boolean; id?: string } = {},
): ChatModel {
  return {
    info: { id: options.id ?? 'function-model', backend: 'openai', synthetic: false, details: {} },
    capabilities: { text: true, image: options.image ?? false, jsonSchema: true, lora: false },
    generate: (messages, generateOptions = {}) => {
      try {
        const text = answer(messages, generateOptions);
        // Like every backend: schema output is validated, and invalid output is refused with the raw text.
        const parsed = generateOptions.jsonSchema ? parseJsonOutput(text, generateOptions.jsonSchema) : undefined;
        return Promise.resolve({
          text,
          parsed,
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1, cachedPromptTokens: 0 },
          timings: { timeToFirstTokenMs: 1, totalMs: 1, decodeTokensPerSecond: 1 },
        } satisfies GenerateResult);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    dispose: () => Promise.resolve(),
  };
}

/** The text of the last user message. */
export function lastUserText(messages: readonly ChatMessage[]): string {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : last.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
