import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateFromCatalog } from './sizing.ts';
import { visionFlopsPerImage } from './vision-cost.ts';
import { gemma3VisionTower } from './vision-tower.ts';
import { visionSizing } from './vision-sizing.ts';
import { cpuGflopsPerCore, cpuSecondsPerImage, gpuSecondsPerImage } from './vision-time.ts';

const mib = 1024 ** 2;
const tower = gemma3VisionTower(2560);
const flops = 5_461_907_079_168; // vision-cost.test.ts, by hand

test('CPU: 5.7 min per image on 2 cores is 15.97 GFLOP/s, 7.99 per core', () => {
  // 5,461,907,079,168 / 342 s = 15.970 GFLOP/s; / 2 cores = 7.985.
  assert.ok(Math.abs(cpuGflopsPerCore() - 7.985) < 0.001, `${cpuGflopsPerCore()}`);
  // Linear in physical cores: 342 s on 2, 171 s on 4, 42.75 s on 16.
  const cases: ReadonlyArray<readonly [number, number]> = [[2, 342], [4, 171], [16, 42.75]];
  for (const [cores, seconds] of cases) assert.ok(Math.abs(cpuSecondsPerImage(tower, cores) - seconds) < 1e-9, `${cores} cores`);
});

test('CPU: another tower shape scales with its own FLOPs at the measured throughput', () => {
  // The 27B multimodal model projects the same SigLIP tower to 5376: only the final projection grows.
  const wider = gemma3VisionTower(5376);
  const expected = 342 * (visionFlopsPerImage(wider).total / flops);
  assert.ok(cpuSecondsPerImage(wider, 2) > 342, 'more FLOPs, more time');
  assert.ok(Math.abs(cpuSecondsPerImage(wider, 2) - expected) < 1e-6, `${cpuSecondsPerImage(wider, 2)} vs ${expected}`);
});

test('GPU: FLOPs over the FP16 peak × 0.3', () => {
  // L4 121 TFLOP/s: 5.4619e12 / (121e12 × 0.3) = 0.1505 s. H100 989: 0.01841 s. RTX 3090 142: 0.1282 s.
  const cases: ReadonlyArray<readonly ['l4' | 'h100-80' | 'rtx-3090', number]> = [['l4', 0.1505], ['h100-80', 0.01841], ['rtx-3090', 0.1282]];
  for (const [gpu, seconds] of cases) {
    const got = gpuSecondsPerImage(tower, gpu);
    assert.ok(Math.abs(got - seconds) / seconds < 0.001, `${gpu}: ${got}`);
  }
});

test('image input adds projector F16 + encode buffer to the text-only total, with or without --vision', () => {
  const plain = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 8192 });
  const withVision = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 8192, withVision: true });
  const a = visionSizing(tower, plain, { physicalCores: 2 });
  const b = visionSizing(tower, withVision, { physicalCores: 2 });
  // 851,226,048 + 103.25 MiB = 851,226,048 + 108,265,472 = 959,491,520.
  assert.equal(a.imageInputBytes, 959_491_520);
  assert.equal(a.totalWithImagesBytes, plain.totalBytes + 959_491_520);
  assert.equal(b.totalWithImagesBytes, a.totalWithImagesBytes);
  assert.deepEqual(a.projectorBytes, { F16: 851_226_048, Q8_0: 591_352_128 });
  assert.equal(a.encodeBufferBytes, 103.25 * mib);
  assert.equal(a.flopsPerImage.total, flops);
  assert.ok(Math.abs(a.cpu.secondsPerImage - 342) < 1e-9);
  assert.equal(a.gpus.length, 11);
});

test('without flash attention the encode buffer holds the full score matrix', () => {
  const plain = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 8192, flashAttention: false });
  assert.equal(visionSizing(tower, plain, { physicalCores: 2, flashAttention: false }).encodeBufferBytes, 1096 * mib);
});
