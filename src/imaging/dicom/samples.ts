/**
 * From decoded sample words to stored values and modality values: byte order,
 * planar configuration, Bits Stored masking with sign extension (PS3.5 §8.1.1),
 * YCbCr to RGB (PS3.3 C.7.6.3.1.2), and the linear Modality LUT (C.11.1).
 */
export type Samples = Uint8Array | Uint16Array | Int16Array;

/** Native pixel bytes as words in host order; an aligned little-endian frame is viewed, not copied. */
export function nativeSamples(bytes: Uint8Array, bitsAllocated: number, littleEndian: boolean): Samples {
  if (bitsAllocated === 8) return bytes;
  const count = bytes.byteLength >> 1;
  if (littleEndian && bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, littleEndian);
  return out;
}

/** Planar configuration 1 (RRR…GGG…BBB…) to interleaved. */
export function interleavePlanes(samples: Samples, pixels: number): Samples {
  const out = samples instanceof Uint8Array ? new Uint8Array(pixels * 3) : new Uint16Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[3 * i] = (samples[i] ?? 0);
    out[3 * i + 1] = (samples[pixels + i] ?? 0);
    out[3 * i + 2] = (samples[2 * pixels + i] ?? 0);
  }
  return out;
}

/** Keeps the low Bits Stored bits and sign-extends them when Pixel Representation is 1. */
export function toStored(samples: Samples, count: number, bitsStored: number, signed: boolean): Int32Array {
  const out = new Int32Array(count);
  const mask = bitsStored === 32 ? -1 : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  const wrap = 1 << bitsStored;
  if (signed) {
    for (let i = 0; i < count; i++) {
      const v = (samples[i] ?? 0) & mask;
      out[i] = v >= signBit ? v - wrap : v;
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = (samples[i] ?? 0) & mask;
  }
  return out;
}

/** Full-range YCbCr to RGB in place, rounded and clamped to the sample range. */
export function ybrToRgb(values: Int32Array, bitsStored: number): void {
  const max = (1 << bitsStored) - 1;
  const half = 1 << (bitsStored - 1);
  for (let i = 0; i + 2 < values.length; i += 3) {
    const y = (values[i] ?? 0);
    const cb = (values[i + 1] ?? 0) - half;
    const cr = (values[i + 2] ?? 0) - half;
    const r = Math.round(y + 1.402 * cr);
    const g = Math.round(y - 0.344136 * cb - 0.714136 * cr);
    const b = Math.round(y + 1.772 * cb);
    values[i] = r < 0 ? 0 : r > max ? max : r;
    values[i + 1] = g < 0 ? 0 : g > max ? max : g;
    values[i + 2] = b < 0 ? 0 : b > max ? max : b;
  }
}

export function applyModality(stored: Int32Array, slope: number, intercept: number): Float32Array {
  const out = new Float32Array(stored.length);
  if (slope === 1 && intercept === 0) out.set(stored);
  else for (let i = 0; i < stored.length; i++) out[i] = (stored[i] ?? 0) * slope + intercept;
  return out;
}
