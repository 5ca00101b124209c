/**
 * The SQL behind the store's single sign-on code methods (records-store.ts,
 * migration 8, `oidc_exchange_codes`): a sign-on the web UI started ends in a
 * redirect to `/?sso=<code>`, not in a session token in a URL; the code is
 * swapped once, within a minute, for a session (`POST /api/oidc/exchange`).
 *
 * - Only the SHA-256 of the code is kept, and of the browser binding (the
 *   sign-in's HttpOnly cookie): a database reader can redeem nothing.
 * - Taking a code is one `DELETE … RETURNING`, so of two gateways given one
 *   code exactly one redeems it; a wrong binding or an expired row spends it.
 * - Expired rows are deleted before each new code; past `maxPending` live
 *   codes a new one is refused ('overloaded').
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { NorthstationError } from '../core/errors.ts';
import type { NewOidcExchange, TakenOidcExchange } from './repository.ts';
import type { SqlExecutor } from './sql/database.ts';
import { selectUser } from './users.ts';

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** Codes are 43 base64url characters (256 bits); anything far off is no code of ours (and not worth hashing). */
const codeShaped = (code: string): boolean => typeof code === 'string' && code.length >= 16 && code.length <= 512;

export async function insertOidcExchange(tx: SqlExecutor, exchange: NewOidcExchange, now: Date): Promise<{ expiresAt: string }> {
  if (!codeShaped(exchange.code)) throw new NorthstationError('bad_request', 'a sign-on code is 16 to 512 characters', { field: 'code' });
  for (const field of ['ttlMs', 'maxPending'] as const) {
    if (!Number.isSafeInteger(exchange[field]) || exchange[field] < 1) throw new NorthstationError('bad_request', `${field} must be a positive integer`, { field });
  }
  if (exchange.browserBinding === '') throw new NorthstationError('bad_request', 'browserBinding is required', { field: 'browserBinding' });
  const at = now.toISOString();
  await tx.run('DELETE FROM oidc_exchange_codes WHERE expires_at <= ?', [at]);
  const live = Number((await tx.get('SELECT COUNT(*) AS n FROM oidc_exchange_codes'))?.n ?? 0);
  if (live >= exchange.maxPending) throw new NorthstationError('overloaded', 'too many sign-ins are in progress; try again shortly', { maxPending: exchange.maxPending });
  const expiresAt = new Date(now.getTime() + exchange.ttlMs).toISOString();
  await tx.run(
    'INSERT INTO oidc_exchange_codes (code_hash, user_id, external_issuer, external_subject, browser_binding_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [sha256(exchange.code), exchange.userId, exchange.external.issuer, exchange.external.subject, sha256(exchange.browserBinding), at, expiresAt],
  );
  return { expiresAt };
}

export async function deleteOidcExchange(db: SqlExecutor, code: string, browserBinding: string, now: Date): Promise<TakenOidcExchange | undefined> {
  if (!codeShaped(code)) return undefined;
  // One statement claims and reads the row: a second taker finds nothing. A refused or expired row is deleted too.
  const row = await db.get('DELETE FROM oidc_exchange_codes WHERE code_hash = ? RETURNING user_id, external_issuer, external_subject, browser_binding_hash, expires_at', [sha256(code)]);
  if (row === undefined || String(row.expires_at) <= now.toISOString()) return undefined;
  const presented = Buffer.from(sha256(browserBinding), 'hex');
  const expected = Buffer.from(String(row.browser_binding_hash), 'hex');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  const user = await selectUser(db, String(row.user_id));
  if (user === undefined) return undefined;
  return { user, external: { issuer: String(row.external_issuer), subject: String(row.external_subject) } };
}
