import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../core/errors.ts';
import { decodeImageDataUri } from './image-data-uri.ts';

const pngBytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const jpegBytes = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const refused = (url: string, pattern: RegExp): void => {
  assert.throws(
    () => decodeImageDataUri(url, 'messages[0].content[1]'),
    (error) => isNorthstationError(error, 'bad_request') && pattern.test(error.message) && error.details.param === 'messages[0].content[1]',
  );
};

test('PNG and JPEG data URIs decode to bytes', () => {
  assert.deepEqual(decodeImageDataUri(`data:image/png;base64,${base64(pngBytes)}`, 'p'), { type: 'image', data: pngBytes, mimeType: 'image/png' });
  assert.deepEqual(decodeImageDataUri(`DATA:image/JPG;base64,${base64(jpegBytes)}`, 'p'), { type: 'image', data: jpegBytes, mimeType: 'image/jpeg' });
});

test('remote URLs are refused without being fetched', () => {
  refused('https://example.org/x.png', /never fetches/);
  refused('HTTP://10.0.0.1/x.png', /never fetches/);
  refused('file:///etc/passwd', /data: URI/);
});

test('malformed, non-base64 and unsupported data URIs are refused', () => {
  refused('data:image/png,rawbytes', /base64-encoded/);
  refused('data:image/png;base64', /base64-encoded/);
  refused(`data:image/gif;base64,${base64(pngBytes)}`, /PNG and JPEG/);
  refused('data:image/png;base64,not base64!', /not valid base64/);
  refused(`data:image/png;base64,${base64(jpegBytes)}`, /not a PNG/);
  refused('data:image/jpeg;base64,', /not a JPEG/);
});
