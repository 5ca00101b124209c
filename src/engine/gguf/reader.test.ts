import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ensureTinyModel } from '../synthetic/test-models.ts';
import { ggmlType } from './constants.ts';
import { describeQuantisation, readGguf, weightBytes } from './reader.ts';
import { ggufValue, planGguf, writeGguf } from './writer.ts';

let dir: string;
let tinyPath: string;
let tiny: Buffer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-reader-'));
  tinyPath = await ensureTinyModel();
  tiny = await readFile(tinyPath);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** A small GGUF whose header layout the tests patch by offset. */
const smallMetadata = {
  'general.architecture': ggufValue.string('gemma3'),
  'some.array': ggufValue.int32Array([1, 2, 3]),
};
const smallTensors = [{ name: 'weights', shape: [32, 2], ggmlType: ggmlType.Q8_0, data: () => [new Uint8Array(68)] }];

async function smallFile(): Promise<Buffer> {
  const path = join(dir, 'small.gguf');
  await rm(path, { force: true });
  await writeGguf({ path, metadata: smallMetadata, tensors: smallTensors });
  return readFile(path);
}

function patched(source: Buffer, offset: number, write: (buffer: Buffer, at: number) => void): Buffer {
  const copy = Buffer.from(source);
  write(copy, offset);
  return copy;
}

async function expectInvalid(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readGguf(path), (error: unknown) => {
    assert.ok(isNorthstationError(error, 'model_invalid'), `expected model_invalid, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(error.message.includes(path), 'message names the path');
    return true;
  });
}

describe('readGguf', () => {
  test('reads the tiny synthetic model', async () => {
    const file = await readGguf(tinyPath);
    assert.equal(file.version, 3);
    assert.equal(file.architecture, 'gemma3');
    assert.equal(file.alignment, 32);
    assert.equal(file.fileSize, tiny.length);
    assert.equal(file.metadata['northstation.synthetic'], true);
    assert.equal(file.metadata['gemma3.block_count'], 2);
    assert.ok(Array.isArray(file.metadata['tokenizer.ggml.tokens']));
    const embedding = file.tensors.find((tensor) => tensor.name === 'token_embd.weight');
    assert.ok(embedding);
    assert.equal(embedding.typeName, 'F16');
    assert.equal(embedding.shape[0], 64);
    assert.equal(file.dataOffset % 32, 0);
    for (const tensor of file.tensors) {
      assert.equal((tensor.offset - file.dataOffset) % 32, 0, `${tensor.name} aligned`);
      assert.ok(tensor.offset + tensor.byteSize <= file.fileSize);
    }
    assert.equal(describeQuantisation(file), 'F16');
    assert.equal(weightBytes(file), file.tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0));
  });

  test('describeQuantisation falls back to the dominant tensor type', async () => {
    const path = join(dir, 'no-file-type.gguf');
    await writeGguf({
      path,
      metadata: { 'general.architecture': ggufValue.string('gemma3') },
      tensors: [
        { name: 'norm', shape: [32], ggmlType: ggmlType.F32, data: () => [new Uint8Array(128)] },
        { name: 'big', shape: [64, 4], ggmlType: ggmlType.Q4_0, data: () => [new Uint8Array(144)] },
      ],
    });
    assert.equal(describeQuantisation(await readGguf(path)), 'Q4_0');
  });

  test('missing file is not_found', async () => {
    await assert.rejects(readGguf(join(dir, 'nope.gguf')), (error: unknown) => isNorthstationError(error, 'not_found'));
  });

  test('directory is model_invalid', async () => {
    await expectInvalid(dir, /directory/);
  });

  const truncations: Array<[string, (file: Buffer) => number, RegExp]> = [
    ['empty file', () => 0, /empty/],
    ['inside the magic', () => 3, /too short/],
    ['inside the counts', () => 20, /too short/],
    ['inside the first key', () => 30, /truncated|cannot fit/],
    ['inside the token list', (file) => Math.floor(file.indexOf('<0x41>') + 2), /truncated|cannot fit/],
    ['inside the tensor infos', (file) => file.indexOf('blk.1.ffn_up.weight') + 4, /truncated|cannot fit/],
    ['at the start of tensor data', (file) => file.indexOf('blk.1.post_ffw_norm.weight') + 100, /truncated/],
    ['inside tensor data', (file) => Math.floor(file.length / 2), /extends past the end of the file/],
    ['one byte short', (file) => file.length - 1, /post_ffw_norm.*extends past the end/],
  ];
  for (const [label, cutAt, pattern] of truncations) {
    test(`truncated: ${label}`, async () => {
      const at = cutAt(tiny);
      assert.ok(at >= 0 && at < tiny.length, `cut point ${at} inside the file`);
      await expectInvalid(await fileWith(`cut-${at}.gguf`, tiny.subarray(0, at)), pattern);
    });
  }

  test('non-GGUF file', async () => {
    await expectInvalid(await fileWith('notes.txt', Buffer.from('this is a text file, not a model at all\n'.repeat(4))), /wrong magic/);
  });

  test('wrong magic', async () => {
    await expectInvalid(await fileWith('magic.gguf', patched(tiny, 0, (b) => b.write('GGML', 0))), /wrong magic/);
  });

  test('unsupported version', async () => {
    await expectInvalid(await fileWith('version.gguf', patched(tiny, 4, (b, at) => b.writeUInt32LE(99, at))), /version 99/);
  });

  test('absurd tensor count', async () => {
    await expectInvalid(await fileWith('tensors.gguf', patched(tiny, 8, (b, at) => b.writeBigUInt64LE(1n << 60n, at))), /tensor count/);
  });

  test('absurd metadata count', async () => {
    await expectInvalid(await fileWith('kv.gguf', patched(tiny, 16, (b, at) => b.writeBigUInt64LE(0xffffffffffffffffn, at))), /metadata count/);
  });

  test('absurd string length', async () => {
    await expectInvalid(await fileWith('key.gguf', patched(tiny, 24, (b, at) => b.writeBigUInt64LE(1n << 40n, at))), /length .* runs past|absurdly large/);
  });

  test('absurd array length', async () => {
    const small = await smallFile();
    // some.array: key string, then value type u32, item type u32, count u64.
    const countAt = small.indexOf('some.array') + 'some.array'.length + 8;
    await expectInvalid(await fileWith('array.gguf', patched(small, countAt, (b, at) => b.writeBigUInt64LE(1n << 50n, at))), /array length/);
  });

  test('unknown metadata value type', async () => {
    const small = await smallFile();
    const typeAt = small.indexOf('some.array') + 'some.array'.length;
    await expectInvalid(await fileWith('vtype.gguf', patched(small, typeAt, (b, at) => b.writeUInt32LE(77, at))), /unknown value type 77/);
  });

  test('unknown ggml type', async () => {
    const small = await smallFile();
    // weights: name, n_dims u32, 2 × u64 dims, then the type.
    const typeAt = small.indexOf('weights') + 'weights'.length + 4 + 16;
    await expectInvalid(await fileWith('gtype.gguf', patched(small, typeAt, (b, at) => b.writeUInt32LE(200, at))), /unknown ggml type 200/);
  });

  test('row length not a whole number of blocks', async () => {
    const small = await smallFile();
    const dimAt = small.indexOf('weights') + 'weights'.length + 4;
    await expectInvalid(await fileWith('rows.gguf', patched(small, dimAt, (b, at) => b.writeBigUInt64LE(33n, at))), /not a multiple of the Q8_0 block size/);
  });

  test('misaligned tensor offset', async () => {
    const small = await smallFile();
    const offsetAt = small.indexOf('weights') + 'weights'.length + 4 + 16 + 4;
    await expectInvalid(await fileWith('align.gguf', patched(small, offsetAt, (b, at) => b.writeBigUInt64LE(3n, at))), /not aligned/);
  });

  test('too many dimensions', async () => {
    const small = await smallFile();
    const dimsAt = small.indexOf('weights') + 'weights'.length;
    await expectInvalid(await fileWith('dims.gguf', patched(small, dimsAt, (b, at) => b.writeUInt32LE(9, at))), /9 dimensions/);
  });

  test('missing general.architecture', async () => {
    const path = join(dir, 'no-arch.gguf');
    await writeGguf({ path, metadata: { 'general.name': ggufValue.string('x') }, tensors: [] });
    await expectInvalid(path, /general.architecture/);
  });

  test('layout matches planGguf', async () => {
    const small = await smallFile();
    const layout = planGguf(smallMetadata, smallTensors);
    const file = await readGguf(await fileWith('plan.gguf', small));
    assert.equal(file.dataOffset, layout.dataOffset);
    assert.equal(file.fileSize, layout.fileSize);
    assert.deepEqual(file.metadata['some.array'], [1, 2, 3]);
  });
});
