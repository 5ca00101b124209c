/**
 * Options of the embedded llama.cpp backend, their defaults, and the checks
 * that refuse a bad configuration before anything is loaded.
 */
import { basename } from 'node:path';
import { NorthstationError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import type { GpuMode } from './llama-runtime.ts';
import type { AvailableMemorySource } from './memory-check.ts';

export interface LoraAdapterOptions {
  /** Path of the adapter's GGUF file. Required. */
  path: string;
  /** How strongly the adapter applies; 0 leaves the base model unchanged. Default: 1. */
  scale?: number;
}

export interface LlamaChatModelOptions {
  /** Path of the GGUF model file. Required. */
  modelPath: string;
  /** Name clients use for this model. Default: the file name without `.gguf`. */
  id?: string;
  /** Tokens each sequence holds (prompt + output). Default: 4096, or the model's training context when smaller. */
  contextSize?: number;
  /**
   * Requests decoded in parallel from one context; each sequence has its own
   * `contextSize` of KV cache. Parallel decoding raises throughput on CPU and
   * GPU alike, because decoding is bound by reading the weights once per step.
   * Default: 4.
   */
  sequences?: number;
  /** Requests that may wait for a free sequence; one more is refused with `overloaded`. Default: 64. */
  maxQueueLength?: number;
  /** CPU threads for evaluation. Default: the physical cores this process may use. */
  threads?: number;
  /** `auto` uses a GPU (CUDA, Vulkan, Metal) when one is present; `false` keeps everything on the CPU. Default: `auto`. */
  gpu?: GpuMode;
  /** LoRA adapters applied to every request, loaded with the context. Default: none. */
  lora?: readonly LoraAdapterOptions[];
  /** Prompt tokens evaluated per llama.cpp batch; also the granularity at which an abort interrupts a long prompt. Default: 512. */
  batchSize?: number;
  /**
   * Keep the whole KV cache for Gemma 3's sliding-window layers, so that any
   * shared prompt prefix can be reused exactly. Without it, a prefix is reused
   * only while the window before its end is still cached; with it, those layers
   * take a full-size cache (about 5 of every 6 layers). Default: false.
   */
  swaFullCache?: boolean;
  /** Memory counted as available in the pre-load check. Default: RAM this process can allocate, plus free VRAM on a GPU. */
  availableMemory?: AvailableMemorySource;
  /** Where events go (ids, counts, timings; never prompt or output text). Default: silent. */
  logger?: Logger;
}

export const defaultLlamaChatModelOptions = {
  contextSize: 4096,
  sequences: 4,
  maxQueueLength: 64,
  gpu: 'auto',
  lora: [],
  batchSize: 512,
  swaFullCache: false,
  logger: silentLogger,
} as const satisfies Partial<LlamaChatModelOptions>;

/** Options with defaults applied, except those that need the model file or the machine (context size, threads, memory). */
export interface ResolvedLlamaOptions {
  modelPath: string;
  id: string;
  contextSize: number | undefined;
  sequences: number;
  maxQueueLength: number;
  threads: number | undefined;
  gpu: GpuMode;
  lora: readonly Required<LoraAdapterOptions>[];
  batchSize: number;
  swaFullCache: boolean;
  availableMemory: AvailableMemorySource | undefined;
  logger: Logger;
}

export function resolveLlamaOptions(options: LlamaChatModelOptions): ResolvedLlamaOptions {
  const defaults = defaultLlamaChatModelOptions;
  if (typeof options.modelPath !== 'string' || options.modelPath === '') throw configInvalid('modelPath is required');
  const resolved: ResolvedLlamaOptions = {
    modelPath: options.modelPath,
    id: options.id ?? basename(options.modelPath).replace(/\.gguf$/i, ''),
    contextSize: options.contextSize,
    sequences: options.sequences ?? defaults.sequences,
    maxQueueLength: options.maxQueueLength ?? defaults.maxQueueLength,
    threads: options.threads,
    gpu: options.gpu ?? defaults.gpu,
    lora: (options.lora ?? defaults.lora).map((adapter) => ({ path: adapter.path, scale: adapter.scale ?? 1 })),
    batchSize: options.batchSize ?? defaults.batchSize,
    swaFullCache: options.swaFullCache ?? defaults.swaFullCache,
    availableMemory: options.availableMemory,
    logger: options.logger ?? defaults.logger,
  };
  if (resolved.id === '') throw configInvalid('id must not be empty');
  if (resolved.contextSize !== undefined) requirePositiveInteger('contextSize', resolved.contextSize, 2);
  requirePositiveInteger('sequences', resolved.sequences);
  requirePositiveInteger('batchSize', resolved.batchSize);
  if (resolved.threads !== undefined) requirePositiveInteger('threads', resolved.threads);
  if (resolved.maxQueueLength !== Number.POSITIVE_INFINITY) requirePositiveInteger('maxQueueLength', resolved.maxQueueLength, 0);
  for (const adapter of resolved.lora) {
    if (typeof adapter.path !== 'string' || adapter.path === '') throw configInvalid('every lora adapter needs a path');
    if (!Number.isFinite(adapter.scale)) throw configInvalid(`lora scale must be a finite number, got ${adapter.scale}`);
  }
  return resolved;
}

function requirePositiveInteger(name: string, value: number, minimum = 1): void {
  if (!Number.isInteger(value) || value < minimum) throw configInvalid(`${name} must be an integer ≥ ${minimum}, got ${value}`);
}

function configInvalid(message: string): NorthstationError {
  return new NorthstationError('config_invalid', `llama backend: ${message}`);
}
