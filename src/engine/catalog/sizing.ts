/**
 * How much memory a model needs: weights + KV cache (+ vision projector) +
 * llama.cpp's compute and output buffers. Two entry points: a catalog entry at
 * a quantisation (planning before download) and a GGUF file (exact weights).
 * Verified against llama.cpp's own allocation in sizing.int.test.ts.
 *
 * Weights are counted once. On a CPU, llama.cpp re-lays Q4_0/Q4_K/IQ4_NL/Q8_0
 * weights into a CPU_REPACK buffer and still maps the file, so the process
 * shows about twice the weights resident; the mapped half is clean page cache
 * the kernel reclaims under pressure, so it is not counted as needed memory.
 * On a GPU with every layer offloaded, the tied token embedding stays in host
 * memory and a copy serves as the output layer on the GPU: VRAM needs about
 * the weights once, host RAM another embedding's worth (mapped).
 */
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { describeQuantisation, weightBytes, type GgufFile } from '../gguf/reader.ts';
import { findCatalogModel } from './medgemma.ts';
import {
  computeBufferBytes,
  defaultContextOptions,
  gemma3LocalLayers,
  kvCacheBytes,
  kvCacheLayout,
  outputBufferBytes,
  type AttentionShape,
  type ContextOptions,
  type KvCacheType,
} from './kv-cache.ts';
import { parseQuantName, textWeightBytes } from './quantisation.ts';

export interface MemoryEstimate {
  weightsBytes: number;
  kvCacheBytes: number;
  /** Vision projector (mmproj) weights; 0 without image input. */
  visionBytes: number;
  /** llama.cpp compute buffer + logits output buffer. */
  overheadBytes: number;
  totalBytes: number;
  basis: EstimateBasis;
}

/** What the estimate assumed, so that a reader can reproduce it. */
export interface EstimateBasis {
  source: 'catalog' | 'gguf';
  /** Catalog id or file path. */
  model: string;
  quant: string;
  /** Cells each sequence holds in global layers (the context, padded to 256). */
  contextSize: number;
  /** Cells each sequence holds in local (sliding-window) layers. */
  localContextSize: number;
  sequences: number;
  kvCacheType: KvCacheType;
  globalLayers: number;
  localLayers: number;
  computeBufferBytes: number;
  outputBufferBytes: number;
}

export interface CatalogEstimateOptions extends ContextOptions {
  /** Catalog id, e.g. `medgemma-4b-it`. */
  modelId: string;
  /** llama.cpp quantisation name, e.g. `Q4_K_M` (case-insensitive). */
  quant: string;
  /** Count the vision projector (image input). Default: false. */
  withVision?: boolean;
}

export function estimateFromCatalog(options: CatalogEstimateOptions): MemoryEstimate {
  const model = findCatalogModel(options.modelId);
  const quant = parseQuantName(options.quant);
  checkContext(options, model.maxInputTokens);
  if (options.withVision && !model.vision) {
    throw badRequest(`${model.id} takes no image input; drop --vision`, { model: model.id });
  }
  const arch = model.architecture;
  const shape: AttentionShape = {
    layers: arch.layers,
    hiddenSize: arch.hiddenSize,
    heads: arch.heads,
    kvHeads: arch.kvHeads,
    headDimK: arch.headDim,
    headDimV: arch.headDim,
    ffnSize: arch.ffnSize,
    vocabSize: arch.vocabSize,
    slidingWindow: arch.slidingWindow,
    localLayers: gemma3LocalLayers(arch.layers, arch.slidingWindowPattern),
  };
  const visionBytes = options.withVision ? (model.vision?.projectorFileBytes ?? 0) : 0;
  return assemble(shape, options, { source: 'catalog', model: model.id, quant }, textWeightBytes(arch, quant), visionBytes);
}

export interface GgufEstimateOptions extends ContextOptions {
  /** The vision projector (mmproj) file, when images will be sent. Default: none. */
  projector?: GgufFile;
}

/** Estimate from a file read with readGguf: weights are the exact tensor bytes. */
export function estimateFromGguf(file: GgufFile, options: GgufEstimateOptions): MemoryEstimate {
  if (file.architecture === 'clip') {
    throw badRequest(`${file.path} is a vision projector (mmproj), not a language model; size the model file and pass this as its projector`);
  }
  const shape = attentionShapeOf(file);
  checkContext(options, Number.MAX_SAFE_INTEGER);
  const vision = options.projector ? weightBytes(options.projector) : 0;
  const basis = { source: 'gguf', model: file.path, quant: describeQuantisation(file) } as const;
  return assemble(shape, options, basis, weightBytes(file), vision);
}

function assemble(
  shape: AttentionShape,
  options: ContextOptions,
  basis: Pick<EstimateBasis, 'source' | 'model' | 'quant'>,
  weightsBytes: number,
  visionBytes: number,
): MemoryEstimate {
  const resolved = { ...defaultContextOptions, ...options };
  const layout = kvCacheLayout(shape, resolved);
  const kv = kvCacheBytes(shape, resolved);
  const compute = computeBufferBytes(shape, resolved);
  const output = outputBufferBytes(shape, resolved);
  const overheadBytes = compute + output;
  return {
    weightsBytes,
    kvCacheBytes: kv,
    visionBytes,
    overheadBytes,
    totalBytes: weightsBytes + kv + visionBytes + overheadBytes,
    basis: {
      ...basis,
      contextSize: layout.globalCells,
      localContextSize: layout.localCells,
      sequences: resolved.sequences,
      kvCacheType: resolved.kvCacheType,
      globalLayers: shape.layers - shape.localLayers,
      localLayers: shape.localLayers,
      computeBufferBytes: compute,
      outputBufferBytes: output,
    },
  };
}

function checkContext(options: ContextOptions, maxTokens: number): void {
  const { contextSize, sequences = 1 } = options;
  if (!Number.isInteger(contextSize) || contextSize < 1) throw badRequest(`context size must be a positive integer, got ${contextSize}`);
  if (!Number.isInteger(sequences) || sequences < 1) throw badRequest(`sequences must be a positive integer, got ${sequences}`);
  if (contextSize > maxTokens) {
    throw badRequest(`context size ${contextSize} exceeds the model's ${maxTokens}-token input limit`, { contextSize, maxTokens });
  }
}

/** The shape numbers from GGUF metadata, named as llama.cpp's loader reads them (LLM_KV_*). */
export function attentionShapeOf(file: GgufFile): AttentionShape {
  const arch = file.architecture;
  const metadata: Readonly<Record<string, unknown>> = file.metadata;
  const required = (key: string): number => {
    const value = numberValue(metadata[`${arch}.${key}`]);
    if (value === undefined) {
      throw new NorthstationError('model_invalid', `${file.path}: metadata ${arch}.${key} is missing; cannot size the KV cache`, {
        path: file.path,
        key: `${arch}.${key}`,
      });
    }
    return value;
  };
  const optional = (key: string): number | undefined => numberValue(metadata[`${arch}.${key}`]);
  const layers = required('block_count');
  const hiddenSize = required('embedding_length');
  const heads = required('attention.head_count');
  const headDim = Math.floor(hiddenSize / heads); // llama.cpp default when key_length is absent
  const slidingWindow = optional('attention.sliding_window') ?? 0;
  // gemma3.cpp: a sliding window turns on the 5:1 pattern unless the file says otherwise.
  const pattern = optional('attention.sliding_window_pattern') ?? 6;
  const embedding = file.tensors.find((tensor) => tensor.name === 'token_embd.weight');
  const tokens = metadata['tokenizer.ggml.tokens'];
  return {
    layers,
    hiddenSize,
    heads,
    kvHeads: optional('attention.head_count_kv') ?? heads,
    headDimK: optional('attention.key_length') ?? headDim,
    headDimV: optional('attention.value_length') ?? headDim,
    ffnSize: required('feed_forward_length'),
    vocabSize: embedding?.shape[1] ?? (Array.isArray(tokens) ? tokens.length : 0),
    slidingWindow,
    localLayers: slidingWindow > 0 && arch === 'gemma3' ? gemma3LocalLayers(layers, pattern) : 0,
  };
}

function numberValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
