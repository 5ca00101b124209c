import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { sharedDataDir } from '../../core/shared-data.ts';
import { checkImageHeader } from './image-header.ts';

/** A PNG that is only a signature and an IHDR declaring `width`×`height`: enough for a header check, nothing to decode. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

test('the header check reads size and modality without decoding pixels', async () => {
  const dicom = await readFile(join(sharedDataDir(), 'dicom', 'CT_small.dcm'));
  assert.deepEqual(checkImageHeader('application/dicom', dicom), { mediaType: 'application/dicom', rows: 128, columns: 128, frames: 1, modality: 'CT' });
  assert.deepEqual(checkImageHeader('image/png', pngHeader(640, 480)), { mediaType: 'image/png', rows: 480, columns: 640, frames: 1, modality: 'OT' });
});

test('a declared size over the limits is payload_too_large before any decoding; a mislabelled file is bad_request', () => {
  assert.throws(() => checkImageHeader('image/png', pngHeader(20_000, 10)), (error) => isNorthstationError(error, 'payload_too_large'));
  assert.throws(() => checkImageHeader('image/jpeg', pngHeader(10, 10)), (error) => isNorthstationError(error, 'bad_request') && /not a JPEG/.test(error.message));
});
