import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import { encodeRgbPng, pngDataUri, pngFrom } from './png.ts';

/** Splits a PNG into chunks, checking each CRC as a decoder would. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typed = png.subarray(at + 4, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(typed), 'chunk CRC');
    out.push({ type: typed.subarray(0, 4).toString('ascii'), data: typed.subarray(4) });
    at += 12 + length;
  }
  return out;
}

test('encodes a 3×2 RGB image a decoder can read back pixel for pixel', () => {
  const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 37) % 256);
  const parts = chunks(encodeRgbPng(3, 2, pixels));
  assert.deepEqual(parts.map((part) => part.type), ['IHDR', 'IDAT', 'IEND']);
  const header = parts[0]?.data ?? Buffer.alloc(0);
  assert.deepEqual([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]], [3, 2, 8, 2]);
  const raw = inflateSync(parts[1]?.data ?? Buffer.alloc(0));
  assert.equal(raw.length, 2 * (1 + 9));
  assert.equal(raw[0], 0);
  assert.deepEqual([...raw.subarray(1, 10)], [...pixels.subarray(0, 9)]);
  assert.deepEqual([...raw.subarray(11, 20)], [...pixels.subarray(9, 18)]);
});

test('pngFrom places colours by coordinate; data URIs are base64 PNG', () => {
  const png = pngFrom(2, 2, (x, y) => [x * 255, y * 255, 7]);
  const raw = inflateSync(chunks(png)[1]?.data ?? Buffer.alloc(0));
  // Row 1 (after its filter byte at index 7): (0,1) then (1,1).
  assert.deepEqual([...raw.subarray(8, 14)], [0, 255, 7, 255, 255, 7]);
  assert.match(pngDataUri(png), /^data:image\/png;base64,iVBORw0KGgo/);
});

test('refuses pixel data of the wrong size', () => {
  assert.throws(() => encodeRgbPng(2, 2, new Uint8Array(11)), RangeError);
});
