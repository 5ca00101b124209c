/**
 * Images arrive inline as base64 `data:` URIs. The server never fetches a URL:
 * a fetch would let a request make this host reach other machines (and could
 * send patient images off-site), so http(s) URLs are refused outright.
 */
import { badRequest } from '../core/errors.ts';
import type { ImagePart } from '../engine/chat-model.ts';

const declaredTypes = new Map<string, ImagePart['mimeType']>([
  ['image/png', 'image/png'],
  ['image/jpeg', 'image/jpeg'],
  ['image/jpg', 'image/jpeg'],
]);

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a `data:image/png;base64,...` or JPEG URI; `param` names the field in error answers. */
export function decodeImageDataUri(url: string, param: string): ImagePart {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    throw badRequest('remote image URLs are refused: the server never fetches URLs; send the image inline as a base64 data: URI', { param });
  }
  if (scheme !== 'data') throw badRequest('image_url must be a base64 data: URI (data:image/png;base64,...)', { param });

  // Split at the first comma by hand: the payload can be megabytes, the header is short.
  const comma = url.indexOf(',');
  const header = comma < 0 ? '' : url.slice('data:'.length, comma).toLowerCase();
  const [declaredType = '', ...parameters] = header.split(';');
  if (comma < 0 || !parameters.includes('base64')) throw badRequest('image data: URIs must be base64-encoded', { param });
  const mimeType = declaredTypes.get(declaredType);
  if (!mimeType) throw badRequest('only PNG and JPEG images are supported', { param });

  const payload = url.slice(comma + 1);
  if (!base64Pattern.test(payload)) throw badRequest('image data is not valid base64', { param });
  const data = new Uint8Array(Buffer.from(payload, 'base64'));
  if (sniffImageType(data) !== mimeType) throw badRequest(`image data is not a ${mimeType === 'image/png' ? 'PNG' : 'JPEG'} image`, { param });
  return { type: 'image', data, mimeType };
}

/** The type the bytes themselves say, so a mislabelled or truncated upload fails here, not inside the model. */
function sniffImageType(data: Uint8Array): ImagePart['mimeType'] | undefined {
  const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (pngSignature.every((byte, index) => data[index] === byte)) return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return undefined;
}
