import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireBuildLock, isStale } from './build-lock.ts';

async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'northstation-lock-')), 'build.lock');
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('a second holder waits until the first releases', async () => {
  const path = await lockPath();
  const release = await acquireBuildLock(path);
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { pid: process.pid, host: hostname() });
  const waits: number[] = [];
  let acquired = false;
  const second = acquireBuildLock(path, { pollMs: 10, onWait: (owner) => waits.push(owner.pid) }).then((releaseSecond) => {
    acquired = true;
    return releaseSecond;
  });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(acquired, false);
  assert.deepEqual(waits, [process.pid]);
  await release();
  await (await second)();
  assert.equal(acquired, true);
});

test('a lock left by a dead process on this host is broken; one from another host is not judged', async () => {
  const path = await lockPath();
  await writeFile(path, JSON.stringify({ pid: deadPid(), host: hostname() }));
  const release = await acquireBuildLock(path, { pollMs: 10 });
  assert.equal((JSON.parse(await readFile(path, 'utf8')) as { pid: number }).pid, process.pid);
  await release();
  assert.equal(isStale({ pid: deadPid(), host: 'another-host' }, hostname()), false);
  assert.equal(isStale({ pid: process.pid, host: hostname() }, hostname()), false);
});

test('waiting stops when aborted', async () => {
  const path = await lockPath();
  const release = await acquireBuildLock(path);
  await assert.rejects(acquireBuildLock(path, { pollMs: 10, signal: AbortSignal.timeout(50) }));
  await release();
});
