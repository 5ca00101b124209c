/**
 * What "nothing half-written" means for the records database after a crash,
 * shared by the crash tests (crash-safety.int.test.ts against the store,
 * test/clinical-crash.int.test.ts against the HTTP server): the file is
 * intact, every signature and revision belongs to its draft, each draft's
 * version counts its revisions and signature, and each create, edit and sign
 * has exactly one audit event.
 */
import assert from 'node:assert/strict';
import type { DatabaseSync } from 'node:sqlite';

export function assertNothingHalfWritten(db: DatabaseSync): void {
  const n = (sql: string): number => Number(db.prepare(sql).get()?.n);
  assert.deepEqual(db.prepare('PRAGMA integrity_check').all().map((row) => row.integrity_check), ['ok']);
  assert.equal(db.prepare('PRAGMA foreign_key_check').all().length, 0);

  assert.equal(n("SELECT COUNT(*) AS n FROM drafts d LEFT JOIN signatures s ON s.draft_id = d.id WHERE d.status = 'signed' AND s.id IS NULL"), 0, 'a signed draft without a signature');
  assert.equal(n("SELECT COUNT(*) AS n FROM signatures s JOIN drafts d ON d.id = s.draft_id WHERE d.status <> 'signed'"), 0, 'a signature on an unsigned draft');
  assert.equal(n('SELECT COUNT(*) AS n FROM signatures s LEFT JOIN drafts d ON d.id = s.draft_id WHERE d.id IS NULL'), 0, 'a signature without its draft');
  assert.equal(n('SELECT COUNT(*) AS n FROM revisions r LEFT JOIN drafts d ON d.id = r.draft_id WHERE d.id IS NULL'), 0, 'a revision without its draft');
  assert.equal(
    n(`SELECT COUNT(*) AS n FROM drafts d
       WHERE d.version <> 1 + (SELECT COUNT(*) FROM revisions r WHERE r.draft_id = d.id) + (SELECT COUNT(*) FROM signatures s WHERE s.draft_id = d.id)`),
    0,
    'a draft whose version disagrees with its revisions and signature',
  );

  // Every change has exactly its one audit event, and no event records a change that did not commit.
  for (const [action, table] of [['draft.create', 'drafts'], ['draft.edit', 'revisions'], ['draft.sign', 'signatures']] as const) {
    const column = table === 'drafts' ? 'id' : 'draft_id';
    assert.equal(n(`SELECT COUNT(*) AS n FROM audit_events WHERE action = '${action}'`), n(`SELECT COUNT(*) AS n FROM ${table}`), `${action} events vs ${table} rows`);
    assert.equal(
      n(`SELECT COUNT(*) AS n FROM ${table} x WHERE (SELECT COUNT(*) FROM audit_events a WHERE a.action = '${action}' AND a.resource_id = x.${column}) <> 1`),
      0,
      `a ${table} row without exactly one ${action} event`,
    );
  }
}
