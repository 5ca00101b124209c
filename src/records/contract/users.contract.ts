/**
 * The records contract for users, logins, API tokens and single sign-on:
 * what every backend must do, run by sqlite-store.test.ts and
 * postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { hashToken } from '../accounts/api-tokens.ts';
import { loginRefusedMessage, lockoutPolicy } from '../accounts/lockout.ts';
import { scryptDefaults } from '../accounts/password.ts';
import type { Actor } from '../audit.ts';
import type { RecordsStore } from '../records-store.ts';
import type { StoreFactory, StoreFixture, StoreSettings } from './fixture.ts';

const admin: Actor = { userId: 'u-admin', role: 'admin', ip: '10.0.0.1', client: 'cli' };
const password = 'amber kettle ribbon 42';

const refusedLogin = (error: unknown): boolean => isNorthstationError(error, 'unauthorized') && error.message === loginRefusedMessage;

/** Every row of the account tables and the audit trail as text: what someone reading the database sees. */
async function accountRowsAsText(store: RecordsStore): Promise<string> {
  const rows: unknown[] = [];
  for (const table of ['users', 'api_tokens', 'external_identities', 'audit_events', 'store_meta']) rows.push(...(await store.sql.all(`SELECT * FROM ${table}`)));
  return JSON.stringify(rows);
}

export function usersContract(factory: StoreFactory): void {
  async function fresh(t: TestContext, settings?: StoreSettings): Promise<StoreFixture> {
    const fixture = await factory(settings);
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('migration 2: users.first_failed_at and the api_tokens table', async (t) => {
    const { store } = await fresh(t);
    const user = await store.createUser({ username: 'nurse.ada', roles: ['nurse'], password }, admin);
    await store.issueApiToken(user.id, admin);
    // SELECT * names the columns in table order on both databases.
    assert.ok(Object.keys((await store.sql.get('SELECT * FROM users')) ?? {}).includes('first_failed_at'));
    assert.deepEqual(Object.keys((await store.sql.get('SELECT * FROM api_tokens')) ?? {}), ['id', 'user_id', 'token_hash', 'created_at', 'revoked_at']);
  });

  void test('createUser: hashed password, validated roles, audited', async (t) => {
    const { store } = await fresh(t);
    const user = await store.createUser({ username: 'dr.okafor', displayName: 'Dr A. Okafor', roles: ['physician', 'admin'], password }, admin);
    assert.deepEqual(user.roles, ['physician', 'admin']);
    assert.equal(user.displayName, 'Dr A. Okafor');
    const row = await store.sql.get('SELECT password_hash FROM users WHERE id = ?', [user.id]);
    assert.match(String(row?.password_hash), /^scrypt\$1024\$8\$1\$/);
    const events = await store.listAuditEvents({ resourceId: user.id });
    assert.deepEqual(events.map((e) => [e.action, e.user, e.role]), [['user.create', 'u-admin', 'admin']]);
    await assert.rejects(store.createUser({ username: 'dr.okafor', roles: ['nurse'], password }, admin), (e: unknown) => isNorthstationError(e, 'conflict'));
    await assert.rejects(store.createUser({ username: 'weak', roles: ['nurse'], password: 'short' }, admin), (e: unknown) => isNorthstationError(e, 'bad_request') && /at least 12/.test(e.message));
    await assert.rejects(store.createUser({ username: 'root', roles: ['superuser'], password }, admin), (e: unknown) => isNorthstationError(e, 'bad_request') && /unknown role/.test(e.message));
    await assert.rejects(store.createUser({ username: 'norole', roles: [], password }, admin), (e: unknown) => isNorthstationError(e, 'bad_request'));
    const stored = await accountRowsAsText(store);
    assert.ok(stored.includes('dr.okafor'), 'the dump holds the account (so the next check is not vacuous)');
    assert.ok(!stored.includes(password), 'the password is stored nowhere');
  });

  void test('authenticate: right password, wrong password and unknown user; one message; audited without the password', async (t) => {
    const { store } = await fresh(t);
    const created = await store.createUser({ username: 'nurse.lee', roles: ['nurse'], password }, admin);
    const user = await store.authenticate('nurse.lee', password, { ip: '10.1.1.1', client: 'web' });
    assert.equal(user.id, created.id);
    await assert.rejects(store.authenticate('nurse.lee', 'wrong password here'), refusedLogin);
    await assert.rejects(store.authenticate('nobody', password), refusedLogin);
    const events = await store.listAuditEvents();
    const logins = events.filter((e) => e.action.startsWith('login.'));
    assert.deepEqual(logins.map((e) => [e.action, e.user, e.role, e.resourceId]), [
      ['login.success', created.id, 'nurse', created.id],
      ['login.failure', created.id, 'nurse', created.id],
      ['login.failure', 'unknown', 'unknown', 'unknown'],
    ]);
    assert.equal(logins[0]?.ip, '10.1.1.1');
    assert.ok(!JSON.stringify(events).includes(password) && !JSON.stringify(events).includes('wrong password'));
    assert.equal((await store.verifyAuditChain()).ok, true);
  });

  void test('lockout: five failures lock; the right password is then refused with the same message until the lock runs out', async (t) => {
    const clock = { now: Date.UTC(2026, 0, 1, 8) };
    const { store } = await fresh(t, { now: () => new Date(clock.now) });
    const created = await store.createUser({ username: 'nurse.kim', roles: ['nurse'], password }, admin);
    for (let i = 0; i < lockoutPolicy.maxFailures; i += 1) {
      clock.now += 1000;
      await assert.rejects(store.authenticate('nurse.kim', 'not the password'), refusedLogin);
    }
    const row = await store.sql.get('SELECT failed_logins, locked_until, first_failed_at FROM users WHERE id = ?', [created.id]);
    assert.equal(Number(row?.failed_logins), 5);
    assert.equal(row?.first_failed_at, new Date(Date.UTC(2026, 0, 1, 8) + 1000).toISOString());
    await assert.rejects(store.authenticate('nurse.kim', password), refusedLogin);
    clock.now += lockoutPolicy.lockMs;
    assert.equal((await store.authenticate('nurse.kim', password)).id, created.id);
    const actions = (await store.listAuditEvents({ resourceId: created.id })).map((e) => e.action);
    assert.deepEqual(actions, ['user.create', 'login.failure', 'login.failure', 'login.failure', 'login.failure', 'login.lockout', 'login.locked', 'login.success']);
    const reset = await store.sql.get('SELECT failed_logins, locked_until FROM users WHERE id = ?', [created.id]);
    assert.deepEqual({ failed_logins: Number(reset?.failed_logins), locked_until: reset?.locked_until }, { failed_logins: 0, locked_until: null });
  });

  void test('setPassword: the new password works, the old one not; the lock is cleared, sessions revoked, audited; unknown, single sign-on only and weak are refused', async (t) => {
    const clock = { now: Date.UTC(2026, 0, 1, 8) };
    const { store } = await fresh(t, { now: () => new Date(clock.now) });
    const created = await store.createUser({ username: 'dr.lee', roles: ['physician'], password }, admin);
    for (let i = 0; i < lockoutPolicy.maxFailures; i += 1) await assert.rejects(store.authenticate('dr.lee', 'not the password'), refusedLogin);
    const limits = { ttlMs: 60_000, maxPerUser: 5, maxTotal: 100 };
    const live = await store.openSession({ userId: created.id, tokenHash: hashToken('nss_session-before-reset'), ...limits });

    const next = 'violet harbour lantern 9';
    assert.equal((await store.setPassword('dr.lee', next, admin)).id, created.id);
    assert.equal((await store.authenticate('dr.lee', next)).id, created.id, 'the lock is gone and the new password works');
    await assert.rejects(store.authenticate('dr.lee', password), refusedLogin);
    assert.equal(await store.findSession(hashToken('nss_session-before-reset')), undefined, 'signed out everywhere');
    const actions = (await store.listAuditEvents()).map((event) => `${event.action}:${event.resourceId}`);
    assert.ok(actions.includes(`user.password:${created.id}`));
    assert.ok(actions.includes(`session.revoke:${live.id}`));
    assert.ok(!(await accountRowsAsText(store)).includes(next), 'the password is stored only as a hash');

    await assert.rejects(store.setPassword('nobody', next, admin), (error) => isNorthstationError(error, 'not_found'));
    await assert.rejects(store.setPassword('dr.lee', 'short', admin), (error) => isNorthstationError(error, 'bad_request'));
    const external = await store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-1', username: 'sso.only', displayName: 'SSO Only', roles: ['nurse'] });
    await assert.rejects(store.setPassword(external.username, next, admin), (error) => isNorthstationError(error, 'not_found'));
  });

  void test('a lock counts failures from every gateway', async (t) => {
    const clock = { now: Date.UTC(2026, 0, 1, 8) };
    const fixture = await fresh(t, { now: () => new Date(clock.now) });
    const other = await fixture.openAnother({ now: () => new Date(clock.now) });
    await fixture.store.createUser({ username: 'nurse.roe', roles: ['nurse'], password }, admin);
    // Failures alternate between two gateways: the counter is in the database, not in a process.
    for (let i = 0; i < lockoutPolicy.maxFailures; i += 1) {
      clock.now += 1000;
      await assert.rejects((i % 2 === 0 ? fixture.store : other).authenticate('nurse.roe', 'not the password'), refusedLogin);
    }
    await assert.rejects(other.authenticate('nurse.roe', password), refusedLogin);
    await assert.rejects(fixture.store.authenticate('nurse.roe', password), refusedLogin);
  });

  void test('authenticate rehashes a weaker hash at the next successful login', async (t) => {
    const fixture = await fresh(t);
    const created = await fixture.store.createUser({ username: 'dr.weak', roles: ['physician'], password }, admin);
    const strong = await fixture.openAnother({ passwordParams: scryptDefaults });
    await strong.authenticate('dr.weak', password);
    const hash = String((await strong.sql.get('SELECT password_hash FROM users WHERE id = ?', [created.id]))?.password_hash);
    assert.match(hash, /^scrypt\$131072\$8\$1\$/);
  });

  void test('API tokens: issued once, stored hashed, authenticate, revoke; audit names the token id only', async (t) => {
    const { store } = await fresh(t);
    const intake = await store.createUser({ username: 'intake', roles: ['integration'], password }, admin);
    const issued = await store.issueApiToken(intake.id, admin);
    assert.match(issued.id, /^tok_[0-9a-f]{16}$/);
    const stored = await store.sql.get('SELECT * FROM api_tokens WHERE id = ?', [issued.id]);
    assert.equal(stored?.token_hash, hashToken(issued.token));
    assert.equal((await store.authenticateToken(issued.token, { ip: '10.2.2.2' })).id, intake.id);
    await assert.rejects(store.authenticateToken('ns_' + 'A'.repeat(43)), refusedLogin);
    await assert.rejects(store.authenticateToken('garbage'), refusedLogin);
    await store.revokeApiToken(issued.id, admin);
    await assert.rejects(store.authenticateToken(issued.token), refusedLogin);
    await assert.rejects(store.revokeApiToken(issued.id, admin), (e: unknown) => isNorthstationError(e, 'conflict'));
    await assert.rejects(store.revokeApiToken('tok_0000000000000000', admin), (e: unknown) => isNorthstationError(e, 'not_found'));
    await assert.rejects(store.issueApiToken('no-such-user', admin), (e: unknown) => isNorthstationError(e, 'not_found'));
    const events = await store.listAuditEvents();
    const tokenEvents = events.filter((e) => e.resourceType === 'api-token').map((e) => [e.action, e.resourceId]);
    assert.deepEqual(tokenEvents, [
      ['api-token.issue', issued.id],
      ['api-token.use', issued.id],
      ['api-token.refused', 'unknown'],
      ['api-token.refused', 'unknown'],
      ['api-token.revoke', issued.id],
      ['api-token.refused', issued.id],
    ]);
    assert.ok(!JSON.stringify(events).includes(issued.token.slice(3)), 'no token in the audit trail');
    await assert.rejects(store.sql.run('DELETE FROM api_tokens'), /not allowed/);
    await assert.rejects(store.sql.run("UPDATE api_tokens SET token_hash = 'x'"), /not allowed/);
    await assert.rejects(store.sql.run('DELETE FROM users'), /not allowed/);
    assert.equal((await store.verifyAuditChain()).ok, true);
    const dump = await accountRowsAsText(store);
    assert.ok(dump.includes(issued.id), 'the dump holds the token row (so the next check is not vacuous)');
    assert.ok(!dump.includes(issued.token.slice(3)), 'no token stored anywhere');
  });

  void test('signInExternal: created on first sign-in, bound to (issuer, sub), roles follow the provider, audited', async (t) => {
    const { store } = await fresh(t);
    const context = { ip: '10.0.0.9', client: 'oidc' };
    const identity = { issuer: 'https://idp.ward.example', subject: 'sub-1', username: 'sso.user', displayName: 'Sso User', roles: ['physician'] as const };
    const first = await store.signInExternal({ ...identity, roles: [...identity.roles] }, context);
    assert.deepEqual(first.roles, ['physician']);
    assert.equal(first.username, 'sso.user');
    // A renamed account at the provider is still the same user: the binding is the subject.
    const again = await store.signInExternal({ ...identity, username: 'renamed', roles: ['physician', 'admin'] }, context);
    assert.equal(again.id, first.id);
    assert.deepEqual([...again.roles].sort(), ['admin', 'physician']);
    // The same subject at another issuer is someone else; here its username clashes: conflict, never a link.
    await assert.rejects(store.signInExternal({ ...identity, issuer: 'https://other.example', roles: ['nurse'] }, context), (error) => isNorthstationError(error, 'conflict'));
    // No role → forbidden, audited.
    await assert.rejects(store.signInExternal({ ...identity, roles: [] }, context), (error) => isNorthstationError(error, 'forbidden'));
    // No password: the local sign-in refuses an SSO-only account.
    await assert.rejects(store.authenticate('sso.user', password), refusedLogin);
    const actions = (await store.listAuditEvents({ resourceId: first.id })).map((event) => event.action);
    assert.deepEqual(actions, ['user.create', 'login.success', 'user.roles-sync', 'login.success', 'login.failure', 'login.failure']);
    assert.equal((await store.verifyAuditChain()).ok, true);
    await assert.rejects(store.sql.run('DELETE FROM external_identities'), /not allowed/);
    await assert.rejects(store.sql.run("UPDATE external_identities SET subject = 'sub-2'"), /not allowed/);
  });
}
