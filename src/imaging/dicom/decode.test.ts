import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNorthstationError } from '../../core/errors.ts';
import { sharedDataDir } from '../../core/shared-data.ts';
import { decodeDicom, decodeStoredFrames } from './decode.ts';

const read = (name: string): Uint8Array => readFileSync(join(sharedDataDir(), 'dicom', name));

async function rejectsWith(bytes: Uint8Array, code: string, pattern: RegExp, limits = {}): Promise<void> {
  await assert.rejects(decodeDicom(bytes, { limits }), (error: unknown) => {
    assert.ok(isNorthstationError(error), `not a NorthstationError: ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('CT: the Modality LUT gives Hounsfield units, and the result carries UIDs but no patient data', async () => {
  const bytes = read('CT_small.dcm');
  const [stored] = (await decodeStoredFrames(bytes)).frames;
  const image = await decodeDicom(bytes);
  assert.equal(image.modality, 'CT');
  assert.equal(image.frames[0]![100], stored![100]! - 1024);
  assert.equal(image.source.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.match(image.source.sopInstanceUid ?? '', /^[\d.]+$/);
  assert.deepEqual(image.pixelSpacing?.length, 2);
  assert.ok(!JSON.stringify({ ...image, frames: [] }).includes('CompressedSamples'), 'patient name leaked');
});

test('the chest radiograph stays MONOCHROME1 (not inverted) with its header window', async () => {
  const image = await decodeDicom(read('RG1_J2KI.dcm'));
  assert.equal(image.photometric, 'MONOCHROME1');
  assert.equal(image.modality, 'CR');
  assert.deepEqual([image.rows, image.columns, image.bitsStored], [1955, 1841, 15]);
  assert.ok(image.windows.length > 0 || image.voiLut !== undefined);
});

test('an enhanced multi-frame MR yields ten frames, identical across RLE, JPEG-LS and JPEG 2000', async () => {
  const [rle, ls, j2k] = await Promise.all(['emri_small_RLE.dcm', 'emri_small_jpeg_ls_lossless.dcm', 'emri_small_jpeg_2k_lossless.dcm'].map(async (name) => decodeDicom(read(name))));
  assert.equal(rle!.frames.length, 10);
  assert.deepEqual(ls!.frames, rle!.frames);
  assert.deepEqual(j2k!.frames, rle!.frames);
  assert.notDeepEqual(rle!.frames[0], rle!.frames[9]);
});

test('YCbCr JPEG comes out as RGB', async () => {
  const image = await decodeDicom(read('SC_rgb_jpeg_dcmtk.dcm'));
  assert.equal(image.photometric, 'RGB');
  assert.equal(image.frames[0]!.length, 100 * 100 * 3);
  // The first rows of this test image are pure red.
  assert.deepEqual(Array.from(image.frames[0]!.subarray(0, 3)).map((v) => v > 200), [true, false, false]);
});

test('a truncated file is a clear bad_request', async () => {
  await rejectsWith(read('rtplan_truncated.dcm'), 'bad_request', /truncated/);
});

test('files without pixels say so', async () => {
  await rejectsWith(read('reportsi.dcm'), 'bad_request', /no pixel data.*1\.2\.840\.10008\.5\.1\.4\.1\.1\.88\.11/);
  // Without a meta group length the meta group still parses; this RT image simply has no pixels.
  await rejectsWith(read('no_meta_group_length.dcm'), 'bad_request', /no pixel data.*481\.1/);
});

test('an unsupported transfer syntax is named', async () => {
  const bytes = Uint8Array.from(read('MR_small.dcm'));
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf('1.2.840.10008.1.2.1\0');
  assert.ok(at > 0);
  // Same length (20 bytes), so the element lengths stay valid.
  bytes.set(Buffer.from('1.2.840.10008.1.2.99', 'latin1'), at);
  await rejectsWith(bytes, 'unsupported', /transfer syntax 1\.2\.840\.10008\.1\.2\.99 is not supported/);
});

test('limits: file size, dimensions and inflated size are refused before decoding', async () => {
  await rejectsWith(read('CT_small.dcm'), 'payload_too_large', /over the limit/, { maxBytes: 1000 });
  await rejectsWith(read('CT_small.dcm'), 'payload_too_large', /128×128/, { maxRows: 64 });
  await rejectsWith(read('emri_small_RLE.dcm'), 'payload_too_large', /10 frames/, { maxFrames: 5 });
  await rejectsWith(read('RG1_J2KI.dcm'), 'payload_too_large', /samples/, { maxTotalSamples: 1_000_000 });
  // image_dfl.dcm inflates to more than its file size: a small cap stops the inflate itself.
  const deflated = read('image_dfl.dcm');
  await rejectsWith(deflated, 'bad_request', /inflated/, { maxBytes: deflated.byteLength + 100 });
});

test('every prefix of a file fails cleanly: never a crash or a hang', async () => {
  for (const name of ['MR_small.dcm', 'MR_small_RLE.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'emri_small_jpeg_ls_lossless.dcm', 'bad_sequence.dcm']) {
    const bytes = read(name);
    for (let cut = 0; cut < bytes.byteLength; cut += Math.max(1, Math.floor(bytes.byteLength / 97))) {
      await assert.rejects(decodeDicom(bytes.subarray(0, cut)), (error: unknown) => isNorthstationError(error, 'bad_request'), `${name} cut at ${cut}`);
    }
  }
});

test('not a Part 10 file', async () => {
  await rejectsWith(new Uint8Array(200), 'bad_request', /DICM/);
});
