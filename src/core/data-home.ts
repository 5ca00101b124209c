/**
 * Where Northstation keeps its own files (model registry, downloaded models):
 * NORTHSTATION_HOME, or ~/.northstation. One function so every part agrees.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.NORTHSTATION_HOME;
  return configured !== undefined && configured !== '' ? resolve(configured) : join(homedir(), '.northstation');
}
