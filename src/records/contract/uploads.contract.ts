/**
 * The records contract for uploaded images (migration 6): who opens an upload,
 * how unreferenced ones expire, that rotation rewraps their keys, and the
 * audit trail. Run by sqlite-store.test.ts and postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { Actor } from '../audit.ts';
import { generateDataKey } from '../field-cipher.ts';
import type { NewUpload, RecordsRepository } from '../repository.ts';
import { nurse, physician, soapDraft } from '../test-fixtures.ts';
import { newUploadId, uploadTtlMs } from '../uploads.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

const otherNurse: Actor = { userId: 'u-nurse-2', role: 'nurse' };
const integration: Actor = { userId: 'u-intake', role: 'integration' };
const admin: Actor = { userId: 'u-admin', role: 'admin' };
const sweeper: Actor = { userId: 'system', role: 'system', client: 'upload-expiry' };

const notFound = (error: unknown): boolean => isNorthstationError(error, 'not_found');

function newUpload(overrides: Partial<NewUpload> = {}): NewUpload {
  const id = newUploadId();
  return { id, mediaType: 'image/png', byteSize: 1234, sha256: 'c'.repeat(64), fileKey: generateDataKey().toString('base64'), filePath: `uploads/${id}.nsenc`, ...overrides };
}

/** An imaging read by `actor` whose input names `upload`, as POST /api/drafts stores it. */
async function draftFrom(store: RecordsRepository, upload: string, actor: Actor): Promise<string> {
  const patient = await store.createPatient({ displayName: 'Margaret Thistlewood' }, actor);
  const encounter = await store.createEncounter({ patientId: patient.id }, actor);
  const base = soapDraft();
  const draft = { ...base, workflow: 'imaging-read', provenance: { ...base.provenance, workflow: 'imaging-read' } };
  return (await store.createDraft({ encounterId: encounter.id, input: { upload, question: 'Cardiomegaly?' }, draft }, actor)).id;
}

export function uploadsContract(factory: StoreFactory): void {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  async function fresh(t: TestContext): Promise<StoreFixture> {
    clock = Date.parse('2026-01-01T00:00:00Z');
    const fixture = await factory({ now: () => new Date(clock) });
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('uploads: private to the uploader until a draft names one, then open to whoever may read that draft; all audited', async (t) => {
    const { store } = await fresh(t);
    const upload = newUpload();
    const stored = await store.recordUpload(upload, nurse);
    assert.equal(stored.ownerId, nurse.userId);
    assert.equal(stored.expiresAt, new Date(clock + uploadTtlMs).toISOString());
    assert.equal((await store.getUpload(upload.id, nurse)).fileKey, upload.fileKey);
    for (const actor of [otherNurse, physician, integration, admin]) await assert.rejects(store.getUpload(upload.id, actor), notFound, actor.userId);

    // Nobody else can make a draft vouch for an upload they cannot open: refused, and no draft is left behind.
    await assert.rejects(draftFrom(store, upload.id, physician), notFound);
    assert.equal((await store.listDrafts({ limit: 10 }, admin)).length, 0);

    const draftId = await draftFrom(store, upload.id, nurse);
    const reviewed = await store.getUpload(upload.id, physician);
    assert.deepEqual({ ...reviewed, fileKey: undefined }, { ...stored, fileKey: undefined });
    assert.equal((await store.getUpload(upload.id, otherNurse)).id, upload.id);
    // An integration reads only its own drafts; an admin no patient data.
    await assert.rejects(store.getUpload(upload.id, integration), notFound);
    await assert.rejects(store.getUpload(upload.id, admin), notFound);
    // A second read from the same upload, by someone who may open it now: linked too.
    const second = await draftFrom(store, upload.id, physician);
    assert.notEqual(second, draftId);

    const events = (await store.listAuditEvents({ resourceId: upload.id })).map((e) => `${e.action}:${e.user}`);
    assert.deepEqual(events, ['upload.create:u-nurse', 'upload.read:u-nurse', 'upload.read:u-doc', 'upload.read:u-nurse-2']);
    await assert.rejects(store.getUpload('img_nope', nurse), notFound);
    await assert.rejects(store.recordUpload(newUpload({ id: 'img_has_a_key_inside_it_0123456789abcdef' }), nurse), (error) => isNorthstationError(error, 'bad_request'));
  });

  void test('uploads: an unreferenced upload expires after 24 h and is swept; a referenced one stays with its draft', async (t) => {
    const { store } = await fresh(t);
    const scratch = newUpload();
    const kept = newUpload();
    await store.recordUpload(scratch, nurse);
    await store.recordUpload(kept, nurse);
    await draftFrom(store, kept.id, nurse);
    clock += uploadTtlMs - 1;
    assert.deepEqual(await store.sweepExpiredUploads(sweeper), []);
    assert.equal((await store.getUpload(scratch.id, nurse)).id, scratch.id);
    clock += 1;
    // Gone at once, whether or not the sweep has run.
    await assert.rejects(store.getUpload(scratch.id, nurse), notFound);
    await assert.rejects(draftFrom(store, scratch.id, nurse), notFound);
    assert.deepEqual(await store.sweepExpiredUploads(sweeper), [scratch.filePath]);
    assert.deepEqual(await store.sweepExpiredUploads(sweeper), []);
    assert.equal((await store.getUpload(kept.id, physician)).fileKey, kept.fileKey);
    const rows = await store.sql.all('SELECT id FROM image_uploads');
    assert.deepEqual(rows.map((row) => row.id), [kept.id]);
    // The draft's upload is part of its record: the database refuses to delete it or unlink it.
    await assert.rejects(store.sql.run('DELETE FROM image_uploads WHERE id = ?', [kept.id]));
    await assert.rejects(store.sql.run('DELETE FROM draft_uploads'), /not allowed/);
    await assert.rejects(store.sql.run("UPDATE image_uploads SET owner_id = 'u-evil'"), /not allowed/);
    const expired = (await store.listAuditEvents({ resourceId: scratch.id })).map((e) => `${e.action}:${e.user}`);
    assert.deepEqual(expired, ['upload.create:u-nurse', 'upload.read:u-nurse', 'upload.expire:system']);
  });

  void test('uploads: the file key is encrypted, bound to its row, and rewrapped by key rotation', async (t) => {
    const fixture = await fresh(t);
    const first = newUpload();
    const second = newUpload();
    await fixture.store.recordUpload(first, nurse);
    await fixture.store.recordUpload(second, nurse);
    const raw = await fixture.store.sql.all('SELECT * FROM image_uploads ORDER BY id');
    assert.equal(JSON.stringify(raw).includes(first.fileKey), false);
    const before = raw.find((row) => row.id === first.id)?.file_key;

    const next = generateDataKey();
    await fixture.store.rotateKey(next, admin);
    const reopened = await fixture.openAnother({ key: next, now: () => new Date(clock) });
    assert.equal((await reopened.getUpload(first.id, nurse)).fileKey, first.fileKey);
    const after = await reopened.sql.get('SELECT file_key FROM image_uploads WHERE id = ?', [first.id]);
    assert.notEqual(after?.file_key, before, 'rewrapped under the new key');

    // One row's wrapped key pasted over another's fails to open rather than opening the other file's key.
    await fixture.dropGuards('image_uploads', ['update']);
    await reopened.sql.run('UPDATE image_uploads SET file_key = ? WHERE id = ?', [String(after?.file_key), second.id]);
    await assert.rejects(reopened.getUpload(second.id, nurse), (error) => isNorthstationError(error, 'internal'));
  });
}
