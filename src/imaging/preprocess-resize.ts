/**
 * Aspect-preserving resize onto a square black canvas, in plain arithmetic so
 * that the same input gives the same pixels on every machine and library
 * version (the draft records what the model saw; a resampler that changed
 * with a libvips upgrade would make that record unreproducible).
 *
 * The filter is a triangle (bilinear) kernel widened by the shrink factor
 * when downscaling, so every source pixel contributes (no aliasing of fine
 * lines such as a pneumothorax edge), and reduces to plain bilinear when
 * upscaling. Pixel centres are at +0.5 (half-pixel convention). It is
 * separable: rows are read once, through a RowReader, so a frame's display
 * values are never held whole in memory.
 */
import type { RowReader } from './preprocess-window.ts';

export interface Placement {
  /** Output size over source size (same for both axes). */
  scale: number;
  /** Size of the resized image inside the canvas. */
  width: number;
  height: number;
  /** Black padding on each side, in output pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Long side to `size`, short side rounded (at least 1), centred (odd padding: the extra pixel right / bottom). */
export function placement(columns: number, rows: number, size: number): Placement {
  const scale = size / Math.max(columns, rows);
  const width = columns >= rows ? size : Math.max(1, Math.round(columns * scale));
  const height = rows >= columns ? size : Math.max(1, Math.round(rows * scale));
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - height) / 2);
  return { scale, width, height, left, top, right: size - width - left, bottom: size - height - top };
}

export interface Taps {
  start: Int32Array;
  count: Int32Array;
  /** `maxTaps` weights per output pixel, normalised to sum 1. */
  weights: Float64Array;
  maxTaps: number;
}

/** Triangle-filter taps mapping `source` samples to `target` samples along one axis. */
export function taps(source: number, target: number): Taps {
  const scale = target / source;
  const support = Math.max(1, 1 / scale);
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(target);
  const count = new Int32Array(target);
  const weights = new Float64Array(target * maxTaps);
  for (let i = 0; i < target; i++) {
    const centre = (i + 0.5) / scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(source, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < maxTaps; j++, n++) {
      const weight = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
      weights[i * maxTaps + n] = weight;
      sum += weight;
    }
    if (sum === 0) {
      // Only possible at the very edge of a 1-pixel source: take the nearest sample.
      weights[i * maxTaps] = 1;
      sum = 1;
      n = Math.max(n, 1);
    }
    for (let k = 0; k < n; k++) weights[i * maxTaps + k] = (weights[i * maxTaps + k] ?? 0) / sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/**
 * Resizes the rows `readRow` yields (columns × channels display values) to
 * `place`, pads with black to size × size, and returns 8-bit RGB
 * (greyscale copied to the three channels), rounded once.
 */
export function resizeOntoCanvas(readRow: RowReader, columns: number, rows: number, channels: 1 | 3, place: Placement, size: number): Uint8Array {
  const across = taps(columns, place.width);
  const down = taps(rows, place.height);
  const rowIn = new Float32Array(columns * channels);
  // Horizontal pass first: the intermediate is rows × target width, never rows × columns.
  const mid = new Float32Array(rows * place.width * channels);
  for (let y = 0; y < rows; y++) {
    readRow(y, rowIn);
    filterRow(rowIn, 0, channels, across, mid, y * place.width * channels);
  }
  const out = new Uint8Array(size * size * 3);
  const rowLength = place.width * channels;
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < place.height; y++) {
    filterColumns(mid, rowLength, down, y, acc);
    const rowStart = ((y + place.top) * size + place.left) * 3;
    for (let x = 0; x < place.width; x++) {
      const at = rowStart + x * 3;
      if (channels === 3) {
        for (let c = 0; c < 3; c++) out[at + c] = Math.round(Math.min(255, Math.max(0, acc[x * 3 + c] ?? 0)));
      } else {
        const value = Math.round(Math.min(255, Math.max(0, acc[x] ?? 0)));
        out[at] = out[at + 1] = out[at + 2] = value;
      }
    }
  }
  return out;
}

/**
 * The horizontal pass for one source row: `source` from `sourceOffset` holds
 * the row (interleaved channels); output samples go to `out` from `outOffset`.
 * Each sum is a float64 rounded once to float32.
 */
export function filterRow(source: Float32Array, sourceOffset: number, channels: number, across: Taps, out: Float32Array, outOffset: number): void {
  const width = across.start.length;
  for (let x = 0; x < width; x++) {
    const first = across.start[x] ?? 0;
    const n = across.count[x] ?? 0;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (across.weights[x * across.maxTaps + k] ?? 0) * (source[sourceOffset + (first + k) * channels + c] ?? 0);
      out[outOffset + x * channels + c] = sum;
    }
  }
}

/**
 * The vertical pass for output row `y`: each tap adds a whole intermediate row
 * (`rowLength` samples of `mid`) to the float64 accumulator `acc`, so reads are
 * sequential. Same arithmetic (same order, float64) as summing per pixel.
 */
export function filterColumns(mid: Float32Array, rowLength: number, down: Taps, y: number, acc: Float64Array): void {
  const first = down.start[y] ?? 0;
  const n = down.count[y] ?? 0;
  acc.fill(0);
  for (let k = 0; k < n; k++) {
    const weight = down.weights[y * down.maxTaps + k] ?? 0;
    const from = (first + k) * rowLength;
    for (let i = 0; i < rowLength; i++) acc[i] = (acc[i] ?? 0) + weight * (mid[from + i] ?? 0);
  }
}

/** Area-average taps along one axis: output i covers source [i·s/t, (i+1)·s/t), each source sample weighted by its overlap. */
export function boxTaps(source: number, target: number): Taps {
  const step = source / target;
  const maxTaps = Math.ceil(step) + 1;
  const start = new Int32Array(target);
  const count = new Int32Array(target);
  const weights = new Float64Array(target * maxTaps);
  for (let i = 0; i < target; i++) {
    const lo = i * step;
    const hi = Math.min(source, (i + 1) * step);
    const first = Math.floor(lo);
    let n = 0;
    for (let j = first; j < hi && n < maxTaps; j++, n++) weights[i * maxTaps + n] = (Math.min(j + 1, hi) - Math.max(j, lo)) / step;
    start[i] = first;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/**
 * Area-averages `values` (rows × columns × channels, interleaved) to
 * height × width, for display (the mean is kept). Separable like the resize
 * above: the intermediate is rows × width, never a copy of the source.
 */
export function areaAverage(values: Float32Array, columns: number, rows: number, channels: number, width: number, height: number): Float32Array {
  if (width === columns && height === rows) return values.slice(0, columns * rows * channels);
  const across = boxTaps(columns, width);
  const down = boxTaps(rows, height);
  const rowLength = width * channels;
  const mid = new Float32Array(rows * rowLength);
  for (let y = 0; y < rows; y++) filterRow(values, y * columns * channels, channels, across, mid, y * rowLength);
  const out = new Float32Array(height * rowLength);
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < height; y++) {
    filterColumns(mid, rowLength, down, y, acc);
    out.set(acc, y * rowLength);
  }
  return out;
}
