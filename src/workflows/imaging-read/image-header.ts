/**
 * A cheap check that bytes are an image the imaging read's decoders will take,
 * from the header alone: the clinical API's upload route runs it before
 * keeping a file, so a wrong file (an SR, a PDF sent as image/png, an image
 * over the limits) is refused at upload with the decoder's own reason rather
 * than minutes later when a draft is asked for. Pixels are not decoded here:
 * a 64 MiB compressed series would decode to gigabytes, and that cost belongs
 * to the draft, which runs under the runner's concurrency limit.
 */
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { readPixelHeader } from '../../imaging/dicom/header.ts';
import { defaultLimits } from '../../imaging/dicom/limits.ts';
import { parsePart10, tagOf } from '../../imaging/dicom/parse.ts';
import { text, tags } from '../../imaging/dicom/values.ts';
import { declaredSize, defaultRasterLimits, sniffRaster } from '../../imaging/raster.ts';

/** What the header says, without anything about the patient. */
export interface ImageHeader {
  mediaType: 'application/dicom' | 'image/png' | 'image/jpeg';
  rows: number;
  columns: number;
  frames: number;
  /** DICOM modality (CR, CT, …); 'OT' for PNG/JPEG. */
  modality: string;
}

export const uploadMediaTypes = ['application/dicom', 'image/png', 'image/jpeg'] as const;
export type UploadMediaType = (typeof uploadMediaTypes)[number];

export function isUploadMediaType(value: string): value is UploadMediaType {
  return (uploadMediaTypes as readonly string[]).includes(value);
}

/** The header of `bytes` as `mediaType`, or the decoder's refusal ('bad_request', 'unsupported', 'payload_too_large'). */
export function checkImageHeader(mediaType: UploadMediaType, bytes: Uint8Array): ImageHeader {
  if (mediaType === 'application/dicom') return dicomHeader(bytes);
  const format = sniffRaster(bytes);
  const expected = mediaType === 'image/png' ? 'png' : 'jpeg';
  if (format !== expected) throw badRequest(`the file is not a ${expected.toUpperCase()} image (its first bytes say ${format ?? 'neither PNG nor JPEG'}); send it with its own Content-Type`);
  const { width, height } = declaredSize(bytes, format);
  const limits = defaultRasterLimits;
  if (width < 1 || height < 1) throw badRequest(`the ${format.toUpperCase()} declares an empty image (${width}×${height})`);
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new NorthstationError('payload_too_large', `the ${format.toUpperCase()} declares ${width}×${height} pixels; at most ${limits.maxSide} per side and ${limits.maxPixels} in all are accepted`);
  }
  return { mediaType, rows: height, columns: width, frames: 1, modality: 'OT' };
}

function dicomHeader(bytes: Uint8Array): ImageHeader {
  const parsed = parsePart10(bytes, defaultLimits);
  const ds = parsed.dataset;
  if (!ds.elements.has(tags.pixelData)) {
    // The same words the decoder uses (decode.ts), so the refusal reads alike at upload and at draft.
    const sopClassUid = text(ds, tags.sopClassUid) ?? text(parsed.meta, tagOf(0x0002, 0x0002));
    throw badRequest(`DICOM file has no pixel data (7FE0,0010): it is not an image (SOP class ${sopClassUid ?? 'unknown'})`, { sopClassUid });
  }
  const header = readPixelHeader(ds, defaultLimits);
  return { mediaType: 'application/dicom', rows: header.rows, columns: header.columns, frames: header.frameCount, modality: text(ds, tags.modality) ?? 'OT' };
}
