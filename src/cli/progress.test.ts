import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeProgress, formatBytes } from './progress.ts';

const rows: ReadonlyArray<readonly [number, number | undefined, number | undefined, string]> = [
  [0, 3.3e9, undefined, '  0%  0 B / 3.30 GB'],
  [1.65e9, 3.3e9, 50e6, ' 50%  1.65 GB / 3.30 GB  50.0 MB/s  ETA 0:33'],
  [3.3e9, 3.3e9, 50e6, '100%  3.30 GB / 3.30 GB  50.0 MB/s'],
  [12e6, undefined, 2e6, '12.0 MB  2.00 MB/s'],
  [0, 54e9, 10e6, '  0%  0 B / 54.0 GB  10.0 MB/s  ETA 1:30:00'],
];

for (const [done, total, rate, expected] of rows) {
  test(`progress ${expected.trim()}`, () => assert.equal(describeProgress(done, total, rate), expected));
}

test('bytes in SI units, as disks and downloads are sold', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(431_936), '432 kB');
  assert.equal(formatBytes(2_183_913_472), '2.18 GB');
});
