/**
 * `POST /v1/chat/completions`, streaming (server-sent events) or not.
 *
 * A stream's HTTP status is chosen late: headers go out with the first text
 * delta, so a generation that fails before producing anything (queue full,
 * prompt too long) still answers with its real status and a JSON error. Once
 * text has been sent, a failure becomes an SSE `error` event, as OpenAI does.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatModel, GenerateResult } from '../engine/chat-model.ts';
import { parseChatRequest, type ChatCall } from './chat-request.ts';
import { toHttpError } from './errors.ts';
import type { Generations } from './generations.ts';
import { chatCompletion, chatCompletionChunk, newCompletionIdentity, usageChunk } from './openai-shapes.ts';
import { statsOf } from './request-stats.ts';

export interface ChatRouteDeps {
  model: ChatModel;
  generations: Generations;
}

export function registerChatCompletions(app: FastifyInstance, deps: ChatRouteDeps): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const call = parseChatRequest(request.body, deps.model);
    return call.stream ? streamChat(request, reply, call, deps) : completeChat(request, reply, call, deps);
  });
}

async function completeChat(request: FastifyRequest, reply: FastifyReply, call: ChatCall, { model, generations }: ChatRouteDeps) {
  const identity = newCompletionIdentity(model.info.id, model.info.synthetic);
  const result = await generations.run(reply.raw, (signal) => model.generate(call.messages, { ...call.options, signal }));
  recordUsage(request, result);
  return chatCompletion(identity, result);
}

type Outcome = { ok: true; result: GenerateResult } | { ok: false; error: unknown };

async function streamChat(request: FastifyRequest, reply: FastifyReply, call: ChatCall, { model, generations }: ChatRouteDeps) {
  const identity = newCompletionIdentity(model.info.id, model.info.synthetic);
  const events = new SseWriter();
  const firstDelta = Promise.withResolvers<undefined>();
  let sentRole = false;
  const onTextDelta = (delta: string): void => {
    if (delta === '') return;
    if (!sentRole) {
      events.send(chatCompletionChunk(identity, { role: 'assistant', content: '' }, null, call.includeUsage));
      sentRole = true;
    }
    events.send(chatCompletionChunk(identity, { content: delta }, null, call.includeUsage));
    firstDelta.resolve(undefined);
  };
  const outcome: Promise<Outcome> = generations
    .run(reply.raw, (signal) => model.generate(call.messages, { ...call.options, signal, onTextDelta }))
    .then(
      (result) => ({ ok: true, result }),
      (error: unknown) => ({ ok: false, error }),
    );

  const early = await Promise.race([firstDelta.promise, outcome]);
  if (early && !early.ok) {
    events.stream.destroy();
    throw early.error;
  }
  void outcome.then((settled) => {
    if (settled.ok) {
      recordUsage(request, settled.result);
      if (!sentRole) events.send(chatCompletionChunk(identity, { role: 'assistant', content: '' }, null, call.includeUsage));
      events.send(chatCompletionChunk(identity, {}, settled.result.finishReason, call.includeUsage));
      if (call.includeUsage) events.send(usageChunk(identity, settled.result.usage));
      events.send('[DONE]');
    } else {
      const failure = toHttpError(settled.error);
      statsOf(request).errorCode = failure.error.code;
      events.send(failure.body);
    }
    events.close();
  });
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no') // proxies (nginx) must not hold tokens back
    .send(events.stream);
}

function recordUsage(request: FastifyRequest, result: GenerateResult): void {
  const stats = statsOf(request);
  stats.promptTokens = result.usage.promptTokens;
  stats.completionTokens = result.usage.completionTokens;
}

/** Server-sent events into a stream that Fastify pipes to the client; writes after a disconnect are dropped. */
class SseWriter {
  readonly stream = new PassThrough();

  constructor() {
    // Fastify destroys the stream when the client disconnects; nothing is left to tell anyone.
    this.stream.on('error', () => undefined);
  }

  send(data: object | '[DONE]'): void {
    if (this.stream.destroyed || this.stream.writableEnded) return;
    this.stream.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  close(): void {
    if (!this.stream.destroyed) this.stream.end();
  }
}
