/**
 * A ChatModel test double for the safety layer (which may not import server/'s
 * richer one): it answers from a script, validates schema output the way real
 * backends do (json-output.ts, throwing `schema_violation` with the raw text),
 * and records every call so tests can check what reached the model.
 */
import { NorthstationError } from '../core/errors.ts';
import type { ChatMessage, ChatModel, GenerateOptions, GenerateResult, ModelCapabilities, ModelInfo } from '../engine/chat-model.ts';
import { parseJsonOutput } from '../engine/json-output.ts';

/** A reply: its text, or an error to throw. */
export type ScriptedAnswer = string | NorthstationError;

export interface ScriptedCall {
  messages: readonly ChatMessage[];
  options: GenerateOptions;
}

export class ScriptedModel implements ChatModel {
  readonly info: ModelInfo;
  readonly capabilities: ModelCapabilities = { text: true, image: false, jsonSchema: true, lora: false };
  readonly calls: ScriptedCall[] = [];
  readonly #answers: ScriptedAnswer[];

  /** `answers` are used in order; a call after the last one fails, so a test sees unexpected extra calls. */
  constructor(answers: readonly ScriptedAnswer[], info: Partial<ModelInfo> = {}) {
    this.#answers = [...answers];
    this.info = { id: 'scripted-safety-model', backend: 'llama', synthetic: false, details: {}, ...info };
  }

  generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
    this.calls.push({ messages: [...messages], options });
    // Whatever the executor throws rejects the promise, as a backend's failure would.
    return new Promise((resolve) => {
      resolve(this.#answer(options));
    });
  }

  #answer(options: GenerateOptions): GenerateResult {
    const answer = this.#answers.shift();
    if (answer === undefined) throw new NorthstationError('internal', 'scripted model has no answer left');
    if (answer instanceof NorthstationError) throw answer;
    return {
      text: answer,
      parsed: options.jsonSchema ? parseJsonOutput(answer, options.jsonSchema) : undefined,
      finishReason: 'stop',
      usage: { promptTokens: 0, completionTokens: answer.length, cachedPromptTokens: 0 },
      timings: { timeToFirstTokenMs: 0, totalMs: 0, decodeTokensPerSecond: 0 },
    };
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
