/**
 * The records contract for patients, encounters and drafts: what every
 * backend must do, run by sqlite-store.test.ts and postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { canonicalJson, sha256Hex } from '../../core/canonical-json.ts';
import { isNorthstationError, type ErrorCode } from '../../core/errors.ts';
import { latestVersion, migrations, runMigrations } from '../migrations.ts';
import { postgresMigrations } from '../postgres-migrations.ts';
import { nurse, physician, seedDraft, soapContent, soapDraft } from '../test-fixtures.ts';
import type { RecordsStore } from '../records-store.ts';
import type { DraftListFilter, DraftSummary } from '../repository.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

const isCode = (code: ErrorCode, pattern?: RegExp) => (error: unknown): boolean =>
  isNorthstationError(error, code) && (pattern === undefined || pattern.test(error.message));

export function draftsContract(factory: StoreFactory): void {
  async function fresh(t: TestContext): Promise<StoreFixture> {
    const fixture = await factory();
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('open: the schema is migrated once, and not again by a second gateway', async (t) => {
    const fixture = await fresh(t);
    const list = fixture.dialect === 'postgres' ? postgresMigrations : migrations;
    const versions = async (): Promise<number[]> => (await fixture.store.sql.all('SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row.version));
    assert.deepEqual(await versions(), list.map((m) => m.version));
    await fixture.openAnother();
    assert.deepEqual(await versions(), list.map((m) => m.version));
  });

  void test('a database newer than the code is refused', async (t) => {
    const fixture = await fresh(t);
    await fixture.store.sql.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')");
    await assert.rejects(fixture.openAnother(), isCode('config_invalid', /schema version 999, newer/));
  });

  void test('a failing migration rolls back entirely', async (t) => {
    const fixture = await fresh(t);
    const list = fixture.dialect === 'postgres' ? postgresMigrations : migrations;
    const next = latestVersion(list) + 1;
    const broken = [...list, { version: next, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;' }];
    await assert.rejects(runMigrations(fixture.store.sql, broken), new RegExp(`migration ${next} \\(broken\\) failed`));
    // The table the migration created before failing is gone with it: querying it is an error on either database.
    await assert.rejects(fixture.store.sql.all('SELECT * FROM half_done'), /half_done/);
    assert.equal(Number((await fixture.store.sql.get('SELECT MAX(version) AS v FROM schema_migrations'))?.v), next - 1);
  });

  void test('patients, encounters and drafts round-trip; foreign keys hold', async (t) => {
    const { store } = await fresh(t);
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
    // SQLite says "FOREIGN KEY constraint failed", PostgreSQL "violates foreign key constraint".
    await assert.rejects(store.sql.run("INSERT INTO encounters (id, patient_id, started_at) VALUES ('e', 'nobody', 'x')"), /foreign key/i);
  });

  void test('listDrafts keeps creation order among drafts created in the same millisecond', async (t) => {
    const fixture = await factory({ now: () => new Date('2026-01-01T08:00:00.000Z') });
    t.after(() => fixture.cleanup());
    const { store } = fixture;
    const { encounterId, draftId: first } = await seedDraft(store);
    const second = await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse);
    const third = await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse);
    const queue = await store.listDrafts({ state: 'draft', limit: 10 }, physician);
    assert.deepEqual(queue.map((d) => d.id), [first, second.id, third.id], 'the oldest first in the worklist');
    const recent = await store.listDrafts({ limit: 10 }, physician);
    assert.deepEqual(recent.map((d) => d.id), [third.id, second.id, first], 'the newest first otherwise');
  });

  /** Every page of a listing, following `next` from the start; asserts each page's size bound and the cursor's absence on the last. */
  async function walk(store: RecordsStore, filter: Omit<DraftListFilter, 'after'>): Promise<DraftSummary[][]> {
    const pages: DraftSummary[][] = [];
    let after: string | undefined;
    do {
      const page = await store.listDraftsPage({ ...filter, ...(after === undefined ? {} : { after }) }, physician);
      assert.ok(page.drafts.length <= filter.limit);
      assert.ok(page.next === undefined || page.drafts.length === filter.limit, 'a short page is the last one');
      pages.push(page.drafts);
      after = page.next;
      assert.ok(pages.length <= 100, 'the walk ends');
    } while (after !== undefined);
    return pages;
  }

  void test('listDraftsPage: pages cover every row exactly once, in order, across identical created_at', async (t) => {
    // Three instants, several drafts in each: page boundaries fall inside a run of equal created_at, where only rowid orders.
    let clock = Date.parse('2026-01-01T08:00:00.000Z');
    const fixture = await factory({ now: () => new Date(clock) });
    t.after(() => fixture.cleanup());
    const { store } = fixture;
    const { encounterId, draftId, patientId } = await seedDraft(store);
    const other = await seedDraft(store); // another patient, interleaved: a filtered walk must skip it
    const created = [draftId];
    for (const [instant, count] of [[0, 3], [1, 4], [2, 2]] as const) {
      clock = Date.parse('2026-01-01T08:00:00.000Z') + instant;
      for (let i = 0; i < count; i++) {
        created.push((await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse)).id);
        if (i === 1) await store.createDraft({ encounterId: other.encounterId, input: {}, draft: soapDraft() }, nurse);
      }
    }
    const oldestFirst = created;
    const newestFirst = [...created].reverse();
    for (const limit of [1, 2, 3, 4, created.length - 1, created.length, 500]) {
      const queue = await walk(store, { state: 'draft', patientId, limit });
      assert.deepEqual(queue.flat().map((d) => d.id), oldestFirst, `state=draft, limit ${limit}`);
      assert.equal(queue.length, Math.max(1, Math.ceil(created.length / limit)), `no empty trailing page at limit ${limit}`);
      const recent = await walk(store, { encounterId, limit });
      assert.deepEqual(recent.flat().map((d) => d.id), newestFirst, `newest first, limit ${limit}`);
    }
    // listDrafts answers the first page of the same listing.
    assert.deepEqual((await store.listDrafts({ encounterId, limit: 4 }, physician)).map((d) => d.id), newestFirst.slice(0, 4));
  });

  void test('listDraftsPage: rows inserted or moved on mid-walk never make a row appear twice or go missing', async (t) => {
    let clock = Date.parse('2026-01-01T08:00:00.000Z');
    const fixture = await factory({ now: () => new Date(clock) });
    t.after(() => fixture.cleanup());
    const { store } = fixture;
    const { encounterId, draftId } = await seedDraft(store);
    const created = [draftId];
    for (let i = 0; i < 5; i++) created.push((await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse)).id);
    const first = await store.listDraftsPage({ encounterId, limit: 3 }, physician);
    assert.ok(first.next !== undefined);
    // An offset would shift here: a newer draft lands ahead of the cursor, and a listed one is signed.
    clock += 1;
    await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse);
    await store.signDraft(created[1] ?? '', 1, physician);
    const second = await store.listDraftsPage({ encounterId, limit: 3, after: first.next }, physician);
    assert.deepEqual([...first.drafts, ...second.drafts].map((d) => d.id), [...created].reverse());
    assert.equal(second.next, undefined);
    assert.equal(second.drafts.find((d) => d.id === created[1])?.status, 'signed');
  });

  void test('listDraftsPage: a malformed or foreign cursor is bad_request, and nothing is audited', async (t) => {
    const { store } = await fresh(t);
    const { encounterId } = await seedDraft(store);
    for (let i = 0; i < 3; i++) await store.createDraft({ encounterId, input: {}, draft: soapDraft() }, nurse);
    const newest = await store.listDraftsPage({ limit: 1 }, physician);
    const oldest = await store.listDraftsPage({ state: 'draft', limit: 1 }, physician);
    assert.ok(newest.next !== undefined && oldest.next !== undefined);
    const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      '',
      'not a cursor',
      `${newest.next}!`,
      `${newest.next}'; DROP TABLE drafts; --`,
      'x'.repeat(5000),
      Buffer.from('{not json').toString('base64url'),
      b64({ createdAt: '2026-01-01T08:00:00.000Z', rowid: 1 }),
      b64(['d', '2026-01-01T08:00:00.000Z']),
      b64(['x', '2026-01-01T08:00:00.000Z', 1]),
      b64(['d', "2026' OR '1'='1", 1]),
      b64(['d', '2026-01-01T08:00:00.000Z', '1']),
      b64(['d', '2026-01-01T08:00:00.000Z', 1.5]),
      b64(['d', '2026-01-01T08:00:00.000Z', 0]),
    ];
    const eventsBefore = (await store.listAuditEvents()).length;
    for (const after of bad) {
      await assert.rejects(store.listDraftsPage({ limit: 10, after }, physician), isCode('bad_request', /after is not a cursor/), after.slice(0, 60));
    }
    // A cursor of the oldest-first queue would skip rows in a newest-first list, and the other way round.
    await assert.rejects(store.listDraftsPage({ limit: 10, after: oldest.next }, physician), isCode('bad_request', /other order/));
    await assert.rejects(store.listDraftsPage({ state: 'draft', limit: 10, after: newest.next }, physician), isCode('bad_request', /other order/));
    await assert.rejects(store.listDrafts({ limit: 10, after: 'nope' }, physician), isCode('bad_request'));
    assert.equal((await store.listAuditEvents()).length, eventsBefore, 'a refused page reads nothing');
    // The genuine cursors still work.
    assert.equal((await store.listDraftsPage({ limit: 10, after: newest.next }, physician)).drafts.length, 3);
  });

  void test('edit: optimistic locking; a stale version is a conflict and overwrites nothing', async (t) => {
    const { store } = await fresh(t);
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

  void test('concurrent edits of one draft: exactly one wins', async (t) => {
    const { store } = await fresh(t);
    const { draftId } = await seedDraft(store);
    const results = await Promise.allSettled([store.editDraft(draftId, 1, { plan: 'A' }, nurse), store.editDraft(draftId, 1, { plan: 'B' }, physician)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected !== undefined && isCode('conflict')(rejected.reason));
    assert.equal((await store.getDraft(draftId, nurse)).revisions.length, 1);
  });

  void test('two gateways on one database: the second writer gets a conflict', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const { draftId } = await seedDraft(store);
    const other = await fixture.openAnother();
    const seenByA = await store.getDraft(draftId, nurse);
    const seenByB = await other.getDraft(draftId, physician);
    await store.editDraft(draftId, seenByA.version, { plan: 'A' }, nurse);
    await assert.rejects(other.editDraft(draftId, seenByB.version, { plan: 'B' }, physician), isCode('conflict'));
    assert.deepEqual((await other.getDraft(draftId, physician)).currentContent, { plan: 'A' });
    assert.equal((await other.verifyAuditChain()).ok, true);
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('sign: physician only, SHA-256 of the signed content, quality summary, then immutable', async (t) => {
    const { store } = await fresh(t);
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
    await assert.rejects(store.sql.run("UPDATE signatures SET content_hash = 'x'"), /UPDATE is not allowed/);
    await assert.rejects(store.sql.run('DELETE FROM signatures'), /DELETE is not allowed/);
    assert.deepEqual((await store.getDraft(draftId, physician)).currentContent, edited);
    assert.equal((await store.getDraft(draftId, physician)).signature?.contentHash, sha256Hex(canonicalJson(edited)));
  });

  void test('amend: its own signature and reason, status amended; only after signing', async (t) => {
    const { store } = await fresh(t);
    const { draftId } = await seedDraft(store);
    await assert.rejects(store.amend(draftId, 'typo', { plan: 'x' }, physician), isCode('conflict', /not signed yet/));
    await store.signDraft(draftId, 1, physician);
    await assert.rejects(store.amend(draftId, 'typo', { plan: 'x' }, nurse), isCode('forbidden'));
    await assert.rejects(store.amend(draftId, '  ', { plan: 'x' }, physician), isCode('bad_request'));
    const corrected = { ...soapContent, objective: 'T 38.4, SpO2 96%.' };
    const amended = await store.amend(draftId, 'temperature transcribed wrongly', corrected, physician);
    assert.equal(amended.status, 'amended');
    assert.equal(amended.amendments.length, 1);
    const amendment = amended.amendments[0];
    assert.ok(amendment !== undefined);
    assert.equal(amendment.reason, 'temperature transcribed wrongly');
    assert.equal(amendment.signedBy, physician.userId);
    assert.equal(amendment.contentHash, sha256Hex(canonicalJson(corrected)));
    assert.deepEqual(amended.currentContent, corrected);
    assert.equal(amended.signature?.contentHash, sha256Hex(canonicalJson(soapContent)), 'the original signature stands');
    // A second amendment in the same millisecond still comes last: amendments keep insertion order.
    const again = await store.amend(draftId, 'second correction', { plan: 'second' }, physician);
    assert.deepEqual(again.amendments.map((a) => a.reason), ['temperature transcribed wrongly', 'second correction']);
    assert.deepEqual(again.currentContent, { plan: 'second' });
  });

  void test('withdraw: entered-in-error, every row kept, no further changes', async (t) => {
    const { store } = await fresh(t);
    const { draftId } = await seedDraft(store);
    await store.signDraft(draftId, 1, physician);
    await assert.rejects(store.withdraw(draftId, 'wrong patient', nurse), isCode('forbidden'));
    const withdrawn = await store.withdraw(draftId, 'wrong patient', physician);
    assert.equal(withdrawn.status, 'entered-in-error');
    assert.equal(withdrawn.withdrawal?.reason, 'wrong patient');
    assert.ok(withdrawn.signature !== null, 'the signature is kept');
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM drafts'))?.n), 1);
    await assert.rejects(store.withdraw(draftId, 'again', physician), isCode('conflict', /already entered in error/));
    await assert.rejects(store.amend(draftId, 'fix', {}, physician), isCode('conflict', /entered in error/));
    await assert.rejects(store.editDraft(draftId, withdrawn.version, {}, physician), isCode('conflict', /entered in error/));
    await assert.rejects(store.sql.run('DELETE FROM drafts'), /DELETE is not allowed/);
    await assert.rejects(store.sql.run('DELETE FROM patients'), /DELETE is not allowed/);
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM drafts'))?.n), 1);
  });
}
