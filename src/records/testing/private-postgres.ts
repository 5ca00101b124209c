/**
 * A throwaway PostgreSQL server for the tests: Debian's own binaries
 * (`apt-get install postgresql`), a fresh cluster in a temporary folder,
 * listening only on a Unix socket in that folder (no TCP port, nothing to
 * collide with), trust authentication for its one user. It never touches the
 * system's cluster.
 *
 * `./northstation test` starts one for the whole run and hands its URL to
 * every test file in NORTHSTATION_TEST_POSTGRES_URL; a test file run on its
 * own (`node --test x.int.test.ts`) starts its own. PostgreSQL refuses to run
 * as root, so under root (CI) the cluster belongs to the `postgres` system
 * user that Debian's package creates.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const testPostgresUrlVariable = 'NORTHSTATION_TEST_POSTGRES_URL';
const superuser = 'northstation';

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  /** Stops it synchronously (for a process 'exit' handler). */
  stopSync(): void;
  /** Lets this process exit while the server runs (then call `stopSync` on exit). */
  unref(): void;
}

/** The folder with Debian's PostgreSQL server binaries (newest major version), or undefined when none is installed. */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.NORTHSTATION_POSTGRES_BIN;
  if (override !== undefined && override !== '') return existsSync(join(override, 'postgres')) ? override : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')));
}

export const postgresMissingMessage = 'PostgreSQL is not installed: the PostgreSQL store tests need its server binaries (apt-get install -y postgresql), or NORTHSTATION_TEST_POSTGRES_URL naming a server';

/** As root, commands run as Debian's `postgres` user (the server refuses root). */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function waitReady(bin: string, socketDir: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the test PostgreSQL server exited (${child.exitCode}): ${log()}`);
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', socketDir, '-U', superuser, '-d', 'postgres'], { stdio: 'ignore' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the test PostgreSQL server did not start within 30 s: ${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts a private cluster; `stop()` shuts it down and deletes it. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPostgresBinaries();
  if (bin === undefined) throw new Error(postgresMissingMessage);
  const dir = mkdtempSync(join(tmpdir(), 'ns-pg-'));
  const data = join(dir, 'data');
  const owner = serverUserIds();
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const [initCommand, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  execFileSync(initCommand, initArgs, { stdio: 'pipe' });
  // fsync off: a test cluster is thrown away, and the tests run far faster without it.
  const [command, args] = asServerUser(join(bin, 'postgres'), ['-D', data, '-k', dir, '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  try {
    await waitReady(bin, dir, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const shutDown = (): void => {
    if (child.exitCode !== null) return;
    // pg_ctl, not a signal to the child: under root the child is runuser, not the server.
    const [stopCommand, stopArgs] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'fast', '-w']);
    try {
      execFileSync(stopCommand, stopArgs, { stdio: 'ignore' });
    } catch {
      child.kill('SIGKILL');
    }
  };
  return {
    url: `postgres://${superuser}@/postgres?host=${encodeURIComponent(dir)}`,
    stop: async () => {
      shutDown();
      if (child.exitCode === null) await exited;
      rmSync(dir, { recursive: true, force: true });
    },
    stopSync: () => {
      shutDown();
      rmSync(dir, { recursive: true, force: true });
    },
    unref: () => {
      child.stderr.removeAllListeners('data');
      child.stderr.destroy();
      child.unref();
    },
  };
}
