/**
 * The audit log of conformance overrides: one JSON line per override, each
 * holding the hash of the line before it, so that deleting, reordering or
 * editing a line breaks the chain and verifyAuditChain says where. Small on
 * purpose: the full audit trail (issue 6) replaces it.
 *
 * With a site key (NORTHSTATION_SIGNING_KEY_FILE) each line's hash is an
 * HMAC-SHA256 under it, so a line cannot be rewritten without the key. The
 * chain head (entry count and last hash, MACed the same way) is kept in a
 * separate file, `conformance-overrides.head`, replaced atomically after each
 * append: a log cut short (its last lines deleted) no longer matches it.
 *
 * Limits: without a key every hash is plain SHA-256 and anyone who can write
 * the files can recompute them (corruption and careless edits only). With a
 * key, an OS user who can write both files AND read the key can still rewrite
 * history, and deleting both files together leaves an empty, valid log. Only
 * the audit trail with accounts (issue 6) closes that.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataHome } from '../../core/data-home.ts';
import { NorthstationError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../engine/models/atomic-write.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { ModelIdentity } from './report.ts';
import { loadSigningKey, type SigningKey } from './report-integrity.ts';

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
  /** Present when the line is MACed with the site key ('hmac-sha256', keyId as in reports); absent: plain SHA-256. */
  integrity?: { algorithm: 'hmac-sha256'; keyId: string };
  /** SHA-256 (or, with `integrity`, HMAC-SHA256 under the site key) of the canonical JSON of every other field. */
  hash: string;
}

/** The chain head, kept beside the log: how many lines it had and the last one's hash after the latest append. */
export interface AuditHead {
  entries: number;
  lastHash: string;
  integrity?: { algorithm: 'hmac-sha256'; keyId: string };
  /** SHA-256 (HMAC with the key) of the canonical JSON of the other fields. */
  hash: string;
}

/** `…/conformance-overrides.head` beside `…/conformance-overrides.jsonl`. */
export function auditHeadPath(logPath: string): string {
  return logPath.replace(/\.jsonl$/, '') + '.head';
}

export function overrideLogPath(home: string = dataHome()): string {
  return join(home, 'audit', 'conformance-overrides.jsonl');
}

export interface AppendOverrideOptions {
  home?: string;
  /** Default: `new Date()`. */
  now?: () => Date;
  /** Site key the chain is MACed with. Default: the key named by NORTHSTATION_SIGNING_KEY_FILE, if any. */
  signingKey?: SigningKey | undefined;
}

/** Appends an override after checking the chain so far; a broken chain is refused, not extended. */
export async function appendOverride(
  override: { model: ModelIdentity; reason: string; refusal: string },
  options: AppendOverrideOptions = {},
): Promise<{ entry: OverrideEntry; path: string }> {
  const path = overrideLogPath(options.home);
  await mkdir(dirname(path), { recursive: true });
  const key = 'signingKey' in options ? options.signingKey : await loadSigningKey();
  return withLock(`${path}.lock`, async () => {
    const chain = await verifyAuditChain(path, { signingKey: key });
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
      ...(key ? { integrity: { algorithm: 'hmac-sha256' as const, keyId: key.id } } : {}),
    };
    const entry: OverrideEntry = { ...body, hash: entryHash(body, key) };
    await appendFile(path, JSON.stringify(entry) + '\n', { encoding: 'utf8', mode: 0o600 });
    // A crash between the two writes leaves the head one entry behind: a longer log is not a truncated one.
    const head: Omit<AuditHead, 'hash'> = {
      entries: chain.entries + 1,
      lastHash: entry.hash,
      ...(key ? { integrity: { algorithm: 'hmac-sha256' as const, keyId: key.id } } : {}),
    };
    await writeFileAtomic(auditHeadPath(path), JSON.stringify({ ...head, hash: entryHash(head, key) }) + '\n');
    return { entry, path };
  });
}

export type ChainVerification = { ok: true; entries: number; lastHash: string } | { ok: false; line: number; reason: string };

/**
 * Walks the log from the first line, then compares it with the head file; a
 * missing log (and head) is an empty, valid chain. With a site key, MACed lines
 * must verify under it, a plain line after a MACed one is refused, and a log
 * holding MACed lines must have its head.
 */
export async function verifyAuditChain(path: string, options: { signingKey?: SigningKey | undefined } = {}): Promise<ChainVerification> {
  const key = 'signingKey' in options ? options.signingKey : await loadSigningKey();
  const text = await readOptional(path);
  const lines = (text ?? '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let previous = genesisHash;
  let keyed = false;
  for (const [index, line] of lines.entries()) {
    let entry: Partial<OverrideEntry>;
    try {
      entry = JSON.parse(line) as Partial<OverrideEntry>;
    } catch {
      return { ok: false, line: index + 1, reason: 'not valid JSON' };
    }
    if (entry.prevHash !== previous) return { ok: false, line: index + 1, reason: 'prevHash does not match the line before' };
    const { hash, ...body } = entry;
    const integrity = checkIntegrity(entry.integrity, key, keyed);
    if (integrity) return { ok: false, line: index + 1, reason: integrity };
    keyed ||= entry.integrity !== undefined;
    if (hash !== entryHash(body, entry.integrity ? key : undefined)) return { ok: false, line: index + 1, reason: 'hash does not match its content' };
    previous = hash;
  }

  const headText = await readOptional(auditHeadPath(path));
  if (headText === undefined) {
    // Logs written before the head existed have none; a keyed log always has one.
    if (keyed) return { ok: false, line: lines.length + 1, reason: 'the chain head file is missing (deleted?)' };
    return { ok: true, entries: lines.length, lastHash: previous };
  }
  let head: Partial<AuditHead>;
  try {
    head = JSON.parse(headText) as Partial<AuditHead>;
  } catch {
    return { ok: false, line: lines.length + 1, reason: 'the chain head file is not valid JSON' };
  }
  const { hash: headHash, ...headBody } = head;
  const headIntegrity = checkIntegrity(head.integrity, key, keyed);
  if (headIntegrity) return { ok: false, line: lines.length + 1, reason: `chain head: ${headIntegrity}` };
  if (keyed && head.integrity === undefined) return { ok: false, line: lines.length + 1, reason: 'the chain head is not MACed with the site key' };
  if (headHash !== entryHash(headBody, head.integrity ? key : undefined) || typeof head.entries !== 'number' || typeof head.lastHash !== 'string') {
    return { ok: false, line: lines.length + 1, reason: 'the chain head file does not match its hash' };
  }
  if (lines.length < head.entries) {
    return { ok: false, line: lines.length + 1, reason: `truncated: the chain head records ${head.entries} entries, the log has ${lines.length}` };
  }
  const recorded = head.entries === 0 ? genesisHash : (JSON.parse(lines[head.entries - 1] ?? '{}') as Partial<OverrideEntry>).hash;
  if (recorded !== head.lastHash) return { ok: false, line: head.entries, reason: 'the line the chain head names has another hash (history rewritten)' };
  return { ok: true, entries: lines.length, lastHash: previous };
}

/** Why a line's or head's integrity marking is unacceptable now, if it is. */
function checkIntegrity(integrity: { algorithm?: string; keyId?: string } | undefined, key: SigningKey | undefined, keyedSoFar: boolean): string | undefined {
  if (integrity === undefined) return keyedSoFar ? 'a plain-hash line after lines MACed with the site key' : undefined;
  if (integrity.algorithm !== 'hmac-sha256') return 'unknown integrity algorithm';
  if (!key) return `MACed with site key ${integrity.keyId ?? '?'}, but NORTHSTATION_SIGNING_KEY_FILE is not set`;
  if (integrity.keyId !== key.id) return `MACed with key ${integrity.keyId ?? '?'}, not this site's key ${key.id}`;
  return undefined;
}

function entryHash(body: object, key?: SigningKey): string {
  return (key ? createHmac('sha256', key.bytes) : createHash('sha256')).update(canonicalJson(body), 'utf8').digest('hex');
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
