/**
 * serve --synthetic's set-up (synthetic-setup.ts): the data key under the
 * data home (created 0600 once, then reused; a configured key wins) and the
 * demo accounts (only on a database with no accounts; random passwords that
 * sign in; a second run creates nothing).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateDataKey } from '../records/field-cipher.ts';
import { openSqliteStore } from '../records/sqlite-store.ts';
import { createDemoAccounts, demoAccountRoles, describeDemoAccounts, randomDemoPassword, syntheticDataKey } from './synthetic-setup.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-synthetic-setup-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const fast = { N: 2 ** 10, r: 8, p: 1 } as const;

test('synthetic data key: created at <data home>/data.key with mode 0600, then reused', async () => {
  const home = join(dir, 'home');
  const env = { NORTHSTATION_HOME: home };
  const created = await syntheticDataKey(env);
  assert.equal(created.source, 'created');
  assert.equal(created.file, join(home, 'data.key'));
  assert.equal(created.key.length, 32);
  assert.equal(statSync(join(home, 'data.key')).mode & 0o777, 0o600);
  assert.equal(Buffer.from(readFileSync(join(home, 'data.key'), 'utf8').trim(), 'base64').length, 32);

  const again = await syntheticDataKey(env);
  assert.equal(again.source, 'existing');
  assert.deepEqual(again.key, created.key, 'the same key: the records stay readable');
});

test('synthetic data key: a configured key wins and nothing is written', async () => {
  const home = join(dir, 'configured-home');
  const keyFile = join(dir, 'site.key');
  const key = generateDataKey();
  writeFileSync(keyFile, key.toString('base64'));
  const fromFile = await syntheticDataKey({ NORTHSTATION_HOME: home, NORTHSTATION_DATA_KEY_FILE: keyFile });
  assert.deepEqual(fromFile, { key, source: 'configured' });
  const inline = await syntheticDataKey({ NORTHSTATION_HOME: home, NORTHSTATION_DATA_KEY: key.toString('base64') });
  assert.equal(inline.source, 'configured');
  assert.throws(() => statSync(join(home, 'data.key')), /ENOENT/);
});

test('demo accounts: nurse, physician, admin with random passwords on an empty database; none on a second run', async () => {
  const store = await openSqliteStore({ path: join(dir, 'records.sqlite'), key: generateDataKey(), passwordParams: fast });
  try {
    const passwords = await createDemoAccounts(store);
    assert.ok(passwords);
    assert.deepEqual(Object.keys(passwords).sort(), [...demoAccountRoles].sort());
    assert.equal(new Set(Object.values(passwords)).size, 3, 'each account its own password');
    for (const role of demoAccountRoles) {
      assert.ok(passwords[role].length >= 12);
      const user = await store.authenticate(role, passwords[role]);
      assert.deepEqual(user.roles, [role]);
    }
    assert.equal(await createDemoAccounts(store), undefined, 'accounts exist: nothing new');
    const text = describeDemoAccounts(passwords, 'http://127.0.0.1:8081/');
    for (const role of demoAccountRoles) assert.match(text, new RegExp(`${role} +${passwords[role]}`));
    assert.match(text, /shown this once[^]*Sign in at http:\/\/127\.0\.0\.1:8081\//);
  } finally {
    await store.close();
  }
});

test('demo accounts: none when the database already has an account', async () => {
  const store = await openSqliteStore({ path: join(dir, 'site.sqlite'), key: generateDataKey(), passwordParams: fast });
  try {
    await store.createUser({ username: 'jsmith', roles: ['physician'], password: 'a site password 123' }, { userId: 'local:test', role: 'admin' });
    assert.equal(await createDemoAccounts(store), undefined);
    await assert.rejects(store.authenticate('nurse', 'anything at all 1'), /./);
  } finally {
    await store.close();
  }
});

test('demo passwords are random, never a fixed one', () => {
  const seen = new Set(Array.from({ length: 50 }, () => randomDemoPassword()));
  assert.equal(seen.size, 50);
  for (const password of seen) assert.match(password, /^[A-Za-z0-9_-]{18}$/);
});
