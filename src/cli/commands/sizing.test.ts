import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from './sizing.ts';

async function sizing(args: string[], physicalCores = 4): Promise<string> {
  let written = '';
  const code = await run(args, { write: (text) => (written += text), physicalCores: () => Promise.resolve(physicalCores) });
  assert.equal(code, 0);
  return written;
}

const multimodal = ['medgemma-4b-it', 'medgemma-4b-pt', 'medgemma-1.5-4b-it', 'medgemma-27b-it'];

for (const model of multimodal) {
  test(`${model}: text output lists the projector, the encode buffer and time per image`, async () => {
    const text = await sizing(['--model', model, '--quant', 'Q4_K_M', '--context', '4096', '--gpu', 'l40s']);
    assert.match(text, /projector F16 {5}0\.(79|80) GiB {2}\(Q8_0: 0\.5[56] GiB/);
    assert.match(text, /encode buffer {5}103\.3 MiB/);
    assert.match(text, /total with images .*fits l40s/);
    // 4 cores: 342 s × 2 / 4 = 171 s = 2.9 min; L40S 362 TFLOP/s × 0.3: ≈ 50 ms (27B projects to 5376, a little more).
    assert.match(text, /CPU, 4 physical cores: 2\.9 min/);
    assert.match(text, /l40s: 5\d ms/);
  });
}

test('JSON form carries the vision block and the fit with images', async () => {
  const out = JSON.parse(await sizing(['--model', 'medgemma-4b-it', '--quant', 'Q8_0', '--context', '4096', '--json'], 2)) as {
    estimate: { totalBytes: number; visionBytes: number };
    vision: { projectorBytes: { F16: number; Q8_0: number }; totalWithImagesBytes: number; flopsPerImage: { total: number }; cpu: { secondsPerImage: number }; fitWithImages: { requiredBytes: number } };
  };
  assert.deepEqual(out.vision.projectorBytes, { F16: 851_226_048, Q8_0: 591_352_128 });
  assert.equal(out.vision.flopsPerImage.total, 5_461_907_079_168);
  assert.ok(Math.abs(out.vision.cpu.secondsPerImage - 342) < 1e-9);
  // Without --vision the estimate leaves the projector out; the total with images adds 851,226,048 + 108,265,472.
  assert.equal(out.estimate.visionBytes, 0);
  assert.equal(out.vision.totalWithImagesBytes, out.estimate.totalBytes + 959_491_520);
  assert.equal(out.vision.fitWithImages.requiredBytes, out.vision.totalWithImagesBytes);
});

test('27B text: no image input block, in text or JSON', async () => {
  const args = ['--model', 'medgemma-27b-text-it', '--quant', 'Q4_K_M', '--context', '4096'];
  const text = await sizing(args);
  assert.match(text, /vision projector {2}0\.00 GiB/); // the existing line stays
  assert.doesNotMatch(text, /image input|projector F16|time per image/);
  assert.equal((JSON.parse(await sizing([...args, '--json'])) as { vision?: unknown }).vision, undefined);
});
