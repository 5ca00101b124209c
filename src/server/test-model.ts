/**
 * A scripted ChatModel for server tests: it emits given text deltas, honours
 * `maxTokens` and abort signals, validates JSON output like a real backend,
 * and can fail with any NorthstationError. Every call is recorded so tests can
 * check what reached the model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NorthstationError } from '../core/errors.ts';
import {
  defaultGenerateOptions,
  textOf,
  type ChatMessage,
  type ChatModel,
  type FinishReason,
  type GenerateOptions,
  type GenerateResult,
  type ModelCapabilities,
  type ModelInfo,
} from '../engine/chat-model.ts';
import { parseJsonOutput } from '../engine/json-output.ts';

export interface ScriptedReply {
  /** Text pieces, one `onTextDelta` call and one completion token each. Default: `defaultDeltas`. */
  deltas?: readonly string[];
  /** Milliseconds to wait before each delta. Default: 0. */
  delayMs?: number;
  /** Thrown after the deltas. Default: none. */
  error?: NorthstationError;
  /** After the deltas, wait until the signal fires (a generation that never ends on its own). Default: false. */
  waitForAbort?: boolean;
  /** After the deltas, wait until this settles (or the signal fires): lets a test hold a generation open. Default: none. */
  holdUntil?: Promise<unknown>;
}

export type ScriptedResponder = (messages: readonly ChatMessage[], options: GenerateOptions) => ScriptedReply;

export interface ScriptedChatModelOptions {
  id?: string;
  synthetic?: boolean;
  capabilities?: Partial<Omit<ModelCapabilities, 'text'>>;
  /** A queue of replies (then the default reply), or a function choosing one per call. */
  replies?: readonly ScriptedReply[] | ScriptedResponder;
}

export const defaultDeltas: readonly string[] = ['Hello', ' from', ' the', ' scripted', ' model.'];

export interface RecordedCall {
  messages: readonly ChatMessage[];
  options: GenerateOptions;
}

export class ScriptedChatModel implements ChatModel {
  readonly info: ModelInfo;
  readonly capabilities: ModelCapabilities;
  readonly calls: RecordedCall[] = [];
  disposed = false;
  readonly #queue: ScriptedReply[];
  readonly #responder: ScriptedResponder | undefined;

  constructor(options: ScriptedChatModelOptions = {}) {
    this.info = { id: options.id ?? 'scripted-test-model', backend: 'llama', synthetic: options.synthetic ?? false, details: {} };
    this.capabilities = { text: true, image: false, jsonSchema: true, lora: false, ...options.capabilities };
    this.#queue = typeof options.replies === 'function' ? [] : [...(options.replies ?? [])];
    this.#responder = typeof options.replies === 'function' ? options.replies : undefined;
  }

  async generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
    if (this.disposed) throw new NorthstationError('internal', 'scripted model used after dispose');
    this.calls.push({ messages, options });
    const reply = this.#responder?.(messages, options) ?? this.#queue.shift() ?? {};
    const deltas = reply.deltas ?? defaultDeltas;
    const maxTokens = options.maxTokens ?? defaultGenerateOptions.maxTokens;
    const started = performance.now();
    let firstTokenAt: number | undefined;
    let text = '';
    let finishReason: FinishReason = 'stop';
    let completionTokens = 0;

    for (const delta of deltas) {
      if (completionTokens >= maxTokens) {
        finishReason = 'length';
        break;
      }
      await waitOrAbort(reply.delayMs ?? 0, options.signal);
      firstTokenAt ??= performance.now();
      completionTokens += 1;
      text += delta;
      options.onTextDelta?.(delta);
    }
    if (reply.error) throw reply.error;
    if (reply.waitForAbort) await waitOrAbort(Infinity, options.signal);
    if (reply.holdUntil) await waitOrAbort(reply.holdUntil, options.signal);
    throwIfAborted(options.signal);

    const parsed = options.jsonSchema ? parseJsonOutput(text, options.jsonSchema) : undefined;
    const totalMs = performance.now() - started;
    const timeToFirstTokenMs = (firstTokenAt ?? performance.now()) - started;
    const decodeSeconds = (totalMs - timeToFirstTokenMs) / 1000;
    return {
      text,
      parsed,
      finishReason,
      usage: { promptTokens: countWords(messages), completionTokens, cachedPromptTokens: 0 },
      timings: {
        timeToFirstTokenMs,
        totalMs,
        decodeTokensPerSecond: completionTokens > 1 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : 0,
      },
    };
  }

  dispose(): Promise<void> {
    this.disposed = true;
    return Promise.resolve();
  }
}

/** A stand-in for prompt tokens: words of the messages' text. */
function countWords(messages: readonly ChatMessage[]): number {
  const text = messages.map((m) => (m.role === 'user' ? textOf(m.content) : m.content)).join(' ');
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new NorthstationError('aborted', 'generation aborted', {}, { cause: signal.reason });
}

/** Waits `ms` (Infinity: until aborted) or for a promise; rejects with `aborted` as soon as the signal fires, like a real backend. */
async function waitOrAbort(wait: number | Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (wait === 0) return;
  const { promise, reject } = Promise.withResolvers<never>();
  const onAbort = (): void => {
    reject(new NorthstationError('aborted', 'generation aborted', {}, { cause: signal?.reason }));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const waited = typeof wait !== 'number' ? wait : wait === Infinity ? new Promise<never>(() => undefined) : sleep(wait);
    await Promise.race([promise, waited]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
