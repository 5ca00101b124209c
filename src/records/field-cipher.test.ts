/**
 * FieldCipher on its own: the value format, bindings, legacy values and the
 * key's sources. How the store uses it (the key check at open, rotation, a
 * value moved between rows) is in contract/encryption.contract.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { legacyEncrypt } from './contract/encryption.contract.ts';
import { FieldCipher, generateDataKey, isEncryptedValue, keyIdOf, keyIdOfValue, loadDataKey } from './field-cipher.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const configInvalid = (pattern: RegExp) => (error: unknown): boolean => isNorthstationError(error, 'config_invalid') && pattern.test(error.message);
const failedAuthentication = (error: unknown): boolean => isNorthstationError(error, 'internal') && /failed authentication/.test(error.message);

const nameOfA = 'patients.display_name:patient-a';
const nameOfB = 'patients.display_name:patient-b';

test('AES-256-GCM per value: random IV, nsenc2 and key id prefix, round trip', () => {
  const key = generateDataKey();
  const cipher = new FieldCipher(key);
  const a = cipher.encrypt('Margaret Thistlewood', nameOfA);
  const b = cipher.encrypt('Margaret Thistlewood', nameOfA);
  assert.notEqual(a, b, 'a fresh IV each time');
  assert.ok(isEncryptedValue(a));
  assert.equal(a.split(':')[0], 'nsenc2');
  assert.equal(keyIdOfValue(a), cipher.keyId);
  assert.equal(cipher.keyId, keyIdOf(key));
  assert.equal(Buffer.from(a.split(':')[2]!, 'base64').length, 12);
  assert.equal(Buffer.from(a.split(':')[3]!, 'base64').length, 16);
  assert.equal(a.includes('Thistlewood'), false);
  assert.equal(cipher.decrypt(a, nameOfA), 'Margaret Thistlewood');
  assert.deepEqual(cipher.decryptJson(cipher.encryptJson({ x: [1, 'é'] }, 'drafts.input:d1'), 'drafts.input:d1'), { x: [1, 'é'] });
  assert.equal(isEncryptedValue('Margaret Thistlewood'), false);
  assert.equal(keyIdOfValue('plain'), undefined);
});

test('a value encrypted under one binding does not decrypt under another', () => {
  const cipher = new FieldCipher(generateDataKey());
  const value = cipher.encrypt('Margaret Thistlewood', nameOfA);
  // Another row, another column of the same row, and no binding at all.
  assert.throws(() => cipher.decrypt(value, nameOfB), failedAuthentication);
  assert.throws(() => cipher.decrypt(value, 'patients.birth_date:patient-a'), failedAuthentication);
  assert.throws(() => cipher.decrypt(value, ''), failedAuthentication);
  assert.throws(() => cipher.decryptJson(cipher.encryptJson({ plan: 'x' }, 'revisions.content:r1'), 'revisions.content:r2'), failedAuthentication);
  assert.equal(cipher.decrypt(value, nameOfA), 'Margaret Thistlewood');
});

test('a legacy nsenc1 value (no binding) still decrypts, whatever the binding', () => {
  const key = generateDataKey();
  const cipher = new FieldCipher(key);
  const legacy = legacyEncrypt(key, 'Margaret Thistlewood');
  assert.ok(isEncryptedValue(legacy));
  assert.equal(keyIdOfValue(legacy), cipher.keyId);
  assert.equal(cipher.decrypt(legacy, nameOfA), 'Margaret Thistlewood');
  assert.equal(cipher.decrypt(legacy, nameOfB), 'Margaret Thistlewood');
  // Relabelling a bound value as nsenc1 does not strip its binding: without the associated data its tag fails.
  const bound = cipher.encrypt('Margaret Thistlewood', nameOfA);
  assert.throws(() => cipher.decrypt(bound.replace(/^nsenc2:/, 'nsenc1:'), nameOfB), failedAuthentication);
  // A legacy value under another key is still a wrong-key refusal, not a silent failure.
  assert.throws(() => cipher.decrypt(legacyEncrypt(generateDataKey(), 'x'), nameOfA), configInvalid(/wrong key/));
});

test('a tampered ciphertext, a wrong key or a malformed value fails clearly', () => {
  const cipher = new FieldCipher(generateDataKey());
  const value = cipher.encrypt('secret', nameOfA);
  const parts = value.split(':');
  const body = Buffer.from(parts[4]!, 'base64');
  body[0] = body[0]! ^ 1;
  parts[4] = body.toString('base64');
  assert.throws(() => cipher.decrypt(parts.join(':'), nameOfA), failedAuthentication);
  assert.throws(() => new FieldCipher(generateDataKey()).decrypt(value, nameOfA), configInvalid(/wrong key/));
  assert.throws(() => cipher.decrypt('nsenc3:' + value.slice('nsenc2:'.length), nameOfA), (error: unknown) => isNorthstationError(error, 'internal') && /not in the encrypted format/.test(error.message));
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
