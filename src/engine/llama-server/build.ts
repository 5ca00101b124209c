/**
 * Builds llama-server from the llama.cpp source that node-llama-cpp ships (a
 * git bundle), so the server and the embedded engine run the same llama.cpp
 * and nothing is downloaded. The result is cached under the data home by
 * bundle SHA-256 + CMake flags; a second call returns at once.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NorthstationError } from '../../core/errors.ts';
import { dataHome } from '../../core/data-home.ts';
import { detectPhysicalCores } from '../llama/physical-cores.ts';
import { acquireBuildLock, type LockOwner } from './build-lock.ts';
import { buildLayout, cmakeConfigureArgs, parseBuildProgress, type BuildFlags, type BuildLayout } from './build-config.ts';
import { runProcess } from './run-process.ts';
import { checkServerBinary } from './binary-check.ts';

export const defaultBundlePath = fileURLToPath(new URL('../../../node_modules/node-llama-cpp/llama/gitRelease.bundle', import.meta.url));

export type BuildEvent =
  | { kind: 'waiting'; owner: LockOwner }
  | { kind: 'clone'; commit: string }
  | { kind: 'configure' }
  | { kind: 'compile'; done: number; total: number }
  | { kind: 'compile-percent'; percent: number };

export interface BuildOptions {
  /** Default: `dataHome()`. */
  home?: string;
  /** Default: the bundle inside node_modules/node-llama-cpp. */
  bundlePath?: string;
  /** Build the CUDA backend. Default: when nvcc is on PATH and an NVIDIA GPU is visible. */
  cuda?: boolean;
  /** Compile jobs. Default: physical cores. */
  jobs?: number;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  binary: string;
  /** The llama.cpp commit the bundle holds. */
  commit: string;
  flags: BuildFlags;
  /** True when a complete earlier build was reused. */
  cached: boolean;
  /** Seconds this call spent building (0 when cached). */
  buildSeconds: number;
  /** Seconds the build took when it ran (this call or an earlier one). */
  originalBuildSeconds: number;
  /** `--version` output's first line. */
  version: string;
}

interface Manifest {
  commit: string;
  bundleSha256: string;
  flags: BuildFlags;
  configureArgs: string[];
  buildSeconds: number;
  version: string;
  builtAt: string;
}

export async function buildLlamaServer(options: BuildOptions = {}): Promise<BuildResult> {
  const bundlePath = options.bundlePath ?? defaultBundlePath;
  if (!existsSync(bundlePath)) {
    throw new NorthstationError('config_invalid', `llama.cpp source bundle not found at ${bundlePath} (is node-llama-cpp installed?)`, { bundlePath });
  }
  const flags: BuildFlags = { cuda: options.cuda ?? cudaAvailable() };
  const bundleSha256 = await sha256File(bundlePath);
  const layout = buildLayout(options.home ?? dataHome(), bundleSha256, flags);

  const done = await readManifest(layout);
  if (done !== undefined) return cachedResult(layout, done);

  await mkdir(layout.root, { recursive: true });
  const release = await acquireBuildLock(layout.lockFile, {
    onWait: (owner) => options.onEvent?.({ kind: 'waiting', owner }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    // Whoever held the lock may just have built this very key.
    const built = await readManifest(layout);
    if (built !== undefined) return cachedResult(layout, built);
    const started = performance.now();
    const commit = await bundleCommit(bundlePath);
    options.onEvent?.({ kind: 'clone', commit });
    await ensureSource(bundlePath, commit, layout.sourceDir, options.signal);
    await compile(layout, flags, options.jobs ?? (await detectPhysicalCores()), options);
    const version = await checkServerBinary(layout.binary);
    const buildSeconds = Math.round((performance.now() - started) / 100) / 10;
    const manifest: Manifest = { commit, bundleSha256, flags, configureArgs: cmakeConfigureArgs(flags), buildSeconds, version, builtAt: new Date().toISOString() };
    await writeFile(`${layout.manifest}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
    await rename(`${layout.manifest}.tmp`, layout.manifest);
    return { binary: layout.binary, commit, flags, cached: false, buildSeconds, originalBuildSeconds: buildSeconds, version };
  } finally {
    await release();
  }
}

function cachedResult(layout: BuildLayout, manifest: Manifest): BuildResult {
  return { binary: layout.binary, commit: manifest.commit, flags: manifest.flags, cached: true, buildSeconds: 0, originalBuildSeconds: manifest.buildSeconds, version: manifest.version };
}

/** The build's manifest when it is complete and its binary is still there. */
async function readManifest(layout: BuildLayout): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(layout.manifest, 'utf8')) as Manifest;
    return existsSync(layout.binary) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The bundle holds one release; its refs must all name one commit. */
async function bundleCommit(bundlePath: string): Promise<string> {
  const { lines } = await runProcess('git', ['bundle', 'list-heads', bundlePath]);
  const commits = new Set(lines.map((line) => line.split(' ')[0] ?? '').filter((sha) => /^[0-9a-f]{40}$/.test(sha)));
  const [commit, ...others] = commits;
  if (commit === undefined || others.length > 0) {
    throw new NorthstationError('config_invalid', `expected one commit in ${bundlePath}, found ${commits.size}`, { bundlePath });
  }
  return commit;
}

/** Clones into a temporary directory and renames it, so an interrupted clone never looks complete. */
async function ensureSource(bundlePath: string, commit: string, sourceDir: string, signal: AbortSignal | undefined): Promise<void> {
  if (existsSync(join(sourceDir, 'CMakeLists.txt'))) return;
  const temp = `${sourceDir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  const run = signal ? { signal } : {};
  await runProcess('git', ['clone', '--quiet', '--no-checkout', bundlePath, temp], run);
  await runProcess('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit], { cwd: temp, ...run });
  await rename(temp, sourceDir);
}

async function compile(layout: BuildLayout, flags: BuildFlags, jobs: number, options: BuildOptions): Promise<void> {
  const signal = options.signal ? { signal: options.signal } : {};
  options.onEvent?.({ kind: 'configure' });
  const generator = onPath('ninja') ? ['-G', 'Ninja'] : [];
  // An earlier configure with another generator would make CMake refuse this one.
  if (existsSync(join(layout.buildDir, 'CMakeCache.txt')) && !(await sameGenerator(layout.buildDir, generator.length > 0))) {
    await rm(layout.buildDir, { recursive: true, force: true });
  }
  await runProcess('cmake', ['-S', layout.sourceDir, '-B', layout.buildDir, ...generator, ...cmakeConfigureArgs(flags)], signal);
  await runProcess('cmake', ['--build', layout.buildDir, '--target', 'llama-server', '-j', String(Math.max(1, jobs))], {
    ...signal,
    tailLines: 60,
    onLine: (line) => {
      const progress = parseBuildProgress(line);
      if (progress === undefined) return;
      if ('total' in progress) options.onEvent?.({ kind: 'compile', ...progress });
      else options.onEvent?.({ kind: 'compile-percent', percent: progress.percent });
    },
  });
}

async function sameGenerator(buildDir: string, ninja: boolean): Promise<boolean> {
  const cache = await readFile(join(buildDir, 'CMakeCache.txt'), 'utf8');
  return cache.includes('CMAKE_GENERATOR:INTERNAL=Ninja') === ninja;
}

export function onPath(command: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * nvcc alone is not enough: a CUDA build takes an hour on a small CPU and
 * gains nothing without a GPU, and CUDA toolkits are often installed on
 * build hosts without one.
 */
export function cudaAvailable(): boolean {
  return onPath('nvcc') !== undefined && existsSync('/dev/nvidia0');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
