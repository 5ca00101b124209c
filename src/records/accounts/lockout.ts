/**
 * Account lockout after repeated failed logins, as a pure state transition.
 * The store keeps the state in users.failed_logins / users.locked_until (and,
 * for the time window, a first-failure timestamp) and calls `loginAttempt`
 * after checking the password, with the outcome of that check.
 *
 * No oracle: while locked, even the right password is refused, and callers must
 * answer a locked account exactly as a wrong password (`loginRefusedMessage`),
 * so a guesser learns nothing from the lock. The decision's `reason` is for the
 * audit log only.
 */

/** Every lockout number in one place. */
export const lockoutPolicy = {
  /** Failures that lock the account… */
  maxFailures: 5,
  /** …when they fall within this window of the first failure in the run… */
  failureWindowMs: 15 * 60 * 1000,
  /** …for this long. */
  lockMs: 15 * 60 * 1000,
} as const;

/** The one message a person sees for a refused login, whatever the reason. */
export const loginRefusedMessage = 'invalid username or password';

export interface LockoutState {
  failedLogins: number;
  /** Epoch ms until which the account refuses every login; null when not locked. */
  lockedUntil: number | null;
  /**
   * Epoch ms of the first failure of the current run, which opens the window.
   * Null or absent when there is none; a store without this column gets
   * "5 consecutive failures" instead of "5 within the window".
   */
  firstFailedAt?: number | null;
}

export type LoginOutcome = 'success' | 'failure';

export type LoginDecision =
  | { allowed: true; reason: 'ok' }
  | { allowed: false; reason: 'bad_credentials' | 'locked' | 'now_locked' };

export const unlockedState: LockoutState = { failedLogins: 0, lockedUntil: null, firstFailedAt: null };

/**
 * The next state and the decision for one login attempt at `now` (epoch ms).
 * `outcome` is whether the password was right; it is ignored while locked.
 */
export function loginAttempt(state: LockoutState, outcome: LoginOutcome, now: number): { state: LockoutState; decision: LoginDecision } {
  if (state.lockedUntil !== null && now < state.lockedUntil) {
    // Locked: refuse, change nothing (failures here neither extend nor count).
    return { state, decision: { allowed: false, reason: 'locked' } };
  }
  if (outcome === 'success') return { state: unlockedState, decision: { allowed: true, reason: 'ok' } };

  // A lock that has run out starts a fresh run, as does a window that has closed.
  const expiredLock = state.lockedUntil !== null;
  const first = state.firstFailedAt ?? null;
  const windowClosed = first !== null && now - first >= lockoutPolicy.failureWindowMs;
  const fresh = expiredLock || windowClosed || state.failedLogins <= 0;
  const failedLogins = fresh ? 1 : state.failedLogins + 1;
  const firstFailedAt = fresh ? now : (first ?? null);
  if (failedLogins >= lockoutPolicy.maxFailures) {
    return {
      state: { failedLogins, lockedUntil: now + lockoutPolicy.lockMs, firstFailedAt },
      decision: { allowed: false, reason: 'now_locked' },
    };
  }
  return { state: { failedLogins, lockedUntil: null, firstFailedAt }, decision: { allowed: false, reason: 'bad_credentials' } };
}

/** An administrator's unlock: clears the counter and the lock. */
export function unlock(): LockoutState {
  return { ...unlockedState };
}
