/**
 * The audit trail: append-only and hash-chained. Each event's hash is
 * SHA-256 over the canonical JSON of the event (seq, at, who, what, where,
 * model and prompt) together with the previous event's hash, so changing,
 * removing or reordering a row breaks every link after it.
 *
 * `appendAuditEvent` must be called with the caller's transaction: the event
 * commits or rolls back with the change it records (and the transaction
 * serialises writers, so two events never take the same seq).
 */
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import { NorthstationError } from '../core/errors.ts';
import type { SqlExecutor } from './sql/database.ts';

export const genesisHash = '0'.repeat(64);

/** Who acts, and from where. `role` is the role the user acts in for this action. */
export interface Actor {
  userId: string;
  role: string;
  ip?: string;
  client?: string;
}

export interface AuditEventInput {
  action: string;
  resourceType: string;
  resourceId: string;
  modelId?: string;
  promptSha256?: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  user: string;
  role: string;
  action: string;
  resourceType: string;
  resourceId: string;
  ip: string | null;
  client: string | null;
  modelId: string | null;
  promptSha256: string | null;
  prevHash: string;
  hash: string;
}

export function hashAuditEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { prevHash, ...body } = event;
  return sha256Hex(canonicalJson(body) + '\n' + prevHash);
}

export async function appendAuditEvent(tx: SqlExecutor, actor: Actor, input: AuditEventInput, at: Date = new Date()): Promise<AuditEvent> {
  const last = await tx.get('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const seq = last === undefined ? 1 : Number(last.seq) + 1;
  const prevHash = typeof last?.hash === 'string' ? last.hash : genesisHash;
  const body: Omit<AuditEvent, 'hash'> = {
    seq,
    at: at.toISOString(),
    user: actor.userId,
    role: actor.role,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    ip: actor.ip ?? null,
    client: actor.client ?? null,
    modelId: input.modelId ?? null,
    promptSha256: input.promptSha256 ?? null,
    prevHash,
  };
  const event: AuditEvent = { ...body, hash: hashAuditEvent(body) };
  await tx.run(
    `INSERT INTO audit_events (seq, at, user_id, role, action, resource_type, resource_id, ip, client, model_id, prompt_sha256, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.seq, event.at, event.user, event.role, event.action, event.resourceType, event.resourceId, event.ip, event.client, event.modelId, event.promptSha256, event.prevHash, event.hash],
  );
  return event;
}

type Row = Record<string, unknown>;
const text = (row: Row, key: string): string => (typeof row[key] === 'string' ? row[key] : String(row[key]));
const nullableText = (row: Row, key: string): string | null => (row[key] === null || row[key] === undefined ? null : text(row, key));

export function rowToAuditEvent(row: Row): AuditEvent {
  return {
    seq: Number(row.seq),
    at: text(row, 'at'),
    user: text(row, 'user_id'),
    role: text(row, 'role'),
    action: text(row, 'action'),
    resourceType: text(row, 'resource_type'),
    resourceId: text(row, 'resource_id'),
    ip: nullableText(row, 'ip'),
    client: nullableText(row, 'client'),
    modelId: nullableText(row, 'model_id'),
    promptSha256: nullableText(row, 'prompt_sha256'),
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

/** Events in seq order (optionally filtered by resource); no PHI is stored in them. */
export async function listAuditEvents(db: SqlExecutor, filter: { resourceId?: string } = {}): Promise<AuditEvent[]> {
  const rows = filter.resourceId === undefined
    ? await db.all('SELECT * FROM audit_events ORDER BY seq')
    : await db.all('SELECT * FROM audit_events WHERE resource_id = ? ORDER BY seq', [filter.resourceId]);
  return rows.map(rowToAuditEvent);
}

/** An audit search (`RecordsRepository.searchAuditEvents`): every given field must match; newest first. */
export interface AuditSearch {
  /** Exact action, e.g. 'draft.sign'. */
  action?: string;
  /** The acting user's id (AuditEvent.user). */
  userId?: string;
  resourceId?: string;
  /** Events at or after this instant (ISO 8601, UTC with milliseconds: 2026-01-01T08:00:00.000Z). */
  from?: string;
  /** Events strictly before this instant (same form). */
  to?: string;
  /** Only events with a smaller seq: the last seq of the previous page, to page back in time. */
  beforeSeq?: number;
  /** At most this many events (1 to 1000). */
  limit: number;
}

/** The most events one search returns. */
export const maxAuditSearchLimit = 1000;

const auditInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Events matching every given field, newest first. Instants are compared as
 * text, which orders them rightly because every event's `at` is
 * `Date.toISOString()`; so `from` and `to` must be in exactly that form.
 */
export async function searchAuditEvents(db: SqlExecutor, filter: AuditSearch): Promise<AuditEvent[]> {
  if (!Number.isSafeInteger(filter.limit) || filter.limit < 1 || filter.limit > maxAuditSearchLimit) {
    throw new NorthstationError('bad_request', `limit must be an integer from 1 to ${maxAuditSearchLimit}`, { field: 'limit' });
  }
  for (const field of ['from', 'to'] as const) {
    const value = filter[field];
    if (value !== undefined && !auditInstant.test(value)) throw new NorthstationError('bad_request', `${field} must be an ISO instant such as 2026-01-01T08:00:00.000Z`, { field });
  }
  if (filter.beforeSeq !== undefined && (!Number.isSafeInteger(filter.beforeSeq) || filter.beforeSeq < 1)) {
    throw new NorthstationError('bad_request', 'beforeSeq must be a positive integer', { field: 'beforeSeq' });
  }
  const where: string[] = [];
  const params: (string | number)[] = [];
  const conditions = [
    ['action = ?', filter.action],
    ['user_id = ?', filter.userId],
    ['resource_id = ?', filter.resourceId],
    ['at >= ?', filter.from],
    ['at < ?', filter.to],
    ['seq < ?', filter.beforeSeq],
  ] as const;
  for (const [condition, value] of conditions) {
    if (value === undefined) continue;
    where.push(condition);
    params.push(value);
  }
  const rows = await db.all(`SELECT * FROM audit_events ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT ?`, [...params, filter.limit]);
  return rows.map(rowToAuditEvent);
}

export interface AuditVerification {
  ok: boolean;
  /** Events checked before the first broken link (all of them when ok). */
  checked: number;
  firstBrokenSeq?: number;
  reason?: string;
  /** The hash of the last event checked (the genesis hash when none): what an external anchor records. */
  headHash: string;
}

/** Events are read in pages, so a long trail is verified in bounded memory. */
const verifyPageSize = 1000;

/**
 * Walks the chain from seq 1: each event's seq follows the previous one,
 * its prev_hash is the previous event's hash, and its hash recomputes.
 */
export async function verifyAuditChain(db: SqlExecutor): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = genesisHash;
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows = await db.all('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?', [after, verifyPageSize]);
    for (const row of rows) {
      const event = rowToAuditEvent(row);
      if (event.seq !== expectedSeq) {
        return { ok: false, checked, firstBrokenSeq: expectedSeq, reason: `event ${expectedSeq} is missing (next is ${event.seq})`, headHash: prevHash };
      }
      if (event.prevHash !== prevHash) {
        return { ok: false, checked, firstBrokenSeq: event.seq, reason: `event ${event.seq} does not link to the hash of event ${event.seq - 1}`, headHash: prevHash };
      }
      const { hash, ...body } = event;
      if (hashAuditEvent(body) !== hash) {
        return { ok: false, checked, firstBrokenSeq: event.seq, reason: `event ${event.seq} was altered: its hash does not match its content`, headHash: prevHash };
      }
      prevHash = hash;
      expectedSeq += 1;
      checked += 1;
      after = event.seq;
    }
    if (rows.length < verifyPageSize) return { ok: true, checked, headHash: prevHash };
  }
}
