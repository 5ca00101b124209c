import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateDataKey } from '../../records/field-cipher.ts';
import { openSqliteStore } from '../../records/sqlite-store.ts';
import { run } from './users.ts';
import type { UsersIo } from './users.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const password = 'harbour lantern violet 9';

function setup(): { db: string; key: Buffer; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'ns-users-cli-'));
  dirs.push(dir);
  const key = generateDataKey();
  return { db: join(dir, 'records.sqlite'), key, env: { NORTHSTATION_DATA_KEY: key.toString('base64') } };
}

async function users(args: string[], io: Partial<UsersIo> & { env: NodeJS.ProcessEnv }): Promise<{ code: number; out: string; err: string; prompts: string[] }> {
  let out = '';
  let err = '';
  const prompts: string[] = [];
  const code = await run(args, {
    write: (t) => (out += t),
    error: (t) => (err += t),
    readStdin: () => Promise.reject(new Error('stdin not expected')),
    isTty: false,
    promptHidden: (q) => {
      prompts.push(q);
      return Promise.resolve(password);
    },
    ...io,
  });
  return { code, out, err, prompts };
}

test('first admin from --password-stdin: the account logs in, the creation is audited', async () => {
  const { db, key, env } = setup();
  const { code, out, err } = await users(['add', 'admin', '--role', 'admin', '--display-name', 'Site Admin', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(`${password}\n`) });
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.match(out, /created user admin \(.+\) with role admin/);
  assert.ok(!out.includes(password));
  const store = await openSqliteStore({ path: db, key });
  const user = await store.authenticate('admin', password);
  assert.deepEqual([user.username, user.displayName, user.roles], ['admin', 'Site Admin', ['admin']]);
  const created = (await store.listAuditEvents()).filter((e) => e.action === 'user.create');
  assert.deepEqual(created.map((e) => [e.resourceId, e.client]), [[user.id, 'northstation-cli']]);
  await store.close();
});

test('on a terminal: asked twice with echo off; a mismatch is refused', async () => {
  const { db, env } = setup();
  const ok = await users(['add', 'dr.okafor', '--role=physician,admin', `--db=${db}`], { env, isTty: true });
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual(ok.prompts, ['Password: ', 'Repeat password: ']);
  let asked = 0;
  const mismatch = await users(['add', 'nurse.lee', '--role', 'nurse', '--db', db], { env, isTty: true, promptHidden: () => Promise.resolve(asked++ === 0 ? password : 'something else entirely') });
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.err, /do not match/);
});

test('refusals: no terminal and no --password-stdin, weak password, no data key, duplicate user', async () => {
  const { db, env } = setup();
  const noTty = await users(['add', 'nurse.lee', '--role', 'nurse', '--db', db], { env });
  assert.equal(noTty.code, 2);
  assert.match(noTty.err, /no terminal .* --password-stdin/);
  const weak = await users(['add', 'nurse.lee', '--role', 'nurse', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve('short\n') });
  assert.equal(weak.code, 2);
  assert.match(weak.err, /at least 12 characters/);
  const noKey = await users(['add', 'nurse.lee', '--role', 'nurse', '--password-stdin', '--db', db], { env: {}, readStdin: () => Promise.resolve(password) });
  assert.equal(noKey.code, 1);
  assert.match(noKey.err, /NORTHSTATION_DATA_KEY_FILE/);
  const first = await users(['add', 'nurse.lee', '--role', 'nurse', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(password) });
  assert.equal(first.code, 0, first.err);
  const again = await users(['add', 'nurse.lee', '--role', 'nurse', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(password) });
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists/);
});

test('usage errors: exit 2; a password argument is refused', async () => {
  const env = {};
  assert.equal((await users([], { env })).code, 2);
  assert.equal((await users(['remove', 'x'], { env })).code, 2);
  assert.equal((await users(['add', 'jsmith'], { env })).code, 2);
  const pw = await users(['add', 'jsmith', '--role', 'nurse', '--password', 'hunter2hunter2'], { env });
  assert.equal(pw.code, 2);
  assert.match(pw.err, /never given on the command line/);
  assert.equal((await users(['add', '--help'], { env })).code, 0);
});

test('set-password: a forgotten password replaced from stdin (the old one stops working, the change is audited); unknown user, extra arguments and a password argument are refused', async () => {
  const { db, key, env } = setup();
  assert.equal((await users(['add', 'physician', '--role', 'physician', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(password) })).code, 0);
  const next = 'copper meadow signal 4';
  const reset = await users(['set-password', 'physician', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(`${next}\n`) });
  assert.equal(reset.err, '');
  assert.equal(reset.code, 0);
  assert.match(reset.out, /new password set for physician/);
  assert.ok(!reset.out.includes(next));
  const store = await openSqliteStore({ path: db, key });
  assert.equal((await store.authenticate('physician', next)).username, 'physician');
  await assert.rejects(store.authenticate('physician', password));
  assert.equal((await store.listAuditEvents()).filter((event) => event.action === 'user.password' && event.client === 'northstation-cli').length, 1);
  await store.close();

  const unknown = await users(['set-password', 'nobody', '--password-stdin', '--db', db], { env, readStdin: () => Promise.resolve(next) });
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no local account named nobody/);
  assert.equal((await users(['set-password', 'physician', next, '--db', db], { env })).code, 2);
  assert.equal((await users(['set-password', '--db', db], { env })).code, 2);
});
