/**
 * OpenID Connect single sign-on for the clinical API (issue #6), with
 * `openid-client`: the authorization-code flow with PKCE (S256), `state` and
 * `nonce`.
 *
 * - `GET /api/oidc/login` keeps a pending login server-side (PKCE verifier,
 *   nonce, expiry, and a random browser binding also set as an HttpOnly
 *   cookie) under a random `state`, and redirects to the provider.
 * - `GET /api/oidc/callback` takes the pending login for `state` (single use;
 *   unknown, expired or without its cookie → 400), exchanges the code
 *   (openid-client checks state, PKCE, the ID token's signature, issuer,
 *   audience, expiry and nonce), maps the role claim to local roles and signs
 *   the user in through the store (`signInExternal`: bound to `sub`, created on
 *   first sign-in, audited; no roles → 403). It answers exactly what
 *   `POST /api/session` answers.
 *
 * The issuer and the endpoints its discovery document names must pass the
 * same allow-list as model upstreams (engine/openai/allow-list.ts: loopback
 * and private ranges unless configured). Discovery runs at the first sign-in,
 * not at start-up, so a provider that is down does not stop the server; a
 * failed discovery is retried at the next sign-in.
 *
 * Users created here have no password: they cannot use `POST /api/session`,
 * and so cannot (yet) re-authenticate to sign or amend.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { NorthstationError } from '../../core/errors.ts';
import { assertUpstreamAllowed, defaultAllowList, parseAllowList } from '../../engine/openai/allow-list.ts';
import { isRole, roles as knownRoles, type Role } from '../../records/accounts/policy.ts';
import type { RecordsRepository, User } from '../../records/repository.ts';

export interface OidcOptions {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This server's `/api/oidc/callback` as the provider knows it. */
  redirectUri: string;
  /** The claim (ID token, else userinfo) listing the user's roles. Default: 'roles'. */
  roleClaim?: string;
  /** Provider role → local role. Default: each local role name maps to itself; anything else is ignored. */
  allowedRoles?: Readonly<Record<string, Role>>;
  /** Allow-list entries for the provider's hosts. Default: loopback and private ranges. */
  allowList?: readonly string[];
  /** Scopes asked for. Default: 'openid profile'. */
  scope?: string;
  /** How long a started sign-in may take. Default: 10 minutes. */
  loginTtlMs?: number;
  /** Pending sign-ins kept (memory bound). Default: 10,000. */
  maxPendingLogins?: number;
}

export interface OidcRouteDeps {
  options: OidcOptions;
  store: RecordsRepository;
  /** Issues a session and sends it as `POST /api/session` does. */
  sendSession: (reply: FastifyReply, user: User) => FastifyReply;
  contextOf: (request: FastifyRequest) => { ip: string; client: string };
  now?: () => number;
  /** Test seam: hostname resolution for the allow-list. */
  lookupAll?: (hostname: string) => Promise<readonly { address: string }[]>;
}

interface PendingLogin {
  verifier: string;
  nonce: string;
  binding: string;
  expiresAt: number;
}

const bindingCookie = 'ns_oidc';

/** Checks the options at build time (no network): a bad one is 'config_invalid' naming it. */
export function validateOidcOptions(options: OidcOptions): void {
  for (const field of ['issuer', 'clientId', 'clientSecret', 'redirectUri'] as const) {
    if (typeof options[field] !== 'string' || options[field].trim() === '') throw new NorthstationError('config_invalid', `oidc.${field} is required`, { field });
  }
  for (const field of ['issuer', 'redirectUri'] as const) {
    let url: URL;
    try {
      url = new URL(options[field]);
    } catch {
      throw new NorthstationError('config_invalid', `oidc.${field} is not a URL`, { field });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new NorthstationError('config_invalid', `oidc.${field} must be http(s)`, { field });
  }
  for (const [from, to] of Object.entries(options.allowedRoles ?? {})) {
    if (!isRole(to)) throw new NorthstationError('config_invalid', `oidc.allowedRoles maps ${JSON.stringify(from)} to unknown role ${JSON.stringify(to)}`, { field: 'allowedRoles' });
  }
  parseAllowList(options.allowList ?? defaultAllowList);
}

export function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): void {
  const { options, store, sendSession, contextOf } = deps;
  validateOidcOptions(options);
  const now = deps.now ?? Date.now;
  const allowList = parseAllowList(options.allowList ?? defaultAllowList);
  const issuer = new URL(options.issuer);
  const roleClaim = options.roleClaim ?? 'roles';
  const roleMap: Readonly<Record<string, Role>> = options.allowedRoles ?? Object.fromEntries(knownRoles.map((role) => [role, role]));
  const ttlMs = options.loginTtlMs ?? 10 * 60 * 1000;
  const maxPending = options.maxPendingLogins ?? 10_000;
  const secure = new URL(options.redirectUri).protocol === 'https:';
  const pending = new Map<string, PendingLogin>();
  let configuration: Promise<client.Configuration> | undefined;

  const discover = (): Promise<client.Configuration> => {
    configuration ??= (async () => {
      const allowed = (url: URL) => assertUpstreamAllowed(url, allowList, ...(deps.lookupAll === undefined ? [] : [deps.lookupAll]));
      await allowed(issuer);
      const found = await client.discovery(issuer, options.clientId, undefined, client.ClientSecretBasic(options.clientSecret), {
        // Plain http only for an issuer the allow-list passed (loopback or the site's own network, e.g. a test provider).
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only as a warning sign; deliberate here
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      });
      const metadata = found.serverMetadata();
      // The server talks to these itself: each must pass the allow-list too (the authorization endpoint is the browser's).
      for (const endpoint of [metadata.token_endpoint, metadata.jwks_uri, metadata.userinfo_endpoint]) {
        if (endpoint !== undefined) await allowed(new URL(endpoint));
      }
      return found;
    })().catch((error: unknown) => {
      configuration = undefined;
      if (error instanceof NorthstationError) throw error;
      throw new NorthstationError('upstream_error', 'the identity provider could not be reached or its discovery document is invalid', {}, { cause: error });
    });
    return configuration;
  };

  const prune = (): void => {
    const at = now();
    for (const [state, login] of pending) if (login.expiresAt <= at) pending.delete(state);
  };

  app.get('/api/oidc/login', async (_request, reply) => {
    const config = await discover();
    prune();
    if (pending.size >= maxPending) throw new NorthstationError('overloaded', 'too many sign-ins are in progress; try again shortly');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const binding = randomBytes(24).toString('base64url');
    pending.set(state, { verifier, nonce, binding, expiresAt: now() + ttlMs });
    const target = client.buildAuthorizationUrl(config, {
      redirect_uri: options.redirectUri,
      scope: options.scope ?? 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const cookie = `${bindingCookie}=${binding}; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=${Math.ceil(ttlMs / 1000)}${secure ? '; Secure' : ''}`;
    return reply.code(302).header('cache-control', 'no-store').header('set-cookie', cookie).header('location', target.href).send();
  });

  app.get('/api/oidc/callback', async (request, reply) => {
    const query = new URL(request.url, 'http://callback.invalid').search;
    const state = new URLSearchParams(query).get('state') ?? '';
    const login = pending.get(state);
    if (login !== undefined) pending.delete(state);
    if (login === undefined || login.expiresAt <= now() || !sameSecret(cookieOf(request, bindingCookie), login.binding)) {
      throw new NorthstationError('bad_request', 'this sign-in is unknown, already used or expired (or started in another browser): start again at /api/oidc/login', { field: 'state' });
    }
    const config = await discover();
    const current = new URL(options.redirectUri);
    current.search = query;
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: login.verifier, expectedState: state, expectedNonce: login.nonce, idTokenExpected: true });
    } catch (error) {
      throw new NorthstationError('unauthorized', 'the identity provider refused the sign-in or its answer did not check out', {}, { cause: error });
    }
    const claims = tokens.claims();
    if (claims === undefined) throw new NorthstationError('unauthorized', 'the identity provider sent no ID token');
    let roleValues = claims[roleClaim];
    let profile: Record<string, unknown> = claims;
    if (roleValues === undefined && config.serverMetadata().userinfo_endpoint !== undefined) {
      // Many providers put profile claims in userinfo only (OIDC Core 5.4).
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        profile = { ...info, ...claims };
        roleValues = info[roleClaim];
      } catch (error) {
        throw new NorthstationError('upstream_error', "the identity provider's userinfo could not be read", {}, { cause: error });
      }
    }
    const roles = mapRoles(roleValues, roleMap);
    const username = typeof profile.preferred_username === 'string' && profile.preferred_username.trim() !== '' ? profile.preferred_username : claims.sub;
    const user = await store.signInExternal(
      { issuer: claims.iss, subject: claims.sub, username, ...(typeof profile.name === 'string' ? { displayName: profile.name } : {}), roles },
      { ...contextOf(request), client: 'oidc' },
    );
    void reply.header('set-cookie', `${bindingCookie}=; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`);
    return sendSession(reply.header('cache-control', 'no-store'), user);
  });
}

/** The local roles a role claim grants: strings (an array, or one space-separated string) looked up in the map. */
export function mapRoles(value: unknown, map: Readonly<Record<string, Role>>): Role[] {
  const names = Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : typeof value === 'string' ? value.split(/\s+/) : [];
  const mapped = names.filter((name) => Object.hasOwn(map, name)).map((name) => map[name]).filter((role): role is Role => role !== undefined && isRole(role));
  return [...new Set(mapped)];
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
