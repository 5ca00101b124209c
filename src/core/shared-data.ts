/**
 * Where the public test data lives (../shared/data beside the repository, see
 * its SOURCES.md). It is never copied into the repository: tools read it at
 * run time from here, or from NORTHSTATION_SHARED_DATA / a --data flag.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `explicit` (a --data flag) wins, then NORTHSTATION_SHARED_DATA, then ../shared/data from the repository root. */
export function sharedDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const configured = env.NORTHSTATION_SHARED_DATA;
  if (configured !== undefined && configured !== '') return resolve(configured);
  return resolve(repositoryRoot, '..', 'shared', 'data');
}
