import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCatalogModel } from './medgemma.ts';
import { projectorWeightBytes, visionEncodeBufferBytes, visionFlopsPerImage, type ProjectorShape } from './vision-cost.ts';
import { gemma3VisionTower } from './vision-tower.ts';

const mib = 1024 ** 2;

// MedGemma 4B: SigLIP 27 layers × 1152, FFN 4304, 16 heads, 896 px / 14 → 4096 patches, 256 tokens, into 2560.
const medgemma4b = gemma3VisionTower(2560);
// A shape small enough to count by hand: 28 px / 14 → 4 patches pooled 2×2 to 1 token.
const toy: ProjectorShape = { imageSize: 28, patchSize: 14, tokensPerImage: 1, layers: 2, hiddenSize: 64, ffnSize: 48, heads: 2, projectsTo: 32 };

const weightCases: ReadonlyArray<readonly [string, ProjectorShape, number, number, string]> = [
  // F16, by tensor, MedGemma 4B:
  //   patch_embd 588 × 1152 × 4 + bias 1152 × 4 + position 4096 × 1152 × 4 = 2,709,504 + 4,608 + 18,874,368
  //   per layer: q, k, v, out 4 × (1152² × 2 + 1152 × 4) = 10,635,264; ln1, ln2 4 × 1152 × 4 = 18,432;
  //              ffn_up 1152 × 4304 × 2 + 4304 × 4 = 9,933,632; ffn_down 4304 × 1152 × 2 + 1152 × 4 = 9,921,024
  //              = 30,508,352; × 27 = 823,725,504
  //   post_ln 9,216 + input projection 1152 × 2560 × 2 = 5,898,240 + soft_emb_norm 4,608
  //   = 851,226,048 (the synthetic writer's f16 file: 851 MB).
  // Q8_0: q, k, v, out and ffn_up go to 34 bytes per 32 values; ffn_down (rows of 4304 = 134.5 blocks) stays F16.
  //   per layer saved: 4 × (2,654,208 − 41,472 × 34) + (9,916,416 − 154,944 × 34) = 4,976,640 + 4,648,320 = 9,624,960
  //   851,226,048 − 27 × 9,624,960 = 591,352,128 (the synthetic writer's q8_0 file: 591 MB).
  ['medgemma 4b', medgemma4b, 851_226_048, 591_352_128, 'ffn_down stays F16'],
  // Toy, F16: embeddings (588 × 64 + 64 + 4 × 64) × 4 = 151,808;
  //   per layer 4 × (64² × 2 + 64 × 4) + 4 × 64 × 4 + (64 × 48 × 2 + 48 × 4) + (48 × 64 × 2 + 64 × 4) = 33,792 + 1,024 + 6,336 + 6,400 = 47,552;
  //   head 2 × 64 × 4 + 64 × 32 × 2 + 64 × 4 = 4,864. Total 151,808 + 2 × 47,552 + 4,864 = 251,776.
  // Q8_0: q, k, v, out 64² → 128 blocks × 34 = 4,352 (was 8,192); ffn_up 64 × 48 → 96 blocks × 34 = 3,264 (was 6,144);
  //   ffn_down rows 48 long (1.5 blocks) stay F16. Saved per layer 4 × 3,840 + 2,880 = 18,240; 251,776 − 36,480 = 215,296.
  ['toy', toy, 251_776, 215_296, 'rows of 48 stay F16'],
];

for (const [name, shape, f16Bytes, q8Bytes, note] of weightCases) {
  test(`projector weights, ${name}: F16 ${f16Bytes}, Q8_0 ${q8Bytes} (${note})`, () => {
    assert.equal(projectorWeightBytes(shape, 'F16'), f16Bytes);
    assert.equal(projectorWeightBytes(shape, 'Q8_0'), q8Bytes);
  });
}

test('F16 projector bytes match the catalog file size every multimodal entry carries', () => {
  for (const id of ['medgemma-4b-it', 'medgemma-4b-pt', 'medgemma-1.5-4b-it', 'medgemma-27b-it']) {
    const vision = findCatalogModel(id).vision;
    assert.ok(vision, id);
    assert.equal(projectorWeightBytes(vision, 'F16'), vision.projectorFileBytes, id);
  }
});

test('FLOPs per 896×896 image, MedGemma 4B, by an independent hand count', () => {
  // n = 4096 patches, d = 1152, f = 4304, L = 27, K = 14 × 14 × 3 = 588, t = 256 tokens, w = 2560; a multiply-add is 2.
  //   patch embedding (conv as matmul)  2 n K d            =     5,549,064,192
  //   per layer  Q, K, V                3 × 2 n d²         =    32,614,907,904
  //              scores + weighted sum  2 × 2 n² d         =    77,309,411,328   (16 heads × 72 = d)
  //              output projection      2 n d²             =    10,871,635,968
  //              FFN up + down          2 × 2 n d f        =    81,235,279,872
  //              layer                                     =   202,031,235,072; × 27 = 5,454,843,346,944
  //   pool (one add per input) n d + projection 2 t d w    =     1,514,668,032
  //   total                                                = 5,461,907,079,168  (≈ 5.46 TFLOP)
  const flops = visionFlopsPerImage(medgemma4b);
  assert.equal(flops.patchEmbedding, 5_549_064_192);
  assert.equal(flops.qkv, 27 * 32_614_907_904);
  assert.equal(flops.attention, 27 * 77_309_411_328);
  assert.equal(flops.outputProjection, 27 * 10_871_635_968);
  assert.equal(flops.ffn, 27 * 81_235_279_872);
  assert.equal(flops.poolAndProjection, 1_514_668_032);
  assert.equal(flops.total, 5_461_907_079_168);
});

test('FLOPs, toy shape by hand: attention grows with the square of the patches, FFN with its width', () => {
  // n = 4, d = 64, f = 48, L = 2: patch 2·4·588·64 = 301,056; QKV 2·6·4·4096 = 196,608; scores+sum 2·4·16·64 = 8,192;
  // out 2·2·4·4096 = 65,536; FFN 2·4·4·64·48 = 98,304; pool 4·64 + projection 2·1·64·32 = 4,352. Total 674,048.
  assert.equal(visionFlopsPerImage(toy).total, 674_048);
  const doubled = visionFlopsPerImage({ ...toy, imageSize: 56 }); // 16 patches: attention × 16, the rest × 4
  assert.equal(doubled.attention, 16 * visionFlopsPerImage(toy).attention);
  assert.equal(doubled.ffn, 4 * visionFlopsPerImage(toy).ffn);
});

test('encode buffer: the FFN stage with flash attention, the 16 × 4096² scores without', () => {
  // One activation 4096 × 1152 × 4 = 18 MiB. Flash attention: residual + normed input (36 MiB) + up 4096 × 4304 × 4
  // (67.25 MiB) = 103.25 MiB. Without: residual, Q, K, V (72 MiB) + scores 16 × 4096² × 4 (1024 MiB) = 1096 MiB.
  assert.equal(visionEncodeBufferBytes(medgemma4b), 103.25 * mib);
  assert.equal(visionEncodeBufferBytes(medgemma4b, { flashAttention: false }), 1096 * mib);
});
