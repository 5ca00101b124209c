/**
 * OIDC single sign-on against a real OpenID provider (`oidc-provider`) on
 * 127.0.0.1, driven end to end with fetch: the app's login redirect, the
 * provider's own (development) login and consent forms, the callback; and the
 * step-up re-authentication that lets a sign-on user sign, amend and withdraw.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../core/log.ts';
import { buildClinicalApp } from './app.ts';
import type { OidcOptions } from './oidc.ts';
import { call, errorOf, harness, seed, type Harness } from './test-helpers.ts';
import { ssoSession, startTestProvider, throughProvider, type TestProvider } from './oidc-test-support.ts';

/** Claims by account id: the provider's development login accepts any login name and password. */
const accounts: Record<string, Record<string, unknown>> = {
  'sub-physician-1': { name: 'Priya Oidc', preferred_username: 'priya.oidc', roles: ['physician', 'not-a-northstation-role'] },
  'sub-physician-2': { name: 'Omar Other', preferred_username: 'omar.other', roles: ['physician'] },
  'sub-noroles-1': { name: 'Nora Noroles', preferred_username: 'nora.noroles', roles: ['visitor'] },
};

let provider: TestProvider;
let issuer: string;

before(async () => {
  provider = await startTestProvider(accounts);
  issuer = provider.issuer;
});

after(() => provider.close());

const options = () => provider.options();

/** Starts a sign-in at the app and signs in at the provider as `account`: the callback's query string and the app's binding cookie. */
async function signInAtProvider(h: Harness, account: string): Promise<{ callbackQuery: string; cookie: string }> {
  return throughProvider(issuer, await h.app.inject({ method: 'GET', url: '/api/oidc/login' }), account);
}

test('single sign-on: login → provider → callback yields a working session with the mapped role, audited', async () => {
  const h = await harness({ oidc: options() });
  try {
    const { callbackQuery, cookie } = await signInAtProvider(h, 'sub-physician-1');
    const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(callback.statusCode, 201, callback.body);
    const body = callback.json<{ token: string; tokenType: string; expiresAt: string; user: { id: string; username: string; displayName: string; roles: string[] } }>();
    assert.match(body.token, /^nss_/);
    assert.equal(body.tokenType, 'Bearer');
    assert.deepEqual(body.user.roles, ['physician'], 'roles from the claim, intersected with the known roles');
    assert.equal(body.user.username, 'priya.oidc');
    assert.equal(body.user.displayName, 'Priya Oidc');

    const status = await h.app.inject({ method: 'GET', url: '/api/status', headers: { authorization: `Bearer ${body.token}` } });
    assert.equal(status.statusCode, 200);

    // The callback is single use: replaying it is refused.
    const replay = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(replay.statusCode, 400);

    // A second sign-in finds the same local user (bound to sub), not a new one.
    const again = await signInAtProvider(h, 'sub-physician-1');
    const second = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${again.callbackQuery}`, headers: { cookie: again.cookie } });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json<{ user: { id: string } }>().user.id, body.user.id);

    const events = await h.store.listAuditEvents({ resourceId: body.user.id });
    const actions = events.map((event) => event.action);
    assert.deepEqual(actions, ['user.create', 'login.success', 'login.success']);
    assert.ok(events.every((event) => event.client === 'oidc'));
    assert.equal((await h.store.verifyAuditChain()).ok, true);
  } finally {
    await h.close();
  }
});

test('single sign-on: a tampered state or a missing binding cookie is 400 and signs no one in', async () => {
  const h = await harness({ oidc: options() });
  try {
    const { callbackQuery, cookie } = await signInAtProvider(h, 'sub-physician-1');
    const params = new URLSearchParams(callbackQuery);
    params.set('state', `${params.get('state') ?? ''}x`);
    const tampered = await h.app.inject({ method: 'GET', url: `/api/oidc/callback?${params.toString()}`, headers: { cookie } });
    assert.equal(tampered.statusCode, 400);
    assert.equal(errorOf(tampered).code, 'bad_request');

    const other = await signInAtProvider(h, 'sub-physician-1');
    const noCookie = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${other.callbackQuery}` });
    assert.equal(noCookie.statusCode, 400);
    const events = await h.store.listAuditEvents();
    assert.ok(!events.some((event) => event.client === 'oidc'), 'no sign-in was recorded');
  } finally {
    await h.close();
  }
});

test('single sign-on: no known role in the claim → 403, audited as a failed login', async () => {
  const h = await harness({ oidc: options() });
  try {
    const { callbackQuery, cookie } = await signInAtProvider(h, 'sub-noroles-1');
    const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(callback.statusCode, 403, callback.body);
    const events = await h.store.listAuditEvents();
    assert.ok(events.some((event) => event.action === 'login.failure' && event.client === 'oidc'));
  } finally {
    await h.close();
  }
});

test('single sign-on: an issuer outside the allow-list is refused before any request', async () => {
  const h = await harness({ oidc: { ...options(), issuer: 'http://203.0.113.7/' } });
  try {
    const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
    assert.equal(start.statusCode, 502);
    assert.equal(errorOf(start).code, 'upstream_refused');
  } finally {
    await h.close();
  }
});

test('a username already taken by a local account is never linked to a provider identity: 409', async () => {
  const h = await harness({ oidc: options() });
  try {
    await h.store.createUser({ username: 'priya.oidc', roles: ['nurse'], password: 'amber kettle ribbon 42' }, { userId: 'system', role: 'admin', client: 'test' });
    const { callbackQuery, cookie } = await signInAtProvider(h, 'sub-physician-1');
    const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(callback.statusCode, 409, callback.body);
  } finally {
    await h.close();
  }
});

test('without OIDC options the routes do not exist', async () => {
  const h = await harness();
  try {
    // Unknown routes are not public: without a token they are 401, with one 404.
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode, 401);
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/oidc/login' })).statusCode, 404);
    assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/oidc/callback?state=x&code=y' })).statusCode, 404);
  } finally {
    await h.close();
  }
});

test('GET /docs lists the single sign-on routes only when OIDC is configured', async () => {
  const h = await harness({ oidc: options() });
  try {
    const paths = (await h.app.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>().paths;
    assert.equal(paths['/api/oidc/login']?.get?.security?.length, 0);
    assert.equal(paths['/api/oidc/callback']?.get?.security?.length, 0);
  } finally {
    await h.close();
  }
});

// — step-up re-authentication (sign, amend, withdraw without a password) —

/** Starts a step-up for `purpose` on the session `token`, signs in at the provider as `account`, and answers the callback. */
async function stepUp(h: Harness, token: string, purpose: string, account: string) {
  const start = await h.app.inject({ method: 'GET', url: `/api/oidc/reauth?purpose=${purpose}`, headers: { authorization: `Bearer ${token}` } });
  const { callbackQuery, cookie, authorizationUrl } = await throughProvider(issuer, start, account);
  const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
  return { callback, authorizationUrl };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('step-up: a sign-on physician cannot sign without it; after it signs exactly once; a failed sign keeps it; audited', async () => {
  const h = await harness({ oidc: options() });
  try {
    const priya = await ssoSession(h, issuer, 'sub-physician-1');
    const first = (await seed(h, h.ids.nurse)).draftId;
    const second = (await seed(h, h.ids.nurse)).draftId;
    const sign = (id: string, body: object = {}, version = '"1"') => h.app.inject({ method: 'POST', url: `/api/drafts/${id}/sign`, headers: { ...bearer(priya.token), 'if-match': version }, payload: body });

    const without = await sign(first);
    assert.equal(without.statusCode, 401, without.body);
    assert.match(errorOf(without).message, /\/api\/oidc\/reauth\?purpose=sign/);
    assert.equal((await sign(first, { password: 'a guessed password 123' })).statusCode, 401, 'a sign-on user has no password to re-enter');

    const { callback, authorizationUrl } = await stepUp(h, priya.token, 'sign', 'sub-physician-1');
    assert.equal(authorizationUrl.searchParams.get('prompt'), 'login', 'the provider is told to authenticate afresh');
    assert.equal(authorizationUrl.searchParams.get('max_age'), '0');
    assert.equal(callback.statusCode, 200, callback.body);
    const granted = callback.json<{ stepUp: { purpose: string; expiresAt: string } }>().stepUp;
    assert.equal(granted.purpose, 'sign');
    assert.equal(Date.parse(granted.expiresAt), h.clock.now + 5 * 60 * 1000);

    // A sign that fails (stale version) signs nothing and leaves the step-up for the retry.
    assert.equal((await sign(first, {}, '"7"')).statusCode, 409);
    const signed = await sign(first);
    assert.equal(signed.statusCode, 200, signed.body);
    const document = signed.json<{ status: string; signature: { signedBy: string } }>();
    assert.equal(document.status, 'signed');
    assert.equal(document.signature.signedBy, priya.userId);

    // Single use: the next signature needs a step-up of its own.
    const again = await sign(second);
    assert.equal(again.statusCode, 401, again.body);
    assert.equal((await h.store.getDraft(second, { userId: 'system', role: 'admin', client: 'test' })).status, 'draft');

    const events = (await h.store.listAuditEvents({ resourceId: priya.userId })).map((event) => `${event.action}/${event.client}`);
    assert.deepEqual(events, ['user.create/oidc', 'login.success/oidc', 'login.failure/api', 'login.success/oidc-reauth'], 'the password guess is a failed login; the step-up a sign-in through the provider');
    assert.equal((await h.store.verifyAuditChain()).ok, true);
  } finally {
    await h.close();
  }
});

test('step-up: it is for one purpose, and unused it expires after 5 minutes', async () => {
  const h = await harness({ oidc: options() });
  try {
    const priya = await ssoSession(h, issuer, 'sub-physician-1');
    const draftId = (await seed(h, h.ids.nurse)).draftId;
    const signedId = (await seed(h, h.ids.nurse, { signed: true })).draftId;

    assert.equal((await stepUp(h, priya.token, 'amend', 'sub-physician-1')).callback.statusCode, 200);
    const signWithAmendGrant = await h.app.inject({ method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { ...bearer(priya.token), 'if-match': '"1"' }, payload: {} });
    assert.equal(signWithAmendGrant.statusCode, 401, 'a step-up for amend does not sign');
    // The amendment re-states the signed content: this test is about re-authentication, not content.
    const { currentContent } = await h.store.getDraft(signedId, { userId: 'system', role: 'admin', client: 'test' });
    const amended = await h.app.inject({ method: 'POST', url: `/api/drafts/${signedId}/amend`, headers: bearer(priya.token), payload: { reason: 'wrong temperature', content: currentContent } });
    assert.equal(amended.statusCode, 200, amended.body);

    assert.equal((await stepUp(h, priya.token, 'withdraw', 'sub-physician-1')).callback.statusCode, 200);
    h.clock.now += 5 * 60 * 1000;
    const late = await h.app.inject({ method: 'POST', url: `/api/drafts/${draftId}/withdraw`, headers: bearer(priya.token), payload: { reason: 'wrong patient' } });
    assert.equal(late.statusCode, 401, late.body);
    assert.equal((await h.store.getDraft(draftId, { userId: 'system', role: 'admin', client: 'test' })).status, 'draft');

    // A fresh step-up works again.
    assert.equal((await stepUp(h, priya.token, 'withdraw', 'sub-physician-1')).callback.statusCode, 200);
    h.clock.now += 5 * 60 * 1000 - 1;
    const inTime = await h.app.inject({ method: 'POST', url: `/api/drafts/${draftId}/withdraw`, headers: bearer(priya.token), payload: { reason: 'wrong patient' } });
    assert.equal(inTime.statusCode, 200, inTime.body);
  } finally {
    await h.close();
  }
});

test("step-up: another person's sign-in at the provider does not vouch for the session's user: 403, audited, nothing granted or created", async () => {
  const h = await harness({ oidc: options() });
  try {
    const priya = await ssoSession(h, issuer, 'sub-physician-1');
    const draftId = (await seed(h, h.ids.nurse)).draftId;
    const { callback } = await stepUp(h, priya.token, 'sign', 'sub-physician-2');
    assert.equal(callback.statusCode, 403, callback.body);
    assert.equal(errorOf(callback).code, 'forbidden');

    const sign = await h.app.inject({ method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { ...bearer(priya.token), 'if-match': '"1"' }, payload: {} });
    assert.equal(sign.statusCode, 401, sign.body);

    const events = await h.store.listAuditEvents();
    const failures = events.filter((event) => event.action === 'login.failure' && event.client === 'oidc-reauth');
    assert.deepEqual(failures.map((event) => event.resourceId), [priya.userId], 'the failure is recorded against the session user');
    assert.ok(!events.some((event) => event.client === 'oidc-reauth' && event.action !== 'login.failure'), 'the other person was neither signed in nor created');
  } finally {
    await h.close();
  }
});

test('step-up: only for a sign-on session whose roles may act; signing out before the callback voids it; JSON on request', async () => {
  const h = await harness({ oidc: options() });
  try {
    // A local account re-enters its password instead.
    const local = await call(h, 'physician', { method: 'GET', url: '/api/oidc/reauth?purpose=sign' });
    assert.equal(local.statusCode, 400, local.body);
    assert.equal((await call(h, 'physician', { method: 'GET', url: '/api/oidc/reauth?purpose=delete' })).statusCode, 400);

    const priya = await ssoSession(h, issuer, 'sub-physician-1');
    const asJson = await h.app.inject({ method: 'GET', url: '/api/oidc/reauth?purpose=sign', headers: { ...bearer(priya.token), accept: 'application/json' } });
    assert.equal(asJson.statusCode, 200, asJson.body);
    assert.equal(new URL(asJson.json<{ location: string }>().location).searchParams.get('prompt'), 'login');

    const start = await h.app.inject({ method: 'GET', url: '/api/oidc/reauth?purpose=sign', headers: bearer(priya.token) });
    const { callbackQuery, cookie } = await throughProvider(issuer, start, 'sub-physician-1');
    assert.equal((await h.app.inject({ method: 'DELETE', url: '/api/session', headers: bearer(priya.token) })).statusCode, 204);
    const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(callback.statusCode, 401, callback.body);
  } finally {
    await h.close();
  }
});

/** Another gateway: a second app on the harness's records store (its own process memory, the same database). */
function secondGateway(h: Harness, oidc: OidcOptions): FastifyInstance {
  return buildClinicalApp({
    store: h.store,
    imagingDirectory: h.imagingDirectory,
    oidc,
    logger: createLogger({ level: 'debug', write: () => undefined }),
    limits: { loginBurst: 1000 },
    now: () => h.clock.now,
  });
}

test('several gateways: a sign-in started on one completes on another, once; nothing of it is kept in clear', async () => {
  const h = await harness({ oidc: options() });
  const other = secondGateway(h, options());
  try {
    const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
    const { callbackQuery, cookie, authorizationUrl } = await throughProvider(issuer, start, 'sub-physician-1');
    const state = authorizationUrl.searchParams.get('state') ?? '';
    const rows = JSON.stringify(await h.store.sql.all('SELECT * FROM oidc_logins'));
    assert.ok(rows.includes('nsenc2:') && !rows.includes(state), 'the login is in the store, keyed without its state in clear');

    const callback = await other.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
    assert.equal(callback.statusCode, 201, callback.body);
    const { token } = callback.json<{ token: string }>();
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/status', headers: bearer(token) })).statusCode, 200, 'the session works on the first gateway too');
    for (const gateway of [h.app, other]) {
      const replay = await gateway.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
      assert.equal(replay.statusCode, 400, 'taken once, through any gateway');
    }
    assert.equal(await h.store.countOidcLogins(), 0);

    // A step-up started on the second gateway comes back to the first, and its grant signs on the second.
    const draftId = (await seed(h, h.ids.nurse)).draftId;
    const reauth = await other.inject({ method: 'GET', url: '/api/oidc/reauth?purpose=sign', headers: bearer(token) });
    const back = await throughProvider(issuer, reauth, 'sub-physician-1');
    const granted = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${back.callbackQuery}`, headers: { cookie: back.cookie } });
    assert.equal(granted.statusCode, 200, granted.body);
    const signed = await other.inject({ method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { ...bearer(token), 'if-match': '"1"' }, payload: {} });
    assert.equal(signed.statusCode, 200, signed.body);
  } finally {
    await other.close();
    await h.close();
  }
});

test('several gateways: maxPendingLogins bounds the logins in progress of all gateways together; they expire by the store clock', async () => {
  const oidc = { ...options(), maxPendingLogins: 2 };
  const h = await harness({ oidc });
  const other = secondGateway(h, oidc);
  try {
    const first = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
    assert.equal(first.statusCode, 302, first.body);
    assert.equal((await other.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode, 302);
    for (const gateway of [h.app, other]) {
      const refused = await gateway.inject({ method: 'GET', url: '/api/oidc/login' });
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(errorOf(refused).code, 'overloaded');
    }
    // Completing one frees its place.
    const done = await throughProvider(issuer, first, 'sub-physician-2');
    assert.equal((await other.inject({ method: 'GET', url: `/api/oidc/callback${done.callbackQuery}`, headers: { cookie: done.cookie } })).statusCode, 201);
    const third = await other.inject({ method: 'GET', url: '/api/oidc/login' });
    assert.equal(third.statusCode, 302, third.body);

    // Ten minutes on, both are over: the callback is refused and their places are free.
    const late = await throughProvider(issuer, third, 'sub-physician-2');
    h.clock.now += 10 * 60 * 1000;
    const expired = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${late.callbackQuery}`, headers: { cookie: late.cookie } });
    assert.equal(expired.statusCode, 400, expired.body);
    assert.equal(await h.store.countOidcLogins(), 0);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode, 302);
    assert.equal((await other.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode, 302);
  } finally {
    await other.close();
    await h.close();
  }
});
