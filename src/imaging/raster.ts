/**
 * PNG and JPEG uploads → ModalityImage (modality 'OT'). The declared size is
 * read from the header (PNG IHDR, JPEG SOF) and checked against the limits
 * BEFORE anything is decoded, so a small file that inflates to gigabytes (a
 * decompression bomb) is refused at the cost of reading a few bytes; sharp's
 * own pixel limit is set as well, in case a header lies.
 *
 * Greyscale when every pixel has R = G = B (a CXR saved as RGB is still a
 * greyscale image, and the display step treats it as one), RGB otherwise.
 */
import { createHash } from 'node:crypto';
import sharp, { type OutputInfo } from 'sharp';
import { NorthstationError, badRequest } from '../core/errors.ts';
import type { ModalityImage, VoiWindow } from './image.ts';

export interface RasterLimits {
  /** Largest upload. Default 64 MiB. */
  maxBytes: number;
  /** Widest and tallest declared image. Default 16384 (as DICOM, dicom/limits.ts). */
  maxSide: number;
  /** Most declared pixels: 2^25 (≈ 33.5 MP, 5792×5792) by default, ≈ 400 MB as Float32 RGB. */
  maxPixels: number;
}

export const defaultRasterLimits: RasterLimits = { maxBytes: 64 * 1024 * 1024, maxSide: 16384, maxPixels: 2 ** 25 };

export type RasterFormat = 'png' | 'jpeg';

/** The format the bytes say they are (signature), or undefined. */
export function sniffRaster(bytes: Uint8Array): RasterFormat | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((byte, index) => bytes[index] === byte)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Width and height as the header declares them, read without decoding. */
export function declaredSize(bytes: Uint8Array, format: RasterFormat): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    // The first chunk must be IHDR (PNG spec 5.6): length, "IHDR", width, height.
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw badRequest('the PNG has no IHDR header');
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw badRequest('the JPEG header is malformed');
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; } // no length
    const length = view.getUint16(at + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) break;
      return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    if (marker === 0xda || length < 2) break; // scan data before any frame header
    at += 2 + length;
  }
  throw badRequest('the JPEG has no frame header (SOF) before its image data');
}

export async function rasterToModalityImage(bytes: Uint8Array, options: { limits?: Partial<RasterLimits> } = {}): Promise<ModalityImage> {
  const limits = { ...defaultRasterLimits, ...options.limits };
  if (bytes.length > limits.maxBytes) throw new NorthstationError('payload_too_large', `the image file is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted`, { bytes: bytes.length });
  const format = sniffRaster(bytes);
  if (format === undefined) throw badRequest('the upload is neither a PNG nor a JPEG image');
  const { width, height } = declaredSize(bytes, format);
  if (width < 1 || height < 1) throw badRequest(`the ${format.toUpperCase()} declares an empty image (${width}×${height})`);
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new NorthstationError(
      'payload_too_large',
      `the ${format.toUpperCase()} declares ${width}×${height} pixels; at most ${limits.maxSide} per side and ${limits.maxPixels} in all are accepted (refused before decoding)`,
      { width, height },
    );
  }
  const decoded = await decode(bytes, format, limits.maxPixels);
  return {
    rows: decoded.height,
    columns: decoded.width,
    samplesPerPixel: decoded.samples,
    photometric: decoded.samples === 3 ? 'RGB' : 'MONOCHROME2',
    frames: [decoded.frame],
    bitsStored: decoded.bits,
    windows: decoded.bits === 8 && decoded.samples === 1 ? [fullRange8Bit] : [],
    modality: 'OT',
    source: { format, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

/**
 * An 8-bit PNG/JPEG is already a rendered display image: this window (PS3.3
 * linear function, centre 128, width 256) maps every value to itself, so the
 * contrast the uploader saw is kept rather than stretched to min/max. 16-bit
 * files get none (they often use 12 of 16 bits): preprocessing uses min/max.
 */
export const fullRange8Bit: VoiWindow = { center: 128, width: 256, explanation: 'FULL RANGE (8-bit display image)' };

interface Decoded {
  width: number;
  height: number;
  samples: 1 | 3;
  bits: 8 | 16;
  frame: Float32Array;
}

async function decode(bytes: Uint8Array, format: RasterFormat, maxPixels: number): Promise<Decoded> {
  const open = () => sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', autoOrient: true });
  let raw: { data: Buffer; info: OutputInfo };
  let bits: 8 | 16;
  try {
    const meta = await open().metadata();
    if (meta.format !== format) throw badRequest(`the file's signature says ${format} but it decodes as ${meta.format}`);
    bits = meta.depth === 'ushort' ? 16 : 8;
    const colour = meta.channels - (meta.hasAlpha ? 1 : 0) >= 3;
    // Alpha is dropped (not composited): an X-ray has no meaningful transparency.
    const space = colour ? (bits === 16 ? 'rgb16' : 'srgb') : bits === 16 ? 'grey16' : 'b-w';
    raw = await open().removeAlpha().toColourspace(space).raw({ depth: bits === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (error instanceof NorthstationError) throw error;
    throw badRequest(`the ${format.toUpperCase()} could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { width, height, channels } = raw.info;
  // Copied into an aligned array: a Buffer's byteOffset need not be a multiple of 2.
  const samples = bits === 16 ? new Uint16Array(new Uint8Array(raw.data).buffer) : new Uint8Array(raw.data);
  if (channels !== 1 && channels !== 3) throw badRequest(`the image decodes to ${channels} channels; 1 or 3 are expected`);
  if (samples.length !== width * height * channels) throw badRequest(`the image decodes to ${samples.length} samples, not ${width}×${height}×${channels}`);
  if (channels === 1 || !allGrey(samples)) return { width, height, samples: channels, bits, frame: Float32Array.from(samples) };
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = samples[i * 3] ?? 0;
  return { width, height, samples: 1, bits, frame: grey };
}

function allGrey(rgb: Uint8Array | Uint16Array): boolean {
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] !== rgb[i + 1] || rgb[i] !== rgb[i + 2]) return false;
  return true;
}
