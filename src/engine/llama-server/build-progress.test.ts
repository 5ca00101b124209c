import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBuildReporter } from './build-progress.ts';

test('a few hundred compile steps become one line per 5 % (0 % included)', () => {
  const lines: string[] = [];
  let clock = 0;
  const report = createBuildReporter((line) => lines.push(line), () => clock);
  report({ kind: 'clone', commit: '80fb11ac73e66d89eae2c6a91d8a77428fa733ed' });
  report({ kind: 'configure' });
  for (let done = 1; done <= 336; done++) {
    clock = done * 1000;
    report({ kind: 'compile', done, total: 336 });
  }
  const percentLines = lines.filter((line) => /\d+%/.test(line));
  assert.equal(percentLines.length, 21);
  assert.equal(percentLines[0], 'llama-server build: 0% (1 s)');
  assert.equal(percentLines.at(-1), 'llama-server build: 100% (336 s)');
  assert.ok(lines[0]?.includes('80fb11ac73e6'));
});
