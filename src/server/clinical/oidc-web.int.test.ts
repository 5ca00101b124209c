/**
 * Single sign-on started by the web UI (`GET /api/oidc/login?client=web`):
 * the callback redirects to `/?sso=<one-time code>` instead of answering the
 * session, and `POST /api/oidc/exchange { code }` swaps the code, once, from
 * the same browser, within a minute, for the session. Against a real OpenID
 * provider on 127.0.0.1 (oidc-test-support.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, errorOf, harness, seed, type Harness } from './test-helpers.ts';
import { ssoSession, startTestProvider, throughProvider, type TestProvider } from './oidc-test-support.ts';

const accounts: Record<string, Record<string, unknown>> = {
  'sub-physician-1': { name: 'Priya Oidc', preferred_username: 'priya.oidc', roles: ['physician'] },
};

let provider: TestProvider;
before(async () => {
  provider = await startTestProvider(accounts);
});
after(() => provider.close());

const open: Harness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

/** A web UI sign-in through the provider: the callback's answer and the browser's binding cookie. */
async function webSignIn(h: Harness): Promise<{ code: string; cookie: string; callback: Awaited<ReturnType<Harness['app']['inject']>> }> {
  const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login?client=web' });
  const { callbackQuery, cookie } = await throughProvider(provider.issuer, start, 'sub-physician-1');
  const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
  const location = callback.headers.location ?? '';
  const code = new URL(location, 'http://app.invalid').searchParams.get('sso') ?? '';
  return { code, cookie, callback };
}

const exchange = (h: Harness, code: string, cookie: string | undefined) =>
  h.app.inject({ method: 'POST', url: '/api/oidc/exchange', payload: { code }, headers: cookie === undefined ? {} : { cookie } });

test('web sign-in: the callback redirects with a one-time code (no token in any URL); the code buys the session once', async () => {
  const h = await harness({ oidc: provider.options() });
  open.push(h);
  // The sign-in screen learns that single sign-on is offered before anyone signs in.
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/site' })).json<{ oidc: boolean }>().oidc, true);
  const { code, cookie, callback } = await webSignIn(h);
  assert.equal(callback.statusCode, 303, callback.body);
  assert.match(String(callback.headers.location), /^\/\?sso=[A-Za-z0-9_-]{43}$/);
  assert.doesNotMatch(callback.body + String(callback.headers.location), /nss_/, 'no session token in the redirect');
  assert.equal(callback.headers['cache-control'], 'no-store');
  assert.equal(callback.headers['referrer-policy'], 'no-referrer');
  // The browser's binding cookie stays (for the exchange), for about the code's lifetime.
  assert.match(String([callback.headers['set-cookie']].flat()[0]), /^ns_oidc=[^;]+; Path=\/api\/oidc; HttpOnly; SameSite=Lax; Max-Age=60/);
  // The sign-in is audited at the callback; no session exists until the exchange.
  assert.equal(await h.store.countSessions(), 3, 'the harness’s own three sessions only');

  const swapped = await exchange(h, code, cookie);
  assert.equal(swapped.statusCode, 201, swapped.body);
  const session = swapped.json<{ token: string; tokenType: string; expiresAt: string; user: { username: string; roles: string[]; language: string } }>();
  assert.match(session.token, /^nss_/);
  assert.equal(session.tokenType, 'Bearer');
  assert.deepEqual([session.user.username, session.user.roles, session.user.language], ['priya.oidc', ['physician'], 'en']);
  assert.match(String([swapped.headers['set-cookie']].flat()[0]), /^ns_oidc=; .*Max-Age=0/, 'the binding cookie is cleared');
  const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${session.token}` } });
  assert.deepEqual(me.json<{ username: string; singleSignOn: boolean }>(), { ...me.json<object>(), username: 'priya.oidc', singleSignOn: true });

  const replay = await exchange(h, code, cookie);
  assert.equal(replay.statusCode, 400);
  assert.equal(errorOf(replay).code, 'bad_request');

  const events = (await h.store.listAuditEvents()).filter((event) => event.client === 'oidc');
  assert.deepEqual(events.map((event) => event.action), ['user.create', 'login.success']);
  assert.equal((await h.store.verifyAuditChain()).ok, true);
});

test('web sign-in: the code is refused from another browser (and spent), after 60 s, and when malformed; a plain sign-in still answers JSON', async () => {
  const h = await harness({ oidc: provider.options() });
  open.push(h);
  const stolen = await webSignIn(h);
  const elsewhere = await exchange(h, stolen.code, undefined);
  assert.equal(elsewhere.statusCode, 400, 'without the browser’s cookie');
  assert.equal((await exchange(h, stolen.code, stolen.cookie)).statusCode, 400, 'a refused attempt spends the code');

  const late = await webSignIn(h);
  h.clock.now += 60_000;
  assert.equal((await exchange(h, late.code, late.cookie)).statusCode, 400, 'expired by the store clock');

  for (const payload of [{}, { code: 'short' }, { code: late.code, extra: 1 }]) {
    const refused = await h.app.inject({ method: 'POST', url: '/api/oidc/exchange', payload });
    assert.equal(refused.statusCode, 400, JSON.stringify(payload));
  }
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/oidc/login?client=mobile' })).statusCode, 400);

  // Without client=web nothing changes: the callback answers the session as JSON.
  const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
  const { callbackQuery, cookie } = await throughProvider(provider.issuer, start, 'sub-physician-1');
  const plain = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
  assert.equal(plain.statusCode, 201, plain.body);
  assert.match(plain.json<{ token: string }>().token, /^nss_/);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/me' })).statusCode, 200);
});

test('web step-up: client=web ends the re-authentication in a 303 to /?stepup=sign; the draft is then signed without a password, once', async () => {
  const h = await harness({ oidc: provider.options() });
  open.push(h);
  const priya = await ssoSession(h, provider.issuer, 'sub-physician-1');
  const headers = { authorization: `Bearer ${priya.token}` };
  const { draftId } = await seed(h, h.ids.nurse);
  const start = await h.app.inject({ method: 'GET', url: '/api/oidc/reauth?purpose=sign&client=web', headers });
  const { callbackQuery, cookie } = await throughProvider(provider.issuer, start, 'sub-physician-1');
  const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
  assert.equal(callback.statusCode, 303, callback.body);
  assert.equal(callback.headers.location, '/?stepup=sign');
  const sign = () => h.app.inject({ method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { ...headers, 'if-match': '"1"' }, payload: {} });
  const signed = await sign();
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json<{ status: string }>().status, 'signed');
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/oidc/reauth?purpose=sign&client=mobile', headers })).statusCode, 400);
});
