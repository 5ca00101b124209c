/**
 * Shared by the single sign-on tests: a real OpenID provider (`oidc-provider`,
 * development interactions) on 127.0.0.1, and a browser's walk through its
 * login and consent forms, driven with fetch.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import Provider from 'oidc-provider';
import type { OidcOptions } from './oidc.ts';
import type { Harness } from './test-helpers.ts';

export const clientId = 'northstation';
const clientSecret = 'a-long-test-client-secret-for-the-loopback-provider';
export const redirectUri = 'http://127.0.0.1:8443/api/oidc/callback';

export interface TestProvider {
  issuer: string;
  /** OIDC options for the app, pointing at this provider. */
  options(): OidcOptions;
  close(): Promise<void>;
}

/**
 * A provider whose development login accepts any login name (the account id)
 * and password; `accounts` gives each account id its claims. `redirect` is the
 * app's callback URL (the browser tests run the app on a port of their own).
 */
export async function startTestProvider(accounts: Readonly<Record<string, Record<string, unknown>>>, redirect: string = redirectUri): Promise<TestProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => {
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirect], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles'] },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...(accounts[id] ?? {}) }) }),
  });
  handler = provider.callback();
  return {
    issuer,
    options: () => ({ issuer, clientId, clientSecret, redirectUri: redirect }),
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}

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
 * Follows the app's redirect (`start`: a 302 from /api/oidc/login or
 * /api/oidc/reauth) to the provider, signs in there as `account` (login and
 * consent forms, submitted like a browser would) and returns the callback's
 * query string, the app's binding cookie and the authorization URL the app built.
 */
export async function throughProvider(issuer: string, start: LightMyRequestResponse, account: string): Promise<{ callbackQuery: string; cookie: string; authorizationUrl: URL }> {
  assert.equal(start.statusCode, 302, start.body);
  const setCookie = [start.headers['set-cookie']].flat()[0] ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const authorizationUrl = new URL(String(start.headers.location));
  assert.equal(authorizationUrl.origin, issuer);
  assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorizationUrl.searchParams.get('state') && authorizationUrl.searchParams.get('nonce') && authorizationUrl.searchParams.get('code_challenge'));
  let url = authorizationUrl;
  const browser = jar();
  let init: RequestInit = {};
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: browser.header() } });
    browser.take(response);
    const location = response.headers.get('location');
    if (location !== null) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return { callbackQuery: next.search, cookie, authorizationUrl };
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

/** A single sign-on session for `account`, through the app's login and callback: the session token and user id. */
export async function ssoSession(h: Harness, issuer: string, account: string): Promise<{ token: string; userId: string }> {
  const start = await h.app.inject({ method: 'GET', url: '/api/oidc/login' });
  const { callbackQuery, cookie } = await throughProvider(issuer, start, account);
  const callback = await h.app.inject({ method: 'GET', url: `/api/oidc/callback${callbackQuery}`, headers: { cookie } });
  assert.equal(callback.statusCode, 201, callback.body);
  const body = callback.json<{ token: string; user: { id: string } }>();
  return { token: body.token, userId: body.user.id };
}
