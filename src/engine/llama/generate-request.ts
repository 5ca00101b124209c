/**
 * GenerateOptions checked and completed with defaults, and the JSON-schema
 * grammars they need, compiled once per schema.
 */
import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import { badRequest } from '../../core/errors.ts';
import { defaultGenerateOptions, type GenerateOptions, type JsonSchema } from '../chat-model.ts';
import { assertValidSchema } from '../json-output.ts';

export interface ResolvedGenerateOptions {
  maxTokens: number;
  temperature: number;
  seed: number | undefined;
  stop: readonly string[];
  jsonSchema: JsonSchema | undefined;
  signal: AbortSignal | undefined;
  onTextDelta: ((delta: string) => void) | undefined;
}

export function resolveGenerateOptions(options: GenerateOptions): ResolvedGenerateOptions {
  const maxTokens = options.maxTokens ?? defaultGenerateOptions.maxTokens;
  const temperature = options.temperature ?? defaultGenerateOptions.temperature;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw badRequest(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isFinite(temperature) || temperature < 0) throw badRequest(`temperature must be ≥ 0, got ${temperature}`);
  if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0)) {
    throw badRequest(`seed must be a non-negative integer, got ${options.seed}`);
  }
  const stop = options.stop ?? [];
  if (stop.some((text) => typeof text !== 'string' || text === '')) throw badRequest('stop strings must be non-empty');
  if (options.jsonSchema !== undefined) assertValidSchema(options.jsonSchema);
  return {
    maxTokens,
    temperature,
    seed: options.seed,
    stop,
    jsonSchema: options.jsonSchema,
    signal: options.signal,
    onTextDelta: options.onTextDelta,
  };
}

/**
 * Grammars compiled from JSON schemas, keyed by the schema's JSON text:
 * compiling is far slower than a short generation, and workflows reuse a
 * handful of schemas for every request.
 */
export class JsonGrammarCache {
  readonly #llama: Llama;
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();
  /** Most distinct schemas kept; the oldest is dropped beyond it. */
  readonly #capacity: number;

  constructor(llama: Llama, capacity = 64) {
    this.#llama = llama;
    this.#capacity = capacity;
  }

  get(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.#grammars.get(key);
    if (!grammar) {
      grammar = this.#compile(schema);
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
      if (this.#grammars.size > this.#capacity) {
        const oldest = this.#grammars.keys().next().value;
        if (oldest !== undefined) this.#grammars.delete(oldest);
      }
    }
    return grammar;
  }

  clear(): void {
    this.#grammars.clear();
  }

  async #compile(schema: JsonSchema): Promise<LlamaGrammar> {
    try {
      // node-llama-cpp types the schema precisely; ours is any JSON schema, and unsupported keywords are reported below.
      return await this.#llama.createGrammarForJsonSchema(schema as Parameters<Llama['createGrammarForJsonSchema']>[0]);
    } catch (error) {
      throw badRequest(`the JSON schema cannot be turned into a llama.cpp grammar: ${(error as Error).message}`);
    }
  }
}
