/**
 * The SQL behind the store's draft methods (records-store.ts): a draft with
 * its revisions, signature and amendments, read back decrypted; the
 * optimistic version checks every change goes through; and the worklist's
 * keyset pages. The store opens the transactions and writes the audit
 * events; these helpers only read and write rows.
 */
import { NorthstationError, notFound } from '../core/errors.ts';
import type { Provenance } from '../workflows/draft.ts';
import type { FieldCipher } from './field-cipher.ts';
import type { DiffSummary } from './quality.ts';
import type { Amendment, DraftListFilter, DraftPage, DraftStatus, Revision, StoredDraft } from './repository.ts';
import { num, optStr, str } from './rows.ts';
import type { SqlExecutor, SqlValue } from './sql/database.ts';

/** Where an encrypted value lives (the store's `table.column:id` binding). */
const binding = (table: string, column: string, id: string): string => `${table}.${column}:${id}`;

const conflict = (message: string, details: Record<string, unknown>): NorthstationError => new NorthstationError('conflict', message, details);

export async function selectDraft(tx: SqlExecutor, cipher: FieldCipher, id: string): Promise<StoredDraft> {
  const row = await tx.get('SELECT d.*, e.patient_id FROM drafts d JOIN encounters e ON e.id = d.encounter_id WHERE d.id = ?', [id]);
  if (row === undefined) throw notFound(`no draft ${id}`, { id });
  const aiOutput = cipher.decryptJson(str(row, 'ai_output'), binding('drafts', 'ai_output', id)) as StoredDraft['aiOutput'];
  const revisions: Revision[] = (await tx.all('SELECT * FROM revisions WHERE draft_id = ? ORDER BY version', [id])).map((r) => ({
    id: str(r, 'id'), version: num(r, 'version'), content: cipher.decryptJson(str(r, 'content'), binding('revisions', 'content', str(r, 'id'))), editedBy: str(r, 'edited_by'), editedAt: str(r, 'edited_at'),
  }));
  const amendments: Amendment[] = (await tx.all('SELECT * FROM amendments WHERE draft_id = ? ORDER BY signed_at, rowid', [id])).map((a) => ({
    id: str(a, 'id'),
    reason: cipher.decrypt(str(a, 'reason'), binding('amendments', 'reason', str(a, 'id'))),
    content: cipher.decryptJson(str(a, 'content'), binding('amendments', 'content', str(a, 'id'))),
    contentHash: str(a, 'content_hash'),
    signedBy: str(a, 'signed_by'),
    role: str(a, 'role'),
    signedAt: str(a, 'signed_at'),
  }));
  const s = await tx.get('SELECT * FROM signatures WHERE draft_id = ?', [id]);
  const withdrawnReason = optStr(row, 'withdrawn_reason');
  return {
    id,
    encounterId: str(row, 'encounter_id'),
    patientId: str(row, 'patient_id'),
    workflow: str(row, 'workflow'),
    input: cipher.decryptJson(str(row, 'input'), binding('drafts', 'input', id)),
    aiOutput,
    provenance: JSON.parse(str(row, 'provenance')) as Provenance,
    status: str(row, 'status') as DraftStatus,
    version: num(row, 'version'),
    createdBy: str(row, 'created_by'),
    createdAt: str(row, 'created_at'),
    currentContent: amendments.at(-1)?.content ?? revisions.at(-1)?.content ?? aiOutput.content,
    revisions,
    signature: s === undefined ? null : {
      id: str(s, 'id'), signedBy: str(s, 'signed_by'), role: str(s, 'role'), signedAt: str(s, 'signed_at'), contentHash: str(s, 'content_hash'),
      quality: JSON.parse(str(s, 'quality')) as DiffSummary,
    },
    amendments,
    withdrawal: withdrawnReason === null ? null : { reason: cipher.decrypt(withdrawnReason, binding('drafts', 'withdrawn_reason', id)), by: str(row, 'withdrawn_by'), at: str(row, 'withdrawn_at') },
  };
}

/** The draft, checked to be editable/signable at `expectedVersion`; a conflict names why otherwise. */
export async function lockDraft(tx: SqlExecutor, cipher: FieldCipher, id: string, expectedVersion: number, what: 'edit' | 'sign'): Promise<StoredDraft> {
  const current = await selectDraft(tx, cipher, id);
  if (current.status === 'signed' || current.status === 'amended') {
    throw conflict(`document ${id} is signed and immutable: it cannot be ${what === 'edit' ? 'edited' : 'signed again'}; correct it with an amendment`, { id, status: current.status });
  }
  if (current.status === 'entered-in-error') {
    throw conflict(`document ${id} was entered in error: it cannot be ${what === 'edit' ? 'edited' : 'signed'}`, { id, status: current.status });
  }
  if (current.version !== expectedVersion) {
    throw conflict(`draft ${id} changed since you read it (version ${current.version}, you had ${expectedVersion}): reload and apply your change again`, { id, version: current.version, expectedVersion });
  }
  return current;
}

export async function bumpDraftVersion(tx: SqlExecutor, id: string, from: number, status: DraftStatus): Promise<void> {
  const result = await tx.run('UPDATE drafts SET version = version + 1, status = ? WHERE id = ? AND version = ?', [status, id, from]);
  if (result.changes !== 1) throw conflict(`draft ${id} changed concurrently`, { id, expectedVersion: from });
}

const sqlOrders: Readonly<Record<string, 'ASC' | 'DESC' | undefined>> = { oldest: 'ASC', newest: 'DESC' };

/** One page of the worklist, and the scope its audit event names (the filter, without the cursor). */
export async function selectDraftPage(tx: SqlExecutor, cipher: FieldCipher, filter: DraftListFilter): Promise<{ page: DraftPage; scope: string }> {
  if (!Number.isSafeInteger(filter.limit) || filter.limit < 1 || filter.limit > 500) {
    throw new NorthstationError('bad_request', 'limit must be an integer from 1 to 500', { field: 'limit' });
  }
  // Checked at run time too: the order reaches the SQL text.
  const order = sqlOrders[filter.order ?? (filter.state === 'draft' ? 'oldest' : 'newest')];
  if (order === undefined) throw new NorthstationError('bad_request', 'order must be oldest or newest', { field: 'order' });
  const withPatients = filter.withPatients === true;
  const where: string[] = [];
  const params: SqlValue[] = [];
  const conditions = [
    ['d.status', filter.state],
    ['d.workflow', filter.workflow],
    ['d.created_by', filter.createdBy],
    ['e.patient_id', filter.patientId],
    ['d.encounter_id', filter.encounterId],
  ] as const;
  for (const [column, value] of conditions) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (filter.after !== undefined) {
    const key = decodeDraftCursor(filter.after, order);
    // Strictly past the last row of the previous page in this order; written out rather than as a row value so both databases plan it plainly.
    const past = order === 'ASC' ? '>' : '<';
    where.push(`(d.created_at ${past} ? OR (d.created_at = ? AND d.rowid ${past} ?))`);
    params.push(key.createdAt, key.createdAt, key.rowid);
  }
  // rowid keeps insertion order among drafts created in the same millisecond (an explicit column on PostgreSQL);
  // one row more than the page tells whether another page follows, so the last page carries no cursor.
  const rows = await tx.all(
    `SELECT d.id, d.encounter_id, e.patient_id, d.workflow, d.status, d.version, d.created_by, d.created_at, d.rowid AS row_key${withPatients ? ', p.display_name AS patient_name' : ''}
     FROM drafts d JOIN encounters e ON e.id = d.encounter_id${withPatients ? ' JOIN patients p ON p.id = e.patient_id' : ''}
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY d.created_at ${order}, d.rowid ${order} LIMIT ?`,
    [...params, filter.limit + 1],
  );
  const scope = [filter.state === undefined ? 'state=any' : `state=${filter.state}`, ...(filter.order === undefined ? [] : [`order=${filter.order}`]), ...(filter.workflow === undefined ? [] : [`workflow=${filter.workflow}`]), ...(filter.createdBy === undefined ? [] : [`createdBy=${filter.createdBy}`]), ...(filter.patientId === undefined ? [] : [`patient=${filter.patientId}`]), ...(filter.encounterId === undefined ? [] : [`encounter=${filter.encounterId}`])];
  const shown = rows.slice(0, filter.limit);
  const last = shown.at(-1);
  const drafts = shown.map((row) => ({
    id: str(row, 'id'),
    encounterId: str(row, 'encounter_id'),
    patientId: str(row, 'patient_id'),
    workflow: str(row, 'workflow'),
    status: str(row, 'status') as DraftStatus,
    version: num(row, 'version'),
    createdBy: str(row, 'created_by'),
    createdAt: str(row, 'created_at'),
    ...(withPatients ? { patient: { id: str(row, 'patient_id'), displayName: cipher.decrypt(str(row, 'patient_name'), binding('patients', 'display_name', str(row, 'patient_id'))) } } : {}),
  }));
  const page: DraftPage = rows.length > filter.limit && last !== undefined
    ? { drafts, next: encodeDraftCursor(order, str(last, 'created_at'), num(last, 'row_key')) }
    : { drafts };
  return { page, scope: scope.join('&') };
}

/**
 * A draft listing's cursor: the order it was issued for and the last row's
 * (created_at, rowid), as base64url JSON. Opaque to callers so the key can
 * change; checked in full on the way back in, since it reaches SQL parameters
 * and a cursor of the other order would silently skip rows.
 */
function encodeDraftCursor(order: 'ASC' | 'DESC', createdAt: string, rowid: number): string {
  return Buffer.from(JSON.stringify([order === 'ASC' ? 'a' : 'd', createdAt, rowid])).toString('base64url');
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function decodeDraftCursor(cursor: string, order: 'ASC' | 'DESC'): { createdAt: string; rowid: number } {
  const refuse = (why: string): NorthstationError => new NorthstationError('bad_request', `after is not a cursor of this listing: ${why}`, { field: 'after' });
  // Node's base64url decoder skips characters it does not know; checking the alphabet first keeps a cursor with anything appended from passing.
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse('not base64url');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not a cursor the store issued');
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw refuse('not a cursor the store issued');
  const [direction, createdAt, rowid] = decoded as unknown[];
  if (direction !== 'a' && direction !== 'd') throw refuse('not a cursor the store issued');
  if (direction !== (order === 'ASC' ? 'a' : 'd')) throw refuse('issued for the other order (state=draft lists oldest first unless order says otherwise)');
  if (typeof createdAt !== 'string' || !isoInstant.test(createdAt)) throw refuse('not a cursor the store issued');
  if (typeof rowid !== 'number' || !Number.isSafeInteger(rowid) || rowid < 1) throw refuse('not a cursor the store issued');
  return { createdAt, rowid };
}
