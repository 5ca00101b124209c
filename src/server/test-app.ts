/**
 * Test wiring: the app over a ScriptedChatModel, with every log line kept so
 * tests can read what would have left the process.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '../core/log.ts';
import { buildOpenAiApp, type OpenAiAppLimits } from './app.ts';
import { ScriptedChatModel, type ScriptedChatModelOptions } from './test-model.ts';

export interface TestApp {
  app: FastifyInstance;
  model: ScriptedChatModel;
  logger: Logger;
  logLines: string[];
}

export function buildTestApp(options: ScriptedChatModelOptions & { limits?: Partial<OpenAiAppLimits> } = {}): TestApp {
  const logLines: string[] = [];
  const model = new ScriptedChatModel(options);
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  return { app: buildOpenAiApp({ model, logger, limits: options.limits }), model, logger, logLines };
}

/** The `data:` payloads of a server-sent-event body: parsed JSON, or the literal `[DONE]`. */
export function parseSse(body: string): unknown[] {
  return body
    .split('\n\n')
    .filter((event) => event.length > 0)
    .map((event) => {
      if (!event.startsWith('data: ')) throw new Error(`not an SSE data event: ${event}`);
      const data = event.slice('data: '.length);
      return data === '[DONE]' ? data : (JSON.parse(data) as unknown);
    });
}

/** Sends a request over a real socket and destroys it once `ready` says so: what a vanished client looks like. */
export async function disconnectDuring(app: FastifyInstance, payload: object, ready: (response: IncomingMessage | undefined) => boolean): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' } });
  request.on('error', () => undefined);
  const check = (response?: IncomingMessage): void => {
    if (ready(response)) request.destroy();
  };
  request.on('response', (response) => {
    response.on('error', () => undefined);
    response.once('data', () => check(response));
  });
  request.end(JSON.stringify(payload));
  // Until the response starts, poll: `ready` decides from the model's side.
  while (!request.destroyed) {
    check();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
