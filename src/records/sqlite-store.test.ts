/**
 * The records store on a SQLite file: every store contract (contract/*.contract.ts)
 * plus what only a file database has (pragmas, the bytes on disk, other
 * processes on the same file).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { auditContract } from './contract/audit.contract.ts';
import { draftsContract } from './contract/drafts.contract.ts';
import { encryptionContract } from './contract/encryption.contract.ts';
import { sqliteFactory } from './contract/fixture.ts';
import { oidcLoginsContract } from './contract/oidc-logins.contract.ts';
import { sessionsContract } from './contract/sessions.contract.ts';
import { studiesContract } from './contract/studies.contract.ts';
import { uploadsContract } from './contract/uploads.contract.ts';
import { usersContract } from './contract/users.contract.ts';
import { webUiContract } from './contract/web-ui.contract.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { nurse, physician, seedDraft, tempStore } from './test-fixtures.ts';

draftsContract(sqliteFactory);
usersContract(sqliteFactory);
auditContract(sqliteFactory);
encryptionContract(sqliteFactory);
sessionsContract(sqliteFactory);
oidcLoginsContract(sqliteFactory);
studiesContract(sqliteFactory);
uploadsContract(sqliteFactory);
webUiContract(sqliteFactory);

test('open: WAL journal, foreign keys on, a busy timeout for other processes', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  const db = store.database;
  assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
  assert.equal(db.prepare('PRAGMA foreign_keys').get()?.foreign_keys, 1);
  assert.equal(db.prepare('PRAGMA busy_timeout').get()?.timeout, 5000);
});

function rawBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

test('a known patient name, a password and an API token never reach the database file or its WAL', async (t) => {
  const temp = await tempStore();
  t.after(temp.cleanup);
  const password = 'amber kettle ribbon 42';
  const admin = { userId: 'u-admin', role: 'admin' };
  const { draftId, patientId } = await seedDraft(temp.store, { subjective: 'Margaret Thistlewood reports cough.' });
  await temp.store.editDraft(draftId, 1, { subjective: 'Margaret Thistlewood reports cough and fever.' }, nurse);
  await temp.store.signDraft(draftId, 2, physician);
  await temp.store.amend(draftId, 'Margaret Thistlewood asked for a correction', { subjective: 'Margaret Thistlewood: corrected.' }, physician);
  const user = await temp.store.createUser({ username: 'intake', roles: ['integration'], password }, admin);
  const token = (await temp.store.issueApiToken(user.id, admin)).token;
  // Read before closing too: the WAL holds the latest pages until a checkpoint.
  assert.ok(existsSync(`${temp.path}-wal`));
  const live = rawBytes(temp.path);
  assert.ok(live.includes(user.id), 'the bytes hold the rows (so the checks below are not vacuous)');
  for (const secret of ['Thistlewood', password, token.slice(3)]) {
    assert.equal(live.includes(secret), false, secret);
    assert.equal(live.includes(Buffer.from(secret, 'utf16le')), false, secret);
  }
  await temp.store.close();
  const bytes = rawBytes(temp.path);
  assert.ok(bytes.includes(user.id));
  for (const secret of ['Thistlewood', '1948-03-02', password, token.slice(3)]) assert.equal(bytes.includes(secret), false, secret);
  // …and the data is there, readable with the key.
  const reopened = await openSqliteStore({ path: temp.path, key: temp.key });
  t.after(() => reopened.close());
  assert.equal((await reopened.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
});

/** A second OS process editing the same file: the one lock SQLite has is the file's, so this is what a second gateway process does. */
const childScript = `
import { openSqliteStore } from ${JSON.stringify(pathToFileURL(new URL('./sqlite-store.ts', import.meta.url).pathname).href)};
const [path, key, draftId, edits] = process.argv.slice(1);
const store = await openSqliteStore({ path, key: Buffer.from(key, 'base64') });
const actor = { userId: 'u-child', role: 'nurse' };
process.stdout.write('ready\\n');
for (let i = 0; i < Number(edits); i += 1) {
  for (;;) {
    const { version } = await store.getDraft(draftId, actor);
    try { await store.editDraft(draftId, version, { plan: 'child ' + i }, actor); break; }
    catch (error) { if (error.code !== 'conflict') throw error; }
  }
}
await store.close();
`;

test('two processes editing one file take turns: every edit lands once, on its own version, and the chain verifies', async (t) => {
  const temp = await tempStore();
  t.after(temp.cleanup);
  const { draftId } = await seedDraft(temp.store);
  const edits = 25;
  const child = spawn(process.execPath, ['--input-type=module', '-e', childScript, temp.path, temp.key.toString('base64'), draftId, String(edits)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Start editing once the child has the file open, so the two really overlap.
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', () => reject(new Error(`the child exited before it was ready: ${stderr}`)));
  });
  for (let i = 0; i < edits; i += 1) {
    for (;;) {
      const { version } = await temp.store.getDraft(draftId, nurse);
      try {
        await temp.store.editDraft(draftId, version, { plan: `parent ${i}` }, nurse);
        break;
      } catch (error) {
        if (!isNorthstationError(error, 'conflict')) throw error;
      }
    }
  }
  assert.equal(await exited, 0, stderr);
  const draft = await temp.store.getDraft(draftId, nurse);
  assert.equal(draft.version, 1 + 2 * edits);
  assert.deepEqual(draft.revisions.map((r) => r.version), Array.from({ length: 2 * edits }, (_, i) => i + 2));
  assert.equal(draft.revisions.filter((r) => r.editedBy === 'u-child').length, edits);
  assert.equal(draft.revisions.filter((r) => r.editedBy === nurse.userId).length, edits);
  assert.equal((await temp.store.verifyAuditChain()).ok, true);
});
