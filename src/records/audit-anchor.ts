/**
 * An external anchor for the audit trail. The hash chain shows that no event
 * was changed, removed or reordered — but someone able to write the database
 * could cut the newest events off the end, or rebuild the whole chain with
 * fresh hashes, and the chain would still verify. An anchor defeats both: the
 * head of the chain (its last seq and hash), written at intervals to a place
 * that person cannot reach (another machine, WORM storage, a printed page).
 * Verification against an anchor then requires the anchored event to still be
 * there, with the same hash.
 */
import { NorthstationError } from '../core/errors.ts';
import { rowToAuditEvent } from './audit.ts';
import type { SqlExecutor } from './sql/database.ts';

export interface AuditAnchor {
  /** What this file is (so a wrong file is refused clearly). */
  kind: 'northstation-audit-anchor';
  seq: number;
  hash: string;
  /** When the anchor was taken (the event's own time is in the trail). */
  takenAt: string;
  /** The database it was taken from, without credentials. */
  location: string;
}

/** The chain's head now, as an anchor; undefined when the trail is empty. */
export async function takeAuditAnchor(db: SqlExecutor, location: string, now: Date = new Date()): Promise<AuditAnchor | undefined> {
  const last = await db.get('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
  if (last === undefined) return undefined;
  const event = rowToAuditEvent(last);
  return { kind: 'northstation-audit-anchor', seq: event.seq, hash: event.hash, takenAt: now.toISOString(), location };
}

/** Parses an anchor file's text; anything else is 'bad_request'. */
export function parseAuditAnchor(text: string): AuditAnchor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NorthstationError('bad_request', 'the anchor file is not JSON');
  }
  const anchor = value as Partial<AuditAnchor> | null;
  if (
    anchor === null || typeof anchor !== 'object' || anchor.kind !== 'northstation-audit-anchor' ||
    typeof anchor.seq !== 'number' || !Number.isSafeInteger(anchor.seq) || anchor.seq < 1 ||
    typeof anchor.hash !== 'string' || !/^[0-9a-f]{64}$/.test(anchor.hash) ||
    typeof anchor.takenAt !== 'string' || typeof anchor.location !== 'string'
  ) {
    throw new NorthstationError('bad_request', 'the anchor file is not a Northstation audit anchor (kind, seq, hash, takenAt, location)');
  }
  return anchor as AuditAnchor;
}

export type AnchorCheck = { ok: true } | { ok: false; reason: string };

/** Whether the trail still holds the anchored event, unchanged. (Run after `verifyAuditChain`: the chain vouches for every event before it.) */
export async function checkAuditAnchor(db: SqlExecutor, anchor: AuditAnchor): Promise<AnchorCheck> {
  const row = await db.get('SELECT * FROM audit_events WHERE seq = ?', [anchor.seq]);
  if (row === undefined) {
    const last = await db.get('SELECT MAX(seq) AS seq FROM audit_events');
    const end = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq);
    return { ok: false, reason: `the trail was truncated: anchored event ${anchor.seq} (anchor taken ${anchor.takenAt}) is gone; the trail now ends at event ${end}` };
  }
  if (rowToAuditEvent(row).hash !== anchor.hash) {
    return { ok: false, reason: `event ${anchor.seq} differs from the anchor taken ${anchor.takenAt}: the trail was rewritten` };
  }
  return { ok: true };
}
