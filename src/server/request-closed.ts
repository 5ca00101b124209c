/**
 * Calls `done` once the connection is finished with a request, however that
 * happens: answered (its status), or left by the client first (499, nginx's
 * "client closed request"). Both apps log and count requests from here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LogFields, Logger } from '../core/log.ts';

export interface ClosedRequest {
  status: number;
  route: string;
  durationMs: number;
}

export function whenRequestClosed(request: FastifyRequest, reply: FastifyReply, done: (closed: ClosedRequest) => void): void {
  const started = performance.now();
  let finished = false;
  reply.raw.once('finish', () => {
    finished = true;
  });
  reply.raw.once('close', () => {
    done({
      status: finished ? reply.statusCode : 499,
      route: request.routeOptions.url ?? 'unmatched',
      durationMs: Math.round(performance.now() - started),
    });
  });
}

/** The one `http_request` log line: ids, route, status and time, plus what the app adds (never bodies). */
export function logClosedRequest(logger: Logger, request: FastifyRequest, { status, route, durationMs }: ClosedRequest, extra: LogFields): void {
  const fields = { requestId: request.id, method: request.method, route, status, durationMs, ...extra };
  if (status >= 500) logger.warn('http_request', fields);
  else logger.info('http_request', fields);
}
