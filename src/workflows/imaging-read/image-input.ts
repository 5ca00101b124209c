/**
 * The image an imaging read takes: the uploaded file itself, inline as a
 * base64 `data:` URI, never a URL (nothing is fetched: a fetch could reach
 * other machines or send a patient's image off-site). The workflow decodes
 * and preprocesses it, so the preprocessing record in the draft's provenance
 * is computed here, not asserted by the caller.
 *
 * Decoders are keyed by media type: PNG and JPEG (imaging/raster.ts) and
 * DICOM Part 10 (`application/dicom`, imaging/dicom/decode.ts), each producing
 * the same ModalityImage. The decoder's own refusals stand: a file without
 * pixel data (an SR) is 'bad_request' naming its SOP class, a transfer syntax
 * or photometric it cannot decode is 'unsupported'.
 */
import { badRequest } from '../../core/errors.ts';
import { decodeDicom } from '../../imaging/dicom/decode.ts';
import type { ModalityImage } from '../../imaging/image.ts';
import { defaultRasterLimits, rasterToModalityImage } from '../../imaging/raster.ts';

export type ImageDecoder = (bytes: Uint8Array) => Promise<ModalityImage>;

export const defaultDecoders: Readonly<Record<string, ImageDecoder>> = {
  'image/png': (bytes) => rasterToModalityImage(bytes),
  'image/jpeg': (bytes) => rasterToModalityImage(bytes),
  'application/dicom': (bytes) => decodeDicom(bytes),
};

/**
 * Base64 of the largest file the raster limits accept, plus a header. DICOM
 * files share this bound (64 MiB) although the decoder takes more: a larger
 * file does not fit a JSON request, and the clinical API's upload route
 * refuses it at the same size.
 */
export const maxImageDataUriChars = Math.ceil(defaultRasterLimits.maxBytes / 3) * 4 + 100;

const header = /^data:([a-z]+\/[a-z0-9.+-]+)((?:;[a-z0-9-]+=[a-z0-9.-]+)*);base64,/i;
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface ImageDataUri {
  mediaType: string;
  bytes: Uint8Array;
}

/** Why `uri` is not an image data URI the decoders take, or undefined when it is. */
export function dataUriProblem(uri: string, mediaTypes: readonly string[]): string | undefined {
  if (/^https?:/i.test(uri)) return 'remote URLs are refused: send the image inline as a base64 data: URI';
  const match = header.exec(uri);
  if (match === null) return 'must be a base64 data: URI (data:image/png;base64,…)';
  const mediaType = (match[1] ?? '').toLowerCase();
  if (!mediaTypes.includes(mediaType)) return `media type ${mediaType} is not one of ${mediaTypes.join(', ')}`;
  const payload = uri.slice(match[0].length);
  if (payload.length === 0 || payload.length % 4 !== 0 || !base64.test(payload)) return 'is not valid base64';
  return undefined;
}

/** The bytes of a data URI already checked by dataUriProblem. */
export function decodeDataUri(uri: string): ImageDataUri {
  const match = header.exec(uri);
  if (match === null) throw badRequest('image: not a data URI', { field: 'image' });
  return { mediaType: (match[1] ?? '').toLowerCase(), bytes: new Uint8Array(Buffer.from(uri.slice(match[0].length), 'base64')) };
}
