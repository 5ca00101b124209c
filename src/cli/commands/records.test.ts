import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { generateDataKey, keyIdOf } from '../../records/field-cipher.ts';
import { openSqliteStore } from '../../records/sqlite-store.ts';
import { physician, seedDraft, tempStore } from '../../records/test-fixtures.ts';
import { run } from './records.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function records(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { write: (t) => (out += t), error: (t) => (err += t), env });
  return { code, out, err };
}

test('rotate-key: re-encrypts under the new key; only the new key opens the store; audited', async () => {
  const t = await tempStore();
  dirs.push(t.dir);
  const { patientId } = await seedDraft(t.store);
  await t.store.close();
  const newKey = generateDataKey();
  const keyFile = join(t.dir, 'new.key');
  writeFileSync(keyFile, newKey.toString('base64') + '\n');
  const env = { NORTHSTATION_DATA_KEY: t.key.toString('base64') };
  const { code, out, err } = await records(['rotate-key', '--new-key-file', keyFile, '--db', t.path], env);
  assert.equal(code, 0, err);
  assert.match(out, new RegExp(`re-encrypted \\d+ values .*→ ${keyIdOf(newKey)}`));
  await assert.rejects(openSqliteStore({ path: t.path, key: t.key }), (e: unknown) => isNorthstationError(e, 'config_invalid'));
  const store = await openSqliteStore({ path: t.path, key: newKey });
  assert.equal((await store.getPatient(patientId, physician)).displayName, 'Margaret Thistlewood');
  assert.ok((await store.listAuditEvents()).some((e) => e.action === 'data-key.rotate' && e.resourceId === keyIdOf(newKey)));
  assert.equal((await store.verifyAuditChain()).ok, true);
  await store.close();
  // The old key no longer works for a second rotation.
  const again = await records(['rotate-key', `--new-key-file=${keyFile}`, `--db=${t.path}`], env);
  assert.equal(again.code, 1);
  assert.match(again.err, /wrong data key/);
});

test('rotate-key refusals: usage, missing or malformed key file, same key', async () => {
  const t = await tempStore();
  dirs.push(t.dir);
  await t.store.close();
  const env = { NORTHSTATION_DATA_KEY: t.key.toString('base64') };
  assert.equal((await records([], env)).code, 2);
  assert.equal((await records(['rotate-key', '--db', t.path], env)).code, 2);
  assert.equal((await records(['rotate-key', '--new-key-file'], env)).code, 2);
  assert.equal((await records(['rotate-key', '--frob'], env)).code, 2);
  assert.equal((await records(['rotate-key', '--new-key-file', join(t.dir, 'missing.key'), '--db', t.path], env)).code, 1);
  const bad = join(t.dir, 'bad.key');
  writeFileSync(bad, 'not a key');
  const malformed = await records(['rotate-key', '--new-key-file', bad, '--db', t.path], env);
  assert.equal(malformed.code, 1);
  assert.match(malformed.err, /32 random bytes/);
  const same = join(t.dir, 'same.key');
  writeFileSync(same, t.key.toString('base64'));
  assert.equal((await records(['rotate-key', '--new-key-file', same, '--db', t.path], env)).code, 2);
});
