/**
 * Seeded pseudo-random data for synthetic weights. xorshift128 is not a good
 * generator for science, but it is deterministic (same seed → same file bytes)
 * and fills gigabytes in seconds, which is all random weights need.
 */
import { float32ToFloat16Bits, q4_0BlockBytes, q8_0BlockBytes } from '../gguf/quantise.ts';

export class SeededRandom {
  private x: number;
  private y: number;
  private z: number;
  private w: number;

  constructor(seed: number) {
    // Spread the seed over the state (splitmix-style) so nearby seeds differ.
    let s = (seed >>> 0) ^ 0x9e3779b9;
    const next = (): number => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
      return (t ^ (t >>> 14)) >>> 0;
    };
    this.x = next() || 1;
    this.y = next();
    this.z = next();
    this.w = next();
  }

  nextU32(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }

  /** Uniform in [-1, 1). */
  nextSigned(): number {
    return this.nextU32() / 0x80000000 - 1;
  }

  fillU32(target: Uint32Array): void {
    let { x, y, z, w } = this;
    for (let i = 0; i < target.length; i++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      target[i] = w;
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }

  /** Uniform values in [-scale, scale). */
  floats(count: number, scale: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.nextSigned() * scale;
    return out;
  }
}

/**
 * The fast fillers below write into `scratch` when it is big enough, so a
 * generator streaming gigabytes reuses one buffer instead of churning memory.
 * Callers must be done with the previous chunk before asking for the next.
 */
function words(scratch: Uint32Array | undefined, count: number): Uint32Array {
  return scratch !== undefined && scratch.length >= count ? scratch.subarray(0, count) : new Uint32Array(count);
}

/** Bytes of `count` random fp16 values with magnitudes in [2^-7, 2^-6): finite, small. */
export function randomF16Bytes(random: SeededRandom, count: number, scratch?: Uint32Array): Uint8Array {
  const target = words(scratch, Math.ceil(count / 2));
  random.fillU32(target);
  // Keep sign and mantissa bits, force the exponent to 8 (2^-7).
  for (let i = 0; i < target.length; i++) target[i] = ((target[i] ?? 0) & 0x83ff83ff) | 0x20002000;
  return new Uint8Array(target.buffer, target.byteOffset, count * 2);
}

/** `blocks` Q8_0 blocks: random int8 values with one small fixed scale (|x| < 0.013). */
export function randomQ8_0Bytes(random: SeededRandom, blocks: number, scratch?: Uint32Array): Uint8Array {
  return randomBlocks(random, blocks, q8_0BlockBytes, float32ToFloat16Bits(1e-4), scratch);
}

/** `blocks` Q4_0 blocks: random nibbles with one small fixed scale (|x| <= 0.016). */
export function randomQ4_0Bytes(random: SeededRandom, blocks: number, scratch?: Uint32Array): Uint8Array {
  return randomBlocks(random, blocks, q4_0BlockBytes, float32ToFloat16Bits(2e-3), scratch);
}

function randomBlocks(random: SeededRandom, blocks: number, blockBytes: number, scaleBits: number, scratch?: Uint32Array): Uint8Array {
  const byteCount = blocks * blockBytes;
  const target = words(scratch, Math.ceil(byteCount / 4));
  random.fillU32(target);
  const bytes = new Uint8Array(target.buffer, target.byteOffset, byteCount);
  const low = scaleBits & 0xff;
  const high = scaleBits >>> 8;
  for (let at = 0; at < byteCount; at += blockBytes) {
    bytes[at] = low;
    bytes[at + 1] = high;
  }
  return bytes;
}
