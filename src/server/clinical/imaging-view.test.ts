/** The viewer's pixels (imaging-view.ts): the resampling, and both view routes through the real app. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { sharedDataDir } from '../../core/shared-data.ts';
import { decodeDicom } from '../../imaging/dicom/decode.ts';
import { areaAverage, boxTaps } from '../../imaging/preprocess-resize.ts';
import { viewSize, type ImageView } from './imaging-view.ts';
import { images, imagingDraft, receiveStudy, storedUpload, uploadId, visionRunner } from './imaging-test-support.ts';
import { call, errorOf, freshHarnesses } from './test-helpers.ts';

const dicom = (name: string): Buffer => readFileSync(join(sharedDataDir(), 'dicom', name));

const fresh = freshHarnesses(() => ({ runner: visionRunner().runner }));

function viewOf(response: LightMyRequestResponse): ImageView {
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return response.json<ImageView>();
}

/** A 'mono' view's pixels as numbers (base64 of Float32 little endian). */
function floats(view: ImageView): Float32Array {
  const bytes = Buffer.from(view.pixels, 'base64');
  assert.equal(bytes.length, view.width * view.height * 4);
  const out = new Float32Array(view.width * view.height);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

const mean = (values: Float32Array): number => values.reduce((sum, value) => sum + value, 0) / values.length;

test('area averaging: whole blocks are their means, a fractional cover weights by overlap, the mean is kept', () => {
  // 4×4 → 2×2: each output is the mean of its 2×2 block.
  const square = Float32Array.from({ length: 16 }, (_, i) => i);
  assert.deepEqual(Array.from(areaAverage(square, 4, 4, 1, 2, 2)), [2.5, 4.5, 10.5, 12.5]);
  // 3 → 2 along one axis: [a, b, c] → [(a + b/2) / 1.5, (b/2 + c) / 1.5].
  const row = areaAverage(Float32Array.from([3, 6, 9]), 3, 1, 1, 2, 1);
  assert.ok(Math.abs(row[0]! - 4) < 1e-5 && Math.abs(row[1]! - 8) < 1e-5, String(Array.from(row)));
  const taps = boxTaps(3, 2);
  assert.deepEqual([taps.start[1], taps.count[1]], [1, 2]);
  // Interleaved RGB channels stay apart.
  const rgb = Float32Array.from([10, 0, 100, 30, 0, 200]);
  assert.deepEqual(Array.from(areaAverage(rgb, 2, 1, 3, 1, 1)), [20, 0, 150]);
  // Sizes: longer side to `size`, aspect kept, never upscaled.
  assert.deepEqual(viewSize(1841, 1955, 1024), { width: 964, height: 1024 });
  assert.deepEqual(viewSize(64, 64, 1024), { width: 64, height: 64 });
  assert.deepEqual(viewSize(4000, 10, 64), { width: 64, height: 1 });
});

test('RG1_J2KI.dcm (JPEG 2000 CR, MONOCHROME1) uploaded then viewed: scaled, its header window, the decoded values', async () => {
  const h = await fresh();
  const decoded = await decodeDicom(images.dicom);
  const source = decoded.frames[0]!;
  const id = await uploadId(h, 'nurse');

  const view = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view` }));
  assert.deepEqual(
    { width: view.width, height: view.height, sourceWidth: view.sourceWidth, sourceHeight: view.sourceHeight, frame: view.frame, frameCount: view.frameCount },
    { width: 964, height: 1024, sourceWidth: 1841, sourceHeight: 1955, frame: 0, frameCount: 1 },
  );
  assert.equal(view.kind, 'mono');
  assert.equal(view.invert, true);
  assert.equal(view.modality, 'CR');
  assert.deepEqual(view.window, { center: decoded.windows[0]!.center, width: decoded.windows[0]!.width });
  assert.deepEqual(view.window, { center: 15000, width: 30000 });
  const values = floats(view);
  // Area averaging keeps the mean; every value lies within its source block's range.
  assert.ok(Math.abs(mean(values) - mean(source)) < 1e-3 * Math.abs(mean(source)), `${mean(values)} vs ${mean(source)}`);
  for (const [x, y] of [[0, 0], [500, 300], [963, 1023], [123, 877]] as const) {
    const x0 = Math.floor((x * 1841) / 964);
    const x1 = Math.ceil(((x + 1) * 1841) / 964);
    const y0 = Math.floor((y * 1955) / 1024);
    const y1 = Math.ceil(((y + 1) * 1955) / 1024);
    let low = Infinity;
    let high = -Infinity;
    for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) {
      low = Math.min(low, source[sy * 1841 + sx]!);
      high = Math.max(high, source[sy * 1841 + sx]!);
    }
    const value = values[y * 964 + x]!;
    assert.ok(value >= low - 1e-3 && value <= high + 1e-3, `(${x}, ${y}): ${value} outside ${low}…${high}`);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  assert.deepEqual(view.range, { min, max });

  // At 1:1 (size ≥ the longer side) the values are the decoder's exactly.
  const full = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view?size=2048&frame=0` }));
  assert.deepEqual([full.width, full.height], [1841, 1955]);
  const exact = floats(full);
  for (const at of [0, 1841 * 977 + 920, 1841 * 1955 - 1, 123_456]) assert.equal(exact[at], source[at], `pixel ${at}`);
  assert.deepEqual(exact, source);

  // A smaller size; each view is an audited upload.read by the viewer.
  const small = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view?size=64` }));
  assert.deepEqual([small.width, small.height], [60, 64]);
  const reads = (await h.store.listAuditEvents({ resourceId: id })).filter((event) => event.action === 'upload.read' && event.user === h.ids.nurse);
  assert.equal(reads.length, 3);
});

test('a MONOCHROME2 file is not inverted; a multi-frame file answers the frame asked for; a frame it lacks is 400', async () => {
  const h = await fresh();
  const mr = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${await uploadId(h, 'nurse', dicom('MR_small.dcm'))}/view` }));
  assert.deepEqual([mr.kind, mr.invert, mr.modality, mr.width, mr.height], ['mono', false, 'MR', 64, 64]);
  assert.deepEqual(mr.window, { center: 600, width: 1600 });
  assert.deepEqual(floats(mr), (await decodeDicom(dicom('MR_small.dcm'))).frames[0]);

  const bytes = dicom('emri_small_RLE.dcm');
  const id = await uploadId(h, 'nurse', bytes);
  const last = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view?frame=9` }));
  assert.deepEqual([last.frame, last.frameCount, last.window], [9, 10, null]);
  const decoded = await decodeDicom(bytes);
  assert.deepEqual(floats(last), decoded.frames[9]);
  assert.notDeepEqual(floats(last), decoded.frames[0]);

  for (const query of ['frame=10', 'frame=-1', 'frame=1.5', 'frame=abc', 'size=63', 'size=2049', 'colour=red']) {
    const response = await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view?${query}` });
    assert.equal(response.statusCode, 400, query);
    assert.equal(errorOf(response).code, 'bad_request', query);
  }
  assert.match(errorOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view?frame=10` })).message, /frame 10 does not exist \(the image has 10/);
});

test('PNG uploads: a colour one is RGBA, a greyscale radiograph is mono with the full-range window', async () => {
  const h = await fresh();
  // 40×20: the left half red, the right half blue.
  const pixels = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) pixels.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  const png = await sharp(pixels, { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer();
  const colour = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${await uploadId(h, 'nurse', png, 'image/png')}/view` }));
  assert.deepEqual(
    { kind: colour.kind, invert: colour.invert, window: colour.window, modality: colour.modality, width: colour.width, height: colour.height, range: colour.range },
    { kind: 'rgb', invert: false, window: null, modality: null, width: 40, height: 20, range: { min: 0, max: 255 } },
  );
  const rgba = Buffer.from(colour.pixels, 'base64');
  assert.equal(rgba.length, 40 * 20 * 4);
  assert.deepEqual([...rgba.subarray(0, 4)], [255, 0, 0, 255]);
  assert.deepEqual([...rgba.subarray((5 * 40 + 30) * 4, (5 * 40 + 30) * 4 + 4)], [0, 0, 255, 255]);

  const cxr = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${await uploadId(h, 'nurse', images.cxr, 'image/png')}/view?size=256` }));
  assert.deepEqual([cxr.kind, cxr.invert, cxr.modality, cxr.sourceWidth, cxr.width, cxr.height], ['mono', false, null, 512, 256, 256]);
  assert.deepEqual(cxr.window, { center: 128, width: 256 });
  assert.ok(cxr.range.min >= 0 && cxr.range.max <= 255 && cxr.range.max > cxr.range.min);
});

test("who views an upload: its uploader; others only once a draft they may read names it; an admin never", async () => {
  const h = await fresh();
  const id = await uploadId(h, 'nurse', images.cxr, 'image/png');
  const url = `/api/imaging/uploads/${id}/view?size=64`;
  // Not yet named by a draft: the same 404 as an unknown id, for the physician and the integration.
  for (const role of ['physician', 'integration'] as const) assert.equal(errorOf(await call(h, role, { method: 'GET', url })).code, 'not_found', role);
  assert.equal(errorOf(await call(h, 'nurse', { method: 'GET', url: '/api/imaging/uploads/img_AAAAAAAAAAAAAAAAAAAAAA/view' })).code, 'not_found');
  assert.equal(errorOf(await call(h, 'admin', { method: 'GET', url })).code, 'forbidden');
  assert.equal((await call(h, undefined, { method: 'GET', url })).statusCode, 401);

  await imagingDraft(h, h.ids.nurse, { upload: id });
  viewOf(await call(h, 'physician', { method: 'GET', url }));
  // An integration reads only its own drafts.
  assert.equal((await call(h, 'integration', { method: 'GET', url })).statusCode, 404);
  assert.ok((await h.store.listAuditEvents({ resourceId: id })).some((event) => event.action === 'upload.read' && event.user === h.ids.physician));
});

test('a file the decoder cannot read is 501 unsupported', async () => {
  const h = await fresh();
  // Bits Allocated 16 → 12 in MR_small.dcm: stored directly (the upload route's header check would refuse it).
  const bytes = Buffer.from(dicom('MR_small.dcm'));
  const at = bytes.indexOf(Buffer.from([0x28, 0x00, 0x00, 0x01, 0x55, 0x53, 0x02, 0x00, 0x10, 0x00]));
  assert.ok(at > 0);
  bytes[at + 8] = 12;
  const id = await storedUpload(h, h.ids.nurse, bytes, 'application/dicom');
  const response = await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${id}/view` });
  assert.equal(response.statusCode, 501, response.body);
  assert.equal(errorOf(response).code, 'unsupported');
});

test('a received study instance: patient readers view it (an audited study.read), as the upload of the same file', async () => {
  const h = await fresh();
  const { sopInstanceUid } = await receiveStudy(h);
  const url = `/api/studies/instances/${sopInstanceUid}/view?size=512`;
  const view = viewOf(await call(h, 'physician', { method: 'GET', url }));
  assert.deepEqual([view.kind, view.invert, view.modality, view.width, view.height, view.sourceWidth], ['mono', true, 'CR', 482, 512, 1841]);
  const asUpload = viewOf(await call(h, 'nurse', { method: 'GET', url: `/api/imaging/uploads/${await uploadId(h, 'nurse')}/view?size=512` }));
  assert.equal(view.pixels, asUpload.pixels);
  assert.deepEqual(view.window, asUpload.window);
  const reads = await h.store.listAuditEvents({ resourceId: sopInstanceUid });
  assert.ok(reads.some((event) => event.action === 'study.read' && event.user === h.ids.physician), JSON.stringify(reads.map((event) => event.action)));

  for (const role of ['admin', 'integration'] as const) assert.equal(errorOf(await call(h, role, { method: 'GET', url })).code, 'forbidden', role);
  assert.equal(errorOf(await call(h, 'nurse', { method: 'GET', url: '/api/studies/instances/1.2.3.4/view' })).code, 'not_found');
  assert.equal(errorOf(await call(h, 'nurse', { method: 'GET', url: '/api/studies/instances/not-a-uid/view' })).code, 'bad_request');
  assert.equal(errorOf(await call(h, 'nurse', { method: 'GET', url: `/api/studies/instances/${sopInstanceUid}/view?frame=1` })).code, 'bad_request');
});
