/**
 * One error vocabulary for the whole project. Every failure a user or an
 * integrator can see is a NorthstationError with a stable `code`; front doors
 * (HTTP, CLI) map codes to status codes and exit codes in one place each.
 */

export const errorCodes = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  model_invalid: 422,
  schema_violation: 422,
  model_too_large: 507,
  aborted: 499,
  overloaded: 503,
  upstream_refused: 502,
  upstream_error: 502,
  upstream_timeout: 504,
  config_invalid: 500,
  unsupported: 501,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class NorthstationError extends Error {
  readonly code: ErrorCode;
  /** Machine-readable facts about the failure (numbers, paths, ids; never PHI). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NorthstationError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return errorCodes[this.code];
  }
}

export function isNorthstationError(error: unknown, code?: ErrorCode): error is NorthstationError {
  return error instanceof NorthstationError && (code === undefined || error.code === code);
}

export const badRequest = (message: string, details?: Record<string, unknown>): NorthstationError =>
  new NorthstationError('bad_request', message, details);

export const notFound = (message: string, details?: Record<string, unknown>): NorthstationError =>
  new NorthstationError('not_found', message, details);

/** Wraps anything thrown into a NorthstationError, keeping the original as `cause`. */
export function toNorthstationError(error: unknown): NorthstationError {
  if (error instanceof NorthstationError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new NorthstationError('aborted', 'the request was aborted', {}, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NorthstationError('internal', message, {}, { cause: error });
}
