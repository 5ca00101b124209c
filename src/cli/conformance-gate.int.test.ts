/**
 * `serve` behind the conformance gate, as a real process on the tiny model.
 * The "real" model is the tiny synthetic one written without its
 * `northstation.synthetic` flag, so the engine takes it for real weights.
 * Reports are hand-built files: the gate is tested, never a faked run.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sha256File } from '../engine/models/sha256.ts';
import { writeSyntheticModel } from '../engine/synthetic/model-writer.ts';
import { overrideLogPath, verifyAuditChain, type OverrideEntry } from '../safety/conformance/override-audit.ts';
import type { ModelIdentity } from '../safety/conformance/report.ts';
import { writeReport } from '../safety/conformance/report-store.ts';
import { handBuiltReport, thisHardware } from '../safety/conformance/test-reports.ts';
import { syntheticOverrideReason } from './conformance-gate.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
let home: string;
let modelPath: string;
let identity: ModelIdentity;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'northstation-serve-gate-'));
  modelPath = join(home, 'site-model.gguf');
  await writeSyntheticModel({ shape: 'tiny', quant: 'f16', out: modelPath, markSynthetic: false });
  identity = {
    id: 'site-model',
    backend: 'llama',
    synthetic: false,
    file: { path: modelPath, sizeBytes: (await stat(modelPath)).size, sha256: await sha256File(modelPath), sha256Source: 'computed' },
  };
  env = { ...process.env, NORTHSTATION_HOME: home, NORTHSTATION_SIGNING_KEY_FILE: '' };
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

function validate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // One thread: on a shared 2-core machine two threads make the tiny model ~50× slower (test-tiny-llama.ts).
  const child = spawn(process.execPath, [main, 'validate', '--cpu', '--threads', '1', '--qa-limit', '3', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => { resolve({ code, stdout, stderr }); }));
}

type Outcome = { kind: 'serving'; stderr: string; stop: () => Promise<number | null> } | { kind: 'exited'; code: number | null; stderr: string };

/** Starts `serve`; resolves once it listens (then stops it on request) or once it exits. */
function serve(args: string[]): Promise<Outcome> {
  const child: ChildProcess = spawn(process.execPath, [main, 'serve', '--cpu', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
  return new Promise((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Serving ".*" at http/.test(stderr)) {
        resolve({ kind: 'serving', stderr, stop: () => { child.kill('SIGTERM'); return exited; } });
      }
    });
    void exited.then((code) => { resolve({ kind: 'exited', code, stderr }); });
  });
}

async function auditEntries(): Promise<OverrideEntry[]> {
  return (await readFile(overrideLogPath(home), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as OverrideEntry);
}

describe('serve behind the conformance gate', () => {
  test('refuses a real model file that was never validated, with one clear line', async () => {
    const outcome = await serve(['--model', modelPath]);
    assert.equal(outcome.kind, 'exited');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /error \[forbidden\]: "site-model" has no conformance report .*northstation validate.*--override-conformance/);
    assert.doesNotMatch(outcome.stderr, /\n\s+at /);
  });

  test('serves it with a passing report for these bytes on this hardware', async () => {
    await writeReport(handBuiltReport(identity, { hardware: thisHardware('none') }), home);
    const outcome = await serve(['--model', modelPath]);
    assert.equal(outcome.kind, 'serving', outcome.stderr);
    assert.match(outcome.stderr, /Conformance: passed on 2025-01-01/);
    assert.equal(await outcome.stop(), 0);
  });

  test('refuses it when the report was edited', async () => {
    const path = await writeReport(handBuiltReport(identity, { passed: false, hardware: thisHardware('none') }), home);
    const report = JSON.parse(await readFile(path, 'utf8')) as { passed: boolean };
    report.passed = true;
    await writeFile(path, JSON.stringify(report));
    const outcome = await serve(['--model', modelPath]);
    assert.equal(outcome.kind === 'exited' ? outcome.code : 'serving', 1);
    assert.match(outcome.stderr, /error \[forbidden\]: the conformance report .* cannot be trusted: its hash does not match its content/);
  });

  test('serves it with an administrator override, recorded in the hash-chained audit log', async () => {
    const outcome = await serve(['--model', modelPath, '--override-conformance', 'validated by the vendor, ticket 7']);
    assert.equal(outcome.kind, 'serving', outcome.stderr);
    assert.match(outcome.stderr, /Conformance override: the conformance report .* cannot be trusted/);
    assert.equal(await outcome.stop(), 0);
    const last = (await auditEntries()).at(-1);
    assert.equal(last?.reason, 'validated by the vendor, ticket 7');
    assert.equal(last.model.file?.sha256, identity.file?.sha256);
    assert.equal(basename(last.model.file?.path ?? ''), 'site-model.gguf');
    assert.equal((await verifyAuditChain(overrideLogPath(home))).ok, true);
  });

  test('--synthetic still serves, through an automatic audited override', async () => {
    const outcome = await serve(['--synthetic']);
    assert.equal(outcome.kind, 'serving', outcome.stderr);
    assert.match(outcome.stderr, /Automatic audited conformance override \(synthetic model\)/);
    assert.equal(await outcome.stop(), 0);
    const entries = await auditEntries();
    assert.equal(entries.at(-1)?.reason, syntheticOverrideReason);
    assert.equal(entries.at(-1)?.model.synthetic, true);
    assert.deepEqual(await verifyAuditChain(overrideLogPath(home)), { ok: true, entries: entries.length, lastHash: entries.at(-1)?.hash });
  });
});

describe('validate, then serve', () => {
  test('a model with no published figure fails validation, and serve then refuses it for that', async () => {
    const result = await validate(['--model', modelPath]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Conformance of "site-model" \(llama\): FAILED/);
    assert.match(result.stdout, /\[FAIL\] Accuracy on PubMedQA .*\n\s+no published figure for this model; set the site's own threshold with --qa-threshold/);
    assert.match(result.stdout, /\[pass\] Schema adherence/);
    assert.match(result.stdout, /Report \(sha256\): .*conformance\/site-model-[0-9a-f]{16}\.json/);
    assert.match(result.stderr, /pubmedqa-accuracy 3\/3/);
    const outcome = await serve(['--model', modelPath]);
    assert.equal(outcome.kind === 'exited' ? outcome.code : 'serving', 1);
    assert.match(outcome.stderr, /error \[forbidden\]: the last conformance run of "site-model" failed \(pubmedqa-accuracy\)/);
  });

  test('with a site threshold every check passes: validate exits 0 and serve accepts its report', async () => {
    // A threshold of 0 is the administrator's (absurd) choice for a model with no published figure; the run itself is real.
    const result = await validate(['--model', modelPath, '--qa-threshold', '0', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { passed: boolean; checks: Array<{ id: string; status: string }> };
    assert.equal(report.passed, true);
    assert.deepEqual(report.checks.map((check) => check.status), ['pass', 'pass', 'pass', 'skip', 'pass', 'pass', 'pass']);
    const outcome = await serve(['--model', modelPath]);
    assert.equal(outcome.kind, 'serving', outcome.stderr);
    assert.match(outcome.stderr, /Conformance: passed on /);
    assert.equal(await outcome.stop(), 0);
  });
});
