/**
 * The CLI as users and checks run it: a real process, the tiny synthetic model,
 * real llama.cpp. Exit codes, stdout/stderr separation and error lines matter
 * here as much as the happy path.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Finished { code: number | null; stdout: string; stderr: string }

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => { resolve({ code, stdout, stderr }); }));
}

describe('northstation generate', () => {
  test('prints the completion on stdout, the synthetic banner and timings on stderr', async () => {
    const result = await runCli(['generate', '--synthetic', '--cpu', '--prompt', 'Hello', '--max-tokens', '8']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /RANDOM WEIGHTS — NOT A MEDICAL MODEL/);
    assert.match(result.stderr, /\[length\] prompt \d+ tokens, completion 8 tokens/);
    assert.ok(result.stdout.trim().length > 0);
    assert.doesNotMatch(result.stdout, /RANDOM WEIGHTS/);
  });

  test('with --json-schema prints JSON that satisfies the schema', async () => {
    const schemaPath = join(dir, 'schema.json');
    const schema = { type: 'object', properties: { level: { enum: [1, 2, 3, 4, 5] }, urgent: { type: 'boolean' } }, required: ['level', 'urgent'] };
    await writeFile(schemaPath, JSON.stringify(schema));
    const result = await runCli(['generate', '--synthetic', '--cpu', '--prompt', 'Triage level?', '--json-schema', schemaPath, '--max-tokens', '64']);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { level: number; urgent: boolean };
    assert.ok(Number.isInteger(parsed.level) && parsed.level >= 1 && parsed.level <= 5);
    assert.equal(typeof parsed.urgent, 'boolean');
  });

  const failures: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['no prompt', () => Promise.resolve(['generate', '--synthetic']), /error \[bad_request\]: --prompt TEXT is required/],
    ['no model', () => Promise.resolve(['generate', '--prompt', 'x']), /choose exactly one of --model FILE, --synthetic, --synthetic-vision, --upstream URL/],
    ['a missing model file', () => Promise.resolve(['generate', '--model', join(dir, 'absent.gguf'), '--prompt', 'x']), /error \[not_found\]/],
    ['a file that is not GGUF', async () => {
      const path = join(dir, 'notes.gguf');
      await writeFile(path, 'these are not weights\n'.repeat(10));
      return ['generate', '--model', path, '--prompt', 'x'];
    }, /error \[model_invalid\]/],
    ['a schema file that is not JSON', async () => {
      const path = join(dir, 'bad-schema.json');
      await writeFile(path, '{ type: object');
      return ['generate', '--synthetic', '--prompt', 'x', '--json-schema', path];
    }, /error \[bad_request\]: .*bad-schema\.json is not valid JSON/],
    ['a public upstream', () => Promise.resolve(['generate', '--upstream', 'http://8.8.8.8/v1', '--upstream-model', 'm', '--prompt', 'x']), /error \[upstream_refused\]/],
  ];
  for (const [name, args, message] of failures) {
    test(`refuses ${name} with one clear line and exit code 1`, async () => {
      const result = await runCli(await args());
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  test('an unknown command exits 2 with the usage', async () => {
    const result = await runCli(['frobnicate']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });
});

describe('northstation sizing', () => {
  test('prints a breakdown and whether a named GPU class fits', async () => {
    const result = await runCli(['sizing', '--model', 'medgemma-27b-text-it', '--quant', 'Q4_K_M', '--context', '32768', '--gpu', 'l4', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { estimate: { weightsBytes: number; kvCacheBytes: number; totalBytes: number } };
    const { weightsBytes, kvCacheBytes, totalBytes } = report.estimate;
    // REFERENCE.md §7: a 27B Q4_K_M file is about 17 GB.
    assert.ok(Math.abs(weightsBytes / 17e9 - 1) < 0.1, `27B Q4_K_M weights ${weightsBytes}`);
    assert.ok(kvCacheBytes > 0 && totalBytes > weightsBytes + kvCacheBytes);
  });

  test('refuses an unknown model id, listing the valid ones', async () => {
    const result = await runCli(['sizing', '--model', 'medgemma-9b', '--quant', 'q4_0', '--context', '4096']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /valid ids: medgemma-4b-it/);
  });
});

describe('northstation models', () => {
  test('add validates and records a GGUF; list shows it; a bad file is refused and not recorded', async () => {
    const env = { ...process.env, NORTHSTATION_HOME: join(dir, 'home') };
    const { ensureTinyModel } = await import('../src/engine/synthetic/test-models.ts');
    const added = await runCli(['models', 'add', await ensureTinyModel(), '--id', 'tiny'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /tiny\s+gemma3\s+F16.*sha256 [0-9a-f]{16}/);

    const corrupt = join(dir, 'corrupt.gguf');
    await writeFile(corrupt, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(12, 0xff)]));
    const refused = await runCli(['models', 'add', corrupt], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error \[model_invalid\]/);

    const listed = await runCli(['models', 'list', '--json'], env);
    const entries = JSON.parse(listed.stdout) as { id: string; synthetic: boolean }[];
    assert.deepEqual(entries.map((entry) => [entry.id, entry.synthetic]), [['tiny', true]]);
  });
});

describe('northstation serve', () => {
  test('serves the synthetic model, survives a bad request, and stops cleanly on SIGTERM', async () => {
    // Its own data home: serving a synthetic model records an audited conformance override there.
    const env = { ...process.env, NORTHSTATION_HOME: join(dir, 'serve-home') };
    const child = spawn(process.execPath, [main, 'serve', '--synthetic', '--cpu', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /Serving "synthetic-tiny" at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', () => { reject(new Error(`serve exited early: ${stderr}`)); });
    });
    assert.match(stderr, /RANDOM WEIGHTS — NOT A MEDICAL MODEL/);

    const health = (await (await fetch(`${url}/health`)).json()) as { synthetic: boolean };
    assert.equal(health.synthetic, true);

    const bad = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages": "not a list"' });
    assert.equal(bad.status, 400);
    const good = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'synthetic-tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
    });
    assert.equal(good.status, 200);
    const completion = (await good.json()) as { usage: { completion_tokens: number } };
    assert.equal(completion.usage.completion_tokens, 4);

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stderr, /server_closed/);
  });
});
