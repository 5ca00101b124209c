/**
 * `northstation test [PATTERN...]`: runs the node:test suite with the Node that
 * runs this CLI (24), so a fresh clone tests exactly as CI does.
 * Unit tests (*.test.ts) and integration tests (*.int.test.ts) sit beside code.
 *
 * The records store runs its tests on PostgreSQL too: unless
 * NORTHSTATION_TEST_POSTGRES_URL names a server, one private throwaway
 * PostgreSQL (Debian's binaries, a temporary cluster on a Unix socket) is
 * started for the whole run and stopped after it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findPostgresBinaries, startPrivatePostgres, testPostgresUrlVariable, type PrivatePostgres } from '../../records/testing/private-postgres.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const defaultPatterns = ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'];

export async function run(args: string[]): Promise<number> {
  const patterns = args.length > 0 ? args : defaultPatterns;
  let postgres: PrivatePostgres | undefined;
  const env = { ...process.env };
  if ((env[testPostgresUrlVariable] ?? '') === '' && findPostgresBinaries() !== undefined) {
    postgres = await startPrivatePostgres();
    env[testPostgresUrlVariable] = postgres.url;
    process.stderr.write(`test PostgreSQL: ${postgres.url}\n`);
  }
  try {
    // One file at a time: llama.cpp tests load models and would fight over 2 cores.
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...patterns], { cwd: root, stdio: 'inherit', env });
    return await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await postgres?.stop();
  }
}
