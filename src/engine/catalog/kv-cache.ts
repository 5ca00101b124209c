/**
 * KV cache and compute buffer sizes as llama.cpp allocates them for a Gemma 3
 * context, through node-llama-cpp. Each rule names the llama.cpp source it
 * mirrors (the tree node-llama-cpp builds from, cloned at /tmp/llama.cpp when
 * this was written), so that a llama.cpp upgrade can be checked line by line.
 */
import { bytesOf } from './quantisation.ts';

/** The shape numbers memory depends on; from the catalog or from GGUF metadata. */
export interface AttentionShape {
  layers: number;
  hiddenSize: number;
  heads: number;
  kvHeads: number;
  headDimK: number;
  headDimV: number;
  ffnSize: number;
  vocabSize: number;
  /** Tokens a local layer sees; 0 when the model has no sliding-window layers. */
  slidingWindow: number;
  /** Layers with a sliding window (llama.cpp `hparams.is_swa`). */
  localLayers: number;
}

export type KvCacheType = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0';

export interface ContextOptions {
  /** Tokens each sequence can hold. */
  contextSize: number;
  /** Sequences decoded in parallel, each with its own `contextSize` of cells. Default: 1. */
  sequences?: number;
  /** Element type of the K and V caches. Default: `F16` (llama.cpp's default). */
  kvCacheType?: KvCacheType;
  /**
   * Tokens per micro-batch (llama.cpp n_ubatch). Default: 513, what node-llama-cpp
   * passes for a sliding-window model (its 512 batch plus 1 "for SWA edge cases").
   * llama-server's default is 512.
   */
  microBatch?: number;
  /** Flash attention; llama.cpp's `auto` turns it on on CPU and CUDA. Default: true. */
  flashAttention?: boolean;
  /** Give local layers a full-size cache (llama.cpp swa_full). Default: false. */
  swaFullCache?: boolean;
}

export const defaultContextOptions = {
  sequences: 1,
  kvCacheType: 'F16',
  microBatch: 513,
  flashAttention: true,
  swaFullCache: false,
} as const satisfies Omit<Required<ContextOptions>, 'contextSize'>;

/** Gemma 3 local-layer count: llama-hparams.cpp set_swa_pattern(n) makes layer il local when il % n < n - 1. */
export function gemma3LocalLayers(layers: number, pattern: number): number {
  if (pattern === 0) return layers;
  let local = 0;
  for (let il = 0; il < layers; il++) if (il % pattern < pattern - 1) local++;
  return local;
}

const pad = (value: number, to: number): number => Math.ceil(value / to) * to;

export interface KvCacheLayout {
  /** Cells per sequence in global layers (llama.cpp n_ctx_seq). */
  globalCells: number;
  /** Cells per sequence in local layers. */
  localCells: number;
  /** Separate KV streams (llama.cpp n_stream; one per sequence as node-llama-cpp does not unify). */
  streams: number;
  /** Total context llama.cpp allocates (n_ctx), all sequences together. */
  contextTokens: number;
}

/**
 * Cell counts of the iSWA cache:
 * - node-llama-cpp pads each sequence's context to 256 (padSafeContextSize) and asks for
 *   that times the sequence count, kv_unified false;
 * - llama-context.cpp then gives each sequence n_ctx_seq = GGML_PAD(n_ctx / n_seq, 256): the same;
 * - llama-kv-cache-iswa.cpp sizes local layers GGML_PAD(min(n_ctx_seq, n_swa + n_ubatch), 256)
 *   (n_swa × n_seq_max only when unified) unless swa_full.
 */
export function kvCacheLayout(shape: AttentionShape, options: ContextOptions): KvCacheLayout {
  const { sequences, microBatch, swaFullCache } = { ...defaultContextOptions, ...options };
  const globalCells = pad(Math.max(2, options.contextSize), 256);
  const localCells =
    shape.slidingWindow > 0 && !swaFullCache ? pad(Math.min(globalCells, shape.slidingWindow + microBatch), 256) : globalCells;
  return { globalCells, localCells, streams: sequences, contextTokens: globalCells * sequences };
}

/** Bytes of K and V for one cell of one layer (llama-kv-cache.cpp: ggml_new_tensor_3d(type, n_embd_k_gqa, kv_size, n_stream)). */
export function kvBytesPerCellPerLayer(shape: AttentionShape, type: KvCacheType): number {
  return bytesOf(type, shape.kvHeads * shape.headDimK) + bytesOf(type, shape.kvHeads * shape.headDimV);
}

export function kvCacheBytes(shape: AttentionShape, options: ContextOptions): number {
  const { kvCacheType } = { ...defaultContextOptions, ...options };
  const layout = kvCacheLayout(shape, options);
  const perCell = kvBytesPerCellPerLayer(shape, kvCacheType);
  const globalLayers = shape.layers - shape.localLayers;
  return perCell * layout.streams * (globalLayers * layout.globalCells + shape.localLayers * layout.localCells);
}

/**
 * Peak of llama.cpp's compute buffer for the worst-case (prompt) graph that
 * llama-context.cpp reserves: n_ubatch tokens, all of them outputs. ggml-alloc
 * reuses memory between ops, so the peak is the largest set of tensors alive
 * at once. For Gemma 3 that is the output stage (f32 logits for every token of
 * the micro-batch over a 262k vocabulary) or, without flash attention at long
 * context, a global layer's KQ scores (softmax runs in place on them).
 * Measured against llama.cpp's "compute buffer size" log: within 2 % at
 * 512 to 131072 tokens (sizing.int.test.ts).
 */
export function computeBufferBytes(shape: AttentionShape, options: ContextOptions): number {
  const { microBatch, flashAttention } = { ...defaultContextOptions, ...options };
  const layout = kvCacheLayout(shape, options);
  const tokens = Math.min(layout.contextTokens, microBatch);
  const f32 = 4;
  const hidden = shape.hiddenSize * tokens * f32;
  // Residual stream, normed output and one more activation stay alive beside the logits.
  const outputStage = shape.vocabSize * tokens * f32 + 3 * hidden;
  const maskBytes = flashAttention ? 2 : f32; // llama-graph.cpp: flash attention requires an f16 mask
  const masks = (layout.globalCells + (shape.localLayers > 0 ? layout.localCells : 0)) * tokens * maskBytes;
  const scores = flashAttention ? 0 : shape.heads * layout.globalCells * tokens * f32;
  const queries = shape.heads * Math.max(shape.headDimK, shape.headDimV) * tokens * f32;
  const attentionStage = masks + scores + 3 * queries + 2 * hidden;
  const ffnStage = masks + 3 * shape.ffnSize * tokens * f32 + 2 * hidden;
  return Math.max(outputStage, attentionStage, ffnStage);
}

/** llama-context.cpp output_reserve(n_seq_max): f32 logits for one token per sequence. */
export function outputBufferBytes(shape: AttentionShape, options: ContextOptions): number {
  const { sequences } = { ...defaultContextOptions, ...options };
  return shape.vocabSize * sequences * 4;
}
