import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import { latestVersion, migrations, runMigrations } from './migrations.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { nurse, physician, seedDraft, soapContent, tempStore } from './test-fixtures.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});
function fresh(): ReturnType<typeof tempStore> {
  const t = tempStore();
  cleanups.push(t.cleanup);
  return t;
}

const isCode = (code: 'conflict' | 'forbidden' | 'not_found' | 'bad_request' | 'config_invalid', pattern?: RegExp) => (error: unknown): boolean =>
  isNorthstationError(error, code) && (pattern === undefined || pattern.test(error.message));

test('open: WAL, foreign keys, the schema migrated once', async () => {
  const { store, path, key } = fresh();
  const db = store.database;
  assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
  assert.equal(db.prepare('PRAGMA foreign_keys').get()?.foreign_keys, 1);
  assert.equal(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()?.n, migrations.length);
  await store.close();
  const again = openSqliteStore({ path, key });
  assert.equal(again.database.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()?.n, migrations.length);
  await again.close();
});

test('a database newer than the code is refused', async () => {
  const { store, path, key } = fresh();
  store.database.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
  await store.close();
  assert.throws(() => openSqliteStore({ path, key }), isCode('config_invalid', /schema version 999, newer/));
});

test('a failing migration rolls back entirely', () => {
  const { store } = fresh();
  const next = latestVersion() + 1;
  const broken = [...migrations, { version: next, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;' }];
  assert.throws(() => runMigrations(store.database, broken), new RegExp(`migration ${next} \\(broken\\) failed`));
  assert.equal(store.database.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()?.n, 0);
  assert.equal(store.database.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()?.v, next - 1);
});

test('patients, encounters and drafts round-trip; foreign keys hold', async () => {
  const { store } = fresh();
  const { patientId, encounterId, draftId } = await seedDraft(store);
  const patient = await store.getPatient(patientId, physician);
  assert.equal(patient.displayName, 'Margaret Thistlewood');
  assert.equal(patient.birthDate, '1948-03-02');
  const draft = await store.getDraft(draftId, physician);
  assert.equal(draft.encounterId, encounterId);
  assert.equal(draft.patientId, patientId);
  assert.equal(draft.status, 'draft');
  assert.equal(draft.version, 1);
  assert.deepEqual(draft.aiOutput.content, soapContent);
  assert.deepEqual(draft.currentContent, soapContent);
  assert.deepEqual(draft.input, { transcript: 'Patient reports cough.' });
  assert.equal(draft.provenance.model.id, 'medgemma-4b-it');
  await assert.rejects(store.createEncounter({ patientId: 'nobody' }, nurse), isCode('not_found'));
  assert.throws(() => store.database.prepare("INSERT INTO encounters (id, patient_id, started_at) VALUES ('e', 'nobody', 'x')").run(), /FOREIGN KEY/);
});

test('edit: optimistic locking; a stale version is a conflict and overwrites nothing', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  const first = await store.editDraft(draftId, 1, { ...soapContent, plan: 'Rest, fluids, paracetamol.' }, nurse);
  assert.equal(first.version, 2);
  assert.equal(first.revisions.length, 1);
  const eventsBefore = (await store.listAuditEvents()).length;
  await assert.rejects(store.editDraft(draftId, 1, { ...soapContent, plan: 'OVERWRITE' }, physician), isCode('conflict', /version 2, you had 1/));
  const after = await store.getDraft(draftId, nurse);
  assert.equal(after.version, 2);
  assert.deepEqual(after.currentContent, { ...soapContent, plan: 'Rest, fluids, paracetamol.' });
  assert.deepEqual(after.aiOutput.content, soapContent, 'the AI draft is kept untouched');
  // one event more: the getDraft read, none for the failed edit
  assert.equal((await store.listAuditEvents()).length, eventsBefore + 1);
});

test('concurrent edits of one draft: exactly one wins', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  const results = await Promise.allSettled([store.editDraft(draftId, 1, { plan: 'A' }, nurse), store.editDraft(draftId, 1, { plan: 'B' }, physician)]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const rejected = results.find((r) => r.status === 'rejected');
  assert.ok(rejected !== undefined && isCode('conflict')(rejected.reason));
});

test('two connections to one file (two gateway processes): the second writer gets a conflict', async () => {
  const { store, path, key } = fresh();
  const { draftId } = await seedDraft(store);
  const other = openSqliteStore({ path, key });
  try {
    const seenByA = await store.getDraft(draftId, nurse);
    const seenByB = await other.getDraft(draftId, physician);
    await store.editDraft(draftId, seenByA.version, { plan: 'A' }, nurse);
    await assert.rejects(other.editDraft(draftId, seenByB.version, { plan: 'B' }, physician), isCode('conflict'));
    assert.deepEqual((await other.getDraft(draftId, physician)).currentContent, { plan: 'A' });
    assert.equal((await other.verifyAuditChain()).ok, true);
  } finally {
    await other.close();
  }
});

test('sign: physician only, SHA-256 of the signed content, quality summary, then immutable', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  const edited = { ...soapContent, plan: 'Rest and fluids; review in 48 h.' };
  await store.editDraft(draftId, 1, edited, nurse);
  await assert.rejects(store.signDraft(draftId, 2, nurse), isCode('forbidden', /only a physician may sign/));
  await assert.rejects(store.signDraft(draftId, 1, physician), isCode('conflict'));
  const signed = await store.signDraft(draftId, 2, physician);
  assert.equal(signed.status, 'signed');
  assert.equal(signed.version, 3);
  assert.ok(signed.signature !== null);
  assert.equal(signed.signature.signedBy, physician.userId);
  assert.equal(signed.signature.role, 'physician');
  assert.equal(signed.signature.contentHash, sha256Hex(canonicalJson(edited)));
  assert.deepEqual(signed.signature.quality.sectionsChanged, ['plan']);
  assert.equal(signed.signature.quality.editDistance, '; review in 48 h'.length);
  assert.deepEqual(signed.aiOutput.content, soapContent);

  await assert.rejects(store.editDraft(draftId, 3, { plan: 'sneaky' }, physician), isCode('conflict', /signed and immutable.*amendment/));
  await assert.rejects(store.signDraft(draftId, 3, physician), isCode('conflict', /signed again/));
  assert.throws(() => store.database.prepare("UPDATE signatures SET content_hash = 'x'").run(), /UPDATE is not allowed/);
  assert.deepEqual((await store.getDraft(draftId, physician)).currentContent, edited);
});

test('amend: its own signature and reason, status amended; only after signing', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  await assert.rejects(store.amend(draftId, 'typo', { plan: 'x' }, physician), isCode('conflict', /not signed yet/));
  await store.signDraft(draftId, 1, physician);
  await assert.rejects(store.amend(draftId, 'typo', { plan: 'x' }, nurse), isCode('forbidden'));
  await assert.rejects(store.amend(draftId, '  ', { plan: 'x' }, physician), isCode('bad_request'));
  const corrected = { ...soapContent, objective: 'T 38.4, SpO2 96%.' };
  const amended = await store.amend(draftId, 'temperature transcribed wrongly', corrected, physician);
  assert.equal(amended.status, 'amended');
  assert.equal(amended.amendments.length, 1);
  const amendment = amended.amendments[0]!;
  assert.equal(amendment.reason, 'temperature transcribed wrongly');
  assert.equal(amendment.signedBy, physician.userId);
  assert.equal(amendment.contentHash, sha256Hex(canonicalJson(corrected)));
  assert.deepEqual(amended.currentContent, corrected);
  assert.equal(amended.signature?.contentHash, sha256Hex(canonicalJson(soapContent)), 'the original signature stands');
});

test('withdraw: entered-in-error, every row kept, no further changes', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  await store.signDraft(draftId, 1, physician);
  await assert.rejects(store.withdraw(draftId, 'wrong patient', nurse), isCode('forbidden'));
  const withdrawn = await store.withdraw(draftId, 'wrong patient', physician);
  assert.equal(withdrawn.status, 'entered-in-error');
  assert.equal(withdrawn.withdrawal?.reason, 'wrong patient');
  assert.ok(withdrawn.signature !== null, 'the signature is kept');
  assert.equal(store.database.prepare('SELECT COUNT(*) AS n FROM drafts').get()?.n, 1);
  await assert.rejects(store.withdraw(draftId, 'again', physician), isCode('conflict', /already entered in error/));
  await assert.rejects(store.amend(draftId, 'fix', {}, physician), isCode('conflict', /entered in error/));
  await assert.rejects(store.editDraft(draftId, withdrawn.version, {}, physician), isCode('conflict', /entered in error/));
  assert.throws(() => store.database.prepare('DELETE FROM drafts').run(), /DELETE is not allowed/);
});

test('the store opens only with a key', () => {
  const { path } = fresh();
  assert.throws(() => openSqliteStore({ path, key: undefined }), isCode('config_invalid', /encrypted under key .* cannot be opened without that key/));
});
