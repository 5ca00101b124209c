/**
 * The 8×8 inverse DCT of T.81 §A.3.3, separable, in floating point, with the
 * level shift and clamping of §F.2.1.5. Floating point keeps 12-bit samples
 * exact to within rounding, where 8-bit fixed-point shortcuts would not.
 */
const cosTable = new Float64Array(64);
for (let u = 0; u < 8; u++) {
  for (let x = 0; x < 8; x++) cosTable[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
}
const tmp = new Float64Array(64);

/** Writes the block's samples into `out` at `offset` with row `stride`. */
export function idct8x8(block: Int32Array, out: Int32Array, offset: number, stride: number, shift: number, maxValue: number): void {
  for (let v = 0; v < 8; v++) {
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += (cosTable[u * 8 + x] ?? 0) * (block[v * 8 + u] ?? 0);
      tmp[v * 8 + x] = sum;
    }
  }
  for (let y = 0; y < 8; y++) {
    const row = offset + y * stride;
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += (cosTable[v * 8 + y] ?? 0) * (tmp[v * 8 + x] ?? 0);
      const value = Math.round(sum) + shift;
      out[row + x] = value < 0 ? 0 : value > maxValue ? maxValue : value;
    }
  }
}
