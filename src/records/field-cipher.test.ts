import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { FieldCipher, generateDataKey, isEncryptedValue, keyIdOfValue, loadDataKey } from './field-cipher.ts';
import { openSqliteStore, rotateKey } from './sqlite-store.ts';
import { nurse, physician, seedDraft, tempStore } from './test-fixtures.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const configInvalid = (pattern: RegExp) => (error: unknown): boolean => isNorthstationError(error, 'config_invalid') && pattern.test(error.message);

test('AES-256-GCM per value: random IV, key id prefix, round trip', () => {
  const cipher = new FieldCipher(generateDataKey());
  const a = cipher.encrypt('Margaret Thistlewood');
  const b = cipher.encrypt('Margaret Thistlewood');
  assert.notEqual(a, b, 'a fresh IV each time');
  assert.ok(isEncryptedValue(a));
  assert.equal(keyIdOfValue(a), cipher.keyId);
  assert.equal(Buffer.from(a.split(':')[2]!, 'base64').length, 12);
  assert.equal(Buffer.from(a.split(':')[3]!, 'base64').length, 16);
  assert.equal(cipher.decrypt(a), 'Margaret Thistlewood');
  assert.deepEqual(cipher.decryptJson(cipher.encryptJson({ x: [1, 'é'] })), { x: [1, 'é'] });
});

test('a tampered ciphertext or a wrong key fails clearly', () => {
  const cipher = new FieldCipher(generateDataKey());
  const value = cipher.encrypt('secret');
  const parts = value.split(':');
  const body = Buffer.from(parts[4]!, 'base64');
  body[0] = body[0]! ^ 1;
  parts[4] = body.toString('base64');
  assert.throws(() => cipher.decrypt(parts.join(':')), /failed authentication/);
  assert.throws(() => new FieldCipher(generateDataKey()).decrypt(value), configInvalid(/wrong key/));
  assert.throws(() => new FieldCipher(Buffer.alloc(16)), configInvalid(/32 bytes/));
});

test('the key comes from NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-key-'));
  dirs.push(dir);
  const key = generateDataKey();
  const file = join(dir, 'data.key');
  writeFileSync(file, key.toString('base64') + '\n');
  assert.deepEqual(loadDataKey({ NORTHSTATION_DATA_KEY_FILE: file }), key);
  assert.deepEqual(loadDataKey({ NORTHSTATION_DATA_KEY: key.toString('base64') }), key);
  assert.equal(loadDataKey({}), undefined);
  assert.throws(() => loadDataKey({ NORTHSTATION_DATA_KEY: 'c2hvcnQ=' }), configInvalid(/32 random bytes/));
  assert.throws(() => loadDataKey({ NORTHSTATION_DATA_KEY_FILE: join(dir, 'missing') }), configInvalid(/cannot read the data key file/));
});

function rawBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

test('a known patient name never reaches the database file or its WAL', async () => {
  const t = tempStore();
  dirs.push(t.dir);
  const { draftId, patientId } = await seedDraft(t.store, { subjective: 'Margaret Thistlewood reports cough.' });
  await t.store.editDraft(draftId, 1, { subjective: 'Margaret Thistlewood reports cough and fever.' }, nurse);
  await t.store.signDraft(draftId, 2, physician);
  await t.store.amend(draftId, 'Margaret Thistlewood asked for a correction', { subjective: 'Margaret Thistlewood: corrected.' }, physician);
  // Read before closing too: the WAL holds the latest pages until a checkpoint.
  assert.ok(existsSync(`${t.path}-wal`));
  const live = rawBytes(t.path);
  assert.equal(live.includes('Thistlewood'), false);
  assert.equal(live.includes(Buffer.from('Thistlewood', 'utf16le')), false);
  await t.store.close();
  const bytes = rawBytes(t.path);
  assert.ok(bytes.length > 0);
  assert.equal(bytes.includes('Thistlewood'), false);
  assert.equal(bytes.includes('1948-03-02'), false);
  // …and the data is there, readable with the key.
  const reopened = openSqliteStore({ path: t.path, key: t.key });
  assert.equal((await reopened.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
  await reopened.close();
});

test('no key or the wrong key: a clear refusal to open', async () => {
  const t = tempStore();
  dirs.push(t.dir);
  await seedDraft(t.store);
  await t.store.close();
  assert.throws(() => openSqliteStore({ path: t.path, key: undefined }), configInvalid(/holds data encrypted under key [0-9a-f]{16}; it cannot be opened without that key/));
  assert.throws(() => openSqliteStore({ path: t.path, key: generateDataKey() }), configInvalid(/wrong data key/));
});

test('rotation re-encrypts every column in one transaction: readable with the new key only', async () => {
  const t = tempStore();
  dirs.push(t.dir);
  const { patientId, draftId } = await seedDraft(t.store);
  await t.store.editDraft(draftId, 1, { plan: 'edited' }, nurse);
  await t.store.signDraft(draftId, 2, physician);
  await t.store.amend(draftId, 'reason', { plan: 'amended' }, physician);
  await t.store.withdraw(draftId, 'wrong patient', physician);
  const oldKeyId = t.store.keyId;
  const newKey = generateDataKey();
  const result = await rotateKey(t.store, newKey);
  assert.equal(result.values, 2 + 3 + 1 + 2, 'name, birth date, input, AI output, withdrawal reason, a revision, an amendment’s reason and content');
  assert.notEqual(result.keyId, oldKeyId);
  // No value is left under the old key.
  const db = t.store.database;
  for (const [table, column] of [['patients', 'display_name'], ['patients', 'birth_date'], ['drafts', 'input'], ['drafts', 'ai_output'], ['drafts', 'withdrawn_reason'], ['revisions', 'content'], ['amendments', 'reason'], ['amendments', 'content']] as const) {
    for (const row of db.prepare(`SELECT ${column} AS v FROM ${table}`).all()) assert.equal(keyIdOfValue(String(row.v)), result.keyId, `${table}.${column}`);
  }
  // The open store keeps working under the new key.
  assert.equal((await t.store.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
  assert.deepEqual((await t.store.listAuditEvents()).filter((e) => e.action === 'data-key.rotate').map((e) => e.resourceId), [result.keyId]);
  await t.store.close();
  assert.throws(() => openSqliteStore({ path: t.path, key: t.key }), configInvalid(/wrong data key/));
  const reopened = openSqliteStore({ path: t.path, key: newKey });
  const draft = await reopened.getDraft(draftId, physician);
  assert.equal(draft.withdrawal?.reason, 'wrong patient');
  assert.deepEqual(draft.currentContent, { plan: 'amended' });
  assert.equal((await reopened.verifyAuditChain()).ok, true);
  await reopened.close();
});

test('a rotation that fails part-way changes nothing', async () => {
  const t = tempStore();
  dirs.push(t.dir);
  const { patientId } = await seedDraft(t.store);
  // Corrupt one encrypted value: decrypting it fails mid-rotation.
  t.store.database.prepare("INSERT INTO revisions (id, draft_id, version, content, edited_by, edited_at) SELECT 'r-bad', id, 99, 'nsenc1:bad:AA==:AA==:AA==', 'x', 'x' FROM drafts").run();
  const oldKeyId = t.store.keyId;
  await assert.rejects(rotateKey(t.store, generateDataKey()));
  assert.equal(t.store.keyId, oldKeyId);
  assert.equal(keyIdOfValue(String(t.store.database.prepare('SELECT display_name AS v FROM patients').get()?.v)), oldKeyId);
  assert.equal((await t.store.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
  await t.store.close();
});
