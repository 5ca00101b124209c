/**
 * Refuse a model that does not fit before llama.cpp tries to allocate it: an
 * allocation that fails inside llama.cpp can take the whole process down (or
 * push the machine into swap), and a clear "needs X GiB, Y GiB available" is
 * what hospital IT can act on.
 */
import { NorthstationError } from '../../core/errors.ts';
import { estimateFromGguf, type MemoryEstimate } from '../catalog/sizing.ts';
import type { GgufFile } from '../gguf/reader.ts';

/** Memory a model may take now. */
export interface AvailableMemory {
  /** System RAM this process can still allocate (free plus reclaimable cache, within cgroup limits). */
  ramBytes: number;
  /** Free memory on the GPU(s) llama.cpp will use; 0 without a GPU. */
  vramBytes: number;
}

/** Where the available memory comes from; injectable so tests can make a model "too large" deterministically. */
export type AvailableMemorySource = () => Promise<AvailableMemory>;

export interface LoadMemoryRequest {
  file: GgufFile;
  /** Tokens per sequence. */
  contextSize: number;
  sequences: number;
  /** llama.cpp micro-batch (n_ubatch); sizes the compute buffer. */
  batchSize: number;
  swaFullCache: boolean;
}

/**
 * Weights + KV cache for `contextSize` × `sequences` + compute buffers. The
 * single place that sizes a load, so that the estimator can be swapped.
 */
export function estimateLoadMemory(request: LoadMemoryRequest): MemoryEstimate {
  return estimateFromGguf(request.file, {
    contextSize: request.contextSize,
    sequences: request.sequences,
    // node-llama-cpp asks llama.cpp for one more token than the batch size per micro-batch.
    microBatch: request.batchSize + 1,
    swaFullCache: request.swaFullCache,
  });
}

/** RAM via Node (cgroup-aware `process.availableMemory()`), VRAM via `readFreeVram` when a GPU is used. */
export function systemAvailableMemory(readFreeVram?: () => Promise<number>): AvailableMemorySource {
  return async () => ({
    ramBytes: process.availableMemory(),
    vramBytes: readFreeVram ? await readFreeVram() : 0,
  });
}

const gib = 1024 ** 3;

/** Formats bytes as GiB with enough digits that small models do not all read "0.00". */
export function formatGiB(bytes: number): string {
  const value = bytes / gib;
  return `${value >= 0.01 ? value.toFixed(2) : value.toPrecision(2)} GiB`;
}

/**
 * Throws `model_too_large` when `estimate` exceeds what is available. With a
 * GPU, llama.cpp splits layers (and their KV cache) between VRAM and RAM, so
 * the two pools count together.
 */
export function assertFitsInMemory(estimate: MemoryEstimate, available: AvailableMemory, what: string): void {
  const availableBytes = available.ramBytes + available.vramBytes;
  if (estimate.totalBytes <= availableBytes) return;
  const parts = [
    `weights ${formatGiB(estimate.weightsBytes)}`,
    `KV cache ${formatGiB(estimate.kvCacheBytes)} for ${estimate.basis.sequences} × ${estimate.basis.contextSize} tokens`,
    `buffers ${formatGiB(estimate.overheadBytes)}`,
  ];
  const pools = available.vramBytes > 0 ? ` (RAM ${formatGiB(available.ramBytes)} + VRAM ${formatGiB(available.vramBytes)})` : '';
  throw new NorthstationError(
    'model_too_large',
    `${what} needs ${formatGiB(estimate.totalBytes)} (${parts.join(', ')}) but ${formatGiB(availableBytes)} is available${pools}; ` +
      'use a smaller quantisation, a smaller context size or fewer sequences',
    {
      neededBytes: estimate.totalBytes,
      availableBytes,
      weightsBytes: estimate.weightsBytes,
      kvCacheBytes: estimate.kvCacheBytes,
      overheadBytes: estimate.overheadBytes,
      ramBytes: available.ramBytes,
      vramBytes: available.vramBytes,
    },
  );
}
