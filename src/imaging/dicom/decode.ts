/**
 * DICOM Part 10 bytes → ModalityImage (src/imaging/image.ts). The file is
 * parsed, the pixel header checked against the limits, each frame decoded by
 * its transfer syntax's codec and checked against the declared size, then the
 * Modality LUT applied. Nothing identifying the patient is copied out.
 */
import { createHash } from 'node:crypto';
import { NorthstationError, badRequest } from '../../core/errors.ts';
import type { ModalityImage } from '../image.ts';
import { encapsulatedFrames, nativeFrames } from './frames.ts';
import { pixelSpacingOf, readPixelHeader, rescaleFor, voiLutOf, windowsOf, type PixelHeader } from './header.ts';
import { decodeJpeg, readJpegFrame } from './jpeg.ts';
import { defaultLimits, type DecodeLimits } from './limits.ts';
import { parsePart10, tagOf, type ParsedFile } from './parse.ts';
import { decodeRle } from './rle.ts';
import { applyModality, interleavePlanes, nativeSamples, toStored, ybrToRgb, type Samples } from './samples.ts';
import { text, tags } from './values.ts';
import { decodeJpeg2000, decodeJpegLs } from './wasm-codecs.ts';

export interface DecodeOptions {
  /** Overrides of `defaultLimits` (limits.ts). */
  limits?: Partial<DecodeLimits>;
}

export interface StoredFrames {
  parsed: ParsedFile;
  header: PixelHeader;
  /** Stored values per frame (Bits Stored masked, sign-extended; YCbCr already turned into RGB). */
  frames: Int32Array[];
}

async function frameSamples(parsed: ParsedFile, header: PixelHeader, frame: Uint8Array): Promise<Samples> {
  const shape = { rows: header.rows, columns: header.columns, samplesPerPixel: header.samplesPerPixel };
  switch (parsed.syntax.encoding) {
    case 'native':
      return nativeSamples(frame, header.bitsAllocated, parsed.syntax.littleEndian);
    case 'rle':
      return nativeSamples(decodeRle(frame, { ...shape, bitsAllocated: header.bitsAllocated }), header.bitsAllocated, true);
    case 'jpeg-dct':
    case 'jpeg-lossless': {
      const declared = readJpegFrame(frame);
      if (declared.rows !== header.rows || declared.columns !== header.columns || declared.components.length !== header.samplesPerPixel) {
        throw badRequest(`JPEG frame is ${declared.columns}×${declared.rows}×${declared.components.length}, the DICOM header declares ${header.columns}×${header.rows}×${header.samplesPerPixel}`);
      }
      return decodeJpeg(frame).data;
    }
    case 'jpeg-ls':
      return (await decodeJpegLs(frame, shape)).data;
    case 'j2k':
      return (await decodeJpeg2000(frame, shape)).data;
  }
}

/** Decodes to stored values, before the Modality LUT: what dcm2pnm -M writes, and what the tests compare. */
export async function decodeStoredFrames(bytes: Uint8Array, options: DecodeOptions = {}): Promise<StoredFrames> {
  const limits = { ...defaultLimits, ...options.limits };
  const parsed = parsePart10(bytes, limits);
  const ds = parsed.dataset;
  const pixelData = ds.elements.get(tags.pixelData);
  if (pixelData === undefined) {
    if (ds.elements.has(tags.floatPixelData) || ds.elements.has(tags.doubleFloatPixelData)) {
      throw new NorthstationError('unsupported', 'float pixel data is not supported');
    }
    const sopClassUid = text(ds, tags.sopClassUid) ?? text(parsed.meta, tagOf(0x0002, 0x0002));
    throw badRequest(`DICOM file has no pixel data (7FE0,0010): it is not an image (SOP class ${sopClassUid ?? 'unknown'})`, { sopClassUid });
  }
  const header = readPixelHeader(ds, limits);
  const encapsulated = pixelData.fragments !== undefined;
  if (encapsulated !== (parsed.syntax.encoding !== 'native')) {
    throw badRequest(`pixel data is ${encapsulated ? '' : 'not '}encapsulated, but the transfer syntax ${parsed.syntax.uid} says otherwise`);
  }
  const pixels = header.rows * header.columns;
  const count = pixels * header.samplesPerPixel;
  if (!encapsulated && header.photometric === 'YBR_FULL_422') {
    throw new NorthstationError('unsupported', 'uncompressed YBR_FULL_422 (subsampled chroma) is not supported');
  }
  const encoded = encapsulated
    ? encapsulatedFrames(pixelData, header.frameCount)
    : nativeFrames(pixelData, header.frameCount, (count * header.bitsAllocated) / 8);
  const frames: Int32Array[] = [];
  for (const frame of encoded) {
    let samples = await frameSamples(parsed, header, frame);
    if (samples.length < count) throw badRequest(`frame decoded to ${samples.length} samples, ${count} expected`);
    // Planar configuration describes native and RLE data; codecs hand back interleaved samples.
    if (header.planar && header.samplesPerPixel === 3 && (parsed.syntax.encoding === 'native')) samples = interleavePlanes(samples, pixels);
    const stored = toStored(samples, count, header.bitsStored, header.signed);
    const ybr = header.photometric === 'YBR_FULL' || header.photometric === 'YBR_FULL_422';
    // J2K's YBR_RCT/ICT are undone by the codec; JPEG and native YBR_FULL are converted here.
    if (ybr) ybrToRgb(stored, header.bitsStored);
    frames.push(stored);
  }
  return { parsed, header, frames };
}

export async function decodeDicom(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ModalityImage> {
  const { parsed, header, frames } = await decodeStoredFrames(bytes, options);
  const ds = parsed.dataset;
  const grey = header.samplesPerPixel === 1;
  const image: ModalityImage = {
    rows: header.rows,
    columns: header.columns,
    samplesPerPixel: header.samplesPerPixel,
    photometric: header.photometric === 'MONOCHROME1' || header.photometric === 'MONOCHROME2' ? header.photometric : 'RGB',
    frames: frames.map((stored, i) => {
      // The Modality LUT applies to greyscale only (PS3.3 C.11.1).
      const { slope, intercept } = grey ? rescaleFor(ds, i) : { slope: 1, intercept: 0 };
      return applyModality(stored, slope, intercept);
    }),
    bitsStored: header.bitsStored,
    windows: grey ? windowsOf(ds) : [],
    modality: text(ds, tags.modality) ?? 'OT',
    source: {
      format: 'dicom',
      transferSyntaxUid: parsed.syntax.uid,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  };
  const voiLut = grey ? voiLutOf(ds, header.signed) : undefined;
  if (voiLut !== undefined) image.voiLut = voiLut;
  const spacing = pixelSpacingOf(ds);
  if (spacing !== undefined) image.pixelSpacing = spacing;
  const uids = { sopClassUid: tags.sopClassUid, studyInstanceUid: tags.studyInstanceUid, seriesInstanceUid: tags.seriesInstanceUid, sopInstanceUid: tags.sopInstanceUid } as const;
  for (const [key, tag] of Object.entries(uids) as [keyof typeof uids, number][]) {
    const value = text(ds, tag);
    if (value !== undefined) image.source[key] = value;
  }
  return image;
}
