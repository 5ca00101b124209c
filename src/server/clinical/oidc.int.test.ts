/**
 * OIDC single sign-on against a real OpenID provider (`oidc-provider`) on
 * 127.0.0.1, driven end to end with fetch: the app's login redirect, the
 * provider's own (development) login and consent forms, the callback.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Provider from 'oidc-provider';
import { call, errorOf, harness, type Harness } from './test-helpers.ts';
import type { OidcOptions } from './oidc.ts';

const clientId = 'northstation';
const clientSecret = 'a-long-test-client-secret-for-the-loopback-provider';
const redirectUri = 'http://127.0.0.1:8443/api/oidc/callback';

/** Claims by account id: the provider's development login accepts any login name and password. */
const accounts: Record<string, Record<string, unknown>> = {
  'sub-physician-1': { name: 'Priya Oidc', preferred_username: 'priya.oidc', roles: ['physician', 'not-a-northstation-role'] },
  'sub-noroles-1': { name: 'Nora Noroles', preferred_username: 'nora.noroles', roles: ['visitor'] },
};

let server: Server;
let issuer: string;

before(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles'] },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...(accounts[id] ?? {}) }) }),
  });
  handler = provider.callback();
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (): OidcOptions => ({ issuer, clientId, clientSecret, redirectUri });

/** A cookie jar for the browser's side of the provider. */
function jar(): { header(): string; take(response: Response): void } {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    take: (response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    },
  };
}

/**
 * Starts a sign-in at the app, signs in at the provider as `account` (login and
 * consent forms, submitted like a browser would) and returns the callback's
 * query string and the app's binding cookie.
 */
async function signInAtProvider(h: Harness, account: string): Promise<{ callbackQuery: string; cookie: string }> {
  const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
  assert.equal(start.statusCode, 302);
  const setCookie = [start.headers['set-cookie']].flat()[0] ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  let url = new URL(String(start.headers.location));
  assert.equal(url.origin, issuer);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(url.searchParams.get('state') && url.searchParams.get('nonce') && url.searchParams.get('code_challenge'));
  const browser = jar();
  let init: RequestInit = {};
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: browser.header() } });
    browser.take(response);
    const location = response.headers.get('location');
    if (location !== null) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return { callbackQuery: next.search, cookie };
      url = next;
      init = {};
      continue;
    }
    assert.equal(response.status, 200, `provider step ${step}: ${response.status}`);
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action !== undefined && prompt !== undefined, 'the provider shows a login or consent form');
    const form = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login: account, password: 'anything' } : {}) });
    url = new URL(action, url);
    init = { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the provider flow did not reach the callback');
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
