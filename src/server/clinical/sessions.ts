/**
 * Login sessions for the clinical API: a random bearer token per successful
 * `POST /api/session`, kept in this process's memory with an expiry.
 *
 * A stand-in until OIDC single sign-on (issue #6): sessions do not survive a
 * restart and are not shared between server processes. The token is never
 * stored anywhere but this map and never logged; each session also has a
 * separate random `id` for anything else that needs a key (rate limits).
 *
 * Bounds: at most `maxPerUser` live sessions per user (signing in once more
 * revokes that user's oldest) and `maxTotal` in all (past that, sign-in is
 * refused as 'overloaded' rather than signing other users out).
 * `DELETE /api/session` revokes a session at once.
 *
 * A session opened by single sign-on remembers the provider identity
 * (issuer, `sub`) it was opened for, and may hold one step-up grant: proof
 * of a fresh re-authentication at the provider for one purpose (sign, amend
 * or withdraw), short-lived and single use (oidc.ts).
 */
import { randomBytes } from 'node:crypto';
import { NorthstationError } from '../../core/errors.ts';
import type { User } from '../../records/repository.ts';

/** Session tokens start with 'nss_' so they never look like an API token ('ns_'). */
export const sessionTokenPrefix = 'nss_';

/** The provider identity a single sign-on session was opened for. */
export interface ExternalSubject {
  issuer: string;
  subject: string;
}

/** What a step-up re-authentication proves, and until when. */
export interface StepUpGrant {
  purpose: string;
  expiresAt: number;
}

export interface Session {
  /** A random id, not the token: safe to use as a key or to log. */
  id: string;
  token: string;
  user: User;
  expiresAt: number;
  /** Set when the session was opened by single sign-on. */
  external?: ExternalSubject;
  /** A fresh re-authentication at the provider not yet used (see `grantStepUp`). */
  stepUp?: StepUpGrant;
}

export interface SessionLimits {
  ttlMs: number;
  /** Live sessions per user; the oldest is revoked when one more is issued. */
  maxPerUser: number;
  /** Live sessions in all (memory bound); past it, issuing fails with 'overloaded'. */
  maxTotal: number;
}

export class SessionStore {
  /** By token, in issue order (and so in expiry order: the TTL is fixed). */
  readonly #sessions = new Map<string, Session>();
  /** Each user's live sessions' tokens, oldest first. */
  readonly #byUser = new Map<string, Set<string>>();
  readonly #limits: SessionLimits;
  readonly #now: () => number;

  constructor(limits: SessionLimits | number, now: () => number = Date.now) {
    this.#limits = typeof limits === 'number' ? { ttlMs: limits, maxPerUser: Number.MAX_SAFE_INTEGER, maxTotal: Number.MAX_SAFE_INTEGER } : limits;
    this.#now = now;
  }

  issue(user: User, external?: ExternalSubject): Session {
    this.#prune();
    const own = this.#byUser.get(user.id);
    while (own !== undefined && own.size >= this.#limits.maxPerUser) {
      const oldest = own.values().next().value;
      if (oldest === undefined) break;
      this.revoke(oldest);
    }
    if (this.#sessions.size >= this.#limits.maxTotal) {
      throw new NorthstationError('overloaded', 'too many sessions are open on this server; try again later', { maxSessions: this.#limits.maxTotal });
    }
    const session: Session = {
      id: randomBytes(12).toString('base64url'),
      token: sessionTokenPrefix + randomBytes(32).toString('base64url'),
      user,
      expiresAt: this.#now() + this.#limits.ttlMs,
      ...(external === undefined ? {} : { external: { issuer: external.issuer, subject: external.subject } }),
    };
    this.#sessions.set(session.token, session);
    const tokens = this.#byUser.get(user.id) ?? new Set<string>();
    tokens.add(session.token);
    this.#byUser.set(user.id, tokens);
    return session;
  }

  /** The live session, or undefined when unknown, revoked or expired (an expired one is forgotten). */
  session(token: string): Session | undefined {
    const session = this.#sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.revoke(token);
      return undefined;
    }
    return session;
  }

  /** The session's user, or undefined when unknown, revoked or expired. */
  lookup(token: string): User | undefined {
    return this.session(token)?.user;
  }

  /** Ends a session at once; true when there was one. */
  revoke(token: string): boolean {
    const session = this.#sessions.get(token);
    if (session === undefined) return false;
    this.#sessions.delete(token);
    const own = this.#byUser.get(session.user.id);
    own?.delete(token);
    if (own?.size === 0) this.#byUser.delete(session.user.id);
    return true;
  }

  /**
   * Records a step-up re-authentication on a live session, replacing any
   * earlier grant, and the user as the provider describes them now (roles
   * follow the provider). False when the session has ended meanwhile.
   */
  grantStepUp(session: Session, grant: StepUpGrant, user: User = session.user): boolean {
    if (this.#sessions.get(session.token) !== session || session.expiresAt <= this.#now()) return false;
    session.user = user;
    session.stepUp = { ...grant };
    return true;
  }

  /**
   * Takes (removes) the session's step-up grant when it is for `purpose` and
   * unexpired; undefined otherwise. An expired grant is dropped either way.
   */
  takeStepUp(session: Session, purpose: string): StepUpGrant | undefined {
    const grant = session.stepUp;
    if (grant === undefined) return undefined;
    if (grant.expiresAt <= this.#now()) {
      delete session.stepUp;
      return undefined;
    }
    if (grant.purpose !== purpose) return undefined;
    delete session.stepUp;
    return grant;
  }

  /** Gives back a grant taken for an action that then failed (nothing was signed), unless another has replaced it. */
  restoreStepUp(session: Session, grant: StepUpGrant): void {
    if (session.stepUp === undefined && grant.expiresAt > this.#now() && this.#sessions.get(session.token) === session) session.stepUp = grant;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Live sessions of one user. */
  countFor(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Expired sessions sit at the front (issue order is expiry order), so this stops at the first live one. */
  #prune(): void {
    const now = this.#now();
    for (const [token, session] of this.#sessions) {
      if (session.expiresAt > now) break;
      this.revoke(token);
    }
  }
}
