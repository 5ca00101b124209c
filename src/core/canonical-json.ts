/**
 * One byte sequence per JSON value, so that a hash over it means the same on
 * every machine: object keys sorted by code unit, no whitespace, undefined
 * members dropped (as JSON.stringify drops them).
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    // A missing value (undefined) hashes as null, as it reads back from JSON; functions and symbols have no JSON form.
    const text = JSON.stringify(value ?? null) as string | undefined;
    if (text === undefined) throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/** SHA-256 of UTF-8 text, as lower-case hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
