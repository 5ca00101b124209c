import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readGguf } from '../gguf/reader.ts';
import { writeSyntheticLora } from './lora-writer.ts';
import { planSyntheticModel, writeSyntheticModel } from './model-writer.ts';
import { quantNames } from './shapes.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-synth-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

describe('writeSyntheticModel (tiny)', () => {
  for (const quant of quantNames) {
    test(`${quant}: file matches its plan and reads back`, async () => {
      const out = join(dir, `tiny-${quant}.gguf`);
      const plan = planSyntheticModel({ shape: 'tiny', quant });
      const { fileSize } = await writeSyntheticModel({ shape: 'tiny', quant, out });
      const file = await readGguf(out);
      assert.equal(fileSize, plan.layout.fileSize);
      assert.equal(file.fileSize, fileSize);
      assert.equal(file.architecture, 'gemma3');
      assert.equal(file.metadata['northstation.synthetic'], true);
      assert.match(String(file.metadata['general.name']), /synthetic/i);
      assert.deepEqual(
        file.tensors.map((t) => [t.name, t.shape, t.ggmlType]),
        plan.tensors.map((t) => [t.name, t.shape, t.ggmlType]),
      );
      assert.equal((file.metadata['tokenizer.ggml.tokens'] as string[]).length, plan.vocab.tokens.length);
    });
  }

  test('same seed gives the same bytes; another seed does not', async () => {
    const a = join(dir, 'seed-a.gguf');
    const b = join(dir, 'seed-b.gguf');
    const c = join(dir, 'seed-c.gguf');
    await writeSyntheticModel({ shape: 'tiny', quant: 'q4_0', out: a, seed: 7 });
    await writeSyntheticModel({ shape: 'tiny', quant: 'q4_0', out: b, seed: 7 });
    await writeSyntheticModel({ shape: 'tiny', quant: 'q4_0', out: c, seed: 8 });
    assert.equal(await sha256(a), await sha256(b));
    assert.notEqual(await sha256(a), await sha256(c));
  });
});

describe('writeSyntheticLora', () => {
  test('writes lora_a/lora_b pairs llama.cpp expects', async () => {
    const out = join(dir, 'lora.gguf');
    await writeSyntheticLora({ shape: 'tiny', rank: 4, out });
    const file = await readGguf(out);
    assert.equal(file.metadata['general.type'], 'adapter');
    assert.equal(file.metadata['adapter.type'], 'lora');
    assert.equal(file.metadata['adapter.lora.alpha'], 4);
    assert.equal(file.architecture, 'gemma3');
    const byName = new Map(file.tensors.map((t) => [t.name, t]));
    // attn_q of the tiny model: [64 in, 128 out] → lora_a [64, rank], lora_b [rank, 128].
    assert.deepEqual(byName.get('blk.0.attn_q.weight.lora_a')?.shape, [64, 4]);
    assert.deepEqual(byName.get('blk.0.attn_q.weight.lora_b')?.shape, [4, 128]);
    assert.deepEqual(byName.get('blk.1.ffn_down.weight.lora_a')?.shape, [128, 4]);
    assert.equal(file.tensors.length, 2 * 7 * 2);
  });

  test('architecture override and bad rank', async () => {
    const out = join(dir, 'lora-llama.gguf');
    await writeSyntheticLora({ shape: 'tiny', architecture: 'llama', out });
    assert.equal((await readGguf(out)).architecture, 'llama');
    await assert.rejects(writeSyntheticLora({ shape: 'tiny', rank: 0, out: join(dir, 'x.gguf') }), /rank/);
  });
});
