/**
 * `northstation run` and `northstation eval` as checks and integrators call
 * them: a real process, the tiny synthetic model through llama.cpp, input on
 * stdin, the draft on stdout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const vignettes = fileURLToPath(new URL('fixtures/triage-vignettes.jsonl', import.meta.url));
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'northstation-run-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

function runCli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NORTHSTATION_HOME: home } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => { resolve({ code, stdout, stderr }); }));
}

const model = ['--synthetic', '--threads', '1', '--context', '8192', '--sequences', '1'];

test('run triage: the draft holds suggested, floor and final, and final is never less urgent than the floor', async () => {
  const input = { note: 'Crushing chest pain radiating to the left arm, sweaty.', vitals: { age: 58, heartRate: 112, systolicBP: 92, spo2: 93, respiratoryRate: 22 } };
  const result = await runCli(['run', 'triage', ...model], JSON.stringify(input));
  assert.equal(result.code, 0, result.stderr);
  const draft = JSON.parse(result.stdout) as {
    status: string;
    ctas: { suggested: number | null; floor: number | null; final: number; reasons: string[] };
    flags: string[];
    rationale: string | null;
    limitations: { status: string };
    provenance: { promptTemplate: { sha256: string }; model: { sha256?: string; synthetic: boolean } };
  };
  assert.equal(draft.status, 'draft');
  const { ctas } = draft;
  assert.equal(ctas.floor, 2);
  assert.ok(ctas.final >= 1 && ctas.final <= 2);
  assert.ok(draft.flags.includes('shock-index-high'));
  assert.ok('rationale' in draft, 'the contract: ctas, flags, rationale, limitations, provenance at the top level');
  assert.equal(draft.limitations.status, 'synthetic');
  assert.match(draft.provenance.model.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.match(result.stderr, /RANDOM WEIGHTS/);
});

test('run soap-note on a short transcript: sections at the top level of the draft', async () => {
  const transcript = '[doctor] what brings you in?\n[patient] a cough for three days.';
  const result = await runCli(['run', 'soap-note', ...model], JSON.stringify({ transcript }));
  assert.equal(result.code, 0, result.stderr);
  const draft = JSON.parse(result.stdout) as { status: string; sections: Record<string, unknown[]> };
  assert.equal(draft.status, 'draft');
  assert.deepEqual(Object.keys(draft.sections).sort(), ['assessment', 'objective', 'plan', 'subjective']);
});

test('run with invalid input: exit 2 and an error naming the field', async () => {
  const vitals = await runCli(['run', 'triage', ...model], JSON.stringify({ note: 'x', vitals: { heartRate: 900 } }));
  assert.equal(vitals.code, 2);
  assert.equal((JSON.parse(vitals.stdout) as { error: { field: string } }).error.field, 'vitals.heartRate');
  const soap = await runCli(['run', 'soap-note', ...model], JSON.stringify({ language: 'de' }));
  assert.equal(soap.code, 2);
  assert.equal((JSON.parse(soap.stdout) as { error: { field: string } }).error.field, 'transcript');
  const notJson = await runCli(['run', 'triage', ...model], '{ nope');
  assert.equal(notJson.code, 2);
});

test('eval triage over labelled vignettes prints items and an aggregate', async () => {
  const result = await runCli(['eval', 'triage', '--data', vignettes, '--limit', '3', '--json', ...model]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.filter((line) => 'item' in line).length, 3);
  assert.ok('aggregate' in (lines.at(-1) ?? {}));
});
