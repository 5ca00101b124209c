/**
 * One build at a time per machine. A llama-server build takes about ten
 * minutes on two cores; two test files (or a test and a user) building at once
 * would each take twice as long and race on the same directories.
 *
 * The lock is a file created with O_EXCL holding the owner's pid and host. A
 * build holds it for minutes, so age says nothing about staleness; a lock
 * whose owner is a dead process on this host is stale and is broken.
 */
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { NorthstationError } from '../../core/errors.ts';

export interface LockOwner {
  pid: number;
  host: string;
}

export interface AcquireLockOptions {
  /** Called once when another process holds the lock, before waiting. */
  onWait?: (owner: LockOwner) => void;
  /** Time between checks while waiting. Default: 1000 ms. */
  pollMs?: number;
  signal?: AbortSignal;
}

/** Waits for the lock, breaking it when its owner died; returns the release function. */
export async function acquireBuildLock(path: string, options: AcquireLockOptions = {}): Promise<() => Promise<void>> {
  const self: LockOwner = { pid: process.pid, host: hostname() };
  let announced = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(self));
      } finally {
        await handle.close();
      }
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner !== undefined && isStale(owner, self.host)) {
      await breakStaleLock(path, owner);
      continue;
    }
    if (!announced && owner !== undefined) {
      announced = true;
      options.onWait?.(owner);
    }
    await sleep(options.pollMs ?? 1000, undefined, options.signal ? { signal: options.signal } : {});
  }
}

/** Undefined while the file is missing or half written (the owner writes right after creating it). */
export async function readOwner(path: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') return { pid: value.pid, host: value.host };
  } catch {
    // Half written: treat as held and look again.
  }
  return undefined;
}

/** Only a lock from this host can be judged: another host's pid means nothing here. */
export function isStale(owner: LockOwner, thisHost: string): boolean {
  if (owner.host !== thisHost) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves the lock aside atomically, so two waiters that both saw the dead
 * owner cannot delete each other's fresh lock; if what was moved turns out to
 * be a live owner's lock after all, it is put back.
 */
async function breakStaleLock(path: string, deadOwner: LockOwner): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved !== undefined && (moved.pid !== deadOwner.pid || moved.host !== deadOwner.host)) {
    try {
      await link(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new NorthstationError('internal', `could not restore build lock ${path}`, { path }, { cause: error });
      }
    }
  }
  await rm(aside, { force: true });
}
