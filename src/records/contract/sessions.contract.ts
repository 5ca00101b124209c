/**
 * The records contract for login sessions (clinical API sign-in): what every
 * backend must do, run by sqlite-store.test.ts and postgres-store.int.test.ts.
 * Sessions live in the database so that they survive a restart, are shared by
 * every gateway, and carry the user's roles as they are now, not as they were
 * at sign-in.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { Actor } from '../audit.ts';
import type { RecordsStore } from '../records-store.ts';
import type { NewSession, User } from '../repository.ts';
import type { StoreFactory, StoreFixture, StoreSettings } from './fixture.ts';

const admin: Actor = { userId: 'u-admin', role: 'admin', client: 'cli' };
const password = 'amber kettle ribbon 42';
const hour = 60 * 60 * 1000;

/** A bearer token as the server makes one, and the hash the store is given. */
function newToken(): { token: string; hash: string } {
  const token = 'nss_' + randomBytes(32).toString('base64url');
  return { token, hash: createHash('sha256').update(token, 'utf8').digest('hex') };
}

const limits = { ttlMs: 8 * hour, maxPerUser: 10, maxTotal: 1000 };

async function open(store: RecordsStore, user: User, extra: Partial<NewSession> = {}): Promise<{ id: string; token: string; hash: string }> {
  const { token, hash } = newToken();
  const session = await store.openSession({ userId: user.id, tokenHash: hash, ...limits, ...extra }, { ip: '10.0.0.7', client: 'api' });
  return { id: session.id, token, hash };
}

export function sessionsContract(factory: StoreFactory): void {
  async function fresh(t: TestContext, settings?: StoreSettings): Promise<StoreFixture> {
    const fixture = await factory(settings);
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('sessions: stored by token hash only, found again by a second store on the same database, audited without the token', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const user = await store.createUser({ username: 'nurse.ada', roles: ['nurse'], password }, admin);
    const { id, token, hash } = await open(store, user);
    // A restart, or another gateway: nothing but the database is shared.
    const other = await fixture.openAnother();
    const found = await other.findSession(hash);
    assert.equal(found?.id, id);
    assert.equal(found.user.id, user.id);
    assert.deepEqual(found.user.roles, ['nurse']);
    assert.equal(found.external, null);
    assert.equal(found.stepUp, null);
    assert.equal(Date.parse(found.expiresAt) - Date.parse(found.createdAt), limits.ttlMs);
    assert.equal(await other.findSession(newToken().hash), undefined, 'an unknown token finds nothing');
    assert.equal(await other.findSession(token), undefined, 'the token itself is not a lookup key');

    const rows = JSON.stringify([...(await store.sql.all('SELECT * FROM sessions')), ...(await store.sql.all('SELECT * FROM audit_events'))]);
    assert.ok(rows.includes(hash), 'the hash is stored (so the next check is not vacuous)');
    assert.ok(!rows.includes(token), 'the token is stored nowhere');
    const events = await store.listAuditEvents({ resourceId: id });
    assert.deepEqual(events.map((e) => [e.action, e.user, e.role, e.resourceType, e.ip]), [['session.open', user.id, 'nurse', 'session', '10.0.0.7']]);
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('sessions: a single sign-on session keeps its provider identity', async (t) => {
    const { store } = await fresh(t);
    const user = await store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-1', username: 'dr.sso', roles: ['physician'] });
    const { hash } = await open(store, user, { external: { issuer: 'https://idp.example', subject: 'sub-1' } });
    assert.deepEqual((await store.findSession(hash))?.external, { issuer: 'https://idp.example', subject: 'sub-1' });
  });

  void test('sessions: the roles are read from the users table at each lookup, not kept from sign-in', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const user = await store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-2', username: 'dr.demoted', roles: ['physician'] });
    const { hash } = await open(store, user, { external: { issuer: 'https://idp.example', subject: 'sub-2' } });
    const other = await fixture.openAnother();
    assert.deepEqual((await other.findSession(hash))?.user.roles, ['physician']);
    // The provider now says nurse (seen at a sign-in through any gateway): the open session follows at once.
    await store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-2', username: 'dr.demoted', roles: ['nurse'] });
    assert.deepEqual((await other.findSession(hash))?.user.roles, ['nurse']);
    // So does a change made directly in the table (an administrator's).
    await store.sql.run('UPDATE users SET roles = ? WHERE id = ?', [JSON.stringify(['admin']), user.id]);
    assert.deepEqual((await other.findSession(hash))?.user.roles, ['admin']);
  });

  void test('sessions: revoke ends a session for every store at once, once', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const user = await store.createUser({ username: 'nurse.lee', roles: ['nurse'], password }, admin);
    const kept = await open(store, user);
    const ended = await open(store, user);
    const other = await fixture.openAnother();
    const self: Actor = { userId: user.id, role: 'nurse', client: 'api' };
    assert.equal(await other.revokeSession(ended.id, self), true);
    assert.equal(await store.findSession(ended.hash), undefined);
    assert.equal((await store.findSession(kept.hash))?.id, kept.id, 'other sessions of the user stay');
    assert.equal(await store.revokeSession(ended.id, self), false, 'already revoked');
    assert.equal(await store.revokeSession('no-such-session', self), false);
    assert.deepEqual((await store.listAuditEvents({ resourceId: ended.id })).map((e) => [e.action, e.user]), [['session.open', user.id], ['session.revoke', user.id]]);
    assert.equal(await store.countSessions(user.id), 1);
  });

  void test('sessions: an expired session is not returned, cannot be revoked, and its row is deleted at the next open', async (t) => {
    const clock = { now: Date.UTC(2026, 0, 1, 8) };
    const { store } = await fresh(t, { now: () => new Date(clock.now) });
    const user = await store.createUser({ username: 'nurse.kim', roles: ['nurse'], password }, admin);
    const { id, hash } = await open(store, user, { ttlMs: hour });
    clock.now += hour - 1;
    assert.equal((await store.findSession(hash))?.id, id, 'live until the last millisecond');
    clock.now += 1;
    assert.equal(await store.findSession(hash), undefined, 'expired at exactly ttl');
    assert.equal(await store.countSessions(), 0);
    assert.equal(await store.revokeSession(id, admin), false);
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM sessions WHERE id = ?', [id]))?.n), 1, 'still there before the next open');
    await open(store, user);
    assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM sessions WHERE id = ?', [id]))?.n), 0, 'pruned');
  });

  void test('sessions: per-user cap revokes the oldest (issue order, even within one millisecond); the total cap refuses and changes nothing', async (t) => {
    const fixture = await fresh(t, { now: () => new Date(Date.UTC(2026, 0, 1, 8)) });
    const { store } = fixture;
    const other = await fixture.openAnother({ now: () => new Date(Date.UTC(2026, 0, 1, 8)) });
    const u1 = await store.createUser({ username: 'u1', roles: ['nurse'], password }, admin);
    const u2 = await store.createUser({ username: 'u2', roles: ['nurse'], password }, admin);
    const u3 = await store.createUser({ username: 'u3', roles: ['nurse'], password }, admin);
    const capped = { maxPerUser: 2, maxTotal: 3 };
    // Alternating gateways, one frozen clock: the order is the database's, not a timestamp's or a process's.
    const first = await open(store, u1, capped);
    const second = await open(other, u1, capped);
    const third = await open(store, u1, capped);
    assert.equal(await store.findSession(first.hash), undefined, 'the oldest of u1 was revoked');
    assert.equal((await store.findSession(second.hash))?.id, second.id);
    assert.equal((await store.findSession(third.hash))?.id, third.id);
    assert.equal(await store.countSessions(u1.id), 2);
    assert.deepEqual((await store.listAuditEvents({ resourceId: first.id })).map((e) => [e.action, e.user]), [['session.open', u1.id], ['session.revoke', u1.id]]);

    await open(other, u2, capped);
    const refusal = open(store, u3, capped);
    await assert.rejects(refusal, (error: unknown) => isNorthstationError(error, 'overloaded'));
    assert.equal(await store.countSessions(), 3);
    assert.equal(await store.countSessions(u3.id), 0);
    // Signing in again when already at the per-user cap replaces a session of one's own, so it fits.
    const fourth = await open(other, u1, capped);
    assert.equal(await store.findSession(second.hash), undefined);
    assert.equal((await store.findSession(fourth.hash))?.id, fourth.id);
    await assert.rejects(store.openSession({ userId: 'no-such-user', tokenHash: newToken().hash, ...limits }), (error: unknown) => isNorthstationError(error, 'not_found'));
    await assert.rejects(store.openSession({ userId: u1.id, tokenHash: 'not-a-hash', ...limits }), (error: unknown) => isNorthstationError(error, 'bad_request'));
  });

  void test('step-up: a grant is for one purpose, expires, and is taken once even by two gateways at the same moment', async (t) => {
    const clock = { now: Date.UTC(2026, 0, 1, 8) };
    const fixture = await fresh(t, { now: () => new Date(clock.now) });
    const { store } = fixture;
    const other = await fixture.openAnother({ now: () => new Date(clock.now) });
    const user = await store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-3', username: 'dr.step', roles: ['physician'] });
    const session = await open(store, user, { external: { issuer: 'https://idp.example', subject: 'sub-3' } });

    const granted = await store.grantStepUp(session.id, 'sign', 5 * 60 * 1000);
    assert.deepEqual(granted, { purpose: 'sign', expiresAt: new Date(clock.now + 5 * 60 * 1000).toISOString() });
    assert.deepEqual((await other.findSession(session.hash))?.stepUp, granted, 'the grant is visible to the other gateway');
    assert.equal(await other.takeStepUp(session.id, 'amend'), undefined, 'another purpose');

    const takes = await Promise.all([store.takeStepUp(session.id, 'sign'), other.takeStepUp(session.id, 'sign'), store.takeStepUp(session.id, 'sign'), other.takeStepUp(session.id, 'sign')]);
    assert.deepEqual(takes.filter((take) => take !== undefined), [granted], 'exactly one take succeeds');
    assert.equal((await store.findSession(session.hash))?.stepUp, null);

    // Given back after a failed action, it can be taken again — once.
    assert.equal(await other.restoreStepUp(session.id, granted), true);
    assert.deepEqual(await store.takeStepUp(session.id, 'sign'), granted);
    assert.equal(await store.takeStepUp(session.id, 'sign'), undefined);

    // Expiry: usable until the last millisecond, not at the deadline; an expired grant is not restored.
    const later = await store.grantStepUp(session.id, 'withdraw', 1000);
    assert.ok(later !== undefined);
    clock.now += 999;
    assert.deepEqual((await store.findSession(session.hash))?.stepUp, later);
    clock.now += 1;
    assert.equal((await store.findSession(session.hash))?.stepUp, null);
    assert.equal(await other.takeStepUp(session.id, 'withdraw'), undefined);
    assert.equal(await store.restoreStepUp(session.id, later), false);

    // A newer grant is not overwritten by giving back an older one.
    const newer = await store.grantStepUp(session.id, 'amend', 60_000);
    assert.equal(await store.restoreStepUp(session.id, { purpose: 'sign', expiresAt: new Date(clock.now + 30_000).toISOString() }), false);
    assert.deepEqual((await store.findSession(session.hash))?.stepUp, newer);

    // A revoked session holds no grant and gets none.
    assert.equal(await store.revokeSession(session.id, admin), true);
    assert.equal(await store.grantStepUp(session.id, 'sign', 60_000), undefined);
    assert.equal(await other.takeStepUp(session.id, 'amend'), undefined);
  });

  void test('sessions: identity columns cannot be rewritten in place', async (t) => {
    const { store } = await fresh(t);
    const user = await store.createUser({ username: 'nurse.roe', roles: ['nurse'], password }, admin);
    const victim = await store.createUser({ username: 'dr.victim', roles: ['physician'], password }, admin);
    const { id } = await open(store, user);
    // Pointing a session at another account, or making it last longer, would hand out that account or time.
    await assert.rejects(store.sql.run('UPDATE sessions SET user_id = ? WHERE id = ?', [victim.id, id]), /not allowed/);
    await assert.rejects(store.sql.run('UPDATE sessions SET expires_at = ? WHERE id = ?', ['9999-01-01T00:00:00.000Z', id]), /not allowed/);
  });
}
