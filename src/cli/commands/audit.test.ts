import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { generateDataKey } from '../../records/field-cipher.ts';
import { openSqliteStore } from '../../records/sqlite-store.ts';
import { physician, seedDraft, tempStore } from '../../records/test-fixtures.ts';
import { run } from './audit.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function audit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { write: (t) => (out += t), error: (t) => (err += t), env });
  return { code, out, err };
}

async function seeded(): Promise<string> {
  const t = tempStore();
  dirs.push(t.dir);
  const { draftId } = await seedDraft(t.store);
  await t.store.signDraft(draftId, 1, physician);
  await t.store.close();
  return t.path;
}

test('an intact chain: exit 0 with the count', async () => {
  const path = await seeded();
  const { code, out } = await audit(['verify', '--db', path]);
  assert.equal(code, 0);
  assert.match(out, /audit trail intact: 4 events verified/);
});

test('a tampered row: exit 1 naming the first broken event', async () => {
  const path = await seeded();
  // Raw SQL, as an attacker with the file would: drop the guard, change who signed.
  const db = new DatabaseSync(path);
  db.exec('DROP TRIGGER audit_events_no_update');
  db.prepare("UPDATE audit_events SET user_id = 'mallory' WHERE seq = 3").run();
  db.close();
  const { code, err } = await audit(['verify', `--db=${path}`]);
  assert.equal(code, 1);
  assert.match(err, /BROKEN at event 3: event 3 was altered/);
});

test('the default database is <data home>/records.sqlite', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ns-home-'));
  dirs.push(home);
  assert.equal((await audit(['verify'], { NORTHSTATION_HOME: home })).code, 2, 'missing database: exit 2');
  const store = openSqliteStore({ path: join(home, 'records.sqlite'), key: generateDataKey() });
  await store.createPatient({ displayName: 'Test Patient' }, physician);
  await store.close();
  const { code, out } = await audit(['verify'], { NORTHSTATION_HOME: home });
  assert.equal(code, 0);
  assert.match(out, /1 events verified/);
});

test('usage errors: exit 2', async () => {
  assert.equal((await audit([])).code, 2);
  assert.equal((await audit(['export'])).code, 2);
  assert.equal((await audit(['verify', '--db'])).code, 2);
  assert.equal((await audit(['verify', '--frobnicate'])).code, 2);
  assert.equal((await audit(['--help'])).code, 0);
});
