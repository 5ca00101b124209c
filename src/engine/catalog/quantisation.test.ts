import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { bytesOf, parseQuantName, textWeightBytes, useMoreBits } from './quantisation.ts';
import type { Gemma3TextArchitecture } from './medgemma.ts';

test('block sizes: bytes of one block of each type (ggml-common.h)', () => {
  assert.equal(bytesOf('F32', 1), 4);
  assert.equal(bytesOf('F16', 1), 2);
  assert.equal(bytesOf('Q8_0', 32), 34);
  assert.equal(bytesOf('Q4_0', 32), 18);
  assert.equal(bytesOf('Q4_K', 256), 144);
  assert.equal(bytesOf('Q5_K', 256), 176);
  assert.equal(bytesOf('Q6_K', 256), 210);
});

test('use_more_bits picks 17 of 34 layers: first 4, last 5, every third between', () => {
  const picked = Array.from({ length: 34 }, (_, layer) => layer).filter((layer) => useMoreBits(layer, 34));
  assert.deepEqual(picked, [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 29, 30, 31, 32, 33]);
});

test('quant names parse case-insensitively; unknown ones list the known', () => {
  assert.equal(parseQuantName('q4_k_m'), 'Q4_K_M');
  assert.throws(
    () => parseQuantName('q3_xl'),
    (error: unknown) => isNorthstationError(error, 'bad_request') && error.message.includes('Q4_K_M'),
  );
});

// One layer, widths that are whole K-quant blocks, hand-summed.
const toy: Gemma3TextArchitecture = {
  layers: 1, hiddenSize: 256, heads: 2, kvHeads: 1, headDim: 128, ffnSize: 512, vocabSize: 1000,
  slidingWindow: 0, slidingWindowPattern: 6,
};

test('Q8_0 of a one-layer toy model, summed by hand', () => {
  // Q8_0 = 34 bytes per 32 weights. Embedding 256×1000 = 256,000 → 272,000.
  // q, o: 256×256 each; k, v: 256×128 each; gate, up, down: 256×512 each → 589,824 weights → 626,688.
  // F32: output norm 256, layer norms 4×256 + 2×128 = 1,280 → 1,536 × 4 = 6,144.
  assert.equal(textWeightBytes(toy, 'Q8_0'), 272_000 + 626_688 + 6_144);
});

test('Q4_K_M of the toy: embedding Q6_K, layer 0 attn_v and ffn_down Q6_K, rest Q4_K', () => {
  // Q6_K 210 B / 256; Q4_K 144 B / 256.
  const q6 = (n: number): number => (n / 256) * 210;
  const q4 = (n: number): number => (n / 256) * 144;
  const expected = q6(256_000) + q4(2 * 65_536 + 32_768 + 2 * 131_072) + q6(32_768 + 131_072) + 6_144;
  assert.equal(textWeightBytes(toy, 'Q4_K_M'), expected);
});
