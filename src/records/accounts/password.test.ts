import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { assertAcceptablePassword, hashPassword, needsRehash, passwordProblems, scryptDefaults, verifyPassword } from './password.ts';

// Cheap parameters for the many-case tests; the default cost is exercised once below.
const fast = { N: 2 ** 10, r: 8, p: 1 };
const internal = (error: unknown) => isNorthstationError(error, 'internal') && error.message.includes('not in a recognised format');

test('default hash uses scrypt N=2^17 r=8 p=1, a 16-byte salt and verifies', async () => {
  const encoded = await hashPassword('blue horse staple 7');
  const parts = encoded.split('$');
  assert.deepEqual(parts.slice(0, 4), ['scrypt', String(2 ** 17), '8', '1']);
  assert.equal(Buffer.from(parts[4]!, 'base64').length, 16);
  assert.equal(Buffer.from(parts[5]!, 'base64').length, scryptDefaults.keyBytes);
  assert.equal(await verifyPassword('blue horse staple 7', encoded), true);
  assert.equal(await verifyPassword('blue horse staple 8', encoded), false);
  assert.equal(needsRehash(encoded), false);
});

test('the same password hashes differently each time (random salt)', async () => {
  const a = await hashPassword('the same password', fast);
  const b = await hashPassword('the same password', fast);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('the same password', a), true);
  assert.equal(await verifyPassword('the same password', b), true);
});

test('wrong passwords are refused', async () => {
  const encoded = await hashPassword('correct battery horse', fast);
  for (const wrong of ['', 'correct battery hors', 'Correct battery horse', 'correct battery horse ', ' correct battery horse']) {
    assert.equal(await verifyPassword(wrong, encoded), false, JSON.stringify(wrong));
  }
});

// scrypt's PBKDF2-HMAC-SHA256 zero-pads short keys, so trailing NULs collide;
// harmless (the guesser must already know the password) and the policy refuses
// control characters, so no stored password ends in one.
test('known scrypt property: a trailing NUL collides, and the policy refuses control characters', async () => {
  const encoded = await hashPassword('correct battery horse', fast);
  assert.equal(await verifyPassword('correct battery horse\0', encoded), true);
  assert.deepEqual(passwordProblems('correct battery horse\0'), ['control_character']);
});

test('Unicode is NFKC-normalised: composed and decomposed forms verify alike', async () => {
  const composed = 'caf\u00e9 au lait long';
  const decomposed = 'cafe\u0301 au lait long';
  const encoded = await hashPassword(composed, fast);
  assert.equal(await verifyPassword(decomposed, encoded), true);
});

test('a tampered hash or salt no longer verifies', async () => {
  const encoded = await hashPassword('correct battery horse', fast);
  const [scheme, n, r, p, salt, key] = encoded.split('$') as [string, string, string, string, string, string];
  const flip = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    return bytes.toString('base64');
  };
  assert.equal(await verifyPassword('correct battery horse', [scheme, n, r, p, salt, flip(key)].join('$')), false);
  assert.equal(await verifyPassword('correct battery horse', [scheme, n, r, p, flip(salt), key].join('$')), false);
  // Changing a cost parameter changes the derived key too.
  assert.equal(await verifyPassword('correct battery horse', [scheme, String(2 ** 11), r, p, salt, key].join('$')), false);
});

const unknownFormats: readonly string[] = [
  '',
  'plaintext-password',
  'bcrypt$2b$12$abcdefghijklmnopqrstuv',
  '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g',
  'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==', // five fields
  'scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', // N not a power of two
  `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==`, // N beyond the DoS bound
  'scrypt$1024$99$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', // r out of range
  'scrypt$1024$8$0$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', // p out of range
  'scrypt$1024$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', // salt too short
  'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==', // hash too short
  'scrypt$1024$8$1$not base64!!$aGFzaGhhc2hoYXNoaGFzaA==',
  'scrypt$0x400$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==',
];
for (const encoded of unknownFormats) {
  test(`an unrecognised stored hash is a server fault, not a wrong password: ${JSON.stringify(encoded.slice(0, 40))}`, async () => {
    await assert.rejects(verifyPassword('anything at all here', encoded), internal);
  });
}

test('needsRehash flags hashes weaker than the current defaults', async () => {
  assert.equal(needsRehash(await hashPassword('correct battery horse', fast)), true);
});

// NIST SP 800-63B §5.1.1.2: length and a blocklist, no composition rules.
const policyCases: readonly (readonly [string, readonly string[], string?])[] = [
  ['blue horse staple 7', []],
  ['correcthorsebattery', []], // lowercase passphrase: fine, no composition rules
  ['Tr0ub4dor&3x', []],
  ['ünïcödé pässwörd', []],
  ['short pass', ['too_short']],
  ['', ['too_short']],
  ['aaaaaaaaaaaaaaaa', ['one_character']],
  ['123456789012', ['digits_only']],
  ['000000000000', ['one_character']],
  ['password1234', ['common']],
  ['Password123!', ['common']],
  ['qwertyuiop12', ['common']],
  ['passwordpassword', ['common']],
  ['Northstation2026', ['common']],
  ['welcome', ['too_short', 'common']],
  ['x'.repeat(1025), ['too_long', 'one_character']],
  ['jsmith-spring-walk', ['contains_username'], 'JSmith'],
];
for (const [password, expected, username] of policyCases) {
  test(`password policy: ${JSON.stringify(password.slice(0, 24))} → [${expected.join(', ')}]`, () => {
    assert.deepEqual(passwordProblems(password, username === undefined ? {} : { username }), expected);
  });
}

test('assertAcceptablePassword throws bad_request naming every broken rule', () => {
  assert.throws(() => assertAcceptablePassword('welcome'), (error: unknown) =>
    isNorthstationError(error, 'bad_request') &&
    error.message === 'password must be at least 12 characters, not a commonly used password' &&
    JSON.stringify(error.details.problems) === '["too_short","common"]');
  assert.doesNotThrow(() => assertAcceptablePassword('blue horse staple 7', { username: 'jsmith' }));
});

test('length counts code points, so 12 emoji are 12 characters', () => {
  assert.deepEqual(passwordProblems('🏥🩺💉🧬🫀🫁🦴🧠🦷🩸💊'), ['too_short']);
  assert.deepEqual(passwordProblems('🏥🩺💉🧬🫀🫁🦴🧠🦷🩸💊🩹'), []);
});
