import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ggmlType } from './constants.ts';
import {
  decodeQ4_0,
  decodeQ8_0,
  encodeF16,
  encodeQ4_0,
  encodeQ8_0,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  q4_0BlockBytes,
  q8_0BlockBytes,
} from './quantise.ts';
import { readGguf } from './reader.ts';
import { ggufValue, planGguf, writeGguf, type GgufWriteValue } from './writer.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-writer-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ramp(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
}

describe('writeGguf round trip', () => {
  test('metadata of every value type reads back', async () => {
    const metadata: Record<string, GgufWriteValue> = {
      'general.architecture': ggufValue.string('gemma3'),
      'v.uint8': { type: 'uint8', value: 250 },
      'v.int8': { type: 'int8', value: -5 },
      'v.uint16': { type: 'uint16', value: 65000 },
      'v.int16': { type: 'int16', value: -32000 },
      'v.uint32': ggufValue.uint32(4_000_000_000),
      'v.int32': ggufValue.int32(-2_000_000_000),
      'v.float32': ggufValue.float32(0.5),
      'v.float64': ggufValue.float64(Math.PI),
      'v.bool': ggufValue.bool(true),
      'v.string': ggufValue.string('héllo ▁ world'),
      'v.uint64': ggufValue.uint64(2n ** 60n),
      'v.int64': { type: 'int64', value: -42 },
      'v.strings': ggufValue.stringArray(['a', '', '<0x0A>']),
      'v.floats': ggufValue.float32Array([1.5, -2]),
      'v.bools': { type: 'array', itemType: 'bool', values: [true, false] },
      'v.empty': ggufValue.int32Array([]),
    };
    const path = join(dir, 'values.gguf');
    await writeGguf({ path, metadata, tensors: [] });
    const file = await readGguf(path);
    assert.deepEqual(file.metadata, {
      'general.architecture': 'gemma3',
      'v.uint8': 250,
      'v.int8': -5,
      'v.uint16': 65000,
      'v.int16': -32000,
      'v.uint32': 4_000_000_000,
      'v.int32': -2_000_000_000,
      'v.float32': 0.5,
      'v.float64': Math.PI,
      'v.bool': true,
      'v.string': 'héllo ▁ world',
      'v.uint64': 2n ** 60n,
      'v.int64': -42,
      'v.strings': ['a', '', '<0x0A>'],
      'v.floats': [1.5, -2],
      'v.bools': [true, false],
      'v.empty': [],
    });
  });

  test('tensors keep shapes, types, sizes and bytes; custom alignment', async () => {
    const values = ramp(64 * 3);
    const tensors = [
      { name: 'a.f32', shape: [5], ggmlType: ggmlType.F32, bytes: new Uint8Array(values.buffer.slice(0, 20)) },
      { name: 'b.f16', shape: [64, 3], ggmlType: ggmlType.F16, bytes: encodeF16(values) },
      { name: 'c.q8_0', shape: [64, 3], ggmlType: ggmlType.Q8_0, bytes: encodeQ8_0(values) },
      { name: 'd.q4_0', shape: [64, 3], ggmlType: ggmlType.Q4_0, bytes: encodeQ4_0(values) },
    ];
    const path = join(dir, 'tensors.gguf');
    const progress: number[] = [];
    const written = await writeGguf({
      path,
      alignment: 64,
      metadata: { 'general.architecture': ggufValue.string('gemma3') },
      // Chunks of 7 bytes: the writer must not care how a source splits its data.
      tensors: tensors.map((t) => ({ ...t, data: function* () { for (let i = 0; i < t.bytes.length; i += 7) yield t.bytes.subarray(i, i + 7); } })),
      onProgress: (done) => progress.push(done),
    });
    const raw = await readFile(path);
    const file = await readGguf(path);
    assert.equal(written.fileSize, raw.length);
    assert.equal(progress.at(-1), raw.length);
    assert.equal(file.alignment, 64);
    assert.equal(file.metadata['general.alignment'], 64);
    assert.deepEqual(file.tensors.map((t) => [t.name, t.shape, t.typeName, t.byteSize]), [
      ['a.f32', [5], 'F32', 20],
      ['b.f16', [64, 3], 'F16', 64 * 3 * 2],
      ['c.q8_0', [64, 3], 'Q8_0', 6 * q8_0BlockBytes],
      ['d.q4_0', [64, 3], 'Q4_0', 6 * q4_0BlockBytes],
    ]);
    for (const [index, tensor] of file.tensors.entries()) {
      assert.equal(tensor.offset % 64, 0);
      assert.deepEqual(raw.subarray(tensor.offset, tensor.offset + tensor.byteSize), Buffer.from(tensors[index]!.bytes));
    }
  });

  test('a source that yields the wrong byte count fails and leaves no file', async () => {
    const path = join(dir, 'short.gguf');
    await assert.rejects(
      writeGguf({
        path,
        metadata: { 'general.architecture': ggufValue.string('gemma3') },
        tensors: [{ name: 'x', shape: [32], ggmlType: ggmlType.F32, data: () => [new Uint8Array(100)] }],
      }),
      /gave 100 bytes, expected 128/,
    );
    const left = (await readdir(dir)).filter((name) => name.startsWith('short.gguf'));
    assert.deepEqual(left, []);
  });

  test('planGguf refuses rows that are not whole blocks', () => {
    assert.throws(() => planGguf({}, [{ name: 'x', shape: [48], ggmlType: ggmlType.Q4_0 }]), /block size 32/);
  });
});

describe('quantisation encodings', () => {
  test('fp16 conversion of known values', () => {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001);
    assert.equal(float32ToFloat16Bits(0), 0);
    assert.equal(float16BitsToFloat32(0x3555), 0.333251953125);
    for (const value of [0.1, -3.75, 1234.5, 6e-5]) {
      assert.ok(Math.abs(float16BitsToFloat32(float32ToFloat16Bits(value)) - value) <= Math.abs(value) * 1e-3);
    }
  });

  test('Q8_0 block layout: fp16 scale then 32 int8', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => i - 16);
    const bytes = encodeQ8_0(values);
    assert.equal(bytes.length, q8_0BlockBytes);
    assert.equal(float16BitsToFloat32(bytes[0]! | (bytes[1]! << 8)), float16BitsToFloat32(float32ToFloat16Bits(16 / 127)));
    assert.equal((bytes[2]! << 24) >> 24, -127); // -16 / (16/127)
    const decoded = decodeQ8_0(bytes);
    for (let i = 0; i < 32; i++) assert.ok(Math.abs(decoded[i]! - values[i]!) < 0.07);
  });

  test('Q4_0 block layout: fp16 scale then low/high nibbles', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i < 16 ? -8 : 7));
    const bytes = encodeQ4_0(values);
    assert.equal(bytes.length, q4_0BlockBytes);
    // Largest magnitude is -8, so d = -8 / -8 = 1; q = trunc(x + 8.5): -8 → 0, 7 → 15.
    assert.equal(float16BitsToFloat32(bytes[0]! | (bytes[1]! << 8)), 1);
    assert.equal(bytes[2], 0xf0);
    assert.deepEqual(Array.from(decodeQ4_0(bytes)), Array.from(values));
  });

  test('Q8_0 and Q4_0 round trips stay within their step size', () => {
    const values = ramp(32 * 20);
    const q8 = decodeQ8_0(encodeQ8_0(values));
    const q4 = decodeQ4_0(encodeQ4_0(values));
    for (let block = 0; block < 20; block++) {
      const slice = values.subarray(block * 32, block * 32 + 32);
      const maxAbs = Math.max(...Array.from(slice, Math.abs));
      for (let i = 0; i < 32; i++) {
        const at = block * 32 + i;
        assert.ok(Math.abs(q8[at]! - values[at]!) <= maxAbs / 127 / 2 + 1e-3, `q8 ${at}`);
        assert.ok(Math.abs(q4[at]! - values[at]!) <= maxAbs / 8 + 1e-3, `q4 ${at}`);
      }
    }
  });
});
