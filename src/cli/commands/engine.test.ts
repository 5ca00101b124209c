import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFakeServerBinary } from '../../engine/llama-server/fake-server-binary.ts';
import { run } from './engine.ts';

function capture(): { out: string[]; err: string[]; output: { stdout: (text: string) => void; stderr: (text: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { stdout: (text) => out.push(text), stderr: (text) => err.push(text) } };
}

test('engine build --server checks the binary with --version and prints its path', async () => {
  const binary = await writeFakeServerBinary();
  const { out, err, output } = capture();
  assert.equal(await run(['build', '--server', binary], output), 0);
  assert.deepEqual(out, [`${binary}\n`]);
  assert.match(err.join(''), /version: 1 \(fake\)/);
});

test('engine build --server refuses a file that is not llama-server', async () => {
  const { output } = capture();
  await assert.rejects(run(['build', '--server', process.execPath], output), /not a working llama-server/);
});

test('contradictory or malformed options are usage errors', async () => {
  for (const args of [['build', '--cuda', '--no-cuda'], ['build', '--jobs', '0'], ['build', '--bogus'], ['rebuild']]) {
    const { err, output } = capture();
    assert.equal(await run(args, output), 2, args.join(' '));
    assert.ok(err.join('').length > 0);
  }
});
