/**
 * What a llama-server build is made of, and where it lives under the data
 * home. Pure functions: the builder (build.ts) runs them, tests check them.
 *
 * The cache key covers both the source (the bundle's SHA-256: a new
 * node-llama-cpp release ships another llama.cpp) and the CMake flags (a CUDA
 * build and a CPU build must not share a directory). The cloned source depends
 * only on the bundle, so flag variants share it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface BuildFlags {
  /** Build the CUDA backend (needs nvcc). */
  cuda: boolean;
}

/** CMake configure arguments, in a fixed order so the cache key is stable. */
export function cmakeConfigureArgs(flags: BuildFlags): string[] {
  return [
    '-DCMAKE_BUILD_TYPE=Release',
    // Tuned for this CPU: the binary is built where it runs, never shipped.
    '-DGGML_NATIVE=ON',
    // No network on a site's inference host; curl would only serve model downloads.
    '-DLLAMA_CURL=OFF',
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    `-DGGML_CUDA=${flags.cuda ? 'ON' : 'OFF'}`,
  ];
}

/** Hex SHA-256 of the bundle plus the configure arguments; 16 hex digits suffice to name a directory. */
export function buildCacheKey(bundleSha256: string, flags: BuildFlags): string {
  const hash = createHash('sha256');
  hash.update(`llama-server-build-v1\n${bundleSha256}\n`);
  for (const arg of cmakeConfigureArgs(flags)) hash.update(`${arg}\n`);
  return hash.digest('hex').slice(0, 16);
}

export interface BuildLayout {
  /** `<home>/llama-server`: everything this module writes. */
  root: string;
  /** One lock for every build on this machine: two builds on 2 cores would each take twice as long. */
  lockFile: string;
  /** The llama.cpp checkout, shared by every flag variant of one bundle. */
  sourceDir: string;
  /** CMake's build directory for one cache key. */
  buildDir: string;
  /** Where CMake puts the server binary. */
  binary: string;
  /** Written last, after the binary passed `--version`: its presence means the build is complete. */
  manifest: string;
}

export function buildLayout(home: string, bundleSha256: string, flags: BuildFlags): BuildLayout {
  const root = join(home, 'llama-server');
  const buildDir = join(root, `build-${buildCacheKey(bundleSha256, flags)}`);
  return {
    root,
    lockFile: join(root, 'build.lock'),
    sourceDir: join(root, `src-${bundleSha256.slice(0, 16)}`),
    buildDir,
    binary: join(buildDir, 'bin', 'llama-server'),
    manifest: join(buildDir, 'northstation-build.json'),
  };
}

/** A "[n/m]" progress line from ninja, or "[ 42%]" from make; undefined for anything else. */
export type BuildProgress = { done: number; total: number } | { percent: number };

export function parseBuildProgress(line: string): BuildProgress | undefined {
  const ninja = /^\[(\d+)\/(\d+)\]/.exec(line);
  if (ninja !== null) return { done: Number(ninja[1]), total: Number(ninja[2]) };
  const make = /^\[\s*(\d+)%\]/.exec(line);
  if (make !== null) return { percent: Number(make[1]) };
  return undefined;
}
