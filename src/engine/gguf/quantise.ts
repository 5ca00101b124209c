/**
 * Encoders from float32 to the ggml storage formats the synthetic models use.
 * Block layouts follow llama.cpp's gguf-py/gguf/quants.py:
 *   Q8_0: per 32 values, fp16 scale d = max|x| / 127, then 32 int8 round(x / d).
 *   Q4_0: per 32 values, fp16 scale d = (signed value of largest magnitude) / -8,
 *         then 16 bytes; byte j holds q[j] in the low nibble and q[j + 16] in the
 *         high nibble, q = clamp(trunc(x / d + 8.5), 0, 15).
 */

export const q8_0BlockBytes = 2 + 32;
export const q4_0BlockBytes = 2 + 16;
export const quantBlockSize = 32;

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half-precision bits of `value`, rounded to nearest even. */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const bits = u32Scratch[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const rounded = roundShift(mantissa, shift);
    return sign | rounded;
  }
  const rounded = roundShift(mantissa, 13);
  // A mantissa carry rolls into the exponent, which is the right answer.
  return sign | ((halfExponent << 10) + rounded);
}

function roundShift(value: number, shift: number): number {
  const half = 1 << (shift - 1);
  const remainder = value & ((1 << shift) - 1);
  let result = value >>> shift;
  if (remainder > half || (remainder === half && (result & 1) === 1)) result += 1;
  return result;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function encodeF32(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

export function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const bits = float32ToFloat16Bits(values[i] ?? 0);
    out[2 * i] = bits & 0xff;
    out[2 * i + 1] = bits >>> 8;
  }
  return out;
}

/** Round half away from zero, as quants.py's np_roundf does. */
function roundAway(value: number): number {
  return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}

export function encodeQ8_0(values: Float32Array): Uint8Array {
  assertWholeBlocks(values.length);
  const blocks = values.length / quantBlockSize;
  const out = new Uint8Array(blocks * q8_0BlockBytes);
  for (let block = 0; block < blocks; block++) {
    const base = block * quantBlockSize;
    let maxAbs = 0;
    for (let i = 0; i < quantBlockSize; i++) maxAbs = Math.max(maxAbs, Math.abs(values[base + i] ?? 0));
    const scale = maxAbs / 127;
    const inverse = scale === 0 ? 0 : 1 / scale;
    const target = block * q8_0BlockBytes;
    const scaleBits = float32ToFloat16Bits(scale);
    out[target] = scaleBits & 0xff;
    out[target + 1] = scaleBits >>> 8;
    for (let i = 0; i < quantBlockSize; i++) {
      out[target + 2 + i] = roundAway((values[base + i] ?? 0) * inverse) & 0xff;
    }
  }
  return out;
}

export function encodeQ4_0(values: Float32Array): Uint8Array {
  assertWholeBlocks(values.length);
  const blocks = values.length / quantBlockSize;
  const out = new Uint8Array(blocks * q4_0BlockBytes);
  const quants = new Uint8Array(quantBlockSize);
  for (let block = 0; block < blocks; block++) {
    const base = block * quantBlockSize;
    let extreme = 0;
    for (let i = 0; i < quantBlockSize; i++) {
      const value = values[base + i] ?? 0;
      if (Math.abs(value) > Math.abs(extreme)) extreme = value;
    }
    const scale = extreme / -8;
    const inverse = scale === 0 ? 0 : 1 / scale;
    for (let i = 0; i < quantBlockSize; i++) {
      quants[i] = Math.min(15, Math.max(0, Math.trunc((values[base + i] ?? 0) * inverse + 8.5)));
    }
    const target = block * q4_0BlockBytes;
    const scaleBits = float32ToFloat16Bits(scale);
    out[target] = scaleBits & 0xff;
    out[target + 1] = scaleBits >>> 8;
    for (let j = 0; j < quantBlockSize / 2; j++) {
      out[target + 2 + j] = (quants[j] ?? 0) | ((quants[j + 16] ?? 0) << 4);
    }
  }
  return out;
}

/** Inverse of encodeQ8_0, for tests and inspection. */
export function decodeQ8_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / q8_0BlockBytes;
  const out = new Float32Array(blocks * quantBlockSize);
  for (let block = 0; block < blocks; block++) {
    const at = block * q8_0BlockBytes;
    const scale = float16BitsToFloat32((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8));
    for (let i = 0; i < quantBlockSize; i++) {
      out[block * quantBlockSize + i] = scale * (((bytes[at + 2 + i] ?? 0) << 24) >> 24);
    }
  }
  return out;
}

/** Inverse of encodeQ4_0, for tests and inspection. */
export function decodeQ4_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / q4_0BlockBytes;
  const out = new Float32Array(blocks * quantBlockSize);
  for (let block = 0; block < blocks; block++) {
    const at = block * q4_0BlockBytes;
    const scale = float16BitsToFloat32((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8));
    for (let j = 0; j < quantBlockSize / 2; j++) {
      const byte = bytes[at + 2 + j] ?? 0;
      out[block * quantBlockSize + j] = scale * ((byte & 0x0f) - 8);
      out[block * quantBlockSize + j + 16] = scale * ((byte >>> 4) - 8);
    }
  }
  return out;
}

function assertWholeBlocks(length: number): void {
  if (length % quantBlockSize !== 0) {
    throw new Error(`${length} values is not a whole number of ${quantBlockSize}-value blocks`);
  }
}
