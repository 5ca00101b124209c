/**
 * How an attempt failed and what to do about it: retry or not, blame the
 * upstream or not. Messages name the upstream host and status, never text
 * from the request or the reply (DESIGN.md rule 4).
 */
import { NorthstationError, type ErrorCode } from '../../core/errors.ts';

/** A failed attempt, with what the caller should do about it. */
export class AttemptFailure extends Error {
  readonly error: NorthstationError;
  /** Another attempt might succeed (given no text was received yet). */
  readonly retryable: boolean;
  /** The upstream itself misbehaved: mark it unhealthy and check it. */
  readonly upstreamFault: boolean;
  /** The upstream asked us to wait this long (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(error: NorthstationError, how: { retryable: boolean; upstreamFault: boolean; retryAfterMs?: number }) {
    super(error.message, { cause: error });
    this.name = 'AttemptFailure';
    this.error = error;
    this.retryable = how.retryable;
    this.upstreamFault = how.upstreamFault;
    this.retryAfterMs = how.retryAfterMs;
  }
}

/** A non-2xx answer: 429 and 5xx are worth another try, other statuses are not. */
export function httpFailure(host: string, status: number, code: string | undefined, retryAfterMs: number | undefined): AttemptFailure {
  const what = `answered HTTP ${status}${code ? ` (${code})` : ''}`;
  if (status === 429) {
    return new AttemptFailure(new NorthstationError('overloaded', `upstream ${host} is overloaded: ${what}`, { upstream: host, status }), {
      retryable: true,
      upstreamFault: false,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500) {
    return new AttemptFailure(upstreamError(host, what, status), { retryable: true, upstreamFault: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  const [errorCode, hint]: [ErrorCode, string] =
    status === 400 || status === 422 ? ['bad_request', 'it rejected the request']
    : status === 413 ? ['payload_too_large', 'the request is too large for it']
    : status === 401 || status === 403 ? ['upstream_error', 'check the apiKey']
    : status === 404 ? ['upstream_error', 'check baseUrl (it should end in /v1) and the model name']
    : status >= 300 && status < 400 ? ['upstream_error', 'redirects are not followed; point baseUrl at the server itself']
    : ['upstream_error', 'the request was not accepted'];
  return new AttemptFailure(new NorthstationError(errorCode, `upstream ${host} ${what}: ${hint}`, { upstream: host, status }), {
    retryable: false,
    upstreamFault: false,
  });
}

/** No usable connection (refused, reset, unreachable); an allow-list refusal is never retried. */
export function connectionFailure(host: string, error: Error): AttemptFailure {
  if (error instanceof NorthstationError) return new AttemptFailure(error, { retryable: false, upstreamFault: true });
  const code = (error as NodeJS.ErrnoException).code ?? 'connection failed';
  return new AttemptFailure(upstreamError(host, `could not be reached (${code})`), { retryable: true, upstreamFault: true });
}

/** Anything thrown while reading a reply, as a failure. */
export function asFailure(error: unknown): AttemptFailure {
  if (error instanceof AttemptFailure) return error;
  if (error instanceof NorthstationError) return new AttemptFailure(error, { retryable: true, upstreamFault: true });
  return new AttemptFailure(new NorthstationError('internal', 'reading the upstream reply failed', {}, { cause: error }), { retryable: false, upstreamFault: false });
}

/** The upstream answered something that is not a chat completion: its fault, worth another try. */
export function garbage(host: string, what: string): AttemptFailure {
  return new AttemptFailure(upstreamError(host, what), { retryable: true, upstreamFault: true });
}

export function timeoutFailure(host: string, what: string): AttemptFailure {
  return new AttemptFailure(new NorthstationError('upstream_timeout', `upstream ${host} timed out: ${what}`, { upstream: host }), {
    retryable: true,
    upstreamFault: true,
  });
}

export function upstreamError(host: string, what: string, status?: number): NorthstationError {
  return new NorthstationError('upstream_error', `upstream ${host} ${what}`, status === undefined ? { upstream: host } : { upstream: host, status });
}

export function abortedError(): NorthstationError {
  return new NorthstationError('aborted', 'the request was aborted');
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
