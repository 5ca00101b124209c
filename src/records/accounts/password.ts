/**
 * Local account passwords: scrypt hashing, constant-time verification and the
 * password policy. Pure apart from node:crypto; the records store calls these.
 *
 * Encoding (one self-describing string, stored in users.password_hash):
 *   scrypt$N$r$p$<salt base64>$<hash base64>
 * The parameters travel with the hash, so raising the cost later only needs
 * `needsRehash` at the next successful login.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { NorthstationError } from '../../core/errors.ts';

/**
 * scrypt cost. OWASP Password Storage Cheat Sheet (scrypt section): "a minimum
 * CPU/memory cost parameter of (2^17), a minimum block size of 8 (1024 bytes),
 * and a parallelization parameter of 1". Memory per hash is 128·N·r bytes =
 * 128 MiB, a few hundred ms on one core: acceptable for an interactive login on
 * a hospital server, far too costly for an offline guesser per candidate.
 * (Percival's original interactive-login suggestion, N=2^14, predates a decade
 * of hardware.) Hashing runs on the libuv thread pool, never the event loop.
 */
export const scryptDefaults = { N: 2 ** 17, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** Bounds for parameters read back from storage: a tampered row must not make one login cost gigabytes. */
const limits = { maxLog2N: 20, maxR: 16, maxP: 4, minKeyBytes: 16, maxKeyBytes: 64, minSaltBytes: 16, maxSaltBytes: 64 } as const;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(password: string, salt: Buffer, keyBytes: number, params: ScryptParams): Promise<Buffer> {
  // 128·N·r is scrypt's working set; Node refuses anything above maxmem (default 32 MiB).
  const maxmem = 128 * params.N * params.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/**
 * Hashes a password with a fresh random 16-byte salt. Unicode is NFKC-normalised
 * first (NIST SP 800-63B §5.1.1.2), so the same password typed on another
 * keyboard layout still verifies. `params` exists for tests and future upgrades.
 */
export async function hashPassword(password: string, params: ScryptParams = scryptDefaults): Promise<string> {
  checkParams(params);
  const salt = randomBytes(scryptDefaults.saltBytes);
  const key = await scryptAsync(password, salt, scryptDefaults.keyBytes, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Decoded extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

const unknownFormat = (why: string): NorthstationError =>
  // A stored hash we cannot read is a server fault, not a wrong password: it must
  // not silently count towards a lockout, and it must be noticed.
  new NorthstationError('internal', `stored password hash is not in a recognised format (${why})`);

function checkParams({ N, r, p }: ScryptParams): void {
  const log2N = Math.log2(N);
  if (!Number.isInteger(log2N) || log2N < 1 || log2N > limits.maxLog2N) throw unknownFormat('N must be a power of two up to 2^20');
  if (!Number.isInteger(r) || r < 1 || r > limits.maxR) throw unknownFormat('r out of range');
  if (!Number.isInteger(p) || p < 1 || p > limits.maxP) throw unknownFormat('p out of range');
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
const decimal = /^[1-9][0-9]{0,9}$/;

function decode(encoded: string): Decoded {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw unknownFormat('expected scrypt$N$r$p$salt$hash');
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  if (!decimal.test(n) || !decimal.test(r) || !decimal.test(p)) throw unknownFormat('parameters must be decimal integers');
  if (!base64.test(salt) || !base64.test(key)) throw unknownFormat('salt and hash must be base64');
  const decoded = { N: Number(n), r: Number(r), p: Number(p), salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
  checkParams(decoded);
  if (decoded.salt.length < limits.minSaltBytes || decoded.salt.length > limits.maxSaltBytes) throw unknownFormat('salt length');
  if (decoded.key.length < limits.minKeyBytes || decoded.key.length > limits.maxKeyBytes) throw unknownFormat('hash length');
  return decoded;
}

/**
 * True when `password` matches `encoded`. Compares in constant time
 * (timingSafeEqual). Throws NorthstationError 'internal' when `encoded` is not a
 * hash this module wrote (unknown scheme, malformed, parameters out of bounds).
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { salt, key, ...params } = decode(encoded);
  const candidate = await scryptAsync(password, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

/** True when `encoded` was made with weaker parameters than today's defaults: rehash after the next successful login. */
export function needsRehash(encoded: string): boolean {
  const { N, r, p, key } = decode(encoded);
  return N < scryptDefaults.N || r < scryptDefaults.r || p < scryptDefaults.p || key.length < scryptDefaults.keyBytes;
}

// ---------------------------------------------------------------------------
// Password policy — NIST SP 800-63B §5.1.1.2 (memorized secrets): length over
// complexity. Verifiers SHALL NOT impose composition rules (no "one upper, one
// digit, one symbol"), SHALL allow at least 64 characters and all printable
// ASCII, space and Unicode, and SHALL compare against a list of commonly used,
// expected or compromised values, including context-specific words (the
// service name, the username). We require 12 characters (above NIST's floor of
// 8, as most clinical-system guidance now does) and refuse only degenerate
// passwords: one repeated character or digits only (a long PIN). A passphrase
// of lowercase words is fine.
// ---------------------------------------------------------------------------

export const passwordPolicy = { minLength: 12, maxLength: 1024 } as const;

/**
 * Very common passwords that meet the length rule anyway (from public breach
 * top lists), plus context-specific words. Compared case-insensitively after
 * NFKC; a password equal to one of these, or to one of these followed only by
 * digits and symbols, is refused.
 */
const commonPasswords: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'qwertyuiop[]', 'asdfghjkl', 'zxcvbnm',
  'iloveyou', 'letmein', 'welcome', 'welcome1', 'changeme', 'admin', 'administrator', 'abc123', 'abcdefghijkl',
  '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qazwsxedc', 'qazwsxedcrfv', 'trustno1', 'monkey', 'dragon', 'football', 'baseball',
  'sunshine', 'princess', 'superman', 'starwars', 'whatever', 'master', 'login', 'secret', 'correcthorsebatterystaple',
  // context-specific (NIST: "the name of the service")
  'northstation', 'medgemma', 'hospital', 'doctor', 'nurse', 'physician', 'clinic', 'emergency', 'triage',
]);

export type PasswordProblem = 'too_short' | 'too_long' | 'one_character' | 'digits_only' | 'common' | 'contains_username' | 'control_character';

const problemText: Record<PasswordProblem, string> = {
  too_short: `at least ${passwordPolicy.minLength} characters`,
  too_long: `at most ${passwordPolicy.maxLength} characters`,
  one_character: 'not one character repeated',
  digits_only: 'not digits only',
  common: 'not a commonly used password',
  contains_username: 'not containing the username',
  control_character: 'free of control characters',
};

/** Every rule `password` breaks (empty when acceptable). Length counts Unicode code points, after NFKC. */
export function passwordProblems(password: string, context: { username?: string } = {}): PasswordProblem[] {
  const normalised = password.normalize('NFKC');
  // NIST SP 800-63B §5.1.1.2: "each Unicode code point SHALL be counted as a single character".
  const length = Array.from(normalised).length;
  const lower = normalised.toLowerCase();
  const problems: PasswordProblem[] = [];
  if (length < passwordPolicy.minLength) problems.push('too_short');
  if (length > passwordPolicy.maxLength) problems.push('too_long');
  if (length > 0 && new Set(normalised).size === 1) problems.push('one_character');
  else if (/^[0-9]+$/.test(normalised)) problems.push('digits_only');
  const stem = lower.replace(/[^\p{L}]+$/u, '');
  if (commonPasswords.has(lower) || commonPasswords.has(stem) || isRepetitionOfCommon(lower)) problems.push('common');
  if (/\p{Cc}/u.test(normalised)) problems.push('control_character');
  const username = context.username?.normalize('NFKC').toLowerCase();
  if (username !== undefined && username.length >= 3 && lower.includes(username)) problems.push('contains_username');
  return problems;
}

/** "passwordpassword", "qwertyqwerty": a common word repeated. */
function isRepetitionOfCommon(lower: string): boolean {
  for (const word of commonPasswords) {
    if (lower.length > word.length && lower.length % word.length === 0 && word.repeat(lower.length / word.length) === lower) return true;
  }
  return false;
}

/** Throws NorthstationError 'bad_request' naming every broken rule; `details.problems` lists their codes. */
export function assertAcceptablePassword(password: string, context: { username?: string } = {}): void {
  const problems = passwordProblems(password, context);
  if (problems.length > 0) {
    throw new NorthstationError('bad_request', `password must be ${problems.map((problem) => problemText[problem]).join(', ')}`, { problems });
  }
}
