/**
 * The web UI's build on demand: `serve` (with the clinical API) and the
 * browser tests call `ensureWebBuild()`, which builds web/ into web/dist with
 * Vite only when its sources changed since the last build.
 *
 * The sources are web/index.html, web/vite.config.ts, web/tsconfig*.json,
 * web/src/**, web/public/**, src/clinical/** (the UI imports the clinical
 * rules) and package-lock.json (the dependencies' versions); their SHA-256
 * (paths and contents) is the stamp kept in web/dist/.build-hash.
 *
 * The build goes to a fresh folder (under node_modules/.cache) that replaces
 * web/dist when complete, stamp included: a failed or interrupted build never
 * leaves a half-written web/dist behind a fresh stamp, and two processes
 * building at once each swap in a whole build.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NorthstationError } from '../core/errors.ts';

/** The repository root (this file is src/cli/web-build.ts). */
export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The stamp's name inside the build folder (a dot file: web-ui.ts does not serve it). */
export const buildStampName = '.build-hash';

export interface WebBuildOptions {
  /** The repository root holding web/, src/clinical/ and package-lock.json. Default: this repository. */
  root?: string;
  /** Progress lines. Default: process.stderr. */
  log?: (line: string) => void;
  /** Build even when the stamp matches. */
  force?: boolean;
  /** Writes a complete build into `outDir` (an empty folder). Default: Vite (`viteBuild`). Tests pass a fake. */
  build?: (outDir: string, root: string) => Promise<void>;
}

export interface WebBuildResult {
  /** True when this call ran a build; false when web/dist was already current. */
  built: boolean;
  /** The sources' hash, as now stamped in web/dist/.build-hash. */
  hash: string;
  /** The build folder: <root>/web/dist. */
  outDir: string;
}

/** The files whose contents decide the build, relative to `root`, sorted. */
export async function webSourceFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, folder), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') await walk(path);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  };
  for (const folder of ['web/src', 'web/public', 'src/clinical']) await walk(folder);
  let webFiles: string[] = [];
  try {
    webFiles = (await readdir(join(root, 'web'), { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of webFiles) {
    if (name === 'index.html' || /^vite\.config\.[cm]?[jt]s$/.test(name) || /^tsconfig.*\.json$/.test(name)) files.push(join('web', name));
  }
  if (existsSync(join(root, 'package-lock.json'))) files.push('package-lock.json');
  return files.map((file) => file.split(sep).join('/')).sort();
}

/** SHA-256 over the source files' paths and contents (hex). */
export async function webSourceHash(root: string = repositoryRoot): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await webSourceFiles(root)) {
    hash.update(file).update('\0');
    hash.update(createHash('sha256').update(await readFile(join(root, file))).digest('hex')).update('\n');
  }
  return hash.digest('hex');
}

/** The stamp of the current web/dist, or undefined when there is none (or no index.html). */
export async function currentBuildHash(root: string = repositoryRoot): Promise<string | undefined> {
  const outDir = join(root, 'web', 'dist');
  if (!existsSync(join(outDir, 'index.html'))) return undefined;
  try {
    return (await readFile(join(outDir, buildStampName), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Runs Vite's build (node_modules/vite/bin/vite.js, in a child process) of `<root>/web` into `outDir`; its warnings go to stderr. */
export async function viteBuild(outDir: string, root: string): Promise<void> {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new NorthstationError('config_invalid', `cannot build the web UI: ${relative(process.cwd(), vite) || vite} is missing (run npm ci)`);
  const args = [vite, 'build', join(root, 'web'), '--config', join(root, 'web', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  // The child's stdout goes to our stderr: stdout stays for a command's own output.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? null : 128)));
  });
  if (code !== 0) throw new NorthstationError('internal', `the web UI build failed (vite exited with ${String(code)}); see the messages above`);
}

/**
 * Builds the web UI into `<root>/web/dist` unless its stamp matches the
 * sources' hash; returns whether it built. Progress on stderr (or `log`).
 */
export async function ensureWebBuild(options: WebBuildOptions = {}): Promise<WebBuildResult> {
  const root = options.root ?? repositoryRoot;
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const build = options.build ?? viteBuild;
  const outDir = join(root, 'web', 'dist');
  if (!existsSync(join(root, 'web', 'index.html'))) throw new NorthstationError('config_invalid', `no web UI sources at ${join(root, 'web')}`);
  const hash = await webSourceHash(root);
  const current = await currentBuildHash(root);
  if (options.force !== true && current === hash) return { built: false, hash, outDir };

  log(current === undefined ? 'Building the web UI (web/ → web/dist)…' : 'Building the web UI (its sources changed since the last build)…');
  const started = performance.now();
  const cache = join(root, 'node_modules', '.cache', 'northstation');
  await mkdir(cache, { recursive: true });
  const staging = join(cache, `web-dist-${process.pid}-${randomBytes(4).toString('hex')}`);
  const retired = `${staging}-old`;
  try {
    await mkdir(staging);
    await build(staging, root);
    if (!existsSync(join(staging, 'index.html'))) throw new NorthstationError('internal', 'the web UI build wrote no index.html');
    await writeFile(join(staging, buildStampName), hash + '\n');
    // Swap: the old build out of the way, the new one in (both renames within one file system).
    try {
      await rename(outDir, retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await rename(staging, outDir);
    } catch (error) {
      // Another process swapped its build in first: keep it when it is of these sources.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || (await currentBuildHash(root)) !== hash) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  log(`Web UI built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return { built: true, hash, outDir };
}
