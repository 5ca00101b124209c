/** Rate limits, sign-out and session caps of the clinical API (issue #6), on a fake clock. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../core/log.ts';
import { sqliteFactory } from '../../records/contract/fixture.ts';
import type { RecordsRepository, User } from '../../records/repository.ts';
import { buildClinicalApp, defaultClinicalAppLimits, type ClinicalAppLimits } from './app.ts';
import { RateLimiter } from './rate-limit.ts';
import { SessionStore } from './sessions.ts';
import { call, errorOf, harness, password } from './test-helpers.ts';

test('RateLimiter: a burst, then refusal with Retry-After, then refill at the sustained rate', () => {
  const clock = { now: 0 };
  const limiter = new RateLimiter({ perMinute: 60, burst: 3, maxBuckets: 100 }, () => clock.now);
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take('b'), { allowed: true }, 'buckets are per key');
  clock.now += 999;
  assert.equal(limiter.take('a').allowed, false);
  clock.now += 1;
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
});

test('RateLimiter: Retry-After is the whole seconds until one token is back', () => {
  const clock = { now: 0 };
  const limiter = new RateLimiter({ perMinute: 10, burst: 1, maxBuckets: 100 }, () => clock.now);
  limiter.take('a');
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 6 });
  clock.now += 5_500;
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
});

test('RateLimiter: memory is bounded: idle buckets are forgotten and the least recently used go past maxBuckets', () => {
  const clock = { now: 0 };
  const limiter = new RateLimiter({ perMinute: 60, burst: 2, maxBuckets: 3 }, () => clock.now);
  for (const key of ['a', 'b', 'c', 'd']) limiter.take(key);
  assert.equal(limiter.size, 3);
  clock.now += 2_000; // long enough for every bucket to be full again
  limiter.take('e');
  assert.equal(limiter.size, 1);
  assert.throws(() => new RateLimiter({ perMinute: 0, burst: 1, maxBuckets: 1 }), /perMinute/);
});

test('SessionStore: per-user cap revokes the oldest; the total cap refuses; revoke and expiry end a session', async (t) => {
  const clock = { now: Date.UTC(2026, 0, 1, 8) };
  const fixture = await sqliteFactory({ now: () => new Date(clock.now) });
  t.after(() => fixture.cleanup());
  const { store: records } = fixture;
  const user = async (name: string): Promise<User> => records.createUser({ username: name, roles: ['nurse'], password }, { userId: 'system', role: 'admin' });
  const [u1, u2, u3, u4] = [await user('u1'), await user('u2'), await user('u3'), await user('u4')];
  const store = new SessionStore(records, { ttlMs: 1_000, maxPerUser: 2, maxTotal: 3 });
  const first = await store.issue(u1);
  const second = await store.issue(u1);
  const third = await store.issue(u1);
  assert.equal(await store.lookup(first.token), undefined, 'the oldest of u1 was revoked');
  assert.equal((await store.lookup(second.token))?.id, u1.id);
  assert.equal(await store.countFor(u1.id), 2);
  assert.notEqual(first.id, first.token);
  assert.match(first.token, /^nss_[A-Za-z0-9_-]{43}$/);
  await store.issue(u2);
  await assert.rejects(store.issue(u3), (error: Error & { code?: string }) => error.code === 'overloaded');
  assert.equal(await store.revoke(third.token), true);
  assert.equal(await store.revoke(third.token), false);
  assert.equal(await store.lookup(third.token), undefined);
  await store.issue(u3);
  clock.now += 1_000;
  assert.equal(await store.lookup(second.token), undefined, 'expired');
  await store.issue(u4);
  assert.equal(await store.size(), 1, 'expired sessions no longer count');
  assert.equal(await store.lookup('nss_short'), undefined, 'a malformed token finds nothing');
});

test('SessionStore: a session outlives the SessionStore that issued it (a restart) and follows role changes', async (t) => {
  const fixture = await sqliteFactory();
  t.after(() => fixture.cleanup());
  const doctor = await fixture.store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-1', username: 'dr.x', roles: ['physician'] });
  const issued = await new SessionStore(fixture.store, 60_000).issue(doctor, { issuer: 'https://idp.example', subject: 'sub-1' });
  // A new process: a new SessionStore over a new connection to the same database.
  const restarted = new SessionStore(await fixture.openAnother(), 60_000);
  const found = await restarted.session(issued.token);
  assert.equal(found?.id, issued.id);
  assert.deepEqual(found.external, { issuer: 'https://idp.example', subject: 'sub-1' });
  assert.deepEqual(found.user.roles, ['physician']);
  await fixture.store.signInExternal({ issuer: 'https://idp.example', subject: 'sub-1', username: 'dr.x', roles: ['nurse'] });
  assert.deepEqual((await restarted.lookup(issued.token))?.roles, ['nurse']);
  const grant = await restarted.grantStepUp(found, 'sign', 60_000);
  assert.ok(grant !== undefined);
  assert.deepEqual(await new SessionStore(fixture.store, 60_000).takeStepUp(found, 'sign'), grant, 'taken through the other process');
  assert.equal(await restarted.takeStepUp(found, 'sign'), undefined, 'once');
});

test('defaults are documented values', () => {
  assert.equal(defaultClinicalAppLimits.requestsPerMinute, 120);
  assert.equal(defaultClinicalAppLimits.requestBurst, 30);
  assert.equal(defaultClinicalAppLimits.loginAttemptsPerMinute, 10);
  assert.equal(defaultClinicalAppLimits.maxSessionsPerUser, 10);
});

test('app: a session token past its burst gets 429 in the error shape with Retry-After; other tokens are unaffected; it refills', async () => {
  const h = await harness({ limits: { requestsPerMinute: 60, requestBurst: 3 } });
  try {
    // The harness's sign-ins are not requests with the token, so the nurse's bucket is full.
    for (let i = 0; i < 3; i++) assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200);
    const refused = await call(h, 'nurse', { method: 'GET', url: '/api/status' });
    assert.equal(refused.statusCode, 429);
    assert.equal(errorOf(refused).code, 'rate_limited');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await call(h, 'physician', { method: 'GET', url: '/api/status' })).statusCode, 200);
    // API tokens are limited the same way, keyed by their hash.
    for (let i = 0; i < 3; i++) assert.equal((await call(h, 'integration', { method: 'GET', url: '/api/status' })).statusCode, 200);
    assert.equal((await call(h, 'integration', { method: 'GET', url: '/api/status' })).statusCode, 429);
    h.clock.now += 1_000;
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200);
    assert.ok(!h.logLines.some((line) => line.includes(h.tokens.nurse)), 'no token in the logs');
    assert.ok(h.logLines.some((line) => line.includes('rate_limited')), 'the 429 is logged with its code');
  } finally {
    await h.close();
  }
});

test('app: sign-in attempts are limited per client IP, wrong passwords included', async () => {
  const h = await harness({ limits: { loginAttemptsPerMinute: 10, loginBurst: 2 } });
  try {
    // The harness signed in 3 times from 127.0.0.1 already: the bucket is empty.
    const wrong = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password: 'guess guess guess 1' } });
    assert.equal(wrong.statusCode, 429);
    assert.equal(errorOf(wrong).code, 'rate_limited');
    assert.equal(wrong.headers['retry-after'], '6');
    const elsewhere = await h.app.inject({ method: 'POST', url: '/api/session', remoteAddress: '10.0.0.9', payload: { username: h.usernames.nurse, password } });
    assert.equal(elsewhere.statusCode, 201, 'another address has its own bucket');
    h.clock.now += 6_000;
    const later = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password } });
    assert.equal(later.statusCode, 201);
  } finally {
    await h.close();
  }
});

test('app: DELETE /api/session signs out at once; other sessions stay; an API token cannot sign out', async () => {
  const h = await harness();
  try {
    const login = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password } });
    const token = login.json<{ token: string }>().token;
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/status', headers: auth })).statusCode, 200);
    const out = await h.app.inject({ method: 'DELETE', url: '/api/session', headers: auth });
    assert.equal(out.statusCode, 204);
    assert.equal(out.body, '');
    const after = await h.app.inject({ method: 'GET', url: '/api/status', headers: auth });
    assert.equal(after.statusCode, 401);
    assert.equal(errorOf(after).code, 'unauthorized');
    assert.equal((await h.app.inject({ method: 'DELETE', url: '/api/session', headers: auth })).statusCode, 401, 'signing out twice');
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200, "the harness's own nurse session is untouched");
    const api = await call(h, 'integration', { method: 'DELETE', url: '/api/session' });
    assert.equal(api.statusCode, 400);
    assert.equal((await call(h, 'integration', { method: 'GET', url: '/api/status' })).statusCode, 200);
    const docs = (await h.app.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, unknown> }>();
    const session = JSON.stringify(docs.paths['/api/session']);
    assert.match(session, /"delete":\{[^]*"204"/);
    assert.match(session, /"429":\{[^]*Retry-After/);
  } finally {
    await h.close();
  }
});

test('app: a user has at most maxSessionsPerUser live sessions: the oldest stops working', async () => {
  const h = await harness({ limits: { maxSessionsPerUser: 2 } });
  try {
    const signIn = async () => (await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.physician, password } })).json<{ token: string }>().token;
    // The harness holds one physician session (h.tokens.physician); two more push it out.
    const second = await signIn();
    const third = await signIn();
    const status = (token: string) => h.app.inject({ method: 'GET', url: '/api/status', headers: { authorization: `Bearer ${token}` } });
    assert.equal((await status(h.tokens.physician)).statusCode, 401);
    assert.equal((await status(second)).statusCode, 200);
    assert.equal((await status(third)).statusCode, 200);
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200, 'other users keep theirs');
  } finally {
    await h.close();
  }
});

test('app: past maxSessions sign-in answers 503 overloaded instead of signing others out', async () => {
  const h = await harness({ limits: { maxSessions: 3 } });
  try {
    const refused = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.integration, password } });
    assert.equal(refused.statusCode, 503);
    assert.equal(errorOf(refused).code, 'overloaded');
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200);
    assert.throws(() => buildWith({ requestBurst: 0 }), /requestBurst/);
  } finally {
    await h.close();
  }
});

function buildWith(limits: Partial<ClinicalAppLimits>): void {
  // Limits are checked before the store is touched.
  buildClinicalApp({ store: {} as RecordsRepository, logger: createLogger({ level: 'error', write: () => undefined }), limits });
}
