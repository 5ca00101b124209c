/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one
 * PackBits segment per byte plane, most significant byte first. Output is the
 * frame as native little-endian bytes with samples interleaved, so it joins
 * the uncompressed path from there.
 */
import { badRequest } from '../../core/errors.ts';

export interface RleShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/** Decodes one PackBits segment into `out` at `start`, every `stride` bytes; returns bytes written. */
function unpackSegment(src: Uint8Array, from: number, to: number, out: Uint8Array, start: number, stride: number, count: number): number {
  let written = 0;
  let pos = from;
  let dst = start;
  while (pos < to && written < count) {
    const header = (src[pos++] ?? 0);
    if (header < 128) {
      // Literal run of header + 1 bytes.
      const run = Math.min(header + 1, count - written, to - pos);
      for (let i = 0; i < run; i++) {
        out[dst] = (src[pos++] ?? 0);
        dst += stride;
      }
      written += run;
    } else if (header > 128) {
      // Replicate the next byte 257 - header times; 128 is a no-op.
      if (pos >= to) break;
      const value = (src[pos++] ?? 0);
      const run = Math.min(257 - header, count - written);
      for (let i = 0; i < run; i++) {
        out[dst] = value;
        dst += stride;
      }
      written += run;
    }
  }
  return written;
}

export function decodeRle(frame: Uint8Array, shape: RleShape): Uint8Array {
  const bytesPerSample = shape.bitsAllocated / 8;
  const pixels = shape.rows * shape.columns;
  const segmentCount = shape.samplesPerPixel * bytesPerSample;
  if (frame.byteLength < 64) throw badRequest('RLE frame is shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const declared = view.getUint32(0, true);
  if (declared !== segmentCount) {
    throw badRequest(`RLE frame has ${declared} segments; ${shape.samplesPerPixel} sample(s) of ${shape.bitsAllocated} bits need ${segmentCount}`);
  }
  const offsets: number[] = [];
  for (let i = 0; i < segmentCount; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  const stride = shape.samplesPerPixel * bytesPerSample;
  const out = new Uint8Array(pixels * stride);
  for (let s = 0; s < segmentCount; s++) {
    const from = (offsets[s] ?? 0);
    const to = s + 1 < segmentCount ? (offsets[s + 1] ?? 0) : frame.byteLength;
    if (from < 64 || from > to || to > frame.byteLength) throw badRequest(`RLE segment ${s + 1} has an invalid offset ${from}`);
    const sample = Math.floor(s / bytesPerSample);
    // Segments run most significant byte first; the output is little endian.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const written = unpackSegment(frame, from, to, out, sample * bytesPerSample + byteInSample, stride, pixels);
    if (written < pixels) throw badRequest(`RLE segment ${s + 1} decodes to ${written} bytes, ${pixels} expected`);
  }
  return out;
}
