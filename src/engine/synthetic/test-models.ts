/**
 * Tiny synthetic models for tests across the project. Files are written once
 * per writer version into a cache directory under the OS temp dir; writes are
 * atomic (temp file + rename), so concurrent test processes can race safely
 * and always see either no file or a whole one.
 */
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticLora } from './lora-writer.ts';
import { writeSyntheticModel } from './model-writer.ts';
import { writeSyntheticProjector } from './projector-writer.ts';

/** Bump when the bytes the synthetic writers produce change, so caches refresh. */
export const syntheticWriterVersion = 1;

export const tinyLoraRank = 4;

/** Read at call time, so a process (or test) with its own TMPDIR gets its own cache. */
function cacheDir(): string {
  return join(tmpdir(), `northstation-synthetic-v${syntheticWriterVersion}`);
}
const pending = new Map<string, Promise<string>>();

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function cached(name: string, write: (path: string) => Promise<unknown>): Promise<string> {
  let promise = pending.get(name);
  if (!promise) {
    promise = (async () => {
      const dir = cacheDir();
      await mkdir(dir, { recursive: true });
      const path = join(dir, name);
      if (!(await exists(path))) await write(path);
      return path;
    })();
    pending.set(name, promise);
    promise.catch(() => pending.delete(name));
  }
  return promise;
}

/** Path to the tiny Gemma 3 GGUF (F16 weights, ~1.3k-token vocab, 2 layers). */
export function ensureTinyModel(): Promise<string> {
  return cached('tiny-gemma3-f16.gguf', (path) => writeSyntheticModel({ shape: 'tiny', quant: 'f16', out: path }));
}

/** Path to a LoRA adapter for the tiny model; `architecture` overrides "gemma3" to build one llama.cpp must refuse. */
export function ensureTinyLora(options: { architecture?: string } = {}): Promise<string> {
  const architecture = options.architecture ?? 'gemma3';
  const safeName = architecture.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cached(`tiny-lora-${safeName}.gguf`, (path) =>
    writeSyntheticLora({ shape: 'tiny', rank: tinyLoraRank, architecture, out: path }),
  );
}

/** Path to the tiny Gemma 3 vision projector (F16, 224 px → 16 image tokens) that fits ensureTinyModel(). */
export function ensureTinyProjector(): Promise<string> {
  return cached('tiny-gemma3-mmproj-f16.gguf', (path) => writeSyntheticProjector({ shape: 'tiny', type: 'f16', out: path }));
}
