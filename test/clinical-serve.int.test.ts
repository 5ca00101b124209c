/**
 * The clinical path end to end, as a site runs it: `users add` creates a nurse
 * and a physician, `serve --clinical-port` serves the tiny synthetic model and
 * the clinical API over an encrypted records database; the nurse triages a
 * patient through the API, cannot sign, the physician signs with password
 * re-entry, and `audit verify` finds the chain intact.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
let home: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'northstation-clinical-'));
  const keyFile = join(home, 'data.key');
  await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  env = { ...process.env, NORTHSTATION_HOME: home, NORTHSTATION_DATA_KEY_FILE: keyFile };
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

function runCli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => { resolve({ code, stdout, stderr }); }));
}

const passwords = { nurse: 'heron lantern quarry 1', physician: 'maple orbit saddle 72' };

test('a nurse triages through the clinical API, cannot sign; a physician signs; the audit chain verifies', { timeout: 120_000 }, async () => {
  for (const role of ['nurse', 'physician'] as const) {
    const added = await runCli(['users', 'add', `${role}1`, '--role', role, '--password-stdin'], passwords[role] + '\n');
    assert.equal(added.code, 0, added.stderr);
  }

  const server = spawn(process.execPath, [main, 'serve', '--synthetic', '--cpu', '--threads', '1', '--context', '8192', '--sequences', '1', '--port', '0', '--clinical-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  const api = await new Promise<string>((resolve, reject) => {
    server.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /Clinical API at (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    server.on('exit', () => { reject(new Error(`serve exited: ${stderr}`)); });
  });
  try {
    const call = async (method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const login = async (role: 'nurse' | 'physician'): Promise<string> => {
      const session = await call('POST', '/api/session', undefined, { username: `${role}1`, password: passwords[role] });
      assert.equal(session.status, 201, JSON.stringify(session.json));
      return session.json.token as string;
    };

    assert.equal((await call('GET', '/api/worklist', undefined)).status, 401);
    const nurse = await login('nurse');
    const created = await call('POST', '/api/encounters', nurse, { patient: { displayName: 'Margaret Thistlewood' } });
    assert.equal(created.status, 201);
    const encounterId = (created.json.encounter as { id: string }).id;
    const draft = await call('POST', '/api/drafts', nurse, {
      encounterId,
      workflow: 'triage',
      input: { note: 'Crushing chest pain, sweaty.', vitals: { age: 60, heartRate: 135, systolicBP: 95, spo2: 93 } },
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.json));
    const stored = draft.json as unknown as { id: string; version: number; status: string; currentContent: { ctas: { floor: number; final: number } } };
    assert.equal(stored.status, 'draft');
    assert.ok(stored.currentContent.ctas.final <= stored.currentContent.ctas.floor);

    const nurseSign = await call('POST', `/api/drafts/${stored.id}/sign`, nurse, { password: passwords.nurse }, { 'if-match': String(stored.version) });
    assert.equal(nurseSign.status, 403);
    const physician = await login('physician');
    const wrong = await call('POST', `/api/drafts/${stored.id}/sign`, physician, { password: 'not the password' }, { 'if-match': String(stored.version) });
    assert.equal(wrong.status, 401);
    const signed = await call('POST', `/api/drafts/${stored.id}/sign`, physician, { password: passwords.physician }, { 'if-match': String(stored.version) });
    assert.equal(signed.status, 200, JSON.stringify(signed.json));
  } finally {
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  const verified = await runCli(['audit', 'verify']);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});
