/**
 * Preprocessing for MedGemma's vision encoder (REFERENCE.md §7: each image is
 * normalised to 896×896): one frame of a ModalityImage → an 8-bit RGB PNG of
 * 896×896, and a record of exactly what was done — the display mapping
 * (window, VOI LUT, min/max, CT windows or RGB), inversion, scale, padding —
 * with the source's and the output's SHA-256, for the draft's provenance.
 *
 * Deterministic: the display step and the resize are plain arithmetic
 * (preprocess-window.ts, preprocess-resize.ts); only PNG encoding uses sharp,
 * and the record carries the SHA-256 of the raw pixels too, which does not
 * depend on the encoder.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { NorthstationError, badRequest } from '../core/errors.ts';
import type { ModalityImage, Photometric } from './image.ts';
import { placement, resizeOntoCanvas, type Placement } from './preprocess-resize.ts';
import { displayFor, type DisplayRecord } from './preprocess-window.ts';

/** MedGemma's input size (REFERENCE.md §7). */
export const medGemmaImageSize = 896;
/** Bumped whenever any step below changes what the model is shown. */
export const preprocessVersion = '2';

export interface PreprocessLimits {
  /** Default 16384 (the DICOM decoder's own ceiling, dicom/limits.ts). */
  maxRows: number;
  /** Default 16384. */
  maxColumns: number;
}

export const defaultPreprocessLimits: PreprocessLimits = { maxRows: 16384, maxColumns: 16384 };

export interface PreprocessOptions {
  /** Which frame of a multi-frame image. Default 0. */
  frame?: number;
  /** Default defaultPreprocessLimits. */
  limits?: Partial<PreprocessLimits>;
}

/** Exactly what was done to turn the source frame into the model's image. */
export interface PreprocessRecord {
  version: string;
  source: {
    format: ModalityImage['source']['format'];
    /** SHA-256 of the uploaded file's bytes. */
    sha256: string;
    modality: string;
    photometric: Photometric;
    rows: number;
    columns: number;
    samplesPerPixel: 1 | 3;
    bitsStored: number;
    frame: number;
    frames: number;
    sopClassUid?: string;
    sopInstanceUid?: string;
    studyInstanceUid?: string;
    seriesInstanceUid?: string;
    transferSyntaxUid?: string;
  };
  display: DisplayRecord;
  resize: Placement & { filter: 'triangle (antialiased bilinear), half-pixel centres'; rounding: 'once, after resizing' };
  output: { width: number; height: number; channels: 3; bitsPerSample: 8; mimeType: 'image/png'; sha256: string; pixelsSha256: string };
}

export interface PreprocessedImage {
  /** PNG bytes, 896×896 RGB 8-bit. */
  png: Uint8Array;
  /** The same pixels raw: RGB interleaved, row-major. */
  pixels: Uint8Array;
  record: PreprocessRecord;
}

export async function preprocessForMedGemma(image: ModalityImage, options: PreprocessOptions = {}): Promise<PreprocessedImage> {
  const frameIndex = options.frame ?? 0;
  const frame = checkImage(image, frameIndex, { ...defaultPreprocessLimits, ...options.limits });
  const size = medGemmaImageSize;
  const display = displayFor(image, frame);
  const place = placement(image.columns, image.rows, size);
  const pixels = resizeOntoCanvas(display.readRow, image.columns, image.rows, display.record.channels, place, size);
  // Fast zlib, no adaptive filtering: the PNG only crosses loopback to the model server, and level 6
  // cost 20–30 ms per image (measured by bench/imaging) for a file about a third smaller.
  const png = new Uint8Array(await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer());
  const { source } = image;
  const record: PreprocessRecord = {
    version: preprocessVersion,
    source: {
      format: source.format,
      sha256: source.sha256,
      modality: image.modality,
      photometric: image.photometric,
      rows: image.rows,
      columns: image.columns,
      samplesPerPixel: image.samplesPerPixel,
      bitsStored: image.bitsStored,
      frame: frameIndex,
      frames: image.frames.length,
      ...definedOnly({
        sopClassUid: source.sopClassUid,
        sopInstanceUid: source.sopInstanceUid,
        studyInstanceUid: source.studyInstanceUid,
        seriesInstanceUid: source.seriesInstanceUid,
        transferSyntaxUid: source.transferSyntaxUid,
      }),
    },
    display: display.record,
    resize: { ...place, filter: 'triangle (antialiased bilinear), half-pixel centres', rounding: 'once, after resizing' },
    output: { width: size, height: size, channels: 3, bitsPerSample: 8, mimeType: 'image/png', sha256: sha256(png), pixelsSha256: sha256(pixels) },
  };
  return { png, pixels, record };
}

/** The frame to process, after every check that must pass before any work; errors say what to change. */
function checkImage(image: ModalityImage, frameIndex: number, limits: PreprocessLimits): Float32Array {
  const { rows, columns, samplesPerPixel } = image;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) throw badRequest(`the image's size ${columns}×${rows} is not a positive whole number of pixels`);
  if (rows > limits.maxRows || columns > limits.maxColumns) {
    throw new NorthstationError('payload_too_large', `the image is ${columns}×${rows} pixels; at most ${limits.maxColumns}×${limits.maxRows} is accepted for preprocessing`, { rows, columns });
  }
  if (samplesPerPixel === 3 && image.photometric !== 'RGB') throw badRequest(`a 3-sample image must be RGB, not ${image.photometric}`);
  if (samplesPerPixel === 1 && image.photometric === 'RGB') throw badRequest('an RGB image must have 3 samples per pixel');
  if (!Number.isInteger(image.bitsStored) || image.bitsStored < 1 || image.bitsStored > 32) throw badRequest(`bits stored ${image.bitsStored} is outside 1–32`);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= image.frames.length) throw badRequest(`frame ${frameIndex} does not exist: the image has ${image.frames.length} frame(s)`, { frame: frameIndex });
  const frame = image.frames[frameIndex];
  const expected = rows * columns * samplesPerPixel;
  if (frame?.length !== expected) throw badRequest(`frame ${frameIndex} holds ${frame?.length ?? 0} samples; ${columns}×${rows}×${samplesPerPixel} needs ${expected}`);
  for (const value of frame) if (!Number.isFinite(value)) throw badRequest(`frame ${frameIndex} holds a pixel value that is not a finite number`);
  return frame;
}

function definedOnly<T extends Record<string, string | undefined>>(fields: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
