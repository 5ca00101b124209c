/**
 * The README's main job, `serve --synthetic`, on a fresh data home: besides
 * the OpenAI API it serves the clinical API and the web UI (port --port + 1;
 * here both ephemeral), makes a data key at <data home>/data.key (0600) and
 * demo accounts nurse, physician, admin with random passwords printed once;
 * a second start reuses the key and creates no accounts. A real model still
 * needs a configured key, and --api-only serves the OpenAI API alone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-serve-synthetic-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The environment of a fresh machine: no data key configured, its own data home. */
function freshEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NORTHSTATION_HOME: home };
  delete env.NORTHSTATION_DATA_KEY_FILE;
  delete env.NORTHSTATION_DATA_KEY;
  delete env.NORTHSTATION_WEB_ROOT;
  return env;
}

interface Served {
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts serve and resolves once stderr matches `ready`, with the match. */
async function serve(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Served & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [main, 'serve', '--cpu', '--threads', '1', '--context', '8192', '--sequences', '1', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = ready.exec(stderr);
      if (found) resolve(found);
    });
    child.on('exit', () => { reject(new Error(`serve exited early: ${stderr}`)); });
  });
  return {
    match,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function signIn(base: string, username: string, password: string): Promise<number> {
  const response = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  await response.body?.cancel();
  return response.status;
}

const ready = /Web UI at (http:\/\/127\.0\.0\.1:\d+)\/\n/;
const withAccounts = /Web UI at (http:\/\/127\.0\.0\.1:\d+)\/\n[^]*nurse +(\S+)\n +physician +(\S+)\n +admin +(\S+)\nSign in at/;

test('serve --synthetic: the web UI and clinical API, a data key made once (0600), demo accounts with random passwords once', { timeout: 180_000 }, async () => {
  const home = join(dir, 'home');
  const env = freshEnv(home);
  const first = await serve(['--synthetic'], env, withAccounts);
  const [, base = '', nurse = '', physician = '', admin = ''] = first.match;
  let passwords: Record<string, string>;
  try {
    const stderr = first.stderr();
    assert.match(stderr, /Serving "synthetic-tiny" at http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(stderr, /RANDOM WEIGHTS — NOT A MEDICAL MODEL/);
    assert.ok(stderr.includes(`Created a data key for the synthetic demo's records at ${join(home, 'data.key')} (mode 0600)`), stderr);
    assert.equal(statSync(join(home, 'data.key')).mode & 0o777, 0o600);
    assert.match(stderr, new RegExp(`Clinical API at ${base.replaceAll('.', '\\.')}/api`));

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<title>[^<]*Northstation/);

    passwords = { nurse, physician, admin };
    assert.equal(new Set(Object.values(passwords)).size, 3);
    for (const [username, password] of Object.entries(passwords)) {
      assert.ok(password.length >= 12, password);
      assert.equal(await signIn(base, username, password), 201, username);
    }
    assert.equal(await signIn(base, 'nurse', 'not the password at all'), 401);
  } finally {
    assert.equal(await first.stop(), 0);
  }

  // The second start: the same key, the same accounts, no new passwords printed.
  const second = await serve(['--synthetic'], env, ready);
  try {
    const stderr = second.stderr();
    assert.ok(stderr.includes(`Using the synthetic demo's data key at ${join(home, 'data.key')}`), stderr);
    assert.doesNotMatch(stderr, /Demo accounts/);
    assert.equal(await signIn(second.match[1] ?? '', 'physician', passwords.physician ?? ''), 201);
  } finally {
    assert.equal(await second.stop(), 0);
  }
});

test('serve --synthetic --api-only: the OpenAI API alone, no key made', { timeout: 120_000 }, async () => {
  const home = join(dir, 'api-only');
  const served = await serve(['--synthetic', '--api-only'], freshEnv(home), /Serving "synthetic-tiny" at (http:\/\/127\.0\.0\.1:\d+)\/v1/);
  try {
    assert.equal((await fetch(`${served.match[1] ?? ''}/health`)).status, 200);
  } finally {
    assert.equal(await served.stop(), 0);
  }
  assert.doesNotMatch(served.stderr(), /Web UI at|Clinical API at|data key/);
  assert.equal(existsSync(join(home, 'data.key')), false);
});

test('serve --model FILE --clinical-port: a real model still needs a configured data key, none is made', async () => {
  const home = join(dir, 'real');
  const model = join(dir, 'real-model.gguf');
  await writeFile(model, 'not read: the key is checked first');
  const child = spawn(process.execPath, [main, 'serve', '--model', model, '--port', '0', '--clinical-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: freshEnv(home) });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => { resolve(exitCode); }));
  assert.notEqual(code, 0);
  assert.match(stderr, /NORTHSTATION_DATA_KEY_FILE/);
  assert.equal(existsSync(join(home, 'data.key')), false);
});
