/**
 * Downloads a multi-GB file to `<dest>.part` and renames it into place only
 * once its SHA-256 matches. Interrupted downloads continue from the .part
 * (HTTP Range); a server that ignores Range (200 instead of 206) restarts it.
 * The hash is computed while writing, so a finished file is not read again.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NorthstationError } from '../../core/errors.ts';
import { hubError, type HubClient } from './hub-client.ts';
import { hashInto } from './sha256.ts';

export type DownloadEvent =
  | { type: 'download-started'; resumeFromBytes: number; totalBytes: number | undefined }
  | { type: 'download-progress'; receivedBytes: number; totalBytes: number | undefined; bytesPerSecond: number }
  | { type: 'download-retry'; attempt: number; reason: string; resumeFromBytes: number }
  | { type: 'download-restarted'; reason: string }
  | { type: 'download-verified'; sha256: string };

export interface DownloadOptions {
  client: HubClient;
  url: URL;
  /** Final path; the partial file is `<destination>.part`. */
  destination: string;
  /** From the hub's listing when known; otherwise taken from the x-linked-etag header. */
  expectedSha256?: string;
  expectedBytes?: number;
  /** Default: none. */
  onEvent?: (event: DownloadEvent) => void;
  /** Attempts in total, each resuming the last. Default: 5. */
  maxAttempts?: number;
  /** Wait before attempt n is n × this. Default: 1000. */
  retryDelayMs?: number;
  /** Progress events at most this often. Default: 200. */
  progressIntervalMs?: number;
  /** Default: none. */
  signal?: AbortSignal;
}

export const defaultDownloadOptions = { maxAttempts: 5, retryDelayMs: 1000, progressIntervalMs: 200 } as const;

/** Returns the verified SHA-256 once `destination` holds the whole file. */
export async function downloadVerified(options: DownloadOptions): Promise<string> {
  const { maxAttempts, retryDelayMs } = { ...defaultDownloadOptions, ...options };
  const part = `${options.destination}.part`;
  await mkdir(dirname(part), { recursive: true });
  const state: DownloadState = { expectedSha256: options.expectedSha256, totalBytes: options.expectedBytes, hash: undefined, hashedBytes: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      await attemptDownload(options, part, state);
      break;
    } catch (error) {
      if (!(error instanceof TransientError) || attempt >= maxAttempts || options.signal?.aborted) {
        throw error instanceof TransientError
          ? new NorthstationError('upstream_error', `download failed after ${attempt} attempts: ${error.message}; run the pull again to resume`)
          : error;
      }
      options.onEvent?.({ type: 'download-retry', attempt: attempt + 1, reason: error.message, resumeFromBytes: await sizeOf(part) });
      await delay(retryDelayMs * attempt, options.signal);
    }
  }
  const actual = (state.hash ?? createHash('sha256')).digest('hex');
  const expected = state.expectedSha256;
  if (expected === undefined) {
    await rm(part, { force: true });
    throw new NorthstationError('upstream_error', 'the hub gave no SHA-256 for this file, so it cannot be verified; the download was deleted');
  }
  if (actual !== expected) {
    await rm(part, { force: true });
    throw new NorthstationError('model_invalid', `checksum mismatch: the hub says sha256 ${expected}, the download is ${actual}; the download was deleted`, {
      expected,
      actual,
    });
  }
  await rename(part, options.destination);
  options.onEvent?.({ type: 'download-verified', sha256: actual });
  return actual;
}

interface DownloadState {
  expectedSha256: string | undefined;
  totalBytes: number | undefined;
  /** Hash of the first `hashedBytes` of the .part, kept across attempts. */
  hash: Hash | undefined;
  hashedBytes: number;
}

/** A failure worth retrying from where the file stands (network drop, 5xx). */
class TransientError extends Error {}

async function attemptDownload(options: DownloadOptions, part: string, state: DownloadState): Promise<void> {
  let offset = await sizeOf(part);
  if (state.totalBytes !== undefined && offset > state.totalBytes) offset = await truncate(part);
  if (state.hash === undefined || state.hashedBytes !== offset) {
    // Bring the running hash level with the file on disk (a .part from an earlier run, or after a restart).
    state.hash = offset === 0 ? createHash('sha256') : await hashInto(part, options.signal ? { signal: options.signal } : {});
    state.hashedBytes = offset;
  }
  // A complete .part needs no request, unless the SHA-256 to check it against must still come from the hub.
  if (state.totalBytes !== undefined && offset === state.totalBytes && state.expectedSha256 !== undefined) return;

  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let hub;
  try {
    hub = await options.client.get(options.url, headers, options.signal);
  } catch (error) {
    if (error instanceof NorthstationError && error.code === 'upstream_error') throw new TransientError(error.message);
    throw error;
  }
  const { response, firstHeaders } = hub;
  state.expectedSha256 ??= linkedSha256(firstHeaders);
  state.totalBytes ??= numberHeader(firstHeaders, 'x-linked-size');

  if (response.status === 416 && offset > 0) {
    await response.body?.cancel();
    if (offset === state.totalBytes) return; // nothing left to send: the .part is whole
    state.hash = undefined;
    await truncate(part);
    throw new TransientError('the server refused the resume range; starting over');
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new TransientError(`HTTP ${response.status}`);
  }
  if (response.status !== 200 && response.status !== 206) throw await hubError(response, options.url.pathname);
  if (response.status === 200 && offset > 0) {
    options.onEvent?.({ type: 'download-restarted', reason: 'the server ignored the resume request (200 instead of 206)' });
    offset = await truncate(part);
    state.hash = createHash('sha256');
    state.hashedBytes = 0;
  }
  if (response.status === 206 && contentRangeStart(response.headers) !== offset) {
    await response.body?.cancel();
    state.hash = undefined;
    await truncate(part);
    throw new TransientError('the server resumed from the wrong byte; starting over');
  }
  state.totalBytes ??= response.status === 200 ? numberHeader(response.headers, 'content-length') : contentRangeTotal(response.headers);
  options.onEvent?.({ type: 'download-started', resumeFromBytes: offset, totalBytes: state.totalBytes });
  await appendBody(response, part, offset, state, options);
}

async function appendBody(response: Response, part: string, start: number, state: DownloadState, options: DownloadOptions): Promise<void> {
  const interval = options.progressIntervalMs ?? defaultDownloadOptions.progressIntervalMs;
  const hash = state.hash ?? createHash('sha256');
  state.hash = hash;
  const handle = await open(part, start === 0 ? 'w' : 'a');
  const began = performance.now();
  let received = start;
  let lastReport = 0;
  try {
    if (!response.body) throw new TransientError('the response had no body');
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      await handle.write(chunk);
      // Hash only what is on disk, so the running hash always matches the .part.
      hash.update(chunk);
      received += chunk.length;
      state.hashedBytes = received;
      const now = performance.now();
      if (options.onEvent && now - lastReport >= interval) {
        lastReport = now;
        const bytesPerSecond = ((received - start) * 1000) / Math.max(1, now - began);
        options.onEvent({ type: 'download-progress', receivedBytes: received, totalBytes: state.totalBytes, bytesPerSecond });
      }
    }
  } catch (error) {
    if (options.signal?.aborted || error instanceof NorthstationError) throw error;
    throw new TransientError(`connection lost after ${received} bytes: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
  if (state.totalBytes !== undefined && received < state.totalBytes) {
    throw new TransientError(`connection closed after ${received} of ${state.totalBytes} bytes`);
  }
  const bytesPerSecond = ((received - start) * 1000) / Math.max(1, performance.now() - began);
  options.onEvent?.({ type: 'download-progress', receivedBytes: received, totalBytes: state.totalBytes, bytesPerSecond });
}

/** The hub sends the LFS SHA-256 as x-linked-etag (or as the ETag of an LFS file). */
function linkedSha256(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '');
    if (value !== undefined && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

function contentRangeStart(headers: Headers): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(headers.get('content-range') ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function contentRangeTotal(headers: Headers): number | undefined {
  const match = /\/(\d+)$/.exec(headers.get('content-range') ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

async function truncate(path: string): Promise<0> {
  await rm(path, { force: true });
  return 0;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}
