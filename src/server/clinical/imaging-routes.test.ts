/** POST /api/imaging/uploads and imaging-read drafts from an upload or a received study instance, through the real app. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { StoredDraft } from '../../records/repository.ts';
import { imagePartOf, images, imagingAnswer, receiveStudy, upload, uploadId, visionRunner } from './imaging-test-support.ts';
import { maxImageBytes } from './imaging-routes.ts';
import { call, errorOf, harness, seed, type Harness } from './test-helpers.ts';

const open: Harness[] = [];
after(async () => {
  for (const h of open) await h.close();
});
async function fresh(): Promise<Harness & { model: ReturnType<typeof visionRunner>['model'] }> {
  const { model, runner } = visionRunner();
  const h = await harness({ runner, model });
  open.push(h);
  return Object.assign(h, { model });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('a DICOM upload is checked, kept encrypted, and drafts from its id: the model gets an 896×896 PNG of that file', async () => {
  const h = await fresh();
  const uploaded = await upload(h, 'nurse', images.dicom, 'application/dicom');
  assert.equal(uploaded.statusCode, 201, uploaded.body);
  const { upload: meta } = uploaded.json<{ upload: { id: string; sha256: string; byteSize: number; expiresAt: string; mediaType: string; rows: number; columns: number; frames: number; modality: string } }>();
  assert.deepEqual({ ...meta, id: undefined }, { id: undefined, sha256: sha256(images.dicom), byteSize: images.dicom.length, expiresAt: new Date(h.clock.now + 24 * 3600_000).toISOString(), mediaType: 'application/dicom', rows: 1955, columns: 1841, frames: 1, modality: 'CR' });

  // Sealed at rest: the one file under uploads/ is not the DICOM file (no DICM marker, different hash).
  const folder = join(h.imagingDirectory, 'uploads');
  const files = await readdir(folder);
  assert.equal(files.length, 1);
  const onDisk = await readFile(join(folder, files[0] ?? ''));
  assert.ok(!onDisk.includes(Buffer.from('DICM')), 'the file on disk is encrypted');

  const { encounterId } = await seed(h, h.ids.nurse);
  const input = { upload: meta.id, question: 'Is the heart enlarged?' };
  const drafted = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input } });
  assert.equal(drafted.statusCode, 201, drafted.body);
  const draft = drafted.json<StoredDraft>();
  assert.deepEqual(draft.input, input, 'the draft keeps the reference, not the image');
  assert.ok(drafted.body.length < 20_000, 'the image bytes never travel back to the client');
  assert.equal((draft.currentContent as { findings: string }).findings, imagingAnswer.findings);
  const record = draft.provenance.image;
  assert.ok(record);
  assert.equal(record.source.sha256, sha256(images.dicom), 'provenance hashes the uploaded file');
  assert.equal(record.source.format, 'dicom');

  const image = imagePartOf(h.model.calls.at(-1)?.messages ?? []);
  assert.ok(image, 'the model received an image part');
  assert.equal(image.mimeType, 'image/png');
  const png = await sharp(image.data).metadata();
  assert.deepEqual([png.format, png.width, png.height], ['png', 896, 896]);
  assert.equal(record.output.sha256, sha256(image.data));
});

test('a PNG upload drafts over Server-Sent Events, saying "encoding image" before the model call', async () => {
  const h = await fresh();
  const uploaded = await upload(h, 'integration', images.cxr, 'image/png');
  assert.equal(uploaded.statusCode, 201, uploaded.body);
  const { id, modality } = uploaded.json<{ upload: { id: string; modality: string } }>().upload;
  assert.equal(modality, 'OT');
  const { encounterId } = await seed(h, h.ids.integration);
  const response = await call(h, 'integration', { method: 'POST', url: '/api/drafts', headers: { accept: 'text/event-stream' }, payload: { encounterId, workflow: 'imaging-read', input: { upload: id } } });
  assert.equal(response.statusCode, 200);
  const events = response.body.split('\n\n').filter((block) => block !== '').map((block) => ({ event: /^event: (.+)$/m.exec(block)?.[1], data: /^data: (.+)$/m.exec(block)?.[1] ?? '' }));
  const stages = events.filter((event) => event.event === 'prefill-progress').map((event) => (JSON.parse(event.data) as { stage: string }).stage);
  assert.deepEqual(stages, ['preprocess', 'encoding image']);
  assert.equal(events.at(-1)?.event, 'draft-stored', response.body.slice(0, 300));
  assert.equal((JSON.parse(events.at(-1)?.data ?? '{}') as StoredDraft).provenance.image?.source.sha256, sha256(images.cxr));
});

test('uploads that are not usable images are refused in the one error shape, and nothing is kept', async () => {
  const h = await fresh();
  const sr = await upload(h, 'nurse', images.sr, 'application/dicom');
  assert.equal(sr.statusCode, 400);
  assert.match(errorOf(sr).message, /no pixel data .*not an image \(SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.88\.\d+\)/);

  const mislabelled = await upload(h, 'nurse', images.cxr, 'application/dicom');
  assert.equal(mislabelled.statusCode, 400);
  assert.match(errorOf(mislabelled).message, /DICM/);
  const pngAsJpeg = await upload(h, 'nurse', images.cxr, 'image/jpeg');
  assert.equal(errorOf(pngAsJpeg).code, 'bad_request');

  for (const contentType of ['application/octet-stream', 'text/plain', 'application/json', 'image/gif']) {
    const response = await upload(h, 'nurse', contentType === 'application/json' ? Buffer.from('{"image":"x"}') : images.cxr, contentType);
    assert.equal(response.statusCode, 400, contentType);
    assert.match(errorOf(response).message, /Content-Type application\/dicom, image\/png, image\/jpeg/, contentType);
  }
  const empty = await upload(h, 'nurse', Buffer.alloc(0), 'image/png');
  assert.equal(empty.statusCode, 400);

  const oversized = await upload(h, 'nurse', Buffer.alloc(maxImageBytes + 1), 'application/dicom');
  assert.equal(oversized.statusCode, 413);
  assert.equal(errorOf(oversized).code, 'payload_too_large');
  // The upload route's limit is its own: JSON routes still stop at 1 MiB.
  const bigJson = await call(h, 'nurse', { method: 'POST', url: '/api/encounters', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ patient: { displayName: 'x'.repeat(2 * 1024 * 1024) } }) });
  assert.equal(bigJson.statusCode, 413);

  const kept = await readdir(join(h.imagingDirectory, 'uploads')).catch(() => []);
  assert.equal(kept.length, 0, 'no refused upload was written');
});

test("an upload no draft names opens only for its uploader: another user's id, a forged one or a malformed one is 404", async () => {
  const h = await fresh();
  const id = await uploadId(h, 'nurse');
  const { encounterId } = await seed(h, h.ids.nurse);
  const forged = id.slice(0, -2) + (id.endsWith('AA') ? 'AB' : 'AA');
  for (const [role, upload] of [['physician', id], ['integration', id], ['nurse', forged], ['nurse', 'img_nope'], ['nurse', '../../records.sqlite']] as const) {
    const response = await call(h, role, { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { upload } } });
    assert.equal(response.statusCode, 404, `${role} ${upload}: ${response.body}`);
    assert.equal(errorOf(response).code, 'not_found');
  }
  const both = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { upload: id, image: 'data:image/png;base64,AAAA' } } });
  assert.equal(both.statusCode, 400);
  assert.match(errorOf(both).message, /exactly one of image, upload or studyInstance/);
  assert.equal(h.model.calls.length, 0, 'no refused request reached the model');
});

test('drafting from a study instance received by the DICOM listener reads the archived file (an audited study.read)', async () => {
  const h = await fresh();
  const study = await receiveStudy(h);
  const { encounterId } = await seed(h, h.ids.physician);
  const response = await call(h, 'physician', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { studyInstance: study.sopInstanceUid, frame: 0 } } });
  assert.equal(response.statusCode, 201, response.body);
  const draft = response.json<StoredDraft>();
  assert.deepEqual(draft.input, { studyInstance: study.sopInstanceUid, frame: 0 });
  const source = draft.provenance.image?.source;
  assert.ok(source);
  assert.deepEqual([source.sha256, source.studyInstanceUid], [sha256(images.dicom), study.studyInstanceUid]);
  const events = await h.store.listAuditEvents({ resourceId: study.sopInstanceUid });
  assert.ok(events.some((event) => event.action === 'study.read' && event.user === h.ids.physician), events.map((event) => event.action).join());

  // An integration never sees received studies; an unknown instance is 404.
  const { encounterId: own } = await seed(h, h.ids.integration);
  const integration = await call(h, 'integration', { method: 'POST', url: '/api/drafts', payload: { encounterId: own, workflow: 'imaging-read', input: { studyInstance: study.sopInstanceUid } } });
  assert.equal(integration.statusCode, 403);
  const unknown = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { studyInstance: '1.2.3.4' } } });
  assert.equal(unknown.statusCode, 404);
});
