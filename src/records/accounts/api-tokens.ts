/**
 * API tokens for integrations (intake software). The token is shown once, at
 * issue; the store keeps only its SHA-256 and a random token id. Audit records
 * and logs name the token id, never the token.
 *
 * Plain SHA-256 (not scrypt) is right here: a token carries 256 bits from
 * crypto.randomBytes, so there is nothing to guess offline, and every API
 * request verifies one, so it must be cheap. The store looks a token up by
 * `hashToken(presented)` and then calls `verifyToken`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const tokenPrefix = 'ns_';
const tokenBytes = 32;
/** 'ns_' + 43 base64url characters (32 bytes, unpadded). */
const tokenPattern = /^ns_[A-Za-z0-9_-]{43}$/;
const hashPattern = /^[0-9a-f]{64}$/;

export interface IssuedToken {
  /** Show once to the administrator, then forget. Never store, never log. */
  token: string;
  /** For the audit log and for revocation: 'tok_' + 16 hex characters. */
  id: string;
  /** SHA-256 of the token, lowercase hex: what the store keeps. */
  hash: string;
}

export function issueToken(): IssuedToken {
  const token = tokenPrefix + randomBytes(tokenBytes).toString('base64url');
  return { token, id: `tok_${randomBytes(8).toString('hex')}`, hash: hashToken(token) };
}

/** SHA-256 of a token, lowercase hex: the store's lookup key. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` has the shape of one `issueToken` makes (cheap pre-check before any lookup). */
export function isTokenShaped(token: string): boolean {
  return tokenPattern.test(token);
}

/** True when `presented` is the token whose hash is `storedHash`. Constant time in the hash comparison. */
export function verifyToken(presented: string, storedHash: string): boolean {
  if (!hashPattern.test(storedHash)) return false;
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  // Always compare, so a malformed token costs the same as a wrong one.
  const equal = timingSafeEqual(actual, expected);
  return equal && isTokenShaped(presented);
}
