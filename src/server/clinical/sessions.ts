/**
 * Login sessions for the clinical API: a random bearer token per successful
 * `POST /api/session` (or single sign-on), kept in the records store
 * (`RecordsRepository.openSession` and friends), so a session survives a
 * restart and works on every gateway on the same database.
 *
 * Only the token's SHA-256 is stored; the token is shown once and never
 * logged. Each session also has a separate random `id` for anything else that
 * needs a key (audit events, revocation). The user is read from the users
 * table at every lookup: a role changed by an administrator or the identity
 * provider applies at the next request, not when the session ends.
 *
 * Bounds: at most `maxPerUser` live sessions per user (signing in once more
 * revokes that user's oldest) and `maxTotal` in all (past that, sign-in is
 * refused as 'overloaded' rather than signing other users out).
 * `DELETE /api/session` revokes a session at once.
 *
 * A session opened by single sign-on remembers the provider identity
 * (issuer, `sub`) it was opened for, and may hold one step-up grant: proof
 * of a fresh re-authentication at the provider for one purpose (sign, amend
 * or withdraw), short-lived and single use even across gateways (oidc.ts).
 *
 * Expiry follows the store's clock (the one its audit events are stamped with).
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../records/accounts/api-tokens.ts';
import type { Actor, LoginContext, RecordsRepository, StoredSession, User } from '../../records/repository.ts';

/** Session tokens start with 'nss_' so they never look like an API token ('ns_'). */
export const sessionTokenPrefix = 'nss_';
/** 'nss_' + 43 base64url characters (32 bytes): anything else is refused without asking the store. */
const sessionTokenPattern = /^nss_[A-Za-z0-9_-]{43}$/;

/** The provider identity a single sign-on session was opened for. */
export interface ExternalSubject {
  issuer: string;
  subject: string;
}

/** What a step-up re-authentication proves, and until when (ms). */
export interface StepUpGrant {
  purpose: string;
  expiresAt: number;
}

export interface Session {
  /** A random id, not the token: safe to use as a key or to log. */
  id: string;
  token: string;
  /** The user as the store describes them at this lookup (current roles). */
  user: User;
  expiresAt: number;
  /** Set when the session was opened by single sign-on. */
  external?: ExternalSubject;
  /** A fresh re-authentication at the provider not yet used, as of this lookup (see `grantStepUp`). */
  stepUp?: StepUpGrant;
}

export interface SessionLimits {
  ttlMs: number;
  /** Live sessions per user; the oldest is revoked when one more is issued. */
  maxPerUser: number;
  /** Live sessions in all (table bound); past it, issuing fails with 'overloaded'. */
  maxTotal: number;
}

/** Whether a bearer token has the shape of a session token (cheap check before any lookup). */
export function isSessionTokenShaped(token: string): boolean {
  return sessionTokenPattern.test(token);
}

export class SessionStore {
  readonly #store: RecordsRepository;
  readonly #limits: SessionLimits;

  constructor(store: RecordsRepository, limits: SessionLimits | number) {
    this.#store = store;
    this.#limits = typeof limits === 'number' ? { ttlMs: limits, maxPerUser: Number.MAX_SAFE_INTEGER, maxTotal: Number.MAX_SAFE_INTEGER } : limits;
  }

  /** A new session for `user` (the token is only in the answer); 'overloaded' past `maxTotal`. */
  async issue(user: User, external?: ExternalSubject, context?: LoginContext): Promise<Session> {
    const token = sessionTokenPrefix + randomBytes(32).toString('base64url');
    const opened = await this.#store.openSession(
      { userId: user.id, tokenHash: hashToken(token), ...this.#limits, ...(external === undefined ? {} : { external: { issuer: external.issuer, subject: external.subject } }) },
      context,
    );
    return toSession(opened, token);
  }

  /** The live session, or undefined when unknown, revoked or expired. */
  async session(token: string): Promise<Session | undefined> {
    if (!isSessionTokenShaped(token)) return undefined;
    const found = await this.#store.findSession(hashToken(token));
    return found === undefined ? undefined : toSession(found, token);
  }

  /** The session's user (current roles), or undefined when unknown, revoked or expired. */
  async lookup(token: string): Promise<User | undefined> {
    return (await this.session(token))?.user;
  }

  /** Ends a session at once; true when there was a live one. `actor` defaults to the session's own user. */
  async revoke(token: string, actor?: Actor): Promise<boolean> {
    const session = await this.session(token);
    if (session === undefined) return false;
    return this.#store.revokeSession(session.id, actor ?? { userId: session.user.id, role: session.user.roles.join('+') || 'none' });
  }

  /**
   * Records a step-up re-authentication on a live session for `ttlMs`,
   * replacing any earlier grant; undefined when the session has ended
   * meanwhile. The user's roles need no update here: they are read from the
   * store at each request, and the provider's sign-in already wrote them.
   */
  async grantStepUp(session: Session, purpose: string, ttlMs: number): Promise<StepUpGrant | undefined> {
    const grant = await this.#store.grantStepUp(session.id, purpose, ttlMs);
    return grant === undefined ? undefined : { purpose: grant.purpose, expiresAt: Date.parse(grant.expiresAt) };
  }

  /** Takes (removes) the session's unexpired step-up grant for `purpose`; undefined otherwise. Single use across gateways. */
  async takeStepUp(session: Session, purpose: string): Promise<StepUpGrant | undefined> {
    const grant = await this.#store.takeStepUp(session.id, purpose);
    return grant === undefined ? undefined : { purpose: grant.purpose, expiresAt: Date.parse(grant.expiresAt) };
  }

  /** Gives back a grant taken for an action that then failed (nothing was signed), unless another has replaced it. */
  async restoreStepUp(session: Session, grant: StepUpGrant): Promise<void> {
    await this.#store.restoreStepUp(session.id, { purpose: grant.purpose, expiresAt: new Date(grant.expiresAt).toISOString() });
  }

  /** Live sessions in all. */
  size(): Promise<number> {
    return this.#store.countSessions();
  }

  /** Live sessions of one user. */
  countFor(userId: string): Promise<number> {
    return this.#store.countSessions(userId);
  }
}

function toSession(stored: StoredSession, token: string): Session {
  return {
    id: stored.id,
    token,
    user: stored.user,
    expiresAt: Date.parse(stored.expiresAt),
    ...(stored.external === null ? {} : { external: { issuer: stored.external.issuer, subject: stored.external.subject } }),
    ...(stored.stepUp === null ? {} : { stepUp: { purpose: stored.stepUp.purpose, expiresAt: Date.parse(stored.stepUp.expiresAt) } }),
  };
}
