/**
 * OpenID Connect single sign-on for the clinical API (issue #6), with
 * `openid-client`: the authorization-code flow with PKCE (S256), `state` and
 * `nonce`.
 *
 * - `GET /api/oidc/login` keeps a pending login in the records store (PKCE
 *   verifier, nonce, expiry, and a random browser binding also set as an
 *   HttpOnly cookie; `saveOidcLogin`, keyed by a hash of a random `state`, the
 *   secrets encrypted) and redirects to the provider. Being in the store, not
 *   in this process, the callback may reach any gateway on the same database.
 * - `GET /api/oidc/callback` takes the pending login for `state` (single use
 *   across gateways: one DELETE … RETURNING; unknown, expired or without its
 *   cookie → 400), exchanges the code
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
 * and re-authenticate to sign, amend or withdraw through the provider
 * instead (step-up):
 *
 * - `GET /api/oidc/reauth?purpose=sign|amend|withdraw` (a session opened by
 *   single sign-on, whose user's roles may ever do that) keeps a pending
 *   step-up like a pending login, also naming the session and when it started,
 *   and redirects to the provider with `prompt=login` and `max_age=0` (with
 *   `Accept: application/json` it answers `{ location }` instead, for a
 *   browser app that sends its bearer token from script).
 * - The provider redirects to the same `/api/oidc/callback`. The ID token must
 *   carry an `auth_time` no older than `reauthMaxAgeSeconds` (openid-client)
 *   and not before the step-up started (this module; both with
 *   `clockSkewSeconds`), and the same issuer and `sub` as the session (else
 *   403: another person's sign-in at the provider never vouches for this
 *   session's user). The store then records the sign-in (`signInExternal`,
 *   client 'oidc-reauth': 'login.success', roles follow the provider), and the
 *   session holds a step-up grant for that purpose.
 * - The grant is single use and short-lived (`stepUpTtlMs`, default 5
 *   minutes): it is taken by the next sign, amend or withdraw of that
 *   purpose (app.ts), and given back only when that action fails. It is kept
 *   with the session in the records store, so a step-up completed through one
 *   gateway is usable, once, through any other. Single use
 *   keeps parity with the password path, which asks again for every
 *   signature: each signature is attested by its own authentication, and a
 *   workstation left open after one signature cannot sign another.
 * - A failed step-up after the provider answered (refused, stale, another
 *   person) is audited as 'login.failure' for the session's user, client
 *   'oidc-reauth', through `signInExternal`'s documented refusal of an
 *   identity with no roles (the repository has no dedicated event yet).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { NorthstationError } from '../../core/errors.ts';
import { assertUpstreamAllowed, defaultAllowList, parseAllowList } from '../../engine/openai/allow-list.ts';
import { isRole, roles as knownRoles, rules, type Action, type Role } from '../../records/accounts/policy.ts';
import { hashToken } from '../../records/accounts/api-tokens.ts';
import type { LoginContext, OidcLoginStepUp, RecordsRepository, User } from '../../records/repository.ts';
import { oidcExchangeBody, oidcLoginQuery, parse, reauthQuery, type StepUpPurpose } from './schemas.ts';
import type { ExternalSubject, Session } from './sessions.ts';

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
  /** Pending sign-ins and step-ups kept (memory bound). Default: 10,000. */
  maxPendingLogins?: number;
  /** A step-up's authentication at the provider (`auth_time`) may be at most this old at the callback. Default: 300 s. */
  reauthMaxAgeSeconds?: number;
  /** How long a completed step-up stays usable for its one action. Default: 5 minutes. */
  stepUpTtlMs?: number;
  /** Clock difference tolerated against the provider's `auth_time`. Default: 30 s (openid-client's own tolerance). */
  clockSkewSeconds?: number;
  /** How long the web UI's one-time sign-on code (`/?sso=`) may wait for `POST /api/oidc/exchange`. Default: 60 s. */
  exchangeTtlMs?: number;
}

export interface OidcRouteDeps {
  options: OidcOptions;
  store: RecordsRepository;
  /** Issues a session (bound to the provider identity) and sends it as `POST /api/session` does. */
  sendSession: (reply: FastifyReply, user: User, external: ExternalSubject) => Promise<FastifyReply>;
  contextOf: (request: FastifyRequest) => { ip: string; client: string };
  /** The authenticated user of a request (routes other than the public ones). */
  userOf: (request: FastifyRequest) => User;
  /** The login session a request came with; undefined for an API token. */
  sessionOf: (request: FastifyRequest) => Session | undefined;
  /** The clock compared with times the provider issues (`auth_time`), in ms. Default: Date.now. */
  providerClock?: () => number;
  /** Test seam: hostname resolution for the allow-list. */
  lookupAll?: (hostname: string) => Promise<readonly { address: string }[]>;
}

/** A step-up being started: the session it is for, the purpose, and when it started (provider clock, ms). */
interface StepUpStart {
  session: Session;
  purpose: StepUpPurpose;
  startedAt: number;
}

const purposeActions: Readonly<Record<StepUpPurpose, Action>> = { sign: 'draft.sign', amend: 'draft.amend', withdraw: 'draft.withdraw' };

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
  for (const field of ['loginTtlMs', 'maxPendingLogins', 'reauthMaxAgeSeconds', 'stepUpTtlMs', 'clockSkewSeconds', 'exchangeTtlMs'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new NorthstationError('config_invalid', `oidc.${field} must be a positive integer`, { field });
  }
  for (const [from, to] of Object.entries(options.allowedRoles ?? {})) {
    if (!isRole(to)) throw new NorthstationError('config_invalid', `oidc.allowedRoles maps ${JSON.stringify(from)} to unknown role ${JSON.stringify(to)}`, { field: 'allowedRoles' });
  }
  parseAllowList(options.allowList ?? defaultAllowList);
}

export function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): void {
  const { options, store, sendSession, contextOf } = deps;
  validateOidcOptions(options);
  const providerClock = deps.providerClock ?? Date.now;
  const reauthMaxAgeSeconds = options.reauthMaxAgeSeconds ?? 300;
  const stepUpTtlMs = options.stepUpTtlMs ?? 5 * 60 * 1000;
  const skewSeconds = options.clockSkewSeconds ?? 30;
  const allowList = parseAllowList(options.allowList ?? defaultAllowList);
  const issuer = new URL(options.issuer);
  const roleClaim = options.roleClaim ?? 'roles';
  const roleMap: Readonly<Record<string, Role>> = options.allowedRoles ?? Object.fromEntries(knownRoles.map((role) => [role, role]));
  const ttlMs = options.loginTtlMs ?? 10 * 60 * 1000;
  const maxPending = options.maxPendingLogins ?? 10_000;
  const exchangeTtlMs = options.exchangeTtlMs ?? 60 * 1000;
  const secure = new URL(options.redirectUri).protocol === 'https:';
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

  /**
   * Keeps a pending login (or step-up) in the records store under a fresh
   * state, so the callback may reach any gateway on that store; returns the
   * provider URL and the binding cookie. Past `maxPending` logins in progress
   * (all gateways together) the store refuses it as 'overloaded'.
   */
  const startAtProvider = async (stepUp: StepUpStart | undefined, web = false): Promise<{ target: URL; cookie: string }> => {
    const config = await discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const binding = randomBytes(24).toString('base64url');
    await store.saveOidcLogin({
      state,
      verifier,
      nonce,
      browserBinding: binding,
      ttlMs,
      maxPending,
      ...(web ? { client: 'web' as const } : {}),
      // The session by id and token hash, never the token: the store must not hold what signs a request in.
      ...(stepUp === undefined ? {} : { stepUp: { sessionId: stepUp.session.id, sessionTokenHash: hashToken(stepUp.session.token), purpose: stepUp.purpose, startedAt: stepUp.startedAt } }),
    });
    const target = client.buildAuthorizationUrl(config, {
      redirect_uri: options.redirectUri,
      scope: options.scope ?? 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // A step-up must be a new authentication, whatever session the browser has at the provider.
      ...(stepUp === undefined ? {} : { prompt: 'login', max_age: '0' }),
    });
    const cookie = `${bindingCookie}=${binding}; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=${Math.ceil(ttlMs / 1000)}${secure ? '; Secure' : ''}`;
    return { target, cookie };
  };

  app.get('/api/oidc/login', async (request, reply) => {
    const { client: from } = parse(oidcLoginQuery, request.query, 'query');
    const { target, cookie } = await startAtProvider(undefined, from === 'web');
    return reply.code(302).header('cache-control', 'no-store').header('set-cookie', cookie).header('location', target.href).send();
  });

  app.get('/api/oidc/reauth', async (request, reply) => {
    const user = deps.userOf(request);
    const { purpose, client: from } = parse(reauthQuery, request.query, 'query');
    const action = purposeActions[purpose];
    if (!user.roles.some((role) => isRole(role) && rules[role][action] !== undefined)) {
      throw new NorthstationError('forbidden', `no role of yours may ${action}, so there is nothing to re-authenticate for`, { userId: user.id, action });
    }
    const session = deps.sessionOf(request);
    if (session?.external === undefined) {
      throw new NorthstationError('bad_request', 'only a session opened by single sign-on re-authenticates at the identity provider; send your password with the request instead', { field: 'purpose' });
    }
    const { target, cookie } = await startAtProvider({ session, purpose, startedAt: providerClock() }, from === 'web');
    void reply.header('cache-control', 'no-store').header('set-cookie', cookie);
    if (wantsJson(request)) return reply.code(200).send({ location: target.href });
    return reply.code(302).header('location', target.href).send();
  });

  app.get('/api/oidc/callback', async (request, reply) => {
    const query = new URL(request.url, 'http://callback.invalid').search;
    const state = new URLSearchParams(query).get('state') ?? '';
    // Taken (deleted) whatever follows: a callback is single use even when its browser check fails, across gateways.
    const login = await store.takeOidcLogin(state);
    if (login === undefined || !sameSecret(cookieOf(request, bindingCookie), login.browserBinding)) {
      throw new NorthstationError('bad_request', 'this sign-in is unknown, already used or expired (or started in another browser): start again at /api/oidc/login', { field: 'state' });
    }
    const stepUp = login.stepUp === undefined ? undefined : await stepUpSession(store, login.stepUp);
    const context: LoginContext = { ...contextOf(request), client: stepUp === undefined ? 'oidc' : 'oidc-reauth' };
    /** A failed step-up: audited for the session's user, then thrown. */
    const refuseStepUp = async (error: NorthstationError): Promise<never> => {
      if (stepUp !== undefined) await auditStepUpFailure(store, stepUp.external, stepUp.user, context);
      throw error;
    };
    const config = await discover();
    const current = new URL(options.redirectUri);
    current.search = query;
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
        // A step-up needs auth_time, and a recent one (openid-client applies its own 30 s tolerance).
        ...(stepUp === undefined ? {} : { maxAge: reauthMaxAgeSeconds }),
      });
    } catch (error) {
      return refuseStepUp(new NorthstationError('unauthorized', 'the identity provider refused the sign-in or its answer did not check out', {}, { cause: error }));
    }
    const claims = tokens.claims();
    if (claims === undefined) return refuseStepUp(new NorthstationError('unauthorized', 'the identity provider sent no ID token'));
    if (stepUp !== undefined) {
      const { issuer: boundIssuer, subject } = stepUp.external;
      if (claims.iss !== boundIssuer || claims.sub !== subject) {
        return refuseStepUp(new NorthstationError('forbidden', 'a different person signed in at the identity provider: only the signed-in user can re-authenticate for this session', { userId: stepUp.user.id }));
      }
      if (!freshAuthentication(claims.auth_time, stepUp.startedAt, providerClock(), skewSeconds)) {
        return refuseStepUp(new NorthstationError('unauthorized', 'the identity provider did not authenticate you afresh: re-authentication must happen after it was asked for', { userId: stepUp.user.id }));
      }
    }
    let roleValues = claims[roleClaim];
    let profile: Record<string, unknown> = claims;
    if (roleValues === undefined && config.serverMetadata().userinfo_endpoint !== undefined) {
      // Many providers put profile claims in userinfo only (OIDC Core 5.4).
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        profile = { ...info, ...claims };
        roleValues = info[roleClaim];
      } catch (error) {
        return refuseStepUp(new NorthstationError('upstream_error', "the identity provider's userinfo could not be read", {}, { cause: error }));
      }
    }
    const roles = mapRoles(roleValues, roleMap);
    const username = typeof profile.preferred_username === 'string' && profile.preferred_username.trim() !== '' ? profile.preferred_username : claims.sub;
    // Audits 'login.success' (or 'login.failure' when the provider now grants no role), roles follow the provider.
    const user = await store.signInExternal({ issuer: claims.iss, subject: claims.sub, username, ...(typeof profile.name === 'string' ? { displayName: profile.name } : {}), roles }, context);
    if (stepUp === undefined && login.client === 'web') {
      // The web UI's sign-in: a session token must not travel in a URL (history, logs, Referer), so the browser
      // gets a one-time code instead, kept in the store (any gateway redeems it) and bound to this browser's cookie,
      // which stays set until the exchange.
      const code = randomBytes(32).toString('base64url');
      await store.saveOidcExchange({ code, userId: user.id, external: { issuer: claims.iss, subject: claims.sub }, browserBinding: login.browserBinding, ttlMs: exchangeTtlMs, maxPending });
      const keep = `${bindingCookie}=${login.browserBinding}; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=${Math.ceil(exchangeTtlMs / 1000)}${secure ? '; Secure' : ''}`;
      return reply.code(303).header('set-cookie', keep).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', `/?sso=${code}`).send();
    }
    void reply.header('set-cookie', `${bindingCookie}=; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`).header('cache-control', 'no-store');
    if (stepUp === undefined) return sendSession(reply, user, { issuer: claims.iss, subject: claims.sub });
    // Roles need no copying onto the session: signInExternal wrote the provider's to the users table, which every lookup reads.
    const grant = user.id === stepUp.user.id ? await store.grantStepUp(stepUp.sessionId, stepUp.purpose, stepUpTtlMs) : undefined;
    if (grant === undefined) {
      throw new NorthstationError('unauthorized', 'the session this re-authentication was for has ended: sign in again');
    }
    // The web UI's step-up: back to the UI, which knows which document the clinician was signing (the grant is on the session).
    if (login.client === 'web') return reply.code(303).header('referrer-policy', 'no-referrer').header('location', `/?stepup=${grant.purpose}`).send();
    return reply.code(200).send({ stepUp: { purpose: grant.purpose, expiresAt: new Date(grant.expiresAt).toISOString() } });
  });

  registerOidcExchangeRoute(app, deps);
}

/**
 * `POST /api/oidc/exchange { code }`: the web UI swaps the one-time code of its
 * `/?sso=` redirect for a session, answered as `POST /api/session` answers.
 * The code is spent by the first attempt, right or wrong; it works only from
 * the browser that signed in (its binding cookie) and within `exchangeTtlMs`.
 */
export function registerOidcExchangeRoute(app: FastifyInstance, deps: Pick<OidcRouteDeps, 'store' | 'sendSession' | 'options'>): void {
  const secure = new URL(deps.options.redirectUri).protocol === 'https:';
  app.post('/api/oidc/exchange', async (request, reply) => {
    const { code } = parse(oidcExchangeBody, request.body);
    const taken = await deps.store.takeOidcExchange(code, cookieOf(request, bindingCookie) ?? '');
    if (taken === undefined) {
      throw new NorthstationError('bad_request', 'this sign-on code is unknown, already used, expired or from another browser: sign in again at /api/oidc/login?client=web', { field: 'code' });
    }
    void reply.header('set-cookie', `${bindingCookie}=; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`).header('cache-control', 'no-store');
    return deps.sendSession(reply, taken.user, taken.external);
  });
}

/** A step-up's session as it is now, with what the callback checks the provider's answer against. */
interface LiveStepUp {
  sessionId: string;
  user: User;
  external: ExternalSubject;
  purpose: string;
  startedAt: number;
}

/**
 * The live session a pending step-up was started for, found by its token
 * hash; 'unauthorized' when it was signed out or expired (through any
 * gateway) while the user was at the provider.
 */
async function stepUpSession(store: RecordsRepository, pending: OidcLoginStepUp): Promise<LiveStepUp> {
  const session = await store.findSession(pending.sessionTokenHash);
  if (session?.id !== pending.sessionId || session.external === null) {
    throw new NorthstationError('unauthorized', 'the session this re-authentication was for has ended: sign in again');
  }
  return { sessionId: session.id, user: session.user, external: session.external, purpose: pending.purpose, startedAt: pending.startedAt };
}

/**
 * Whether a step-up's `auth_time` (seconds, provider clock) shows an
 * authentication that happened after the step-up started (`startedAt`, ms)
 * and not in the future, each within `skewSeconds`. Missing → false.
 */
export function freshAuthentication(authTime: unknown, startedAt: number, nowMs: number, skewSeconds: number): boolean {
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
  const at = authTime * 1000;
  const skew = skewSeconds * 1000;
  return at >= startedAt - skew && at <= nowMs + skew;
}

/**
 * Records a failed step-up for the session's user as 'login.failure' (client
 * 'oidc-reauth'): `signInExternal` refuses an identity with no roles before
 * changing anything and audits the refusal — the one audited failure the
 * repository offers until it has a dedicated re-authentication event.
 */
async function auditStepUpFailure(store: RecordsRepository, external: ExternalSubject, user: User, context: LoginContext): Promise<void> {
  try {
    await store.signInExternal({ issuer: external.issuer, subject: external.subject, username: user.username, roles: [] }, context);
  } catch (error) {
    if (!(error instanceof NorthstationError && error.code === 'forbidden')) throw error;
  }
}

/** Whether the client asked for JSON rather than a redirect. */
function wantsJson(request: FastifyRequest): boolean {
  return /(^|,)\s*application\/json\b/i.test(request.headers.accept ?? '');
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
