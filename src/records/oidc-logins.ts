/**
 * The SQL behind the store's single sign-on login methods (records-store.ts,
 * migration 7, `oidc_logins`): a login (or step-up) in progress between
 * `/api/oidc/login` and the provider's callback, kept in the database so the
 * callback may reach any gateway.
 *
 * - The row is keyed by the SHA-256 of `state`, never the state itself: the
 *   state travels in URLs (browser history, provider logs), and a database
 *   reader holding both would still lack the verifier.
 * - The PKCE verifier, the nonce, the browser binding and the step-up details
 *   are encrypted under the data key, each bound to its row and column, so a
 *   value copied into another row fails authentication.
 * - Taking a login is one `DELETE … RETURNING` (SQLite 3.35+ and PostgreSQL):
 *   of two gateways presenting one callback, exactly one gets the row.
 * - Expired rows are deleted before each new login; past `maxPending` live
 *   rows a new login is refused ('overloaded') rather than evicting others'.
 */
import { createHash } from 'node:crypto';
import { NorthstationError } from '../core/errors.ts';
import type { FieldCipher } from './field-cipher.ts';
import type { NewOidcLogin, OidcLoginStepUp, StoredOidcLogin } from './repository.ts';
import type { SqlExecutor, SqlRow } from './sql/database.ts';

export const oidcLoginColumns = ['verifier', 'nonce', 'browser_binding', 'step_up'] as const;
type OidcLoginColumn = (typeof oidcLoginColumns)[number];

/** Where an encrypted value of the row lives (the store's `table.column:id` binding). */
export const oidcLoginBinding = (column: OidcLoginColumn, stateHash: string): string => `oidc_logins.${column}:${stateHash}`;

/** The row key: SHA-256 (hex) of the state. */
export const oidcStateHash = (state: string): string => createHash('sha256').update(state, 'utf8').digest('hex');

const text = (row: SqlRow, key: string): string => String(row[key]);

/** openid-client's randomState() is 43 base64url characters; anything far off is no state of ours (and not worth hashing). */
const stateShaped = (state: string): boolean => typeof state === 'string' && state.length >= 16 && state.length <= 512;

export async function insertOidcLogin(tx: SqlExecutor, cipher: FieldCipher, login: NewOidcLogin, now: Date): Promise<{ expiresAt: string }> {
  if (!stateShaped(login.state)) throw new NorthstationError('bad_request', 'a login state is 16 to 512 characters', { field: 'state' });
  for (const field of ['ttlMs', 'maxPending'] as const) {
    if (!Number.isSafeInteger(login[field]) || login[field] < 1) throw new NorthstationError('bad_request', `${field} must be a positive integer`, { field });
  }
  for (const field of ['verifier', 'nonce', 'browserBinding'] as const) {
    if (typeof login[field] !== 'string' || login[field] === '') throw new NorthstationError('bad_request', `${field} is required`, { field });
  }
  const at = now.toISOString();
  // Abandoned logins (the user never came back) go here, so the cap counts only live ones.
  await tx.run('DELETE FROM oidc_logins WHERE expires_at <= ?', [at]);
  const live = Number((await tx.get('SELECT COUNT(*) AS n FROM oidc_logins'))?.n ?? 0);
  if (live >= login.maxPending) throw new NorthstationError('overloaded', 'too many sign-ins are in progress; try again shortly', { maxPending: login.maxPending });
  const stateHash = oidcStateHash(login.state);
  const expiresAt = new Date(now.getTime() + login.ttlMs).toISOString();
  const encrypt = (value: string, column: OidcLoginColumn): string => cipher.encrypt(value, oidcLoginBinding(column, stateHash));
  await tx.run(
    'INSERT INTO oidc_logins (state_hash, verifier, nonce, browser_binding, step_up, created_at, expires_at, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      stateHash,
      encrypt(login.verifier, 'verifier'),
      encrypt(login.nonce, 'nonce'),
      encrypt(login.browserBinding, 'browser_binding'),
      login.stepUp === undefined ? null : cipher.encryptJson(login.stepUp, oidcLoginBinding('step_up', stateHash)),
      at,
      expiresAt,
      login.client ?? null,
    ],
  );
  return { expiresAt };
}

/** Deletes the login for `state` and returns it when it had not expired; undefined when unknown, taken or expired. */
export async function deleteOidcLogin(db: SqlExecutor, cipher: FieldCipher, state: string, now: Date): Promise<StoredOidcLogin | undefined> {
  if (!stateShaped(state)) return undefined;
  const stateHash = oidcStateHash(state);
  // One statement both claims and reads the row: a second taker finds nothing to delete. An expired row is deleted too.
  const row = await db.get('DELETE FROM oidc_logins WHERE state_hash = ? RETURNING verifier, nonce, browser_binding, step_up, created_at, expires_at, client', [stateHash]);
  if (row === undefined || text(row, 'expires_at') <= now.toISOString()) return undefined;
  const decrypt = (column: Exclude<OidcLoginColumn, 'step_up'>): string => cipher.decrypt(text(row, column), oidcLoginBinding(column, stateHash));
  const stepUp = row.step_up === null || row.step_up === undefined ? undefined : (cipher.decryptJson(text(row, 'step_up'), oidcLoginBinding('step_up', stateHash)) as OidcLoginStepUp);
  return {
    verifier: decrypt('verifier'),
    nonce: decrypt('nonce'),
    browserBinding: decrypt('browser_binding'),
    createdAt: text(row, 'created_at'),
    expiresAt: text(row, 'expires_at'),
    ...(stepUp === undefined ? {} : { stepUp }),
    ...(row.client === 'web' ? { client: 'web' as const } : {}),
  };
}

/** Logins in progress (unexpired). */
export async function countOidcLogins(db: SqlExecutor, now: Date): Promise<number> {
  return Number((await db.get('SELECT COUNT(*) AS n FROM oidc_logins WHERE expires_at > ?', [now.toISOString()]))?.n ?? 0);
}
