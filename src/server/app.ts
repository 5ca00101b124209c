/**
 * The OpenAI-compatible HTTP app over any ChatModel, built without listening
 * (tests drive it with `app.inject`; listen.ts binds it to a port).
 *
 * Privacy: Fastify's own logger stays off. Each request gets exactly one log
 * line, written here, with route, status, duration and token counts; never a
 * URL query, a body or an error message (messages can quote model output).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { NorthstationError, notFound } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import { registerChatCompletions } from './chat-completions.ts';
import { trackConnections } from './connection-drain.ts';
import { toHttpError } from './errors.ts';
import { Generations } from './generations.ts';
import { registerInfoRoutes } from './info-routes.ts';
import { createServerMetrics, type ServerMetrics } from './metrics.ts';
import { logClosedRequest, whenRequestClosed } from './request-closed.ts';
import { statsOf } from './request-stats.ts';

export interface OpenAiAppLimits {
  /** Largest request body in bytes; images travel inline as base64. Default: 20 MiB. */
  bodyLimitBytes: number;
  /** Chat requests held at once, generating or waiting in the model's queue; one more gets 503 `overloaded`. Default: 32. */
  maxQueuedRequests: number;
}

export const defaultOpenAiAppLimits: Readonly<OpenAiAppLimits> = {
  bodyLimitBytes: 20 * 1024 * 1024,
  maxQueuedRequests: 32,
};

export interface OpenAiAppOptions {
  model: ChatModel;
  logger: Logger;
  limits?: Partial<OpenAiAppLimits>;
}

/**
 * The app owns the model: closing it refuses new requests, aborts running
 * generations, lets their requests answer, then disposes the model.
 */
export function buildOpenAiApp({ model, logger, limits }: OpenAiAppOptions): FastifyInstance {
  const { bodyLimitBytes, maxQueuedRequests } = { ...defaultOpenAiAppLimits, ...limits };
  for (const [name, value] of Object.entries({ bodyLimitBytes, maxQueuedRequests })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new NorthstationError('config_invalid', `${name} must be a positive integer`, { [name]: value });
  }
  // return503OnClosing off: during shutdown our own hook answers, in OpenAI's error shape.
  const app = Fastify({ logger: false, bodyLimit: bodyLimitBytes, return503OnClosing: false });
  const metrics = createServerMetrics();
  const generations = new Generations(maxQueuedRequests, metrics);

  const connections = trackConnections(app);
  app.addHook('onRequest', (request, reply, done) => {
    logWhenClosed(request, reply, logger, metrics);
    connections.track(reply.raw);
    done(generations.closing ? new NorthstationError('overloaded', 'the server is shutting down') : undefined);
  });
  app.setErrorHandler((error, request, reply) => {
    const failure = toHttpError(error);
    statsOf(request).errorCode = failure.error.code;
    if (failure.status === 503) void reply.header('retry-after', '1');
    return reply.code(failure.status).send(failure.body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route; this server offers GET /v1/models, POST /v1/chat/completions, GET /health and GET /metrics');
  });
  app.addHook('preClose', (done) => {
    generations.shutDown();
    connections.drain();
    done();
  });
  app.addHook('onClose', async () => {
    await model.dispose();
  });

  registerChatCompletions(app, { model, generations });
  registerInfoRoutes(app, { model, metrics, generations, startedAt: Date.now() });
  return app;
}

/** Counts and logs the request once its connection is done with it, however that happens. */
function logWhenClosed(request: FastifyRequest, reply: FastifyReply, logger: Logger, metrics: ServerMetrics): void {
  whenRequestClosed(request, reply, (closed) => {
    metrics.requests.inc(1, { method: request.method, route: closed.route, status: String(closed.status) });
    const stats = statsOf(request);
    logClosedRequest(logger, request, closed, { promptTokens: stats.promptTokens, completionTokens: stats.completionTokens, errorCode: stats.errorCode });
  });
}
