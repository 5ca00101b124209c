/**
 * Splits Pixel Data (7FE0,0010) into one byte range per frame: native data by
 * arithmetic, encapsulated data by the basic offset table (PS3.5 §A.4), by one
 * fragment per frame, or by where each codestream starts when a multi-frame
 * file has neither.
 */
import { badRequest } from '../../core/errors.ts';
import type { DicomElement, Fragment } from './parse.ts';

export function nativeFrames(pixelData: DicomElement, frameCount: number, frameBytes: number): Uint8Array[] {
  const needed = frameCount * frameBytes;
  if (pixelData.value.byteLength < needed) {
    throw badRequest(`pixel data is truncated: ${frameCount} frame(s) need ${needed} bytes, the element holds ${pixelData.value.byteLength}`);
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < frameCount; i++) frames.push(pixelData.value.subarray(i * frameBytes, (i + 1) * frameBytes));
  return frames;
}

function concat(parts: readonly Fragment[]): Uint8Array {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined) return only.data;
  let total = 0;
  for (const part of parts) total += part.data.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part.data, offset);
    offset += part.data.byteLength;
  }
  return out;
}

// JPEG SOI (FFD8), JPEG 2000 codestream SOC (FF4F) and JP2 signature box (0000000C 6A502020).
function startsCodestream(data: Uint8Array): boolean {
  if (data[0] !== 0xff && data[0] !== 0x00) return false;
  if (data[0] === 0xff) return data[1] === 0xd8 || data[1] === 0x4f;
  return data[3] === 0x0c && data[4] === 0x6a && data[5] === 0x50;
}

export function encapsulatedFrames(pixelData: DicomElement, frameCount: number): Uint8Array[] {
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) throw badRequest('encapsulated pixel data has no fragments');
  if (frameCount === 1) return [concat(fragments)];
  const table = pixelData.offsetTable ?? new Uint8Array(0);
  if (table.byteLength >= 4 * frameCount) {
    const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const starts: number[] = [];
    for (let i = 0; i < frameCount; i++) starts.push(view.getUint32(i * 4, true));
    return starts.map((start, i) => {
      const stop = starts[i + 1] ?? Number.POSITIVE_INFINITY;
      const parts = fragments.filter((fragment) => fragment.offset >= start && fragment.offset < stop);
      if (parts.length === 0) throw badRequest(`the basic offset table points frame ${i + 1} at offset ${start}, where no fragment starts`);
      return concat(parts);
    });
  }
  if (fragments.length === frameCount) return fragments.map((fragment) => fragment.data);
  const groups: Fragment[][] = [];
  for (const fragment of fragments) {
    const current = groups.at(-1);
    if (current === undefined || startsCodestream(fragment.data)) groups.push([fragment]);
    else current.push(fragment);
  }
  if (groups.length !== frameCount) {
    throw badRequest(`encapsulated pixel data holds ${groups.length} codestream(s) but Number of Frames says ${frameCount}`);
  }
  return groups.map(concat);
}
