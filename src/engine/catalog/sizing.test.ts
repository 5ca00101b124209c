import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { GgufFile } from '../gguf/reader.ts';
import { fitsOn, findHardwareClass } from './hardware.ts';
import { kvCacheBytes, kvCacheLayout, type AttentionShape } from './kv-cache.ts';
import { estimateFromCatalog, estimateFromGguf, type MemoryEstimate } from './sizing.ts';

const mib = 1024 ** 2;
const gib = 1024 ** 3;

// A small Gemma-3-like config: 6 layers (5 local, 1 global), 2 KV heads of 32, window 512.
const small: AttentionShape = {
  layers: 6, hiddenSize: 128, heads: 4, kvHeads: 2, headDimK: 32, headDimV: 32, ffnSize: 256, vocabSize: 1000,
  slidingWindow: 512, localLayers: 5,
};

test('small config, context 4096: KV bytes by hand', () => {
  // Per cell per layer: K + V = 2 × (2 heads × 32 × 2 bytes f16) = 256 bytes.
  // Global: 4096 cells. Local: pad256(min(4096, 512 + 513)) = 1280 cells.
  // 256 × (1 × 4096 + 5 × 1280) = 256 × 10,496 = 2,686,976.
  assert.deepEqual(kvCacheLayout(small, { contextSize: 4096 }), { globalCells: 4096, localCells: 1280, streams: 1, contextTokens: 4096 });
  assert.equal(kvCacheBytes(small, { contextSize: 4096 }), 2_686_976);
});

test('small config: context below the window is padded to 256 and shared by all layers', () => {
  // 300 → 512 cells everywhere: 256 × 6 × 512 = 786,432.
  assert.equal(kvCacheBytes(small, { contextSize: 300 }), 786_432);
});

test('small config: swa_full gives local layers the whole context', () => {
  // 256 × 6 × 4096 = 6,291,456.
  assert.equal(kvCacheBytes(small, { contextSize: 4096, swaFullCache: true }), 6_291_456);
});

test('small config: two sequences each get their own cells (non-unified streams)', () => {
  assert.equal(kvCacheBytes(small, { contextSize: 4096, sequences: 2 }), 2 * 2_686_976);
});

test('small config: Q8_0 cache stores 64 values as 2 blocks of 34 bytes', () => {
  // Per cell per layer: 2 × 68 = 136 bytes; 136 × 10,496 = 1,427,456.
  assert.equal(kvCacheBytes(small, { contextSize: 4096, kvCacheType: 'Q8_0' }), 1_427_456);
});

// MedGemma 4B KV sizes as llama.cpp logged them for a synthetic medgemma-4b file
// (node-llama-cpp 3.21.1, CPU): "llama_kv_cache: size = …" non-SWA + SWA lines.
const measured4b: ReadonlyArray<readonly [number, number, number]> = [
  // [context, sequences, MiB]
  [300, 1, 10 + 58],
  [1000, 1, 20 + 116],
  [4096, 1, 80 + 203],
  [8192, 2, 320 + 406],
  [32768, 1, 640 + 203],
  [131072, 1, 2560 + 203],
];

for (const [contextSize, sequences, expectedMib] of measured4b) {
  test(`medgemma-4b KV at ${contextSize} tokens × ${sequences}: ${expectedMib} MiB, as llama.cpp allocates`, () => {
    const estimate = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_0', contextSize, sequences });
    assert.equal(estimate.kvCacheBytes, expectedMib * mib);
  });
}

test('medgemma-27b KV at 4096 by hand: 10 global × 4096 + 52 local × 1792 cells', () => {
  // Per cell per layer: 2 × 16 heads × 128 × 2 bytes = 8,192; 8,192 × 134,144 = 1,098,907,648.
  const estimate = estimateFromCatalog({ modelId: 'medgemma-27b-text-it', quant: 'Q4_K_M', contextSize: 4096 });
  assert.equal(estimate.kvCacheBytes, 1_098_907_648);
});

test('the total is the sum of its parts, vision only when asked', () => {
  const plain = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 8192 });
  const vision = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 8192, withVision: true });
  assert.equal(plain.visionBytes, 0);
  assert.equal(vision.visionBytes, 851_226_048);
  for (const e of [plain, vision]) assert.equal(e.totalBytes, e.weightsBytes + e.kvCacheBytes + e.visionBytes + e.overheadBytes);
});

test('the compute buffer follows the logits, not the context, with flash attention', () => {
  // llama.cpp logged 528.16 MiB at both 4096 and 32768 (flash attention auto → on).
  for (const contextSize of [4096, 32768]) {
    const { basis } = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_0', contextSize });
    assert.ok(Math.abs(basis.computeBufferBytes / mib - 528.16) < 528.16 * 0.02, `${basis.computeBufferBytes / mib} MiB`);
  }
  // Without flash attention, 32768 tokens: llama.cpp logged 611.71 MiB (KQ scores of a global layer).
  const { basis } = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_0', contextSize: 32768, flashAttention: false });
  assert.ok(Math.abs(basis.computeBufferBytes / mib - 611.71) < 611.71 * 0.02, `${basis.computeBufferBytes / mib} MiB`);
});

test('errors: image input on a text model, context over the limit, unknown quant or model', () => {
  const isBad = (code: 'bad_request' | 'not_found') => (error: unknown) => isNorthstationError(error, code);
  assert.throws(() => estimateFromCatalog({ modelId: 'medgemma-27b-text-it', quant: 'Q8_0', contextSize: 4096, withVision: true }), isBad('bad_request'));
  assert.throws(() => estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q8_0', contextSize: 200_000 }), isBad('bad_request'));
  assert.throws(() => estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q9', contextSize: 4096 }), isBad('bad_request'));
  assert.throws(() => estimateFromCatalog({ modelId: 'gemma-7b', quant: 'Q8_0', contextSize: 4096 }), isBad('not_found'));
});

test('estimateFromGguf reads shape from metadata and weights from tensors', () => {
  const file: GgufFile = {
    path: '/models/toy.gguf', version: 3, fileSize: 10_000_000, alignment: 32, dataOffset: 4096, architecture: 'gemma3',
    metadata: {
      'general.file_type': 7,
      'gemma3.block_count': 6,
      'gemma3.embedding_length': 128,
      'gemma3.feed_forward_length': 256,
      'gemma3.attention.head_count': 4,
      'gemma3.attention.head_count_kv': 2,
      'gemma3.attention.key_length': 32,
      'gemma3.attention.value_length': 32,
      'gemma3.attention.sliding_window': 512,
    },
    tensors: [
      { name: 'token_embd.weight', shape: [128, 1000], ggmlType: 8, typeName: 'Q8_0', offset: 4096, byteSize: 136_000 },
      { name: 'output_norm.weight', shape: [128], ggmlType: 0, typeName: 'F32', offset: 140_096, byteSize: 512 },
    ],
  };
  const estimate = estimateFromGguf(file, { contextSize: 4096 });
  assert.equal(estimate.weightsBytes, 136_512);
  assert.equal(estimate.kvCacheBytes, 2_686_976); // the small config above
  assert.equal(estimate.basis.quant, 'Q8_0');
  assert.equal(estimate.basis.localLayers, 5);
});

const fake = (totalBytes: number): MemoryEstimate => ({
  weightsBytes: totalBytes, kvCacheBytes: 0, visionBytes: 0, overheadBytes: 0, totalBytes,
  basis: {
    source: 'catalog', model: 'x', quant: 'Q4_0', contextSize: 4096, localContextSize: 1792, sequences: 1, kvCacheType: 'F16',
    globalLayers: 1, localLayers: 5, computeBufferBytes: 0, outputBufferBytes: 0,
  },
});

test('fitsOn keeps 10 % headroom and a runtime reserve', () => {
  // 24 GiB card: 24 × 0.9 − 0.5 = 21.1 GiB usable.
  assert.equal(fitsOn(fake(21 * gib), 'rtx-4090').fits, true);
  assert.equal(fitsOn(fake(21.2 * gib), 'rtx-4090').fits, false);
  // 16 GiB laptop RAM: 16 × 0.9 − 2 = 12.4 GiB usable.
  assert.equal(fitsOn(fake(12 * gib), 'laptop-16').fits, true);
  assert.equal(fitsOn(fake(13 * gib), 'laptop-16').fits, false);
  const here = fitsOn(fake(1), 'this-machine');
  assert.equal(here.fits, true);
  assert.equal(typeof here.freeBytes, 'number');
});

test('unknown hardware classes list the known ones', () => {
  assert.equal(findHardwareClass('H200').memoryBytes, 141 * gib);
  assert.throws(() => findHardwareClass('tpu-v5'), (error: unknown) => isNorthstationError(error, 'bad_request') && error.message.includes('h100-80'));
});
