/**
 * Retries, failover, health checks and the allow-list at construction,
 * against real HTTP servers on 127.0.0.1.
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNorthstationError } from '../../core/errors.ts';
import type { ChatMessage } from '../chat-model.ts';
import { createOpenAiChatModel, type OpenAiChatModel } from './openai-chat-model.ts';
import type { OpenAiChatModelOptions } from './options.ts';
import { sseText, startTestUpstream, streamReply, type TestUpstream } from './test-upstream.ts';

const prompt: ChatMessage[] = [{ role: 'user', content: 'Is this film normal?' }];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function upstreams(count: number): Promise<TestUpstream[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startTestUpstream()));
  for (const upstream of started) cleanups.push(() => upstream.close());
  return started;
}

async function modelFor(targets: readonly string[], options: Partial<OpenAiChatModelOptions> = {}): Promise<OpenAiChatModel> {
  const model = await createOpenAiChatModel({
    baseUrl: targets,
    model: 'medgemma-4b-it',
    healthCheckIntervalMs: 0,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...options,
  });
  cleanups.push(() => model.dispose());
  return model;
}

/** A base URL on which nothing listens: connections are refused. */
async function deadBaseUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return `http://127.0.0.1:${port}/v1`;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const until = performance.now() + 2000;
  while (!check()) {
    if (performance.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const fail500 = { kind: 'json', status: 500, body: { error: { message: 'engine crashed', type: 'InternalServerError' } } } as const;

test('a 500 before the first token is retried, and the retry answers', async () => {
  const [server] = await upstreams(1);
  const model = await modelFor([server!.baseUrl], { retries: 2 });
  server!.enqueue(fail500);
  const result = await model.generate(prompt);
  assert.equal(result.text, 'Hello world');
  assert.equal(server!.chatRequests.length, 2);
});

test('429 is retried after Retry-After; giving up reports overloaded', async () => {
  const [server] = await upstreams(1);
  const model = await modelFor([server!.baseUrl], { retries: 1 });
  server!.enqueue({ kind: 'json', status: 429, headers: { 'retry-after': '0' }, body: { error: 'busy' } });
  assert.equal((await model.generate(prompt)).text, 'Hello world');
  server!.enqueue({ kind: 'json', status: 429, body: {} }, { kind: 'json', status: 429, body: {} });
  await assert.rejects(model.generate(prompt), (error) => isNorthstationError(error, 'overloaded'));
  assert.equal(model.poolStatus()[0]?.healthy, true, 'a busy upstream is not an unhealthy one');
});

test('a 4xx is not retried', async () => {
  const [server] = await upstreams(1);
  const model = await modelFor([server!.baseUrl], { retries: 3 });
  server!.enqueue({ kind: 'json', status: 404, body: { error: { message: 'model not found' } } });
  await assert.rejects(model.generate(prompt), (error) => isNorthstationError(error, 'upstream_error') && /HTTP 404/.test(error.message));
  assert.equal(server!.chatRequests.length, 1);
});

test('after the first token, a failure is final: streamed text is never duplicated', async () => {
  const [server] = await upstreams(1);
  const model = await modelFor([server!.baseUrl], { retries: 3 });
  server!.enqueue({ kind: 'stream', chunks: [sseText(['Hel'], { finishReason: null, done: false })], then: 'destroy' });
  const deltas: string[] = [];
  await assert.rejects(model.generate(prompt, { onTextDelta: (delta) => deltas.push(delta) }), (error) =>
    isNorthstationError(error, 'upstream_error'),
  );
  assert.deepEqual(deltas, ['Hel']);
  assert.equal(server!.chatRequests.length, 1);
});

test('a timeout before the first token fails over to the next upstream', async () => {
  const [slow, fast] = await upstreams(2);
  const model = await modelFor([slow!.baseUrl, fast!.baseUrl], { retries: 1, firstTokenTimeoutMs: 100, balance: 'round-robin' });
  slow!.enqueue({ kind: 'hang' });
  const result = await model.generate(prompt);
  assert.equal(result.text, 'Hello world');
  assert.equal(slow!.chatRequests.length, 1);
  assert.equal(fast!.chatRequests.length, 1);
  assert.ok(result.timings.timeToFirstTokenMs >= 100, 'time to first token counts from the call, failover included');
});

test('a refused connection fails over, marks the upstream unhealthy, and later requests avoid it', async () => {
  const dead = await deadBaseUrl();
  const [live] = await upstreams(1);
  const model = await modelFor([dead, live!.baseUrl], { retries: 1, balance: 'round-robin' });
  assert.equal((await model.generate(prompt)).text, 'Hello world');
  const [deadStatus, liveStatus] = model.poolStatus();
  assert.equal(deadStatus?.healthy, false);
  assert.equal(deadStatus.lastErrorCode, 'upstream_error');
  assert.equal(liveStatus?.healthy, true);
  await model.generate(prompt);
  await model.generate(prompt);
  assert.equal(live!.chatRequests.length, 3);
});

test('an unhealthy upstream recovers when its health check passes', async () => {
  const [a, b] = await upstreams(2);
  const model = await modelFor([a!.baseUrl, b!.baseUrl], { retries: 1, balance: 'round-robin' });
  a!.healthStatus = 503;
  a!.enqueue(fail500);
  await model.generate(prompt); // a fails, b answers
  await eventually(() => a!.healthChecks > 0, 'the check that follows a failure');
  assert.equal(model.poolStatus()[0]?.healthy, false);
  await model.generate(prompt);
  assert.equal(a!.chatRequests.length, 1, 'an unhealthy upstream gets no traffic while a healthy one remains');

  a!.healthStatus = 200;
  const status = await model.checkHealth();
  assert.equal(status[0]?.healthy, true);
  assert.equal(status[0].lastErrorCode, 'upstream_error', 'the last error stays visible');
  assert.ok(status[0].lastCheckedAt);
  await model.generate(prompt);
  await model.generate(prompt);
  assert.equal(a!.chatRequests.length, 2, 'traffic returns to the recovered upstream');
});

test('periodic health checks find a down upstream and its recovery without any request', async () => {
  const [server] = await upstreams(1);
  server!.healthStatus = 503;
  const model = await modelFor([server!.baseUrl], { healthCheckIntervalMs: 30, healthCheckPath: '/health' });
  await eventually(() => model.poolStatus()[0]?.healthy === false, 'the upstream marked down');
  server!.healthStatus = 200;
  await eventually(() => model.poolStatus()[0]?.healthy === true, 'the upstream marked up');
  assert.equal(server!.chatRequests.length, 0);
});

test('healthy upstreams share the load; in-flight requests are counted', async () => {
  const [a, b] = await upstreams(2);
  const model = await modelFor([a!.baseUrl, b!.baseUrl]);
  a!.enqueue({ kind: 'stream', chunks: [sseText(['held'], { finishReason: null, done: false })], then: 'hang' });
  const controller = new AbortController();
  const held = model.generate(prompt, { signal: controller.signal });
  await eventually(() => a!.chatRequests.length === 1, 'the first request to reach a');
  assert.deepEqual(model.poolStatus().map((entry) => entry.inFlight), [1, 0]);
  // least-in-flight: while a is busy, b takes the work
  await model.generate(prompt);
  await model.generate(prompt);
  assert.equal(b!.chatRequests.length, 2);
  controller.abort();
  await assert.rejects(held, (error) => isNorthstationError(error, 'aborted'));
  assert.deepEqual(model.poolStatus().map((entry) => entry.inFlight), [0, 0]);
});

test('round-robin alternates between healthy upstreams', async () => {
  const [a, b] = await upstreams(2);
  const model = await modelFor([a!.baseUrl, b!.baseUrl], { balance: 'round-robin' });
  for (let i = 0; i < 4; i++) await model.generate(prompt);
  assert.deepEqual([a!.chatRequests.length, b!.chatRequests.length], [2, 2]);
});

test('all upstreams failing reports the last failure after the retries', async () => {
  const [a, b] = await upstreams(2);
  const model = await modelFor([a!.baseUrl, b!.baseUrl], { retries: 2 });
  for (const server of [a!, b!]) server.enqueue(fail500, fail500);
  await assert.rejects(model.generate(prompt), (error) => isNorthstationError(error, 'upstream_error') && /HTTP 500/.test(error.message));
  assert.equal(a!.chatRequests.length + b!.chatRequests.length, 3);
});

/** Counts client sockets this process opens while `run` runs. */
async function socketsOpenedDuring(run: () => Promise<void>): Promise<number> {
  let opened = 0;
  const onSocket = (): void => {
    opened += 1;
  };
  diagnosticsChannel.subscribe('net.client.socket', onSocket);
  try {
    await run();
  } finally {
    diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
  }
  return opened;
}

test('a public upstream is refused at construction, before any connection', async () => {
  const [local] = await upstreams(1);
  const opened = await socketsOpenedDuring(async () => {
    await assert.rejects(
      createOpenAiChatModel({ baseUrl: [local!.baseUrl, 'http://8.8.8.8/v1'], model: 'm', healthCheckIntervalMs: 10 }),
      (error) =>
        isNorthstationError(error, 'upstream_refused') && /8\.8\.8\.8/.test(error.message) && /allowList/.test(error.message),
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a stray health check to show up
  });
  assert.equal(opened, 0);
  assert.equal(local!.healthChecks, 0, 'not even the allowed upstream was contacted');
});

test('loopback upstreams are accepted by default, by address and by name', async () => {
  const [server] = await upstreams(1);
  const port = new URL(server!.baseUrl).port;
  const model = await modelFor([`http://localhost:${port}/v1`]);
  // Also shows that socketsOpenedDuring sees connections when they happen.
  const opened = await socketsOpenedDuring(async () => {
    assert.equal((await model.generate(prompt)).text, 'Hello world');
  });
  assert.equal(opened, 1);
  assert.equal(model.info.backend, 'openai');
  assert.equal(model.info.synthetic, false);
});

test('a custom allow-list replaces the defaults', async () => {
  const [server] = await upstreams(1);
  await assert.rejects(
    createOpenAiChatModel({ baseUrl: server!.baseUrl, model: 'm', allowList: ['10.0.0.0/8'] }),
    (error) => isNorthstationError(error, 'upstream_refused'),
  );
  const model = await modelFor([server!.baseUrl], { allowList: ['127.0.0.1'] });
  server!.enqueue(streamReply(['ok']));
  assert.equal((await model.generate(prompt)).text, 'ok');
});

test('bad options are config errors', async () => {
  const cases: Partial<OpenAiChatModelOptions>[] = [
    { baseUrl: [] },
    { baseUrl: 'ftp://127.0.0.1/v1' },
    { baseUrl: 'http://user:secret@127.0.0.1/v1' },
    { model: '' },
    { firstTokenTimeoutMs: 0 },
    { retries: 1.5 },
    { healthCheckPath: 'health' },
  ];
  for (const overrides of cases) {
    await assert.rejects(
      createOpenAiChatModel({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', ...overrides }),
      (error) => isNorthstationError(error, 'config_invalid'),
      JSON.stringify(overrides),
    );
  }
});
