/**
 * The embedded llama.cpp backend: one GGUF model, one context with N
 * sequences decoded in parallel (node-llama-cpp batches them), a fair FIFO
 * queue in front, KV-cache prefix reuse, JSON-schema grammars and LoRA.
 * Everything that can be checked is checked before llama.cpp sees it.
 */
import { getModuleVersion, LlamaCompletion, type ChatWrapper, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { NorthstationError, toNorthstationError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type {
  ChatMessage,
  ChatModel,
  GenerateOptions,
  GenerateResult,
  ModelCapabilities,
  ModelInfo,
} from '../chat-model.ts';
import { parseJsonOutput } from '../json-output.ts';
import { refuseImageParts, renderPrompt, renderPromptText, asSequenceTokens, withoutLeadingBos } from './chat-prompt.ts';
import { JsonGrammarCache, resolveGenerateOptions } from './generate-request.ts';
import { loadLlamaResources, type LlamaResources } from './llama-loader.ts';
import type { LlamaChatModelOptions } from './llama-options.ts';
import { chooseSlotForPrompt } from './prefix-reuse.ts';
import { cacheViewOf, generateOnSequence, type SequenceSlot } from './sequence-generation.ts';
import { SlotQueue } from './slot-queue.ts';

export type { LlamaChatModelOptions, LoraAdapterOptions } from './llama-options.ts';

/** Loads a GGUF model for chat; resolves once the model and its context are ready. */
export async function loadLlamaChatModel(options: LlamaChatModelOptions): Promise<LlamaChatModel> {
  const resources = await loadLlamaResources(options);
  return new LlamaChatModel(resources, `node-llama-cpp ${await getModuleVersion()}`);
}

export class LlamaChatModel implements ChatModel {
  readonly info: ModelInfo;
  readonly capabilities: ModelCapabilities = { text: true, image: false, jsonSchema: true, lora: true };

  readonly #resources: LlamaResources;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #chatWrapper: ChatWrapper;
  readonly #queue: SlotQueue<SequenceSlot>;
  readonly #grammars: JsonGrammarCache;
  readonly #logger: Logger;
  readonly #slidingWindow: number | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #disposal = new AbortController();
  #disposed: Promise<void> | undefined;
  #requestCounter = 0;
  #useCounter = 0;

  /** Use loadLlamaChatModel. */
  constructor(resources: LlamaResources, engine: string) {
    this.#resources = resources;
    const { model, context, settings, file } = resources;
    this.#model = model;
    this.#context = context;
    this.#chatWrapper = resources.chatWrapper;
    this.#logger = settings.logger.child({ model: settings.id });
    this.#grammars = new JsonGrammarCache(resources.llama);
    this.#slidingWindow = settings.swaFullCache ? undefined : model.fileInsights.swaSize;
    const slots: SequenceSlot[] = Array.from({ length: context.totalSequences }, (_, index) => {
      const sequence = context.getSequence();
      return { index, sequence, completion: new LlamaCompletion({ contextSequence: sequence }), lastUsed: 0 };
    });
    this.#queue = new SlotQueue(slots, { maxWaiting: settings.maxQueueLength });
    this.info = {
      id: settings.id,
      backend: 'llama',
      contextSize: context.contextSize,
      synthetic: file.synthetic,
      details: {
        path: settings.modelPath,
        architecture: file.architecture,
        quantisation: file.quantisation,
        contextSize: context.contextSize,
        sequences: context.totalSequences,
        threads: context.idealThreads,
        gpu: resources.llama.gpu,
        gpuLayers: model.gpuLayers,
        chatTemplate: this.#chatWrapper.wrapperName,
        ...(settings.lora.length > 0 ? { lora: settings.lora.map((adapter) => `${adapter.path}@${adapter.scale}`).join(', ') } : {}),
        engine,
        llamaCpp: resources.llama.llamaCppRelease.release,
      },
    };
  }

  generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const run = this.#generate(messages, options);
    this.#inFlight.add(run);
    const forget = (): void => {
      this.#inFlight.delete(run);
    };
    run.then(forget, forget);
    return run;
  }

  /** The prompt exactly as the model sees it, special tokens spelled out. For tests and debugging; it holds patient text, so never log it. */
  formatPrompt(messages: readonly ChatMessage[]): string {
    refuseImageParts(messages);
    return renderPromptText(this.#model, this.#chatWrapper, messages);
  }

  /** Rejects waiting requests with `aborted`, stops running ones, then frees the context and the model. */
  dispose(): Promise<void> {
    this.#disposed ??= this.#dispose();
    return this.#disposed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async #dispose(): Promise<void> {
    const reason = new NorthstationError('aborted', 'the model was unloaded');
    this.#queue.close(reason);
    this.#disposal.abort(reason);
    await Promise.allSettled([...this.#inFlight]);
    this.#grammars.clear();
    await this.#context.dispose();
    await this.#model.dispose();
    await this.#resources.runtime.release();
    this.#logger.info('llama_model_unloaded');
  }

  async #generate(messages: readonly ChatMessage[], options: GenerateOptions): Promise<GenerateResult> {
    const startedAt = performance.now();
    const request = ++this.#requestCounter;
    if (this.#disposed) throw new NorthstationError('aborted', 'the model was unloaded');
    const resolved = resolveGenerateOptions(options);
    refuseImageParts(messages);
    const prompt = renderPrompt(this.#model, this.#chatWrapper, messages);
    const completionInput = withoutLeadingBos(this.#model, prompt.tokens);
    const promptTokens = asSequenceTokens(this.#model, completionInput);
    const maxTokens = this.#fitMaxTokens(promptTokens.length, resolved.maxTokens);
    const grammar = resolved.jsonSchema ? await this.#grammars.get(resolved.jsonSchema) : undefined;
    const signal = resolved.signal ? AbortSignal.any([resolved.signal, this.#disposal.signal]) : this.#disposal.signal;

    const slot = await this.#queue.acquire({
      signal,
      choose: (free) => chooseSlotForPrompt(free, cacheViewOf, promptTokens, this.#slidingWindow),
    });
    const queuedMs = performance.now() - startedAt;
    this.#logger.debug('llama_generation_started', { request, sequence: slot.index, queuedMs: round(queuedMs) });
    let outcome;
    try {
      outcome = await generateOnSequence(slot, {
        promptTokens,
        completionInput,
        maxTokens,
        temperature: resolved.temperature,
        seed: resolved.seed,
        stopTriggers: [...resolved.stop, ...prompt.stopTriggers],
        grammar,
        signal,
        onTextDelta: resolved.onTextDelta,
        slidingWindow: this.#slidingWindow,
        batchSize: this.#context.batchSize,
      });
    } catch (error) {
      throw this.#failure(error, signal, request);
    } finally {
      slot.lastUsed = ++this.#useCounter;
      this.#queue.release(slot);
    }

    const totalMs = outcome.finishedAt - startedAt;
    const decodeMs = outcome.firstTokenAt === undefined ? 0 : outcome.finishedAt - outcome.firstTokenAt;
    const result: GenerateResult = {
      text: outcome.text,
      finishReason: outcome.finishReason,
      usage: {
        promptTokens: promptTokens.length,
        completionTokens: outcome.completionTokens,
        cachedPromptTokens: outcome.cachedPromptTokens,
      },
      timings: {
        timeToFirstTokenMs: outcome.firstTokenAt === undefined ? totalMs : outcome.firstTokenAt - startedAt,
        totalMs,
        decodeTokensPerSecond: decodeMs > 0 && outcome.completionTokens > 1 ? ((outcome.completionTokens - 1) * 1000) / decodeMs : 0,
      },
    };
    this.#logger.info('llama_generation_finished', {
      request,
      sequence: slot.index,
      promptTokens: result.usage.promptTokens,
      cachedPromptTokens: result.usage.cachedPromptTokens,
      completionTokens: result.usage.completionTokens,
      finishReason: result.finishReason,
      queuedMs: round(queuedMs),
      timeToFirstTokenMs: round(result.timings.timeToFirstTokenMs),
      totalMs: round(totalMs),
    });
    if (resolved.jsonSchema) result.parsed = parseJsonOutput(result.text, resolved.jsonSchema);
    return result;
  }

  /** maxTokens, shortened to the room the prompt leaves in a sequence (finishReason then says `length`). */
  #fitMaxTokens(promptTokens: number, maxTokens: number): number {
    // One cell stays free: node-llama-cpp shifts the context when a sequence reaches its last cell.
    const room = this.#context.contextSize - 1 - promptTokens;
    if (room < 1) {
      throw new NorthstationError(
        'payload_too_large',
        `the prompt is ${promptTokens} tokens, more than the ${this.#context.contextSize}-token context leaves room for; shorten it or load the model with a larger contextSize`,
        { promptTokens, contextSize: this.#context.contextSize },
      );
    }
    return Math.min(maxTokens, room);
  }

  #failure(error: unknown, signal: AbortSignal, request: number): NorthstationError {
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      const failure =
        reason instanceof NorthstationError && reason.code === 'aborted'
          ? reason
          : new NorthstationError('aborted', 'the request was aborted', {}, { cause: error });
      this.#logger.info('llama_generation_aborted', { request });
      return failure;
    }
    const failure = toNorthstationError(error);
    this.#logger.error('llama_generation_failed', { request, code: failure.code });
    return failure;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
