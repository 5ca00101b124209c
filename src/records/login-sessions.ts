/**
 * The SQL behind the store's login-session methods (records-store.ts,
 * `sessions`): rows keyed by the SHA-256 of the session token, with a
 * one-shot step-up grant. The store opens the transactions and writes the
 * audit events; these helpers only read and write rows.
 */
import { randomUUID } from 'node:crypto';
import { NorthstationError } from '../core/errors.ts';
import type { NewSession, SessionStepUp, StoredSession, User } from './repository.ts';
import { num, optStr, str } from './rows.ts';
import type { SqlExecutor } from './sql/database.ts';
import { rowToUser } from './users.ts';

/** A session token's SHA-256, lowercase hex: anything else cannot name a session. */
export const sessionHashPattern = /^[0-9a-f]{64}$/;

export function checkNewSession(session: NewSession): void {
  if (!sessionHashPattern.test(session.tokenHash)) throw new NorthstationError('bad_request', 'a session token hash is 64 lowercase hex characters (SHA-256)', { field: 'tokenHash' });
  for (const field of ['ttlMs', 'maxPerUser', 'maxTotal'] as const) {
    if (!Number.isSafeInteger(session[field]) || session[field] < 1) throw new NorthstationError('bad_request', `${field} must be a positive integer`, { field });
  }
}

/** Deletes expired sessions, then revokes the user's oldest so one more fits under `maxPerUser`; returns the revoked ids. */
export async function revokeOldestSessions(tx: SqlExecutor, userId: string, maxPerUser: number, at: string): Promise<string[]> {
  // Expired rows are dead weight (the audit trail keeps their story); deleting them here bounds the table.
  await tx.run('DELETE FROM sessions WHERE expires_at <= ?', [at]);
  const own = await tx.all('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY seq', [userId]);
  const revoked = own.slice(0, Math.max(0, own.length - maxPerUser + 1)).map((row) => str(row, 'id'));
  for (const id of revoked) await tx.run('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, id]);
  return revoked;
}

/** Revokes every live session of the user (a password reset signs them out everywhere); returns the revoked ids. */
export async function revokeAllSessions(tx: SqlExecutor, userId: string, at: string): Promise<string[]> {
  const live = await tx.all('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY seq', [userId]);
  const revoked = live.map((row) => str(row, 'id'));
  for (const id of revoked) await tx.run('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, id]);
  return revoked;
}

/** Inserts the session unless `maxTotal` live sessions are open already ('overloaded'). */
export async function insertSession(tx: SqlExecutor, session: NewSession, user: User, now: Date): Promise<StoredSession> {
  const at = now.toISOString();
  const live = num((await tx.get('SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL')) ?? { n: 0 }, 'n');
  if (live >= session.maxTotal) {
    throw new NorthstationError('overloaded', 'too many sessions are open on this server; try again later', { maxSessions: session.maxTotal });
  }
  // Transactions are serialised across gateways, so MAX + 1 cannot be taken twice.
  const seq = num((await tx.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM sessions')) ?? { seq: 0 }, 'seq') + 1;
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + session.ttlMs).toISOString();
  const external = session.external ?? null;
  await tx.run(
    'INSERT INTO sessions (id, user_id, token_hash, seq, created_at, expires_at, external_issuer, external_subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [id, user.id, session.tokenHash, seq, at, expiresAt, external?.issuer ?? null, external?.subject ?? null],
  );
  return { id, user, createdAt: at, expiresAt, external: external === null ? null : { issuer: external.issuer, subject: external.subject }, stepUp: null };
}

export async function selectSession(db: SqlExecutor, tokenHash: string, now: Date): Promise<StoredSession | undefined> {
  if (!sessionHashPattern.test(tokenHash)) return undefined;
  const at = now.toISOString();
  // The user's columns are read with the session, every time: roles changed since sign-in apply now.
  const row = await db.get(
    `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.external_issuer, s.external_subject, s.step_up_purpose, s.step_up_expires_at,
            u.username, u.display_name, u.roles, u.created_at AS user_created_at, u.language
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`,
    [tokenHash, at],
  );
  if (row === undefined) return undefined;
  const issuer = optStr(row, 'external_issuer');
  const subject = optStr(row, 'external_subject');
  const purpose = optStr(row, 'step_up_purpose');
  const stepUpExpiresAt = optStr(row, 'step_up_expires_at');
  return {
    id: str(row, 'id'),
    user: rowToUser({ id: row.user_id, username: row.username, display_name: row.display_name, roles: row.roles, created_at: row.user_created_at, language: row.language }),
    createdAt: str(row, 'created_at'),
    expiresAt: str(row, 'expires_at'),
    external: issuer === null || subject === null ? null : { issuer, subject },
    stepUp: purpose === null || stepUpExpiresAt === null || stepUpExpiresAt <= at ? null : { purpose, expiresAt: stepUpExpiresAt },
  };
}

/** Revokes a live session; false when it was unknown, revoked or expired already. */
export async function markSessionRevoked(tx: SqlExecutor, id: string, at: string): Promise<boolean> {
  const result = await tx.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ?', [at, id, at]);
  return result.changes === 1;
}

export async function grantSessionStepUp(db: SqlExecutor, sessionId: string, purpose: string, ttlMs: number, now: Date): Promise<SessionStepUp | undefined> {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new NorthstationError('bad_request', 'ttlMs must be a positive integer', { field: 'ttlMs' });
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const result = await db.run(
    'UPDATE sessions SET step_up_purpose = ?, step_up_expires_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ?',
    [purpose, expiresAt, sessionId, at],
  );
  return result.changes === 1 ? { purpose, expiresAt } : undefined;
}

export async function takeSessionStepUp(db: SqlExecutor, sessionId: string, purpose: string, now: Date): Promise<SessionStepUp | undefined> {
  const at = now.toISOString();
  const row = await db.get('SELECT step_up_expires_at FROM sessions WHERE id = ? AND step_up_purpose = ?', [sessionId, purpose]);
  const expiresAt = row === undefined ? null : optStr(row, 'step_up_expires_at');
  if (expiresAt === null) return undefined;
  // The conditional UPDATE is the claim: of two gateways taking one grant, exactly one changes the row.
  const result = await db.run(
    `UPDATE sessions SET step_up_purpose = NULL, step_up_expires_at = NULL
     WHERE id = ? AND step_up_purpose = ? AND step_up_expires_at = ? AND step_up_expires_at > ? AND revoked_at IS NULL AND expires_at > ?`,
    [sessionId, purpose, expiresAt, at, at],
  );
  return result.changes === 1 ? { purpose, expiresAt } : undefined;
}

export async function restoreSessionStepUp(db: SqlExecutor, sessionId: string, grant: SessionStepUp, now: Date): Promise<boolean> {
  const at = now.toISOString();
  if (grant.expiresAt <= at) return false;
  const result = await db.run(
    'UPDATE sessions SET step_up_purpose = ?, step_up_expires_at = ? WHERE id = ? AND step_up_purpose IS NULL AND revoked_at IS NULL AND expires_at > ?',
    [grant.purpose, grant.expiresAt, sessionId, at],
  );
  return result.changes === 1;
}

/** Live (unrevoked, unexpired) sessions, of one user or of all. */
export async function countLiveSessions(db: SqlExecutor, userId: string | undefined, now: Date): Promise<number> {
  const at = now.toISOString();
  const row = userId === undefined
    ? await db.get('SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > ?', [at])
    : await db.get('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?', [userId, at]);
  return row === undefined ? 0 : num(row, 'n');
}
