/**
 * Per-request facts for the one log line each request gets: counts and codes
 * only, never content. Keyed by the Fastify request so routes and hooks share
 * them without widening Fastify's types.
 */
import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '../core/errors.ts';

export interface RequestStats {
  promptTokens?: number;
  completionTokens?: number;
  errorCode?: ErrorCode;
}

const statsByRequest = new WeakMap<FastifyRequest, RequestStats>();

export function statsOf(request: FastifyRequest): RequestStats {
  let stats = statsByRequest.get(request);
  if (!stats) {
    stats = {};
    statsByRequest.set(request, stats);
  }
  return stats;
}
