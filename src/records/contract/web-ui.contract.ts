/**
 * The records contract for what the web UI adds (migration 8): a user's
 * language, the audit search (filters, newest first, paging back by seq) and
 * the worklist's order and patient names. Run by sqlite-store.test.ts and
 * postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isNorthstationError, type ErrorCode } from '../../core/errors.ts';
import { hashToken } from '../accounts/api-tokens.ts';
import type { Actor } from '../audit.ts';
import type { UserLanguage } from '../repository.ts';
import { nurse, physician, soapDraft } from '../test-fixtures.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

const admin: Actor = { userId: 'u-admin', role: 'admin', ip: '10.0.0.1', client: 'web' };
const password = 'amber kettle ribbon 42';
const isCode = (code: ErrorCode) => (error: unknown): boolean => isNorthstationError(error, code);

export function webUiContract(factory: StoreFactory): void {
  /** A store whose clock moves only when the test moves it. */
  async function fresh(t: TestContext): Promise<StoreFixture & { clock: { now: number } }> {
    const clock = { now: Date.parse('2026-03-01T08:00:00.000Z') };
    const fixture = await factory({ now: () => new Date(clock.now) });
    t.after(() => fixture.cleanup());
    return { ...fixture, clock };
  }

  void test('migration 8: users.language, English until the user chooses', async (t) => {
    const { store } = await fresh(t);
    const user = await store.createUser({ username: 'nurse.ada', roles: ['nurse'], password }, admin);
    assert.equal(user.language, 'en');
    assert.equal((await store.sql.get('SELECT language FROM users WHERE id = ?', [user.id]))?.language, 'en');
    // The column refuses what the UI cannot speak, even written around the store.
    await assert.rejects(store.sql.run("UPDATE users SET language = 'de' WHERE id = ?", [user.id]));
  });

  void test('setUserLanguage: stored, seen by sign-in, sessions and tokens, audited; bad input changes nothing', async (t) => {
    const { store } = await fresh(t);
    const user = await store.createUser({ username: 'dr.okafor', roles: ['physician'], password }, admin);
    const self: Actor = { userId: user.id, role: 'physician', ip: '10.0.0.9', client: 'api' };
    const changed = await store.setUserLanguage(user.id, 'fr', self);
    assert.equal(changed.language, 'fr');
    assert.equal(changed.id, user.id);
    assert.equal((await store.authenticate('dr.okafor', password)).language, 'fr');
    const tokenHash = hashToken('nss_' + 'x'.repeat(43));
    await store.openSession({ userId: user.id, tokenHash, ttlMs: 60_000, maxPerUser: 5, maxTotal: 100 });
    assert.equal((await store.findSession(tokenHash))?.user.language, 'fr');
    const token = await store.issueApiToken(user.id, admin);
    assert.equal((await store.authenticateToken(token.token)).language, 'fr');
    const events = (await store.listAuditEvents({ resourceId: user.id })).filter((event) => event.action === 'user.preferences');
    assert.deepEqual(events.map((event) => [event.user, event.role, event.ip]), [[user.id, 'physician', '10.0.0.9']]);

    const before = (await store.listAuditEvents()).length;
    await assert.rejects(store.setUserLanguage(user.id, 'de' as UserLanguage, self), isCode('bad_request'));
    await assert.rejects(store.setUserLanguage('no-such-user', 'en', self), isCode('not_found'));
    assert.equal((await store.listAuditEvents()).length, before, 'a refused change writes no event');
    assert.equal((await store.setUserLanguage(user.id, 'en', self)).language, 'en');
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('searchAuditEvents: by action, user, resource and time, newest first, limited, paged back by seq; the search is audited', async (t) => {
    const { store, clock } = await fresh(t);
    const at = (iso: string): void => {
      clock.now = Date.parse(iso);
    };
    at('2026-03-01T08:00:00.000Z');
    const patient = await store.createPatient({ displayName: 'Margaret Thistlewood' }, nurse); // seq 1
    at('2026-03-01T09:00:00.000Z');
    const encounter = await store.createEncounter({ patientId: patient.id }, nurse); // seq 2
    at('2026-03-01T10:00:00.000Z');
    const draft = await store.createDraft({ encounterId: encounter.id, input: { transcript: 'cough' }, draft: soapDraft() }, nurse); // seq 3
    at('2026-03-01T11:00:00.000Z');
    await store.getPatient(patient.id, physician); // seq 4
    at('2026-03-01T12:00:00.000Z');
    await store.getDraft(draft.id, physician); // seq 5
    at('2026-03-01T13:00:00.000Z');
    await store.getPatient(patient.id, nurse); // seq 6

    const seqs = async (filter: Parameters<typeof store.searchAuditEvents>[0]): Promise<number[]> => (await store.searchAuditEvents(filter, admin)).map((event) => event.seq);
    assert.deepEqual(await seqs({ limit: 100, action: 'patient.read' }), [6, 4], 'exact action, newest first');
    assert.deepEqual(await seqs({ limit: 100, action: 'patient' }), [], 'the action is matched exactly, not as a prefix');
    assert.deepEqual(await seqs({ limit: 100, userId: physician.userId }), [5, 4]);
    assert.deepEqual(await seqs({ limit: 100, resourceId: patient.id }), [6, 4, 1]);
    assert.deepEqual(await seqs({ limit: 100, from: '2026-03-01T09:00:00.000Z', to: '2026-03-01T12:00:00.000Z' }), [4, 3, 2], 'from inclusive, to exclusive');
    assert.deepEqual(await seqs({ limit: 100, userId: nurse.userId, from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T14:00:00.000Z' }), [6, 3]);
    // Each search above was an audited read (seq 7 onwards): the trail grows, newest first still.
    const newest = await store.searchAuditEvents({ limit: 2 }, admin);
    assert.equal(newest.length, 2);
    assert.deepEqual(newest.map((event) => event.action), ['audit.read', 'audit.read']);
    const lastSearchSeq = newest[0]?.seq ?? 0;
    assert.ok(lastSearchSeq > 6);
    const latest = await store.listAuditEvents();
    assert.equal(latest.at(-1)?.action, 'audit.read', 'the search itself is recorded');
    assert.equal(latest.at(-1)?.user, admin.userId);
    assert.equal(latest.at(-1)?.seq, lastSearchSeq + 1, 'after the events it returned: a search never finds itself');
    assert.deepEqual(await seqs({ limit: 2, beforeSeq: 4 }), [3, 2], 'the next page back in time');
    assert.deepEqual(await seqs({ limit: 100, beforeSeq: 4, action: 'patient.read' }), []);

    await assert.rejects(store.searchAuditEvents({ limit: 0 }, admin), isCode('bad_request'));
    await assert.rejects(store.searchAuditEvents({ limit: 1001 }, admin), isCode('bad_request'));
    await assert.rejects(store.searchAuditEvents({ limit: 10, from: '2026-03-01' }, admin), isCode('bad_request'));
    await assert.rejects(store.searchAuditEvents({ limit: 10, beforeSeq: 0 }, admin), isCode('bad_request'));
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('worklist order: drafts awaiting review oldest first by default, newest first on request; the cursor walks either order and refuses the other', async (t) => {
    const { store, clock } = await fresh(t);
    const patient = await store.createPatient({ displayName: 'Margaret Thistlewood' }, nurse);
    const encounter = await store.createEncounter({ patientId: patient.id }, nurse);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Two drafts share a millisecond: insertion order breaks the tie, in both orders.
      if (i !== 3) clock.now += 1000;
      ids.push((await store.createDraft({ encounterId: encounter.id, input: { transcript: `t${i}` }, draft: soapDraft() }, nurse)).id);
    }
    const walk = async (order: 'oldest' | 'newest' | undefined): Promise<string[]> => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listDraftsPage({ state: 'draft', limit: 2, ...(order === undefined ? {} : { order }), ...(after === undefined ? {} : { after }) }, nurse);
        seen.push(...page.drafts.map((draft) => draft.id));
        if (page.next === undefined) return seen;
        after = page.next;
      }
    };
    assert.deepEqual(await walk(undefined), ids);
    assert.deepEqual(await walk('oldest'), ids);
    assert.deepEqual(await walk('newest'), [...ids].reverse());
    // Without state the default is newest first; order=oldest turns it round.
    assert.deepEqual((await store.listDraftsPage({ limit: 10 }, nurse)).drafts.map((draft) => draft.id), [...ids].reverse());
    assert.deepEqual((await store.listDraftsPage({ limit: 10, order: 'oldest' }, nurse)).drafts.map((draft) => draft.id), ids);

    const newestFirst = await store.listDraftsPage({ state: 'draft', limit: 2, order: 'newest' }, nurse);
    assert.ok(newestFirst.next !== undefined);
    await assert.rejects(store.listDraftsPage({ state: 'draft', limit: 2, after: newestFirst.next }, nurse), (error: unknown) => isNorthstationError(error, 'bad_request') && /other order/.test(error.message));
    await assert.rejects(store.listDraftsPage({ state: 'draft', limit: 2, order: 'sideways' as 'oldest' }, nurse), isCode('bad_request'));
  });

  void test('worklist with patients: each row names its patient (decrypted), one audited patient.read per patient on the page; without it, no names', async (t) => {
    const { store } = await fresh(t);
    const seedFor = async (name: string): Promise<{ patientId: string; draftId: string }> => {
      const patient = await store.createPatient({ displayName: name }, nurse);
      const encounter = await store.createEncounter({ patientId: patient.id }, nurse);
      const draft = await store.createDraft({ encounterId: encounter.id, input: { transcript: 'x' }, draft: soapDraft() }, nurse);
      return { patientId: patient.id, draftId: draft.id };
    };
    const margaret = await seedFor('Margaret Thistlewood');
    const zebedee = await seedFor('Zebedee Quargle');
    const margaretAgain = await store.createDraft({ encounterId: (await store.createEncounter({ patientId: margaret.patientId }, nurse)).id, input: { transcript: 'y' }, draft: soapDraft() }, nurse);

    const plain = await store.listDraftsPage({ state: 'draft', limit: 10 }, physician);
    assert.equal(plain.drafts.length, 3);
    assert.ok(plain.drafts.every((row) => !('patient' in row)), 'no names unless asked for');
    assert.ok(!JSON.stringify(plain).includes('Thistlewood'));

    const before = (await store.listAuditEvents()).length;
    const named = await store.listDraftsPage({ state: 'draft', limit: 10, withPatients: true }, physician);
    assert.deepEqual(named.drafts.map((row) => [row.id, row.patient]), [
      [margaret.draftId, { id: margaret.patientId, displayName: 'Margaret Thistlewood' }],
      [zebedee.draftId, { id: zebedee.patientId, displayName: 'Zebedee Quargle' }],
      [margaretAgain.id, { id: margaret.patientId, displayName: 'Margaret Thistlewood' }],
    ]);
    const written = (await store.listAuditEvents()).slice(before);
    assert.deepEqual(written.map((event) => [event.action, event.resourceId, event.user]), [
      ['worklist.read', 'state=draft', physician.userId],
      ['patient.read', margaret.patientId, physician.userId],
      ['patient.read', zebedee.patientId, physician.userId],
    ]);
    // One patient's rows only, by the filter the store already had.
    const one = await store.listDraftsPage({ limit: 10, patientId: zebedee.patientId, withPatients: true }, physician);
    assert.deepEqual(one.drafts.map((row) => row.patient?.displayName), ['Zebedee Quargle']);
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('oidc logins: a sign-in started by the web UI says so at the callback; others do not', async (t) => {
    const { store } = await fresh(t);
    const base = { verifier: 'v'.repeat(43), nonce: 'n'.repeat(43), browserBinding: 'b'.repeat(32), ttlMs: 600_000, maxPending: 10 };
    await store.saveOidcLogin({ ...base, state: 's'.repeat(43), client: 'web' });
    await store.saveOidcLogin({ ...base, state: 't'.repeat(43) });
    assert.equal((await store.takeOidcLogin('s'.repeat(43)))?.client, 'web');
    const plain = await store.takeOidcLogin('t'.repeat(43));
    assert.ok(plain !== undefined && !('client' in plain));
  });

  void test('oidc exchange codes: redeemed once, on any gateway, only with the browser binding, within their lifetime; nothing kept in clear', async (t) => {
    const fixture = await fresh(t);
    const { store, clock } = fixture;
    const user = await store.createUser({ username: 'priya', roles: ['physician'], password }, admin);
    const external = { issuer: 'https://idp.example', subject: 'sub-1' };
    const code = 'c'.repeat(20) + 'Zq9_-' + 'd'.repeat(18);
    const binding = 'browser-binding-' + 'x'.repeat(16);
    const save = (overrides: Partial<Parameters<typeof store.saveOidcExchange>[0]> = {}) => store.saveOidcExchange({ code, userId: user.id, external, browserBinding: binding, ttlMs: 60_000, maxPending: 10, ...overrides });

    const { expiresAt } = await save();
    assert.equal(expiresAt, new Date(clock.now + 60_000).toISOString());
    const stored = JSON.stringify(await store.sql.all('SELECT * FROM oidc_exchange_codes'));
    assert.ok(stored.includes(user.id), 'the dump holds the row (so the next checks are not vacuous)');
    assert.ok(!stored.includes(code) && !stored.includes(binding), 'neither the code nor the binding is stored');

    // The second gateway reads the same clock: on its own (real) one the code would look long expired whenever it won the race.
    const another = await fixture.openAnother({ now: () => new Date(clock.now) });
    const [first, second] = await Promise.all([store.takeOidcExchange(code, binding), another.takeOidcExchange(code, binding)]);
    const taken = [first, second].filter((outcome) => outcome !== undefined);
    assert.equal(taken.length, 1, 'two gateways, one redemption');
    assert.deepEqual(taken[0], { user, external });

    await save();
    assert.equal(await store.takeOidcExchange(code, 'another-browser-' + 'y'.repeat(16)), undefined, 'another browser');
    assert.equal(await store.takeOidcExchange(code, binding), undefined, 'a refused attempt spends the code');

    await save();
    clock.now += 60_000;
    assert.equal(await store.takeOidcExchange(code, binding), undefined, 'expired at 60 s');
    assert.equal(await store.takeOidcExchange('short', binding), undefined);

    await save({ code: 'e'.repeat(43), maxPending: 1 });
    await assert.rejects(save({ code: 'f'.repeat(43), maxPending: 1 }), isCode('overloaded'));
    clock.now += 60_000;
    await save({ code: 'f'.repeat(43), maxPending: 1 });
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM oidc_exchange_codes'))?.n), 1, 'the expired code was swept');
    await assert.rejects(store.sql.run("UPDATE oidc_exchange_codes SET user_id = 'u-other'"), 'rows are never rewritten');
  });
}
