/**
 * When a supervised llama-server dies: restart it after a growing delay, and
 * give up after a run of quick deaths. A server that dies seconds after each
 * start (a bad model file, a port taken, out of memory) would otherwise be
 * restarted forever while every request fails; a server that ran for a long
 * time before dying (a rare crash) deserves a fresh run of chances.
 */

export interface RestartPolicyOptions {
  /** A death within this long of becoming ready counts as quick (the supervisor passes 0 for one before ready). Default: 30000 ms. */
  quickDeathMs?: number;
  /** Quick deaths in a row that end the restarts. Default: 3. */
  maxQuickDeaths?: number;
  /** Delay before the first restart; doubles after each quick death. Default: 250 ms. */
  baseDelayMs?: number;
  /** Longest delay. Default: 10000 ms. */
  maxDelayMs?: number;
}

export const defaultRestartPolicy = {
  quickDeathMs: 30_000,
  maxQuickDeaths: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
} as const satisfies Required<RestartPolicyOptions>;

export type RestartDecision = { action: 'restart'; delayMs: number; quickDeaths: number } | { action: 'give-up'; quickDeaths: number };

export interface RestartPolicy {
  /** Called with how long the dead process had served since it became ready (0 if it never did). */
  onDeath(uptimeMs: number): RestartDecision;
}

export function createRestartPolicy(options: RestartPolicyOptions = {}): RestartPolicy {
  const config = { ...defaultRestartPolicy, ...options };
  let quickDeaths = 0;
  return {
    onDeath(uptimeMs) {
      quickDeaths = uptimeMs < config.quickDeathMs ? quickDeaths + 1 : 0;
      if (quickDeaths >= config.maxQuickDeaths) return { action: 'give-up', quickDeaths };
      const delayMs = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** quickDeaths);
      return { action: 'restart', delayMs, quickDeaths };
    },
  };
}
