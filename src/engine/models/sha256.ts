/**
 * Streaming SHA-256 of files that are gigabytes: constant memory, progress
 * callbacks, abortable.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface HashFileOptions {
  /** Called as bytes are hashed, at most every `progressIntervalMs`. Default: none. */
  onProgress?: (hashedBytes: number, totalBytes: number) => void;
  /** Default: 250. */
  progressIntervalMs?: number;
  /** Default: none. */
  signal?: AbortSignal;
  /** Feed the bytes into this hash instead of a fresh one (to continue it). Default: a new SHA-256. */
  hash?: Hash;
}

/** Hex SHA-256 of the file at `path`. */
export async function sha256File(path: string, options: HashFileOptions = {}): Promise<string> {
  const hash = await hashInto(path, options);
  return hash.digest('hex');
}

/** Feeds the file's bytes into a hash and returns it undigested, so a download can continue it. */
export async function hashInto(path: string, options: HashFileOptions = {}): Promise<Hash> {
  const hash = options.hash ?? createHash('sha256');
  const { size } = await stat(path);
  const interval = options.progressIntervalMs ?? 250;
  let hashed = 0;
  let lastReport = 0;
  const stream = createReadStream(path, { highWaterMark: 4 * 1024 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    hashed += chunk.length;
    const now = performance.now();
    if (options.onProgress && now - lastReport >= interval) {
      lastReport = now;
      options.onProgress(hashed, size);
    }
  }
  options.onProgress?.(hashed, size);
  return hash;
}
