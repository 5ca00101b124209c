/**
 * The one place where failures become HTTP answers. Everything the server
 * sends back as an error goes through `toHttpError`: NorthstationError codes
 * pick the status (core/errors.ts), and the body takes OpenAI's error shape so
 * that OpenAI clients raise their usual exceptions.
 */
import { errorCodes, NorthstationError, toNorthstationError, type ErrorCode } from '../core/errors.ts';

export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'server_error';

export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; code: ErrorCode; param: string | null };
}

export interface HttpError {
  status: number;
  error: NorthstationError;
  body: OpenAiErrorBody;
}

// A Record over ErrorCode: adding a code to core/errors.ts fails type-checking here until it is mapped.
const openAiTypes: Record<ErrorCode, OpenAiErrorType> = {
  bad_request: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  // OpenAI's SDKs pick RateLimitError from the 429 status, whatever the type says.
  rate_limited: 'invalid_request_error',
  model_invalid: 'server_error',
  schema_violation: 'server_error',
  model_too_large: 'server_error',
  aborted: 'invalid_request_error',
  overloaded: 'server_error',
  upstream_refused: 'server_error',
  upstream_error: 'server_error',
  upstream_timeout: 'server_error',
  config_invalid: 'server_error',
  unsupported: 'invalid_request_error',
  internal: 'server_error',
};

export function toHttpError(thrown: unknown): HttpError {
  const error = fromFastifyError(thrown) ?? toNorthstationError(thrown);
  const param = typeof error.details.param === 'string' ? error.details.param : null;
  // Unexpected errors may carry internals (paths, library text); clients get a fixed line.
  const message = error.code === 'internal' ? 'internal server error' : error.message;
  return {
    status: errorCodes[error.code],
    error,
    body: { error: { message, type: openAiTypes[error.code], code: error.code, param } },
  };
}

/** Fastify's own request errors (body parsing, size), translated into the project's vocabulary. */
function fromFastifyError(thrown: unknown): NorthstationError | undefined {
  if (!(thrown instanceof Error) || thrown instanceof NorthstationError) return undefined;
  const { code, statusCode } = thrown as Error & { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new NorthstationError('payload_too_large', 'request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // Fastify's own text is fine, but never echo the body: it may hold patient data.
      return new NorthstationError('bad_request', 'request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new NorthstationError('bad_request', 'request body is empty');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new NorthstationError('bad_request', 'send the request body as application/json');
    default:
      if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
        return new NorthstationError('bad_request', thrown.message, { fastifyCode: code });
      }
      return undefined;
  }
}
