/**
 * `northstation test [PATTERN...]`: runs the node:test suite with the Node that
 * runs this CLI (24), so a fresh clone tests exactly as CI does.
 * Unit tests (*.test.ts) and integration tests (*.int.test.ts) sit beside code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const defaultPatterns = ['src/**/*.test.ts', 'test/**/*.test.ts'];

export async function run(args: string[]): Promise<number> {
  const patterns = args.length > 0 ? args : defaultPatterns;
  // One file at a time: llama.cpp tests load models and would fight over 2 cores.
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...patterns], {
    cwd: root,
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
