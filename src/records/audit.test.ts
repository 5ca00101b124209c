import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { genesisHash, verifyAuditChain } from './audit.ts';
import { nurse, physician, seedDraft, tempStore } from './test-fixtures.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});
function fresh(): ReturnType<typeof tempStore> {
  const t = tempStore();
  cleanups.push(t.cleanup);
  return t;
}

/** Lets a test play the attacker with raw SQL: the append-only triggers stop honest mistakes, not someone with the file. */
function dropGuards(t: ReturnType<typeof tempStore>): void {
  t.store.database.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
}

test('every mutation and every read of patient data is an event, chained from genesis', async () => {
  const { store } = fresh();
  const { patientId, draftId } = await seedDraft(store);
  await store.getPatient(patientId, physician);
  await store.editDraft(draftId, 1, { plan: 'edited' }, nurse);
  await store.getDraft(draftId, physician);
  await store.signDraft(draftId, 2, physician);
  const events = await store.listAuditEvents();
  assert.deepEqual(events.map((e) => e.action), ['patient.create', 'encounter.create', 'draft.create', 'patient.read', 'draft.edit', 'draft.read', 'draft.sign']);
  assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(events[0]?.prevHash, genesisHash);
  for (let i = 1; i < events.length; i++) assert.equal(events[i]?.prevHash, events[i - 1]?.hash);
  const sign = events.at(-1)!;
  assert.equal(sign.user, physician.userId);
  assert.equal(sign.role, 'physician');
  assert.equal(sign.ip, '10.0.0.6');
  assert.equal(sign.client, 'web');
  assert.equal(sign.resourceType, 'draft');
  assert.equal(sign.resourceId, draftId);
  assert.equal(sign.modelId, 'medgemma-4b-it');
  assert.equal(sign.promptSha256, 'a'.repeat(64));
  assert.deepEqual(await store.verifyAuditChain(), { ok: true, checked: 7 });
  assert.deepEqual(verifyAuditChain(store), { ok: true, checked: 7 });
});

test('the audit table refuses UPDATE and DELETE', async () => {
  const { store } = fresh();
  await seedDraft(store);
  assert.throws(() => store.database.prepare("UPDATE audit_events SET user_id = 'x' WHERE seq = 1").run(), /UPDATE is not allowed/);
  assert.throws(() => store.database.prepare('DELETE FROM audit_events WHERE seq = 1').run(), /DELETE is not allowed/);
});

test('tampering with a row: verify names the first broken seq', async () => {
  const t = fresh();
  await seedDraft(t.store);
  await t.store.getDraft((await t.store.listAuditEvents()).at(-1)!.resourceId, physician);
  dropGuards(t);
  t.store.database.prepare("UPDATE audit_events SET user_id = 'someone-else' WHERE seq = 2").run();
  assert.deepEqual(verifyAuditChain(t.store), { ok: false, checked: 1, firstBrokenSeq: 2, reason: 'event 2 was altered: its hash does not match its content' });
});

test('a re-hashed forged row still breaks the link that follows it', async () => {
  const t = fresh();
  await seedDraft(t.store);
  dropGuards(t);
  // Change the first hex digit whatever it is (a fixed 'f' left one hash in 16 unchanged: a flaky test).
  t.store.database.prepare("UPDATE audit_events SET hash = (CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END) || substr(hash, 2) WHERE seq = 2").run();
  const result = verifyAuditChain(t.store);
  assert.equal(result.ok, false);
  assert.equal(result.firstBrokenSeq, 2);
});

test('a deleted row in the middle: verify names the missing seq', async () => {
  const t = fresh();
  await seedDraft(t.store);
  dropGuards(t);
  t.store.database.prepare('DELETE FROM audit_events WHERE seq = 2').run();
  const result = verifyAuditChain(t.store);
  assert.equal(result.ok, false);
  assert.equal(result.firstBrokenSeq, 2);
  assert.match(result.reason ?? '', /event 2 is missing/);
});

test('a failed action leaves no audit event and no change (one transaction)', async () => {
  const { store } = fresh();
  const { draftId } = await seedDraft(store);
  await store.signDraft(draftId, 1, physician);
  const before = (await store.listAuditEvents()).length;
  const revisions = store.database.prepare('SELECT COUNT(*) AS n FROM revisions').get()?.n;
  await assert.rejects(store.editDraft(draftId, 2, { plan: 'after signing' }, physician));
  await assert.rejects(store.signDraft(draftId, 1, physician));
  await assert.rejects(store.signDraft(draftId, 2, nurse));
  await assert.rejects(store.getDraft('no-such-draft', physician));
  assert.equal((await store.listAuditEvents()).length, before);
  assert.equal(store.database.prepare('SELECT COUNT(*) AS n FROM revisions').get()?.n, revisions);
  assert.equal((await store.verifyAuditChain()).ok, true);
});

test('an audit write that fails rolls back the change it records', async () => {
  const t = fresh();
  const { draftId } = await seedDraft(t.store);
  // Make the next audit insert fail (e.g. the audit table is unavailable): the edit must not survive it.
  t.store.database.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;");
  await assert.rejects(t.store.editDraft(draftId, 1, { plan: 'unaudited' }, nurse), /audit unavailable/);
  t.store.database.exec('DROP TRIGGER audit_down');
  const draft = await t.store.getDraft(draftId, nurse);
  assert.equal(draft.version, 1);
  assert.equal(draft.revisions.length, 0);
});
