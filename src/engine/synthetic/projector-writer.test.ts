import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ggmlType } from '../gguf/constants.ts';
import { float16BitsToFloat32 } from '../gguf/quantise.ts';
import { readGguf, type GgufFile, type GgufTensor } from '../gguf/reader.ts';
import { imageTokens, projectorShapes } from './projector-shapes.ts';
import { planSyntheticProjector, writeSyntheticProjector } from './projector-writer.ts';
import { modelShapes } from './shapes.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-projector-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tensor(file: GgufFile, name: string): GgufTensor {
  const found = file.tensors.find((t) => t.name === name);
  assert.ok(found, `missing tensor ${name}`);
  return found;
}

async function tensorBytes(file: GgufFile, name: string): Promise<Buffer> {
  const info = tensor(file, name);
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(info.byteSize);
    await handle.read(buffer, 0, info.byteSize, info.offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

describe('writeSyntheticProjector (tiny)', () => {
  test('f16: every key clip.cpp requires, with the values of the tiny shape', async () => {
    const out = join(dir, 'tiny-f16.gguf');
    const { fileSize } = await writeSyntheticProjector({ shape: 'tiny', out });
    const file = await readGguf(out);
    assert.equal(file.fileSize, fileSize);
    assert.equal(fileSize, planSyntheticProjector({ shape: 'tiny' }).layout.fileSize);
    assert.equal(file.architecture, 'clip');
    const m = file.metadata;
    assert.equal(m['general.type'], 'mmproj');
    assert.equal(m['general.file_type'], 1);
    assert.equal(m['northstation.synthetic'], true);
    assert.equal(m['clip.has_vision_encoder'], true);
    assert.equal(m['clip.projector_type'], 'gemma3');
    assert.equal(m['clip.vision.projection_dim'], modelShapes.tiny.hidden);
    assert.equal(m['clip.vision.image_size'], 224);
    assert.equal(m['clip.vision.patch_size'], 14);
    assert.equal(m['clip.vision.embedding_length'], 96);
    assert.equal(m['clip.vision.feed_forward_length'], 144);
    assert.equal(m['clip.vision.block_count'], 2);
    assert.equal(m['clip.vision.attention.head_count'], 4);
    assert.deepEqual(m['clip.vision.image_mean'], [0.5, 0.5, 0.5]);
    assert.deepEqual(m['clip.vision.image_std'], [0.5, 0.5, 0.5]);
    assert.ok(Math.abs(Number(m['clip.vision.attention.layer_norm_epsilon']) - 1e-6) < 1e-12);
    assert.equal(m['clip.use_gelu'], true);
    assert.equal(m['clip.vision.use_gelu'], undefined, 'clip.cpp reads clip.use_gelu only');
    // The default pool factor (4) applies; writing the key would change the token count.
    assert.equal(m['clip.vision.projector.scale_factor'], undefined);
    assert.equal(imageTokens(projectorShapes.tiny), 16);
  });

  test('f16: tensor names, shapes and types', async () => {
    const file = await readGguf(join(dir, 'tiny-f16.gguf'));
    assert.equal(file.tensors.length, 3 + 2 * 16 + 2 + 2);
    const expect: Array<[string, number[], number]> = [
      ['v.patch_embd.weight', [14, 14, 3, 96], ggmlType.F32],
      ['v.patch_embd.bias', [96], ggmlType.F32],
      ['v.position_embd.weight', [96, 256], ggmlType.F32],
      ['v.blk.0.attn_q.weight', [96, 96], ggmlType.F16],
      ['v.blk.1.attn_out.bias', [96], ggmlType.F32],
      ['v.blk.1.ffn_up.weight', [96, 144], ggmlType.F16],
      ['v.blk.1.ffn_down.weight', [144, 96], ggmlType.F16],
      ['v.blk.0.ln2.weight', [96], ggmlType.F32],
      ['v.post_ln.bias', [96], ggmlType.F32],
      ['mm.input_projection.weight', [64, 96], ggmlType.F16],
      ['mm.soft_emb_norm.weight', [96], ggmlType.F32],
    ];
    for (const [name, shape, type] of expect) {
      assert.deepEqual(tensor(file, name).shape, shape, name);
      assert.equal(tensor(file, name).ggmlType, type, name);
    }
  });

  test('q8_0: 96-wide rows are Q8_0; 144-wide rows and the projection stay F16', async () => {
    const out = join(dir, 'tiny-q8_0.gguf');
    await writeSyntheticProjector({ shape: 'tiny', type: 'q8_0', out });
    const file = await readGguf(out);
    assert.equal(file.metadata['general.file_type'], 7);
    assert.equal(tensor(file, 'v.blk.0.attn_k.weight').ggmlType, ggmlType.Q8_0);
    assert.equal(tensor(file, 'v.blk.0.ffn_up.weight').ggmlType, ggmlType.Q8_0);
    assert.equal(tensor(file, 'v.blk.0.ffn_down.weight').ggmlType, ggmlType.F16);
    assert.equal(tensor(file, 'mm.input_projection.weight').ggmlType, ggmlType.F16);
    assert.equal(tensor(file, 'v.position_embd.weight').ggmlType, ggmlType.F32);
  });

  test('weights: soft_emb_norm holds the folded +1, projection is small and not all zero', async () => {
    const file = await readGguf(join(dir, 'tiny-f16.gguf'));
    const norm = await tensorBytes(file, 'mm.soft_emb_norm.weight');
    for (let i = 0; i < norm.length; i += 4) assert.equal(norm.readFloatLE(i), 1);
    const projection = await tensorBytes(file, 'mm.input_projection.weight');
    const values = Array.from({ length: projection.length / 2 }, (_, i) => float16BitsToFloat32(projection.readUInt16LE(i * 2)));
    const bound = Math.sqrt(3 / 96) + 1e-3;
    assert.ok(values.every((v) => Math.abs(v) <= bound));
    assert.ok(values.filter((v) => v !== 0).length > values.length * 0.9);
  });

  test('same seed gives the same bytes; another seed does not', async () => {
    const hash = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');
    const paths = ['a', 'b', 'c'].map((name) => join(dir, `seed-${name}.gguf`));
    const [a = '', b = '', c = ''] = paths;
    await writeSyntheticProjector({ shape: 'tiny', out: a, seed: 5 });
    await writeSyntheticProjector({ shape: 'tiny', out: b, seed: 5 });
    await writeSyntheticProjector({ shape: 'tiny', out: c, seed: 6 });
    assert.equal(await hash(a), await hash(b));
    assert.notEqual(await hash(a), await hash(c));
  });
});

describe('planSyntheticProjector (medgemma-4b, not written)', () => {
  const width = 1152;
  const ffn = 4304;
  const layers = 27;
  /** Bytes of the F32 tensors and the F16 projection, which no requested type changes. */
  const fixedBytes =
    (14 * 14 * 3 * width + width + width * 4096) * 4 +
    layers * (4 * width + ffn + width + 4 * width) * 4 +
    2 * width * 4 + width * 4 +
    2560 * width * 2;

  test('SigLIP shape: 27 blocks of width 1152, 4096 positions, projection to 2560, 256 tokens', () => {
    const plan = planSyntheticProjector({ shape: 'medgemma-4b' });
    const byName = new Map(plan.tensors.map((t) => [t.name, t]));
    assert.equal(plan.tensors.length, 3 + layers * 16 + 2 + 2);
    assert.deepEqual(byName.get('v.patch_embd.weight')?.shape, [14, 14, 3, width]);
    assert.deepEqual(byName.get('v.position_embd.weight')?.shape, [width, 4096]);
    assert.deepEqual(byName.get('v.blk.26.ffn_up.weight')?.shape, [width, ffn]);
    assert.deepEqual(byName.get('v.blk.26.ffn_down.weight')?.shape, [ffn, width]);
    assert.equal(byName.get('v.blk.27.ln1.weight'), undefined);
    assert.deepEqual(byName.get('mm.input_projection.weight')?.shape, [2560, width]);
    assert.equal(plan.metadata['clip.vision.projection_dim']?.type, 'uint32');
    assert.equal(imageTokens(plan.shape), 256);
  });

  test('f16 size: every matrix two bytes a value', () => {
    const plan = planSyntheticProjector({ shape: 'medgemma-4b', type: 'f16' });
    const matrices = layers * (4 * width * width + 2 * width * ffn) * 2;
    const data = plan.tensors.reduce((sum, t) => sum + t.byteSize, 0);
    assert.equal(data, fixedBytes + matrices);
    assert.ok(plan.layout.fileSize - data < 64 * 1024, 'header is small');
    assert.ok(plan.layout.fileSize > 850e6 && plan.layout.fileSize < 860e6, String(plan.layout.fileSize));
  });

  test('q8_0 size: 34 bytes per 32 values, except ffn_down (4304-wide rows) in F16', () => {
    const plan = planSyntheticProjector({ shape: 'medgemma-4b', type: 'q8_0' });
    assert.ok(plan.tensors.filter((t) => t.name.endsWith('ffn_down.weight')).every((t) => t.ggmlType === ggmlType.F16));
    const q8 = (values: number): number => (values / 32) * 34;
    const matrices = layers * (q8(4 * width * width + width * ffn) + ffn * width * 2);
    const data = plan.tensors.reduce((sum, t) => sum + t.byteSize, 0);
    assert.equal(data, fixedBytes + matrices);
  });
});
