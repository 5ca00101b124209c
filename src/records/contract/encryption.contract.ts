/**
 * The records contract for encryption at rest: the key check at open, key
 * rotation, and values bound to their row. Run by sqlite-store.test.ts and
 * postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { isNorthstationError, type ErrorCode } from '../../core/errors.ts';
import { generateDataKey, keyIdOf, keyIdOfValue } from '../field-cipher.ts';
import { rotateKey } from '../sqlite-store.ts';
import { nurse, physician, seedDraft } from '../test-fixtures.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

const isCode = (code: ErrorCode, pattern: RegExp) => (error: unknown): boolean => isNorthstationError(error, code) && pattern.test(error.message);

/**
 * A value as the store wrote it before values were bound to their row
 * (`nsenc1`: AES-256-GCM without associated data), made here with node:crypto
 * so the test does not depend on the cipher it checks.
 */
export function legacyEncrypt(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['nsenc1', keyIdOf(key), iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

const encryptedColumns = [['patients', 'display_name'], ['patients', 'birth_date'], ['drafts', 'input'], ['drafts', 'ai_output'], ['drafts', 'withdrawn_reason'], ['revisions', 'content'], ['amendments', 'reason'], ['amendments', 'content']] as const;

export function encryptionContract(factory: StoreFactory): void {
  async function fresh(t: TestContext): Promise<StoreFixture> {
    const fixture = await factory();
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('the store opens only with its key: no key or the wrong key is a clear refusal', async (t) => {
    const fixture = await fresh(t);
    await seedDraft(fixture.store);
    await assert.rejects(fixture.openAnother({ key: undefined }), isCode('config_invalid', /holds data encrypted under key [0-9a-f]{16}; it cannot be opened without that key/));
    await assert.rejects(fixture.openAnother({ key: generateDataKey() }), isCode('config_invalid', /wrong data key/));
    // The right key still opens it: the refusals were about the key, not the database.
    const again = await fixture.openAnother({ key: fixture.key });
    assert.equal((await again.listAuditEvents()).length, 3);
  });

  void test('the key is fixed when the database is created, before any patient data is stored', async (t) => {
    const fixture = await fresh(t);
    // The first open records the key id, so gateways can never write one database under two keys.
    await assert.rejects(fixture.openAnother({ key: generateDataKey() }), isCode('config_invalid', /wrong data key/));
    await assert.rejects(fixture.openAnother({ key: undefined }), isCode('config_invalid', /cannot be opened without that key/));
    assert.equal((await fixture.store.sql.get("SELECT value FROM store_meta WHERE key = 'data_key_id'"))?.value, keyIdOf(fixture.key));
  });

  void test('every encrypted column is stored as nsenc2 under the store key, never in clear', async (t) => {
    const { store, key } = await fresh(t);
    const { draftId } = await seedDraft(store);
    await store.editDraft(draftId, 1, { plan: 'edited' }, nurse);
    await store.signDraft(draftId, 2, physician);
    await store.amend(draftId, 'reason', { plan: 'amended' }, physician);
    await store.withdraw(draftId, 'wrong patient', physician);
    for (const [table, column] of encryptedColumns) {
      const rows = await store.sql.all(`SELECT ${column} AS v FROM ${table}`);
      assert.equal(rows.length, 1, `${table}.${column}`);
      for (const row of rows) {
        assert.match(String(row.v), /^nsenc2:/, `${table}.${column}`);
        assert.equal(keyIdOfValue(String(row.v)), keyIdOf(key), `${table}.${column}`);
      }
    }
  });

  void test('a value copied into another patient’s row fails authentication instead of decrypting', async (t) => {
    const { store } = await fresh(t);
    const first = await store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, nurse);
    const second = await store.createPatient({ displayName: 'Arthur Penhaligon', birthDate: '1950-07-14' }, nurse);
    // Someone with write access to the database pastes the first patient's name over the second's.
    const copied = await store.sql.run('UPDATE patients SET display_name = (SELECT display_name FROM patients WHERE id = ?) WHERE id = ?', [first.id, second.id]);
    assert.equal(copied.changes, 1);
    await assert.rejects(store.getPatient(second.id, physician), isCode('internal', /failed authentication/));
    assert.equal((await store.getPatient(first.id, physician)).displayName, 'Margaret Thistlewood');
    // Moving a value to another column of the same row fails as well.
    await store.sql.run('UPDATE patients SET birth_date = display_name WHERE id = ?', [first.id]);
    await assert.rejects(store.getPatient(first.id, physician), isCode('internal', /failed authentication/));
  });

  void test('rotation re-encrypts every column in one transaction: readable with the new key only', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const { patientId, draftId } = await seedDraft(store);
    await store.editDraft(draftId, 1, { plan: 'edited' }, nurse);
    await store.signDraft(draftId, 2, physician);
    await store.amend(draftId, 'reason', { plan: 'amended' }, physician);
    await store.withdraw(draftId, 'wrong patient', physician);
    const oldKeyId = store.keyId;
    const newKey = generateDataKey();
    const result = await rotateKey(store, newKey);
    assert.equal(result.values, 2 + 3 + 1 + 2, 'name, birth date, input, AI output, withdrawal reason, a revision, an amendment’s reason and content');
    assert.notEqual(result.keyId, oldKeyId);
    assert.equal(result.keyId, keyIdOf(newKey));
    // No value is left under the old key.
    for (const [table, column] of encryptedColumns) {
      for (const row of await store.sql.all(`SELECT ${column} AS v FROM ${table}`)) assert.equal(keyIdOfValue(String(row.v)), result.keyId, `${table}.${column}`);
    }
    // The open store keeps working under the new key.
    assert.equal((await store.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
    assert.deepEqual((await store.listAuditEvents()).filter((e) => e.action === 'data-key.rotate').map((e) => e.resourceId), [result.keyId]);
    await assert.rejects(fixture.openAnother({ key: fixture.key }), isCode('config_invalid', /wrong data key/));
    const reopened = await fixture.openAnother({ key: newKey });
    const draft = await reopened.getDraft(draftId, physician);
    assert.equal(draft.withdrawal?.reason, 'wrong patient');
    assert.deepEqual(draft.currentContent, { plan: 'amended' });
    assert.deepEqual(draft.amendments.map((a) => a.reason), ['reason']);
    assert.equal((await reopened.verifyAuditChain()).ok, true);
  });

  void test('a rotation that fails part-way changes nothing', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const { patientId } = await seedDraft(store);
    // An undecryptable value: decrypting it fails mid-rotation, after the patients were already re-encrypted.
    await store.sql.run("INSERT INTO revisions (id, draft_id, version, content, edited_by, edited_at) SELECT 'r-bad', id, 99, 'nsenc1:bad:AA==:AA==:AA==', 'x', 'x' FROM drafts");
    const oldKeyId = store.keyId;
    await assert.rejects(rotateKey(store, generateDataKey()));
    assert.equal(store.keyId, oldKeyId);
    assert.equal(keyIdOfValue(String((await store.sql.get('SELECT display_name AS v FROM patients'))?.v)), oldKeyId);
    assert.equal((await store.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
    // store_meta still names the old key: another gateway with it opens the store.
    const other = await fixture.openAnother({ key: fixture.key });
    assert.equal((await other.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
  });

  void test('legacy nsenc1 values still read, and rotation rewrites them as bound nsenc2 values', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    const patient = await store.createPatient({ displayName: 'placeholder' }, nurse);
    await store.sql.run('UPDATE patients SET display_name = ? WHERE id = ?', [legacyEncrypt(fixture.key, 'Margaret Thistlewood'), patient.id]);
    assert.equal((await store.getPatient(patient.id, physician)).displayName, 'Margaret Thistlewood');
    const newKey = generateDataKey();
    await rotateKey(store, newKey);
    const stored = String((await store.sql.get('SELECT display_name AS v FROM patients WHERE id = ?', [patient.id]))?.v);
    assert.match(stored, new RegExp(`^nsenc2:${keyIdOf(newKey)}:`));
    const reopened = await fixture.openAnother({ key: newKey });
    assert.equal((await reopened.getPatient(patient.id, physician)).displayName, 'Margaret Thistlewood');
  });
}
