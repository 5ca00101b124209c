/**
 * The report's integrity hash. Without a site key it is a plain SHA-256 of the
 * report's canonical JSON: it detects corruption and careless edits, but anyone
 * who edits a report can recompute it. With NORTHSTATION_SIGNING_KEY_FILE set,
 * it is an HMAC-SHA256 under that key, so only someone who can read the key can
 * make a report the gate accepts. Neither is a public-key signature.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NorthstationError } from '../../core/errors.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { ConformanceReport, UnsignedReport } from './report.ts';

export interface SigningKey {
  bytes: Uint8Array;
  /** First 16 hex digits of the key's SHA-256: names the key in reports without revealing it. */
  id: string;
}

/** The site key named by NORTHSTATION_SIGNING_KEY_FILE; undefined when the variable is unset. */
export async function loadSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningKey | undefined> {
  const path = env.NORTHSTATION_SIGNING_KEY_FILE;
  if (path === undefined || path === '') return undefined;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    // A configured key that cannot be read must not fall back silently to unsigned reports.
    throw new NorthstationError('config_invalid', `NORTHSTATION_SIGNING_KEY_FILE names ${path}, which cannot be read`, { path }, { cause: error });
  }
  if (bytes.length < 16) throw new NorthstationError('config_invalid', `signing key ${path} is shorter than 16 bytes`, { path });
  return { bytes, id: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
}

/** Adds `integrity` and `reportHash` to a report. */
export function sealReport(report: Omit<UnsignedReport, 'integrity'>, key?: SigningKey): ConformanceReport {
  const integrity: UnsignedReport['integrity'] = key ? { algorithm: 'hmac-sha256', keyId: key.id } : { algorithm: 'sha256' };
  const unsigned: UnsignedReport = { ...report, integrity };
  return { ...unsigned, reportHash: digest(unsigned, key) };
}

export type Verification = { ok: true } | { ok: false; reason: string };

/**
 * Checks `reportHash`. When the site has a key now, only reports sealed with
 * that key verify: a plain-hash report could have been written by anyone.
 */
export function verifyReport(report: ConformanceReport, key?: SigningKey): Verification {
  const { reportHash, ...unsigned } = report;
  const integrity = unsigned.integrity as Partial<UnsignedReport['integrity']> | undefined;
  if (integrity?.algorithm === 'hmac-sha256') {
    if (!key) return { ok: false, reason: `the report is sealed with site key ${integrity.keyId ?? '?'}, but NORTHSTATION_SIGNING_KEY_FILE is not set` };
    if (integrity.keyId !== key.id) return { ok: false, reason: `the report is sealed with key ${integrity.keyId ?? '?'}, not this site's key ${key.id}` };
  } else if (integrity?.algorithm === 'sha256') {
    if (key) return { ok: false, reason: 'the report carries a plain hash, but this site signs reports with a key (NORTHSTATION_SIGNING_KEY_FILE)' };
  } else {
    return { ok: false, reason: 'the report names no known integrity algorithm' };
  }
  const expected = digest(unsigned, integrity.algorithm === 'hmac-sha256' ? key : undefined);
  return expected === reportHash ? { ok: true } : { ok: false, reason: 'its hash does not match its content (edited or corrupted)' };
}

function digest(unsigned: UnsignedReport, key: SigningKey | undefined): string {
  const text = canonicalJson(unsigned);
  return (key ? createHmac('sha256', key.bytes) : createHash('sha256')).update(text, 'utf8').digest('hex');
}
