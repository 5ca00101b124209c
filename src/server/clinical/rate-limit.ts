/**
 * An in-memory token-bucket rate limiter for the clinical API (issue #6:
 * "rate limits per token"). One bucket per key: a session id or an API
 * token's hash for authenticated requests, the client IP for sign-in
 * attempts. Callers never pass a raw bearer token as a key.
 *
 * Each bucket holds up to `burst` tokens and refills at `perMinute` tokens a
 * minute; a request takes one token or is refused with the wait until one is
 * back. Memory is bounded: a bucket idle long enough to be full again is the
 * same as no bucket and is forgotten, and past `maxBuckets` the least recently
 * used bucket is dropped (that key starts again with a full burst).
 *
 * Per process, like the login sessions: several gateway instances each keep
 * their own buckets.
 */
import { NorthstationError } from '../../core/errors.ts';

export interface RateLimitOptions {
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many requests may come at once after a quiet spell. */
  burst: number;
  /** Most buckets kept at once (memory bound). */
  maxBuckets: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

export class RateLimiter {
  /** In least-recently-used order: the first entry was touched longest ago. */
  readonly #buckets = new Map<string, Bucket>();
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxBuckets: number;
  /** How long an untouched bucket takes to refill completely; after that it can be forgotten. */
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor({ perMinute, burst, maxBuckets }: RateLimitOptions, now: () => number = Date.now) {
    for (const [name, value] of Object.entries({ perMinute, burst, maxBuckets })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new NorthstationError('config_invalid', `${name} must be a positive integer`, { [name]: value });
    }
    this.#burst = burst;
    this.#perMs = perMinute / 60_000;
    this.#maxBuckets = maxBuckets;
    this.#idleMs = Math.ceil(burst / this.#perMs);
    this.#now = now;
  }

  /** Takes one token from `key`'s bucket, or says how many whole seconds until one is back. */
  take(key: string): RateLimitDecision {
    const now = this.#now();
    this.#evictIdle(now);
    const previous = this.#buckets.get(key);
    const bucket: Bucket = previous === undefined ? { tokens: this.#burst, at: now } : refill(previous, now, this.#perMs, this.#burst);
    // Re-insert so the map stays in least-recently-used order.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    while (this.#buckets.size > this.#maxBuckets) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
  }

  /** Forgets `key`'s bucket (e.g. on logout). */
  forget(key: string): void {
    this.#buckets.delete(key);
  }

  /** Buckets held now (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops buckets untouched long enough to be full again, oldest first (amortised O(1) per take). */
  #evictIdle(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at < this.#idleMs) break;
      this.#buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, now: number, perMs: number, burst: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(burst, bucket.tokens + elapsed * perMs), at: Math.max(now, bucket.at) };
}
