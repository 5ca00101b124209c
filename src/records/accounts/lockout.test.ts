import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockoutPolicy, loginAttempt, unlock, unlockedState } from './lockout.ts';
import type { LockoutState, LoginDecision, LoginOutcome } from './lockout.ts';

const min = 60 * 1000;
const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);

test('policy: 5 failures within 15 minutes lock for 15 minutes', () => {
  assert.deepEqual(lockoutPolicy, { maxFailures: 5, failureWindowMs: 15 * min, lockMs: 15 * min });
});

type Row = readonly [name: string, before: LockoutState, outcome: LoginOutcome, now: number, after: LockoutState, reason: LoginDecision['reason']];
const rows: readonly Row[] = [
  ['first success', unlockedState, 'success', t0, unlockedState, 'ok'],
  ['first failure opens the window', unlockedState, 'failure', t0, { failedLogins: 1, lockedUntil: null, firstFailedAt: t0 }, 'bad_credentials'],
  ['third failure counts', { failedLogins: 2, lockedUntil: null, firstFailedAt: t0 }, 'failure', t0 + min, { failedLogins: 3, lockedUntil: null, firstFailedAt: t0 }, 'bad_credentials'],
  ['success resets the count', { failedLogins: 4, lockedUntil: null, firstFailedAt: t0 }, 'success', t0 + min, unlockedState, 'ok'],
  ['fifth failure in the window locks for 15 min', { failedLogins: 4, lockedUntil: null, firstFailedAt: t0 }, 'failure', t0 + 14 * min, { failedLogins: 5, lockedUntil: t0 + 29 * min, firstFailedAt: t0 }, 'now_locked'],
  ['fifth failure after the window starts a new run', { failedLogins: 4, lockedUntil: null, firstFailedAt: t0 }, 'failure', t0 + 15 * min, { failedLogins: 1, lockedUntil: null, firstFailedAt: t0 + 15 * min }, 'bad_credentials'],
  ['locked: the right password is refused, state unchanged', { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'success', t0 + 5 * min, { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'locked'],
  ['locked: a wrong password neither counts nor extends', { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'failure', t0 + 5 * min, { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'locked'],
  ['locked until the last millisecond', { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'success', t0 + 15 * min - 1, { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'locked'],
  ['lock expired: right password succeeds and resets', { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'success', t0 + 15 * min, unlockedState, 'ok'],
  ['lock expired: a failure starts a fresh run, not an instant relock', { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 }, 'failure', t0 + 16 * min, { failedLogins: 1, lockedUntil: null, firstFailedAt: t0 + 16 * min }, 'bad_credentials'],
  ['store without a window column: 5 consecutive failures lock', { failedLogins: 4, lockedUntil: null }, 'failure', t0 + 60 * min, { failedLogins: 5, lockedUntil: t0 + 75 * min, firstFailedAt: null }, 'now_locked'],
  ['store without a window column: counts on', { failedLogins: 1, lockedUntil: null }, 'failure', t0, { failedLogins: 2, lockedUntil: null, firstFailedAt: null }, 'bad_credentials'],
];
for (const [name, before, outcome, now, after, reason] of rows) {
  test(`lockout: ${name}`, () => {
    const result = loginAttempt(before, outcome, now);
    assert.deepEqual(result.state, after);
    assert.equal(result.decision.reason, reason);
    assert.equal(result.decision.allowed, reason === 'ok');
  });
}

test('five wrong passwords then the right one: refused until the lock runs out', () => {
  let state: LockoutState = unlockedState;
  const reasons: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const result = loginAttempt(state, 'failure', t0 + i * 1000);
    state = result.state;
    reasons.push(result.decision.reason);
  }
  assert.deepEqual(reasons, ['bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'now_locked']);
  assert.equal(loginAttempt(state, 'success', t0 + 10 * min).decision.allowed, false);
  assert.equal(loginAttempt(state, 'success', t0 + 4000 + lockoutPolicy.lockMs).decision.allowed, true);
});

test('unlock clears counter and lock', () => {
  const locked: LockoutState = { failedLogins: 5, lockedUntil: t0 + 15 * min, firstFailedAt: t0 };
  const cleared = unlock();
  assert.deepEqual(cleared, unlockedState);
  assert.equal(loginAttempt(cleared, 'success', t0 + min).decision.allowed, true);
  assert.equal(loginAttempt(locked, 'success', t0 + min).decision.allowed, false);
});
