/**
 * The SQL behind the store's user and authentication methods
 * (records-store.ts): local accounts with their lockout counters, identities
 * bound to an external provider, and API tokens. The store opens the
 * transactions and writes the audit events; these helpers only read and
 * write rows.
 */
import { NorthstationError, notFound } from '../core/errors.ts';
import type { Actor } from './audit.ts';
import { hashToken, isTokenShaped, issueToken, verifyToken } from './accounts/api-tokens.ts';
import { loginAttempt, loginRefusedMessage } from './accounts/lockout.ts';
import type { LockoutState } from './accounts/lockout.ts';
import { assertAcceptablePassword } from './accounts/password.ts';
import { isRole } from './accounts/policy.ts';
import type { Role } from './accounts/policy.ts';
import { userLanguages } from './repository.ts';
import type { ExternalIdentity, IssuedApiToken, LoginContext, NewUser, User, UserLanguage } from './repository.ts';
import { num, optStr, str } from './rows.ts';
import type { SqlExecutor, SqlRow } from './sql/database.ts';

/** Who an unidentified login or token attempt is attributed to in the audit trail. */
export const unknownPrincipal = 'unknown';

export const refused = (): NorthstationError => new NorthstationError('unauthorized', loginRefusedMessage);

const epoch = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function rowToUser(row: SqlRow): User {
  const parsed = JSON.parse(str(row, 'roles')) as unknown;
  return {
    id: str(row, 'id'),
    username: str(row, 'username'),
    displayName: str(row, 'display_name'),
    roles: Array.isArray(parsed) ? parsed.filter(isRole) : [],
    createdAt: str(row, 'created_at'),
    language: isUserLanguage(row.language) ? row.language : 'en',
  };
}

export const isUserLanguage = (value: unknown): value is UserLanguage => typeof value === 'string' && (userLanguages as readonly string[]).includes(value);

/** Sets the user's web UI language; unknown user → 'not_found'. */
export async function updateUserLanguage(tx: SqlExecutor, id: string, language: UserLanguage): Promise<User> {
  if (!isUserLanguage(language)) throw new NorthstationError('bad_request', `language must be one of ${userLanguages.join(', ')}`, { field: 'language' });
  const result = await tx.run('UPDATE users SET language = ? WHERE id = ?', [language, id]);
  if (result.changes !== 1) throw notFound(`no user ${id}`, { id });
  const user = await selectUser(tx, id);
  if (user === undefined) throw notFound(`no user ${id}`, { id });
  return user;
}

/** The actor a user is when logging in or presenting a token: all its roles, joined as the policy names them. */
export function selfActor(user: User | undefined, context: LoginContext): Actor {
  return {
    userId: user?.id ?? unknownPrincipal,
    role: user === undefined ? unknownPrincipal : user.roles.length === 0 ? 'none' : user.roles.join('+'),
    ...(context.ip === undefined ? {} : { ip: context.ip }),
    ...(context.client === undefined ? {} : { client: context.client }),
  };
}

/** A new local account's fields, checked and normalised; the password is checked against the policy too. */
export function checkNewUser(user: NewUser): { username: string; displayName: string; roles: Role[] } {
  const username = user.username.trim();
  if (username === '') throw new NorthstationError('bad_request', 'a user needs a username', { field: 'username' });
  const displayName = (user.displayName ?? username).trim();
  if (displayName === '') throw new NorthstationError('bad_request', 'a user needs a display name', { field: 'displayName' });
  if (user.roles.length === 0) throw new NorthstationError('bad_request', 'a user needs at least one role', { field: 'roles' });
  const unknown = user.roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new NorthstationError('bad_request', `unknown role ${unknown.map((role) => JSON.stringify(role)).join(', ')}`, { field: 'roles', unknown });
  const roles = [...new Set(user.roles.filter(isRole))];
  assertAcceptablePassword(user.password, { username });
  return { username, displayName, roles };
}

/**
 * Replaces a local account's password hash and clears its failed logins and
 * lock; undefined when no local account has that name (unknown, or an account
 * that signs in only by single sign-on and has no password).
 */
export async function updateUserPassword(tx: SqlExecutor, username: string, passwordHash: string): Promise<User | undefined> {
  const row = await tx.get('SELECT * FROM users WHERE username = ? AND password_hash IS NOT NULL', [username]);
  if (row === undefined) return undefined;
  const user = rowToUser(row);
  await tx.run('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, first_failed_at = NULL WHERE id = ?', [passwordHash, user.id]);
  return user;
}

export async function usernameExists(db: SqlExecutor, username: string): Promise<boolean> {
  return (await db.get('SELECT 1 AS one FROM users WHERE username = ?', [username])) !== undefined;
}

/** Inserts the user row; `passwordHash` is null for accounts that sign in only through a provider. */
export async function insertUser(tx: SqlExecutor, user: User, passwordHash: string | null): Promise<void> {
  await tx.run('INSERT INTO users (id, username, display_name, roles, password_hash, created_at, language) VALUES (?, ?, ?, ?, ?, ?, ?)', [user.id, user.username, user.displayName, JSON.stringify(user.roles), passwordHash, user.createdAt, user.language]);
}

export async function selectUser(db: SqlExecutor, id: string): Promise<User | undefined> {
  const row = await db.get('SELECT * FROM users WHERE id = ?', [id]);
  return row === undefined ? undefined : rowToUser(row);
}

/** The hash a password attempt is checked against; null when the account is unknown, has no password or is locked at `nowMs`. */
export function checkableHash(row: SqlRow | undefined, nowMs: number): string | null {
  if (row === undefined) return null;
  const locked = (epoch(optStr(row, 'locked_until')) ?? -Infinity) > nowMs;
  return locked ? null : optStr(row, 'password_hash');
}

/** Moves the user's lockout counters by one attempt and stores `rehash` when the attempt is let in; returns the audit action to record. */
export async function recordLoginAttempt(tx: SqlExecutor, id: string, ok: boolean, rehash: string | undefined, nowMs: number): Promise<{ user: User; allowed: boolean; action: string }> {
  // Re-read inside the transaction: a concurrent attempt may have moved the counter.
  const fresh = await tx.get('SELECT * FROM users WHERE id = ?', [id]);
  if (fresh === undefined) throw notFound(`no user ${id}`, { id });
  const user = rowToUser(fresh);
  const before: LockoutState = {
    failedLogins: num(fresh, 'failed_logins'),
    lockedUntil: epoch(optStr(fresh, 'locked_until')),
    firstFailedAt: epoch(optStr(fresh, 'first_failed_at')),
  };
  const { state, decision } = loginAttempt(before, ok ? 'success' : 'failure', nowMs);
  await tx.run('UPDATE users SET failed_logins = ?, locked_until = ?, first_failed_at = ? WHERE id = ?', [state.failedLogins, iso(state.lockedUntil), iso(state.firstFailedAt), id]);
  if (decision.allowed && rehash !== undefined) {
    await tx.run('UPDATE users SET password_hash = ? WHERE id = ?', [rehash, id]);
  }
  const action = decision.allowed ? 'login.success' : decision.reason === 'now_locked' ? 'login.lockout' : decision.reason === 'locked' ? 'login.locked' : 'login.failure';
  return { user, allowed: decision.allowed, action };
}

/** The user an external identity is bound to, if any. */
export async function selectExternalUser(tx: SqlExecutor, identity: ExternalIdentity): Promise<User | undefined> {
  const bound = await tx.get('SELECT user_id FROM external_identities WHERE issuer = ? AND subject = ?', [identity.issuer, identity.subject]);
  return bound === undefined ? undefined : selectUser(tx, str(bound, 'user_id'));
}

export async function updateUserRoles(tx: SqlExecutor, id: string, roles: readonly Role[]): Promise<void> {
  await tx.run('UPDATE users SET roles = ? WHERE id = ?', [JSON.stringify(roles), id]);
}

/** Inserts a password-less user bound to the external identity. */
export async function insertExternalUser(tx: SqlExecutor, identity: ExternalIdentity, user: User): Promise<void> {
  await insertUser(tx, user, null);
  await tx.run('INSERT INTO external_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)', [identity.issuer, identity.subject, user.id, user.createdAt]);
}

export async function insertApiToken(tx: SqlExecutor, userId: string, createdAt: string): Promise<IssuedApiToken> {
  if ((await tx.get('SELECT 1 AS one FROM users WHERE id = ?', [userId])) === undefined) throw notFound(`no user ${userId}`, { userId });
  const { token, id, hash } = issueToken();
  await tx.run('INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES (?, ?, ?, ?)', [id, userId, hash, createdAt]);
  return { id, token, userId, createdAt };
}

/** The token's id (or `unknownPrincipal`) and, when it is valid and unrevoked, its user. */
export async function selectTokenUser(tx: SqlExecutor, token: string): Promise<{ tokenId: string; user: User | undefined }> {
  const row = isTokenShaped(token) ? await tx.get('SELECT * FROM api_tokens WHERE token_hash = ?', [hashToken(token)]) : undefined;
  const valid = row !== undefined && verifyToken(token, str(row, 'token_hash')) && optStr(row, 'revoked_at') === null;
  const user = valid ? await selectUser(tx, str(row, 'user_id')) : undefined;
  return { tokenId: row === undefined ? unknownPrincipal : str(row, 'id'), user };
}

export async function markApiTokenRevoked(tx: SqlExecutor, id: string, at: string): Promise<void> {
  const row = await tx.get('SELECT revoked_at FROM api_tokens WHERE id = ?', [id]);
  if (row === undefined) throw notFound(`no API token ${id}`, { id });
  if (optStr(row, 'revoked_at') !== null) throw new NorthstationError('conflict', `API token ${id} is already revoked`, { id });
  await tx.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ?', [at, id]);
}
