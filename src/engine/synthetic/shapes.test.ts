import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planSyntheticModel } from './model-writer.ts';
import { syntheticLoraFileSize } from './lora-writer.ts';
import { modelShapes, planTensors, quantNames, shapeNames, tensorDataBytes, type PlannedTensor } from './shapes.ts';
import { fullVocab, tinyVocab, tokenTypes } from './vocab.ts';

function parameters(tensors: readonly PlannedTensor[]): number {
  return tensors.reduce((sum, tensor) => sum + tensor.shape.reduce((product, dim) => product * dim, 1), 0);
}

describe('synthetic shapes', () => {
  test('medgemma-4b: 444 tensors, ~3.88B parameters like Gemma 3 4B', () => {
    const tensors = planTensors(modelShapes['medgemma-4b'], 'q4_0', 262208);
    assert.equal(tensors.length, 2 + 34 * 13);
    const params = parameters(tensors);
    assert.ok(params > 3.85e9 && params < 3.9e9, `params ${params}`);
    const q = tensors.find((t) => t.name === 'blk.0.attn_q.weight');
    assert.deepEqual(q?.shape, [2560, 8 * 256]);
    assert.deepEqual(tensors.find((t) => t.name === 'blk.33.attn_k.weight')?.shape, [2560, 4 * 256]);
    assert.deepEqual(tensors.find((t) => t.name === 'blk.0.ffn_down.weight')?.shape, [10240, 2560]);
    assert.deepEqual(tensors.find((t) => t.name === 'blk.0.attn_q_norm.weight')?.shape, [256]);
  });

  test('medgemma-27b: ~27B parameters', () => {
    const tensors = planTensors(modelShapes['medgemma-27b'], 'q4_0', 262208);
    assert.equal(tensors.length, 2 + 62 * 13);
    const params = parameters(tensors);
    assert.ok(params > 26.5e9 && params < 27.5e9, `params ${params}`);
  });

  test('byte totals follow the block sizes of each quantisation', () => {
    for (const shapeName of ['medgemma-4b', 'medgemma-27b'] as const) {
      const shape = modelShapes[shapeName];
      const plans = Object.fromEntries(quantNames.map((quant) => [quant, planTensors(shape, quant, 262208)]));
      const normBytes = tensorDataBytes(plans.f16!.filter((t) => t.role === 'norm'));
      const params = parameters(plans.f16!.filter((t) => t.role !== 'norm'));
      assert.equal(tensorDataBytes(plans.f16!), normBytes + params * 2);
      assert.equal(tensorDataBytes(plans.q8_0!), normBytes + (params / 32) * 34);
      assert.equal(tensorDataBytes(plans.q4_0!), normBytes + (params / 32) * 18);
      assert.ok(plans.q4_0!.filter((t) => t.role === 'norm').every((t) => t.ggmlType === 0), 'norms stay F32');
    }
  });

  test('medgemma-4b q4_0 file size is about 2.2 GB (header included)', () => {
    const plan = planSyntheticModel({ shape: 'medgemma-4b', quant: 'q4_0' });
    assert.ok(plan.layout.fileSize > 2.1e9 && plan.layout.fileSize < 2.3e9, `size ${plan.layout.fileSize}`);
    assert.equal(plan.metadata['gemma3.block_count']?.type, 'uint32');
    assert.deepEqual(plan.metadata['gemma3.attention.sliding_window'], { type: 'uint32', value: 1024 });
    assert.deepEqual(plan.metadata['gemma3.rope.freq_base'], { type: 'float32', value: 1e6 });
  });

  test('every shape and quantisation plans without error', () => {
    for (const shape of shapeNames) for (const quant of quantNames) assert.ok(planSyntheticModel({ shape, quant }).tensors.length > 0);
  });

  test('LoRA size for the 4B shape is small', () => {
    const size = syntheticLoraFileSize({ shape: 'medgemma-4b', rank: 8 });
    assert.ok(size > 1e6 && size < 100e6, `size ${size}`);
  });
});

describe('synthetic vocabularies', () => {
  test('tiny vocab: specials, 256 byte tokens, unique pieces', () => {
    const vocab = tinyVocab();
    assert.deepEqual(vocab.tokens.slice(0, 4), ['<pad>', '<eos>', '<bos>', '<unk>']);
    assert.equal(vocab.tokens[vocab.ids.startOfTurn], '<start_of_turn>');
    assert.equal(vocab.tokens[vocab.ids.endOfTurn], '<end_of_turn>');
    assert.equal(vocab.tokens.filter((_, id) => vocab.types[id] === tokenTypes.byte).length, 256);
    assert.ok(vocab.tokens.includes('<0x00>') && vocab.tokens.includes('<0xFF>'));
    assert.ok(vocab.tokens.includes('\u2581patient') && vocab.tokens.includes('{'));
    assert.equal(new Set(vocab.tokens).size, vocab.tokens.length);
    assert.ok(vocab.tokens.length > 500 && vocab.tokens.length < 5000, `size ${vocab.tokens.length}`);
  });

  test('full vocab: 262208 unique tokens with Gemma control ids', () => {
    const vocab = fullVocab();
    assert.equal(vocab.tokens.length, 262208);
    assert.equal(new Set(vocab.tokens).size, 262208);
    assert.equal(vocab.ids.startOfTurn, 105);
    assert.equal(vocab.ids.endOfTurn, 106);
    assert.equal(vocab.scores.length, 262208);
    assert.equal(vocab.types.length, 262208);
  });
});
