/**
 * ModalityImage → 8-bit display samples: the VOI stage (a window, the
 * header's VOI LUT, the header's first window, or the frame's min–max) with
 * the linear function of PS3.3 C.11.2.1.2, then MONOCHROME1 inversion. RGB
 * passes through scaled to 8 bits unless a window is given.
 */
import { badRequest } from '../../core/errors.ts';
import type { ModalityImage, VoiLut, VoiWindow } from '../image.ts';

function linear(values: Float32Array, out: Uint8Array, center: number, width: number, invert: boolean): void {
  // y = ((x − (c − 0.5)) / (w − 1) + 0.5) × 255, clamped below c − 0.5 − (w−1)/2 and above c − 0.5 + (w−1)/2.
  const low = center - 0.5 - (width - 1) / 2;
  const high = center - 0.5 + (width - 1) / 2;
  const scale = width > 1 ? 255 / (width - 1) : 0;
  const offset = center - 0.5;
  for (let i = 0; i < values.length; i++) {
    const x = (values[i] ?? 0);
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = Math.round((x - offset) * scale + 127.5);
    y = y < 0 ? 0 : y > 255 ? 255 : y;
    out[i] = invert ? 255 - y : y;
  }
}

function lookUp(values: Float32Array, out: Uint8Array, lut: VoiLut, invert: boolean): void {
  const last = lut.data.length - 1;
  const scale = 255 / ((2 ** lut.bitsPerEntry) - 1);
  for (let i = 0; i < values.length; i++) {
    let index = Math.round((values[i] ?? 0)) - lut.firstMapped;
    index = index < 0 ? 0 : index > last ? last : index;
    const y = Math.round((lut.data[index] ?? 0) * scale);
    out[i] = invert ? 255 - y : y;
  }
}

function minMax(values: Float32Array): VoiWindow {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}

/** `window` overrides the header; without one, the VOI LUT, then the first window, then min–max. */
export function toDisplay8(image: ModalityImage, frame = 0, window?: VoiWindow): Uint8Array {
  const values = image.frames[frame];
  if (values === undefined) throw badRequest(`frame ${frame} does not exist (the image has ${image.frames.length})`);
  const out = new Uint8Array(values.length);
  const invert = image.photometric === 'MONOCHROME1';
  if (window !== undefined && window.width < 1) throw badRequest(`window width ${window.width} is below 1`);
  if (image.photometric === 'RGB' && window === undefined) {
    const scale = 255 / ((2 ** image.bitsStored) - 1);
    for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] ?? 0) * scale);
    return out;
  }
  if (window === undefined && image.voiLut !== undefined) {
    lookUp(values, out, image.voiLut, invert);
    return out;
  }
  const chosen = window ?? image.windows[0] ?? minMax(values);
  linear(values, out, chosen.center, chosen.width, invert);
  return out;
}
