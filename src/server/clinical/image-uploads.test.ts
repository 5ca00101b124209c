/** The image a draft was made from (GET /api/drafts/:id/image), upload ids, and upload expiry, through the real app. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../core/log.ts';
import type { StoredDraft } from '../../records/repository.ts';
import { buildClinicalApp } from './app.ts';
import { ImageUploads } from './image-uploads.ts';
import { images, imagingDraft, receiveStudy, uploadId, visionRunner } from './imaging-test-support.ts';
import { call, errorOf, freshHarnesses, password, seed, type Harness } from './test-helpers.ts';

const fresh = freshHarnesses(() => ({ runner: visionRunner().runner }));

const day = 24 * 60 * 60 * 1000;

async function draftFrom(h: Harness, role: 'nurse' | 'physician' | 'integration', upload: string): Promise<{ statusCode: number; body: string; id: string }> {
  const { encounterId } = await seed(h, h.ids[role]);
  const response = await call(h, role, { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { upload } } });
  return { statusCode: response.statusCode, body: response.body, id: response.statusCode === 201 ? response.json<StoredDraft>().id : '' };
}

test('an upload id is random: 128 bits that are not the file key, and the same file twice gets two ids', async () => {
  const h = await fresh();
  const first = await uploadId(h, 'nurse');
  const second = await uploadId(h, 'nurse');
  assert.notEqual(first, second);
  for (const id of [first, second]) {
    assert.match(id, /^img_[A-Za-z0-9_-]{22}$/);
    const decoded = Buffer.from(id.slice(4), 'base64url');
    assert.equal(decoded.length, 16);
    const { fileKey, filePath } = await h.store.getUpload(id, { userId: h.ids.nurse, role: 'nurse' });
    const key = Buffer.from(fileKey, 'base64');
    assert.equal(key.length, 32);
    // Not the key, nor any 8-byte run of it: the id opens nothing.
    for (let at = 0; at + 8 <= key.length; at += 1) assert.equal(decoded.includes(key.subarray(at, at + 8)), false);
    assert.equal(filePath.includes(id.slice(4)), false, 'the file name is not the id either');
  }
  const created = await h.store.listAuditEvents({ resourceId: first });
  assert.deepEqual(created.map((event) => `${event.action}:${event.user}`).slice(0, 1), [`upload.create:${h.ids.nurse}`]);
});

test("a physician reviewing a nurse's imaging read fetches the original image; the reads are audited", async () => {
  const h = await fresh();
  const dicom = await uploadId(h, 'nurse');
  const drafted = await draftFrom(h, 'nurse', dicom);
  assert.equal(drafted.statusCode, 201, drafted.body);
  // Before any draft named it, the physician could not draft from it; now, reviewing, they see it.
  const image = await call(h, 'physician', { method: 'GET', url: `/api/drafts/${drafted.id}/image` });
  assert.equal(image.statusCode, 200, image.body.slice(0, 200));
  assert.equal(image.headers['content-type'], 'application/dicom');
  assert.equal(image.headers['cache-control'], 'no-store');
  assert.ok(image.rawPayload.equals(images.dicom), 'the bytes as uploaded');
  const reads = (await h.store.listAuditEvents({ resourceId: dicom })).filter((event) => event.user === h.ids.physician).map((event) => event.action);
  assert.deepEqual(reads, ['upload.read']);
  assert.ok((await h.store.listAuditEvents({ resourceId: drafted.id })).some((event) => event.action === 'draft.read' && event.user === h.ids.physician));

  // A PNG answers as a PNG; the integration's own draft is its to view.
  const png = await uploadId(h, 'integration', images.cxr, 'image/png');
  const own = await draftFrom(h, 'integration', png);
  const ownImage = await call(h, 'integration', { method: 'GET', url: `/api/drafts/${own.id}/image` });
  assert.equal(ownImage.headers['content-type'], 'image/png');
  assert.ok(ownImage.rawPayload.equals(images.cxr));

  // An integration reads only its own drafts, an admin no drafts: 403 as for the draft itself.
  assert.equal((await call(h, 'integration', { method: 'GET', url: `/api/drafts/${drafted.id}/image` })).statusCode, 403);
  assert.equal((await call(h, 'admin', { method: 'GET', url: `/api/drafts/${drafted.id}/image` })).statusCode, 403);
  // A SOAP note has no image; an unknown draft is 404.
  const soap = await seed(h, h.ids.nurse);
  assert.equal(errorOf(await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${soap.draftId}/image` })).code, 'not_found');
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/drafts/no-such-draft/image' })).statusCode, 404);
});

test('a nurse cannot draft from a physician’s upload no draft names (404), but views it once the physician’s draft names it', async () => {
  const h = await fresh();
  const id = await uploadId(h, 'physician');
  const refused = await draftFrom(h, 'nurse', id);
  assert.equal(refused.statusCode, 404, refused.body);
  const drafted = await draftFrom(h, 'physician', id);
  assert.equal(drafted.statusCode, 201, drafted.body);
  const image = await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${drafted.id}/image` });
  assert.equal(image.statusCode, 200);
  // Nurses read every draft (policy.ts), so she may read the image again in a draft of her own.
  assert.equal((await draftFrom(h, 'nurse', id)).statusCode, 201);
});

test('a received study instance answers as application/dicom, the file as received', async () => {
  const h = await fresh();
  const { sopInstanceUid } = await receiveStudy(h);
  const draftId = await imagingDraft(h, h.ids.nurse, { studyInstance: sopInstanceUid });
  const image = await call(h, 'physician', { method: 'GET', url: `/api/drafts/${draftId}/image` });
  assert.equal(image.statusCode, 200);
  assert.equal(image.headers['content-type'], 'application/dicom');
  assert.ok(image.rawPayload.equals(images.dicom));
});

test('an upload no draft names expires after 24 h (404, then swept off the disk); one a draft names stays', async () => {
  const h = await fresh();
  const scratch = await uploadId(h, 'nurse');
  const kept = await uploadId(h, 'nurse', images.cxr, 'image/png');
  const drafted = await draftFrom(h, 'nurse', kept);
  assert.equal(drafted.statusCode, 201, drafted.body);
  const folder = join(h.imagingDirectory, 'uploads');
  assert.equal((await readdir(folder)).length, 2);

  h.clock.now += day;
  // Sessions last 8 h: sign in again on the later day.
  for (const role of ['nurse', 'physician'] as const) {
    h.tokens[role] = (await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames[role], password } })).json<{ token: string }>().token;
  }
  const expired = await draftFrom(h, 'nurse', scratch);
  assert.equal(expired.statusCode, 404, expired.body);
  // A gateway starting now sweeps at start-up: the row (audited) and then the file go.
  const lines: string[] = [];
  const restarted = buildClinicalApp({ store: h.store, imagingDirectory: h.imagingDirectory, logger: createLogger({ write: (line) => lines.push(line) }) });
  await restarted.ready();
  await restarted.close();
  assert.equal((await readdir(folder)).length, 1, 'the expired file is deleted');
  assert.ok(lines.some((line) => line.includes('uploads.expired') && line.includes('"count":1')), lines.join('\n'));
  assert.equal(await new ImageUploads(h.store, h.imagingDirectory).sweep(), 0, 'nothing left to sweep');
  const image = await call(h, 'physician', { method: 'GET', url: `/api/drafts/${drafted.id}/image` });
  assert.equal(image.statusCode, 200);
  assert.ok(image.rawPayload.equals(images.cxr));
  assert.ok((await h.store.listAuditEvents({ resourceId: scratch })).some((event) => event.action === 'upload.expire'));
});
