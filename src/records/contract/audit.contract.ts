/**
 * The records contract for the audit trail (append-only, hash-chained, one
 * transaction with the change it records): run by sqlite-store.test.ts and
 * postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { genesisHash, verifyAuditChain } from '../audit.ts';
import { nurse, physician, seedDraft } from '../test-fixtures.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

/** A trigger that makes every audit insert fail, as an unavailable audit table would; the SQL differs per database. */
const auditDown = {
  sqlite: {
    create: "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;",
    drop: 'DROP TRIGGER audit_down',
  },
  postgres: {
    create: `CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit unavailable'; END $$;
             CREATE TRIGGER audit_down BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_down();`,
    drop: 'DROP TRIGGER audit_down ON audit_events',
  },
} as const;

export function auditContract(factory: StoreFactory): void {
  async function fresh(t: TestContext): Promise<StoreFixture> {
    const fixture = await factory();
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('every mutation and every read of patient data is an event, chained from genesis', async (t) => {
    const { store } = await fresh(t);
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
    const sign = events.at(-1);
    assert.ok(sign !== undefined);
    assert.equal(sign.user, physician.userId);
    assert.equal(sign.role, 'physician');
    assert.equal(sign.ip, '10.0.0.6');
    assert.equal(sign.client, 'web');
    assert.equal(sign.resourceType, 'draft');
    assert.equal(sign.resourceId, draftId);
    assert.equal(sign.modelId, 'medgemma-4b-it');
    assert.equal(sign.promptSha256, 'a'.repeat(64));
    assert.deepEqual(await store.verifyAuditChain(), { ok: true, checked: 7, headHash: sign.hash });
    assert.deepEqual(await verifyAuditChain(store.sql), { ok: true, checked: 7, headHash: sign.hash });
  });

  void test('an empty trail verifies, its head the genesis hash', async (t) => {
    const { store } = await fresh(t);
    assert.deepEqual(await store.verifyAuditChain(), { ok: true, checked: 0, headHash: genesisHash });
  });

  void test('reading the trail with an actor is itself audited', async (t) => {
    const { store } = await fresh(t);
    const { draftId } = await seedDraft(store);
    const seen = await store.listAuditEvents({ resourceId: draftId }, physician);
    assert.deepEqual(seen.map((e) => e.action), ['draft.create']);
    const last = (await store.listAuditEvents()).at(-1);
    assert.deepEqual([last?.action, last?.resourceId, last?.user], ['audit.read', draftId, physician.userId]);
  });

  void test('the audit table refuses UPDATE and DELETE', async (t) => {
    const { store } = await fresh(t);
    await seedDraft(store);
    await assert.rejects(store.sql.run("UPDATE audit_events SET user_id = 'x' WHERE seq = 1"), /UPDATE is not allowed/);
    await assert.rejects(store.sql.run('DELETE FROM audit_events WHERE seq = 1'), /DELETE is not allowed/);
    assert.equal((await store.listAuditEvents())[0]?.user, nurse.userId);
  });

  void test('tampering with a row: verify names the first broken seq', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    await seedDraft(store);
    const last = (await store.listAuditEvents()).at(-1);
    assert.ok(last !== undefined);
    await store.getDraft(last.resourceId, physician);
    const first = (await store.listAuditEvents())[0];
    assert.ok(first !== undefined);
    await fixture.dropGuards('audit_events', ['update', 'delete']);
    await store.sql.run("UPDATE audit_events SET user_id = 'someone-else' WHERE seq = 2");
    assert.deepEqual(await verifyAuditChain(store.sql), { ok: false, checked: 1, firstBrokenSeq: 2, reason: 'event 2 was altered: its hash does not match its content', headHash: first.hash });
  });

  void test('a re-hashed forged row still breaks the link that follows it', async (t) => {
    const fixture = await fresh(t);
    await seedDraft(fixture.store);
    await fixture.dropGuards('audit_events', ['update', 'delete']);
    // Change the first hex digit whatever it is (a fixed 'f' left one hash in 16 unchanged: a flaky test).
    await fixture.store.sql.run("UPDATE audit_events SET hash = (CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END) || substr(hash, 2) WHERE seq = 2");
    const result = await verifyAuditChain(fixture.store.sql);
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenSeq, 2);
  });

  void test('a deleted row in the middle: verify names the missing seq', async (t) => {
    const fixture = await fresh(t);
    await seedDraft(fixture.store);
    await fixture.dropGuards('audit_events', ['update', 'delete']);
    await fixture.store.sql.run('DELETE FROM audit_events WHERE seq = 2');
    const result = await verifyAuditChain(fixture.store.sql);
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenSeq, 2);
    assert.equal(result.checked, 1);
    assert.match(result.reason ?? '', /event 2 is missing/);
  });

  void test('a failed action leaves no audit event and no change (one transaction)', async (t) => {
    const { store } = await fresh(t);
    const { draftId } = await seedDraft(store);
    await store.signDraft(draftId, 1, physician);
    const before = (await store.listAuditEvents()).length;
    const revisions = Number((await store.sql.get('SELECT COUNT(*) AS n FROM revisions'))?.n);
    await assert.rejects(store.editDraft(draftId, 2, { plan: 'after signing' }, physician));
    await assert.rejects(store.signDraft(draftId, 1, physician));
    await assert.rejects(store.signDraft(draftId, 2, nurse));
    await assert.rejects(store.getDraft('no-such-draft', physician));
    assert.equal((await store.listAuditEvents()).length, before);
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM revisions'))?.n), revisions);
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('an audit write that fails rolls back the change it records', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const { draftId } = await seedDraft(store);
    // Make the next audit insert fail (e.g. the audit table is unavailable): the edit must not survive it.
    await store.sql.exec(auditDown[fixture.dialect].create);
    await assert.rejects(store.editDraft(draftId, 1, { plan: 'unaudited' }, nurse), /audit unavailable/);
    await store.sql.exec(auditDown[fixture.dialect].drop);
    const draft = await store.getDraft(draftId, nurse);
    assert.equal(draft.version, 1);
    assert.equal(draft.revisions.length, 0);
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM revisions'))?.n), 0);
  });
}
