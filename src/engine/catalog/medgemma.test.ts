import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { catalogModelIds, findCatalogModel } from './medgemma.ts';
import { gemma3LocalLayers } from './kv-cache.ts';
import { textWeightBytes } from './quantisation.ts';

test('every catalog id resolves to its own entry', () => {
  assert.deepEqual(catalogModelIds, ['medgemma-4b-it', 'medgemma-4b-pt', 'medgemma-1.5-4b-it', 'medgemma-27b-text-it', 'medgemma-27b-it']);
  for (const id of catalogModelIds) assert.equal(findCatalogModel(id).id, id);
});

test('an unknown id is not_found and names the valid ids', () => {
  assert.throws(
    () => findCatalogModel('medgemma-9b'),
    (error: unknown) => isNorthstationError(error, 'not_found') && error.message.includes('medgemma-4b-it, medgemma-4b-pt'),
  );
});

// [id, layers, local layers, global layers, image input, benchmarks published]
const shapes: ReadonlyArray<readonly [string, number, number, number, boolean, number]> = [
  ['medgemma-4b-it', 34, 29, 5, true, 5],
  ['medgemma-4b-pt', 34, 29, 5, true, 0],
  ['medgemma-1.5-4b-it', 34, 29, 5, true, 5],
  ['medgemma-27b-text-it', 62, 52, 10, false, 4],
  ['medgemma-27b-it', 62, 52, 10, true, 0],
];

for (const [id, layers, local, global, image, benchmarks] of shapes) {
  test(`${id}: ${layers} layers = ${local} local + ${global} global, image ${image}`, () => {
    const model = findCatalogModel(id);
    const arch = model.architecture;
    assert.equal(arch.layers, layers);
    // 5 local : 1 global (REFERENCE §7: Gemma 3; llama-hparams.cpp set_swa_pattern(6)).
    assert.equal(gemma3LocalLayers(arch.layers, arch.slidingWindowPattern), local);
    assert.equal(arch.slidingWindow, 1024);
    assert.equal(model.modalities.includes('image'), image);
    assert.equal(model.vision !== undefined, image);
    assert.equal(model.maxInputTokens, 131072);
    assert.equal(model.maxOutputTokens, 8192);
    assert.equal(model.benchmarks.length, benchmarks);
    assert.equal(model.limitations.length, 4);
  });
}

test('published benchmark results are §7 verbatim', () => {
  const score = (id: string, name: string): number | undefined => findCatalogModel(id).benchmarks.find((b) => b.benchmark === name)?.score;
  assert.equal(score('medgemma-4b-it', 'MedQA'), 64.4);
  assert.equal(score('medgemma-1.5-4b-it', 'MedQA'), 69.1);
  assert.equal(score('medgemma-27b-text-it', 'MedQA'), 87.7);
  assert.equal(score('medgemma-1.5-4b-it', 'MIMIC-CXR macro-F1 (top 5 conditions)'), 89.5);
  assert.equal(score('medgemma-27b-text-it', 'MIMIC-CXR macro-F1 (top 5 conditions)'), undefined);
});

test('SigLIP projector: 896×896 image, 256 tokens, f16 mmproj about 0.85 GB', () => {
  const vision = findCatalogModel('medgemma-4b-it').vision;
  assert.ok(vision);
  assert.equal(vision.imageSize, 896);
  assert.equal(vision.tokensPerImage, 256);
  // SigLIP-So400m: 27 × 15,239,600 block parameters + embeddings + projection (see vision-tower.ts).
  assert.equal(vision.projectorFileBytes, 851_226_048);
});

// §7's sizes are the download: for the multimodal 4B that is text GGUF + f16 mmproj,
// for 27B the text GGUF. Computed sizes must land within 3 % of them.
const published: ReadonlyArray<readonly [string, 'Q4_K_M' | 'Q8_0' | 'BF16', boolean]> = [
  ['medgemma-4b-it', 'Q4_K_M', true],
  ['medgemma-4b-it', 'Q8_0', true],
  ['medgemma-4b-it', 'BF16', true],
  ['medgemma-27b-text-it', 'Q4_K_M', false],
  ['medgemma-27b-text-it', 'Q8_0', false],
  ['medgemma-27b-text-it', 'BF16', false],
];

for (const [id, quant, withProjector] of published) {
  test(`${id} ${quant}: computed size agrees with §7's published size`, () => {
    const model = findCatalogModel(id);
    const computed = textWeightBytes(model.architecture, quant) + (withProjector ? (model.vision?.projectorFileBytes ?? 0) : 0);
    const expected = model.publishedFileBytes[quant];
    assert.ok(Math.abs(computed - expected) / expected < 0.03, `${computed} vs ${expected}`);
  });
}
