/**
 * The clinical API's one error shape: `{ error: { code, message } }`, with
 * `code` a stable NorthstationError code. Status codes and the translation of
 * Fastify's own request errors come from the OpenAI app's mapper
 * (`toHttpError`), so both front doors agree on every code.
 */
import type { ErrorCode } from '../../core/errors.ts';
import { toHttpError } from '../errors.ts';

export interface ClinicalErrorBody {
  error: { code: ErrorCode; message: string };
}

export function toClinicalError(thrown: unknown): { status: number; code: ErrorCode; body: ClinicalErrorBody } {
  const failure = toHttpError(thrown);
  return { status: failure.status, code: failure.error.code, body: { error: { code: failure.error.code, message: failure.body.error.message } } };
}
