import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { loginRefusedMessage, lockoutPolicy } from './accounts/lockout.ts';
import { hashToken } from './accounts/api-tokens.ts';
import { scryptDefaults } from './accounts/password.ts';
import type { Actor } from './audit.ts';
import { generateDataKey } from './field-cipher.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { SqliteRecordsStore } from './sqlite-store.ts';

const fast = { N: 2 ** 10, r: 8, p: 1 };
const admin: Actor = { userId: 'u-admin', role: 'admin', ip: '10.0.0.1', client: 'cli' };
const password = 'amber kettle ribbon 42';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fresh(options: { clock?: { now: number } } = {}): { store: SqliteRecordsStore; path: string; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ns-users-'));
  dirs.push(dir);
  const path = join(dir, 'records.sqlite');
  const key = generateDataKey();
  const clock = options.clock;
  const store = openSqliteStore({ path, key, passwordParams: fast, ...(clock === undefined ? {} : { now: () => new Date(clock.now) }) });
  return { store, path, key };
}

const refusedLogin = (error: unknown): boolean => isNorthstationError(error, 'unauthorized') && error.message === loginRefusedMessage;

test('migration 2: first_failed_at and api_tokens exist', async () => {
  const { store } = fresh();
  const columns = store.database.prepare('PRAGMA table_info(users)').all().map((row) => row.name);
  assert.ok(columns.includes('first_failed_at'));
  const tokenColumns = store.database.prepare('PRAGMA table_info(api_tokens)').all().map((row) => row.name);
  assert.deepEqual(tokenColumns, ['id', 'user_id', 'token_hash', 'created_at', 'revoked_at']);
  await store.close();
});

test('createUser: hashed password, validated roles, audited', async () => {
  const { store, path } = fresh();
  const user = await store.createUser({ username: 'dr.okafor', displayName: 'Dr A. Okafor', roles: ['physician', 'admin'], password }, admin);
  assert.deepEqual(user.roles, ['physician', 'admin']);
  assert.equal(user.displayName, 'Dr A. Okafor');
  const row = store.database.prepare('SELECT password_hash FROM users WHERE id = ?').get(user.id);
  assert.match(String(row?.password_hash), /^scrypt\$1024\$8\$1\$/);
  const events = await store.listAuditEvents({ resourceId: user.id });
  assert.deepEqual(events.map((e) => [e.action, e.user, e.role]), [['user.create', 'u-admin', 'admin']]);
  await assert.rejects(store.createUser({ username: 'dr.okafor', roles: ['nurse'], password }, admin), (e: unknown) => isNorthstationError(e, 'conflict'));
  await assert.rejects(store.createUser({ username: 'weak', roles: ['nurse'], password: 'short' }, admin), (e: unknown) => isNorthstationError(e, 'bad_request') && /at least 12/.test(e.message));
  await assert.rejects(store.createUser({ username: 'root', roles: ['superuser'], password }, admin), (e: unknown) => isNorthstationError(e, 'bad_request') && /unknown role/.test(e.message));
  await assert.rejects(store.createUser({ username: 'norole', roles: [], password }, admin), (e: unknown) => isNorthstationError(e, 'bad_request'));
  await store.close();
  assert.ok(!readFileSync(path).includes(password), 'the password is not in the database file');
});

test('authenticate: right password, wrong password and unknown user; one message; audited without the password', async () => {
  const { store } = fresh();
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
  await store.close();
});

test('lockout: five failures lock; the right password is then refused with the same message until the lock runs out', async () => {
  const clock = { now: Date.UTC(2026, 0, 1, 8) };
  const { store } = fresh({ clock });
  const created = await store.createUser({ username: 'nurse.kim', roles: ['nurse'], password }, admin);
  for (let i = 0; i < lockoutPolicy.maxFailures; i += 1) {
    clock.now += 1000;
    await assert.rejects(store.authenticate('nurse.kim', 'not the password'), refusedLogin);
  }
  const row = store.database.prepare('SELECT failed_logins, locked_until, first_failed_at FROM users WHERE id = ?').get(created.id);
  assert.equal(row?.failed_logins, 5);
  assert.equal(row.first_failed_at, new Date(Date.UTC(2026, 0, 1, 8) + 1000).toISOString());
  await assert.rejects(store.authenticate('nurse.kim', password), refusedLogin);
  clock.now += lockoutPolicy.lockMs;
  assert.equal((await store.authenticate('nurse.kim', password)).id, created.id);
  const actions = (await store.listAuditEvents({ resourceId: created.id })).map((e) => e.action);
  assert.deepEqual(actions, ['user.create', 'login.failure', 'login.failure', 'login.failure', 'login.failure', 'login.lockout', 'login.locked', 'login.success']);
  const reset = store.database.prepare('SELECT failed_logins, locked_until FROM users WHERE id = ?').get(created.id);
  assert.deepEqual({ ...reset }, { failed_logins: 0, locked_until: null });
  await store.close();
});

test('authenticate rehashes a weaker hash at the next successful login', async () => {
  const { store, path, key } = fresh();
  const created = await store.createUser({ username: 'dr.weak', roles: ['physician'], password }, admin);
  await store.close();
  const strong = openSqliteStore({ path, key, passwordParams: scryptDefaults });
  await strong.authenticate('dr.weak', password);
  const hash = String(strong.database.prepare('SELECT password_hash FROM users WHERE id = ?').get(created.id)?.password_hash);
  assert.match(hash, /^scrypt\$131072\$8\$1\$/);
  await strong.close();
});

test('API tokens: issued once, stored hashed, authenticate, revoke; audit names the token id only', async () => {
  const { store, path } = fresh();
  const intake = await store.createUser({ username: 'intake', roles: ['integration'], password }, admin);
  const issued = await store.issueApiToken(intake.id, admin);
  assert.match(issued.id, /^tok_[0-9a-f]{16}$/);
  const stored = store.database.prepare('SELECT * FROM api_tokens WHERE id = ?').get(issued.id);
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
  assert.throws(() => store.database.prepare('DELETE FROM api_tokens').run(), /not allowed/);
  assert.equal((await store.verifyAuditChain()).ok, true);
  await store.close();
  assert.ok(!readFileSync(path).includes(issued.token.slice(3)), 'no token in the database file');
});

test('signInExternal: created on first sign-in, bound to (issuer, sub), roles follow the provider, audited', async () => {
  const { store } = fresh();
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
  assert.throws(() => store.database.prepare('DELETE FROM external_identities').run(), /refuse|not allowed|append|abort/i);
});
