import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { decodeRle } from './rle.ts';

function frame(segments: number[][]): Uint8Array {
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, i) => {
    header.setUint32(4 + 4 * i, offset, true);
    offset += segment.length;
  });
  return Uint8Array.from([...new Uint8Array(header.buffer), ...segments.flat()]);
}

test('16-bit RLE: high-byte segment first, literal and replicate runs, little-endian output', () => {
  // High bytes: replicate 0x01 four times (header 253 = -3). Low bytes: literal 4 bytes (header 3).
  const out = decodeRle(frame([[253, 0x01], [3, 0x10, 0x20, 0x30, 0x40]]), { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 });
  assert.deepEqual(Array.from(new Uint16Array(out.buffer)), [0x0110, 0x0120, 0x0130, 0x0140]);
});

test('a segment that decodes short, a wrong segment count, or a bad offset is a bad request', () => {
  const shape = { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 };
  for (const bytes of [frame([[1, 7, 7]]), frame([[3, 1, 2, 3, 4], [3, 1, 2, 3, 4]]), new Uint8Array(10)]) {
    assert.throws(() => decodeRle(bytes, shape), (error: unknown) => isNorthstationError(error, 'bad_request'));
  }
  const badOffset = frame([[3, 1, 2, 3, 4]]);
  new DataView(badOffset.buffer).setUint32(4, 9999, true);
  assert.throws(() => decodeRle(badOffset, shape), /invalid offset/);
});
