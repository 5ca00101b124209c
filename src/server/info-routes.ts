/**
 * Read-only routes: the model list (OpenAI shape), health and Prometheus metrics.
 * They describe the served model; they never run it.
 */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../core/errors.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import type { Generations } from './generations.ts';
import { prometheusContentType, type ServerMetrics } from './metrics.ts';

export interface InfoRouteDeps {
  model: ChatModel;
  metrics: ServerMetrics;
  generations: Generations;
  /** Date.now() when the app was built. */
  startedAt: number;
}

export function registerInfoRoutes(app: FastifyInstance, { model, metrics, generations, startedAt }: InfoRouteDeps): void {
  const modelObject = {
    id: model.info.id,
    object: 'model',
    created: Math.floor(startedAt / 1000),
    owned_by: 'northstation',
    // Random weights produce noise: clients must be able to tell before trusting any answer.
    synthetic: model.info.synthetic,
  } as const;

  app.get('/v1/models', () => ({ object: 'list', data: [modelObject] }));

  // A wildcard, not `:id`: model ids may contain slashes (e.g. google/medgemma-4b-it).
  app.get<{ Params: { '*': string } }>('/v1/models/*', (request) => {
    if (request.params['*'] !== model.info.id) throw notFound(`model "${request.params['*']}" is not served here`, { param: 'model' });
    return modelObject;
  });

  // 503 when the model cannot serve (no healthy upstream), so a load balancer stops sending traffic.
  app.get('/health', (_request, reply) => {
    const health = model.health?.() ?? { ready: true };
    return reply.code(health.ready ? 200 : 503).send({
      status: health.ready ? 'ok' : 'unavailable',
      model: model.info.id,
      synthetic: model.info.synthetic,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      generations_in_flight: generations.inFlight,
      ...(health.upstreams ? { upstreams: health.upstreams } : {}),
    });
  });

  app.get('/metrics', (_request, reply) => reply.type(prometheusContentType).send(metrics.registry.render()));
}
