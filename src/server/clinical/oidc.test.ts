import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshAuthentication, mapRoles, validateOidcOptions } from './oidc.ts';

const startedAt = Date.parse('2026-01-01T08:00:00Z');
const seconds = (ms: number) => ms / 1000;

test('freshAuthentication: auth_time must fall after the step-up started and not in the future, within the skew', () => {
  const now = startedAt + 60_000;
  assert.equal(freshAuthentication(seconds(startedAt + 10_000), startedAt, now, 30), true, 'during the step-up');
  assert.equal(freshAuthentication(seconds(startedAt - 30_000), startedAt, now, 30), true, 'at the edge of the skew');
  assert.equal(freshAuthentication(seconds(startedAt - 31_000), startedAt, now, 30), false, 'an earlier sign-in at the provider is not a re-authentication');
  assert.equal(freshAuthentication(seconds(now + 31_000), startedAt, now, 30), false, 'from the future');
  assert.equal(freshAuthentication(undefined, startedAt, now, 30), false, 'missing');
  assert.equal(freshAuthentication('1767254400', startedAt, now, 30), false, 'not a number');
  assert.equal(freshAuthentication(Number.NaN, startedAt, now, 30), false);
});

test('mapRoles: an array or a space-separated string, only mapped names, no duplicates', () => {
  const map = { ProviderGroup: 'physician', Nurses: 'nurse', Doctors: 'physician' } as const;
  assert.deepEqual(mapRoles(['ProviderGroup', 'Doctors', 'Visitors', 7], map), ['physician']);
  assert.deepEqual(mapRoles('Nurses ProviderGroup', map), ['nurse', 'physician']);
  assert.deepEqual(mapRoles(undefined, map), []);
  assert.deepEqual(mapRoles(['toString', '__proto__'], map), [], 'no inherited names');
});

test('validateOidcOptions: step-up durations must be positive integers', () => {
  const base = { issuer: 'http://127.0.0.1:9000', clientId: 'ns', clientSecret: 's', redirectUri: 'http://127.0.0.1:8443/api/oidc/callback' };
  validateOidcOptions(base);
  for (const field of ['stepUpTtlMs', 'reauthMaxAgeSeconds', 'clockSkewSeconds'] as const) {
    assert.throws(() => { validateOidcOptions({ ...base, [field]: 0 }); }, (error: Error & { code?: string }) => error.code === 'config_invalid' && error.message.includes(field));
  }
});
