/**
 * `northstation bench NAME [options]`: runs bench/NAME/run.ts with this Node.
 * Benchmarks print ratios against a baseline measured in the same run.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { usageError } from '../model-args.ts';

const benchDirectory = fileURLToPath(new URL('../../../bench/', import.meta.url));

export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const available = (await readdir(benchDirectory, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  if (name === undefined || !available.includes(name)) throw usageError(`usage: northstation bench NAME [options]; benchmarks: ${available.join(', ')}`);
  const child = spawn(process.execPath, [`${benchDirectory}${name}/run.ts`, ...rest], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
