import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashToken, isTokenShaped, issueToken, verifyToken } from './api-tokens.ts';

test('issued token: ns_ + 32 random bytes base64url, a tok_ id, and its SHA-256', () => {
  const { token, id, hash } = issueToken();
  assert.match(token, /^ns_[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(token.slice(3), 'base64url').length, 32);
  assert.match(id, /^tok_[0-9a-f]{16}$/);
  assert.equal(hash, createHash('sha256').update(token).digest('hex'));
  assert.equal(hashToken(token), hash);
  assert.ok(!hash.includes(token.slice(3)) && !id.includes(token.slice(3, 19)), 'neither id nor hash reveals the token');
});

test('tokens and ids are unique', () => {
  const issued = Array.from({ length: 200 }, () => issueToken());
  assert.equal(new Set(issued.map((t) => t.token)).size, 200);
  assert.equal(new Set(issued.map((t) => t.id)).size, 200);
});

test('verifyToken accepts the right token and refuses others', () => {
  const a = issueToken();
  const b = issueToken();
  assert.equal(verifyToken(a.token, a.hash), true);
  assert.equal(verifyToken(b.token, a.hash), false);
  assert.equal(verifyToken(a.token.slice(0, -1), a.hash), false);
  assert.equal(verifyToken(`${a.token}x`, a.hash), false);
  assert.equal(verifyToken('', a.hash), false);
  assert.equal(verifyToken(a.hash, a.hash), false, 'the stored hash is not a credential');
});

test('verifyToken refuses a tampered or malformed stored hash', () => {
  const { token, hash } = issueToken();
  const flipped = (hash[0] === '0' ? '1' : '0') + hash.slice(1);
  assert.equal(verifyToken(token, flipped), false);
  assert.equal(verifyToken(token, hash.toUpperCase()), false);
  assert.equal(verifyToken(token, hash.slice(0, 62)), false);
  assert.equal(verifyToken(token, ''), false);
  assert.equal(verifyToken(token, 'not-a-hash'), false);
});

test('a string with the right SHA-256 but the wrong shape is still refused', () => {
  const notAToken = 'password';
  assert.equal(verifyToken(notAToken, hashToken(notAToken)), false);
});

test('isTokenShaped', () => {
  assert.equal(isTokenShaped(issueToken().token), true);
  assert.equal(isTokenShaped(`ns_${'A'.repeat(42)}`), false);
  assert.equal(isTokenShaped(`xx_${'A'.repeat(43)}`), false);
  assert.equal(isTokenShaped(`ns_${'A'.repeat(42)}=`), false);
  assert.equal(isTokenShaped(`ns_${'A'.repeat(42)}+`), false);
});
