/**
 * The audit log of conformance overrides: one JSON line per override, each
 * holding the hash of the line before it, so that deleting, reordering or
 * editing a line breaks the chain and verifyAuditChain says where. Small on
 * purpose: the full audit trail (a later issue) replaces it.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataHome } from '../../core/data-home.ts';
import { NorthstationError } from '../../core/errors.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ModelIdentity } from './report.ts';

export const genesisHash = '0'.repeat(64);

export interface OverrideEntry {
  event: 'conformance-override';
  time: string;
  /** OS account that ran the command, and the machine. */
  user: string;
  host: string;
  model: ModelIdentity;
  reason: string;
  /** Why the gate refused before the override. */
  refusal: string;
  prevHash: string;
  /** SHA-256 of the canonical JSON of every other field. */
  hash: string;
}

export function overrideLogPath(home: string = dataHome()): string {
  return join(home, 'audit', 'conformance-overrides.jsonl');
}

export interface AppendOverrideOptions {
  home?: string;
  /** Default: `new Date()`. */
  now?: () => Date;
}

/** Appends an override after checking the chain so far; a broken chain is refused, not extended. */
export async function appendOverride(
  override: { model: ModelIdentity; reason: string; refusal: string },
  options: AppendOverrideOptions = {},
): Promise<{ entry: OverrideEntry; path: string }> {
  const path = overrideLogPath(options.home);
  await mkdir(dirname(path), { recursive: true });
  return withLock(`${path}.lock`, async () => {
    const chain = await verifyAuditChain(path);
    if (!chain.ok) {
      throw new NorthstationError('config_invalid', `the override audit log ${path} is broken at line ${chain.line} (${chain.reason}); investigate before overriding again`, { path, line: chain.line });
    }
    const body: Omit<OverrideEntry, 'hash'> = {
      event: 'conformance-override',
      time: (options.now ?? (() => new Date()))().toISOString(),
      user: userInfo().username,
      host: hostname(),
      model: override.model,
      reason: override.reason,
      refusal: override.refusal,
      prevHash: chain.lastHash,
    };
    const entry: OverrideEntry = { ...body, hash: entryHash(body) };
    await appendFile(path, JSON.stringify(entry) + '\n', { encoding: 'utf8', mode: 0o600 });
    return { entry, path };
  });
}

export type ChainVerification = { ok: true; entries: number; lastHash: string } | { ok: false; line: number; reason: string };

/** Walks the log from the first line; a missing log is an empty, valid chain. */
export async function verifyAuditChain(path: string): Promise<ChainVerification> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, entries: 0, lastHash: genesisHash };
    throw error;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let previous = genesisHash;
  for (const [index, line] of lines.entries()) {
    let entry: Partial<OverrideEntry>;
    try {
      entry = JSON.parse(line) as Partial<OverrideEntry>;
    } catch {
      return { ok: false, line: index + 1, reason: 'not valid JSON' };
    }
    if (entry.prevHash !== previous) return { ok: false, line: index + 1, reason: 'prevHash does not match the line before' };
    const { hash, ...body } = entry;
    if (hash !== entryHash(body)) return { ok: false, line: index + 1, reason: 'hash does not match its content' };
    previous = hash;
  }
  return { ok: true, entries: lines.length, lastHash: previous };
}

function entryHash(body: object): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** A lock file, so two overrides at the same instant cannot both chain onto the same line. */
async function withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const staleMs = 10_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lockPath).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      // A lock older than any append takes was left by a process that died holding it.
      if (age > staleMs) await rm(lockPath, { force: true });
      else if (attempt >= 200) throw new NorthstationError('overloaded', `the audit log is locked (${lockPath}); retry`, { lockPath });
      else await sleep(25);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
