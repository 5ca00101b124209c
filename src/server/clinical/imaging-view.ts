/**
 * Display-ready pixels for the web UI's viewer (window/level and zoom in a
 * browser canvas), decoded on the server because browsers read neither DICOM
 * nor 12/16-bit or JPEG 2000 pixels:
 *
 * - `GET /api/imaging/uploads/:id/view` and
 *   `GET /api/studies/instances/:sopInstanceUid/view` (imaging-routes.ts)
 *   answer `renderView`'s `ImageView` as JSON.
 * - Greyscale ('mono'): Float32 little-endian values AFTER the Modality LUT
 *   (Hounsfield units for CT), not windowed, so the browser applies
 *   window/level itself; `window` is the file's first valid window (in the
 *   same units) to start from, `invert` says MONOCHROME1 (display 255 − v
 *   after windowing), `range` is the min/max of the values sent.
 * - Colour ('rgb'): RGBA, 8 bits a sample, alpha 255.
 * - Downscaled by area averaging (a box filter with fractional coverage, so
 *   every source pixel counts exactly by the area it covers and the mean is
 *   kept) so that the longer side is at most `size`; never upscaled.
 *
 * Bounded: the decoders check declared sizes before any pixel buffer exists
 * (dicom/limits.ts, raster.ts); files over `maxViewBytes` are refused before
 * decoding, and a `ViewLimiter` lets only a few decodes run at once.
 */
import { z } from 'zod';
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { decodeDicom } from '../../imaging/dicom/decode.ts';
import type { ModalityImage } from '../../imaging/image.ts';
import { areaAverage, placement } from '../../imaging/preprocess-resize.ts';
import { rasterToModalityImage } from '../../imaging/raster.ts';
import type { UploadMediaType } from '../../workflows/imaging-read/image-header.ts';

/** The largest file a view decodes: what an imaging read takes (imaging-routes.ts maxImageBytes). */
export const maxViewBytes = 64 * 1024 * 1024;

export const defaultViewSize = 1024;
export const minViewSize = 64;
export const maxViewSize = 2048;

/** The view routes' query: `frame` (0-based, default 0) and `size` (longest side, 64–2048, default 1024). */
export const viewQuery = z.strictObject({
  frame: z.coerce.number().int().min(0).max(100_000).default(0),
  size: z.coerce.number().int().min(minViewSize).max(maxViewSize).default(defaultViewSize),
});

export type ViewQuery = z.infer<typeof viewQuery>;

export interface ImageView {
  /** Size of the pixels sent. */
  width: number;
  height: number;
  frameCount: number;
  frame: number;
  kind: 'mono' | 'rgb';
  /** MONOCHROME1: the browser shows 255 − the windowed value. */
  invert: boolean;
  /** The file's first valid window (width ≥ 1), in the units of `pixels` (after the Modality LUT); null when it has none. */
  window: { center: number; width: number } | null;
  /** Smallest and largest value sent (colour: of R, G and B). */
  range: { min: number; max: number };
  sourceWidth: number;
  sourceHeight: number;
  /** DICOM Modality (CR, CT, MR, …); null for PNG/JPEG uploads. */
  modality: string | null;
  /** base64: mono → width × height Float32 little-endian; rgb → width × height × 4 bytes RGBA. */
  pixels: string;
}

/** Output size: the longer side at most `size`, aspect kept, never upscaled, each side at least 1. */
export function viewSize(columns: number, rows: number, size: number): { width: number; height: number } {
  if (Math.max(columns, rows) <= size) return { width: columns, height: rows };
  // The model input's own sizing (long side to `size`, short side rounded), without its padding.
  const { width, height } = placement(columns, rows, size);
  return { width, height };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function float32Base64(values: Float32Array): string {
  if (littleEndian) return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i] ?? 0, i * 4);
  return bytes.toString('base64');
}

async function decode(mediaType: UploadMediaType, bytes: Buffer): Promise<ModalityImage> {
  if (bytes.length > maxViewBytes) {
    throw new NorthstationError('payload_too_large', `the image file is ${bytes.length} bytes; the viewer decodes files of at most ${maxViewBytes} bytes`, { bytes: bytes.length });
  }
  return mediaType === 'application/dicom' ? decodeDicom(bytes) : rasterToModalityImage(bytes);
}

/** Decodes `bytes` and renders frame `query.frame` for the viewer. A frame the file lacks is 'bad_request'. */
export async function renderView(mediaType: UploadMediaType, bytes: Buffer, query: ViewQuery): Promise<ImageView> {
  const image = await decode(mediaType, bytes);
  const values = image.frames[query.frame];
  if (values === undefined) {
    throw badRequest(`query.frame: frame ${query.frame} does not exist (the image has ${image.frames.length}, numbered from 0)`, { field: 'query.frame', frameCount: image.frames.length });
  }
  const { rows, columns, samplesPerPixel } = image;
  if (values.length !== rows * columns * samplesPerPixel) throw new NorthstationError('internal', 'a decoded frame does not match its declared size');
  const { width, height } = viewSize(columns, rows, query.size);
  const scaled = areaAverage(values, columns, rows, samplesPerPixel, width, height);
  const common = {
    width,
    height,
    frameCount: image.frames.length,
    frame: query.frame,
    sourceWidth: columns,
    sourceHeight: rows,
    modality: image.source.format === 'dicom' ? image.modality : null,
  };
  if (samplesPerPixel === 1) {
    let min = Infinity;
    let max = -Infinity;
    for (const value of scaled) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const window = image.windows.find((candidate) => Number.isFinite(candidate.center) && Number.isFinite(candidate.width) && candidate.width >= 1);
    return {
      ...common,
      kind: 'mono',
      invert: image.photometric === 'MONOCHROME1',
      window: window === undefined ? null : { center: window.center, width: window.width },
      range: { min, max },
      pixels: float32Base64(scaled),
    };
  }
  const scale = 255 / (2 ** image.bitsStored - 1);
  const rgba = Buffer.alloc(width * height * 4);
  let min = 255;
  let max = 0;
  for (let p = 0, q = 0; p < scaled.length; p += 3, q += 4) {
    for (let c = 0; c < 3; c++) {
      const raw = Math.round((scaled[p + c] ?? 0) * scale);
      const value = raw < 0 ? 0 : raw > 255 ? 255 : raw;
      rgba[q + c] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    rgba[q + 3] = 255;
  }
  return { ...common, kind: 'rgb', invert: false, window: null, range: { min, max }, pixels: rgba.toString('base64') };
}

/**
 * At most `concurrency` decodes at once, and at most `queue` waiting; beyond
 * that 'overloaded' (503), so a burst of view requests cannot hold every
 * decoded image in memory at the same time.
 */
export class ViewLimiter {
  readonly #concurrency: number;
  readonly #queue: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(concurrency = 2, queue = 16) {
    this.#concurrency = concurrency;
    this.#queue = queue;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#queue) throw new NorthstationError('overloaded', 'too many images are being decoded for viewing; try again shortly');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter; otherwise it frees.
      if (next === undefined) this.#running--;
      else next();
    }
  }
}
