/**
 * Login sessions for the clinical API: a random bearer token per successful
 * `POST /api/session`, kept in this process's memory with an expiry.
 *
 * A stand-in until OIDC single sign-on (issue #6): sessions do not survive a
 * restart and are not shared between server processes. The token is never
 * stored anywhere but this map and never logged.
 */
import { randomBytes } from 'node:crypto';
import type { User } from '../../records/repository.ts';

/** Session tokens start with 'nss_' so they never look like an API token ('ns_'). */
export const sessionTokenPrefix = 'nss_';

export interface Session {
  token: string;
  user: User;
  expiresAt: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  issue(user: User): Session {
    this.#prune();
    const session: Session = { token: sessionTokenPrefix + randomBytes(32).toString('base64url'), user, expiresAt: this.#now() + this.#ttlMs };
    this.#sessions.set(session.token, session);
    return session;
  }

  /** The session's user, or undefined when unknown or expired (an expired one is forgotten). */
  lookup(token: string): User | undefined {
    const session = this.#sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(token);
      return undefined;
    }
    return session.user;
  }

  get size(): number {
    return this.#sessions.size;
  }

  #prune(): void {
    const now = this.#now();
    for (const [token, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(token);
  }
}
