/**
 * Northstation as a gateway in front of site servers: the OpenAI-compatible
 * backend pointed at (a) another Northstation serving the tiny model through
 * real llama.cpp, (b) upstreams that hang or answer garbage. A bad upstream
 * gets a clear error naming the problem, and the gateway keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../core/log.ts';
import { loadTinyChatModel } from '../engine/llama/test-tiny-llama.ts';
import { createOpenAiChatModel } from '../engine/openai/index.ts';
import { startTestUpstream, type TestUpstream } from '../engine/openai/test-upstream.ts';
import { buildOpenAiApp } from './app.ts';
import { startServer, type RunningServer } from './listen.ts';

const chat = (url: string, body: Record<string, unknown>): Promise<Response> =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('gateway to another Northstation running llama.cpp', () => {
  let site: RunningServer;
  let gateway: RunningServer;

  before(async () => {
    const tiny = await loadTinyChatModel({ id: 'tiny' });
    site = await startServer({ app: buildOpenAiApp({ model: tiny, logger: silentLogger }), port: 0, logger: silentLogger, shutdownSignals: [] });
    const upstreamModel = await createOpenAiChatModel({ baseUrl: `${site.url}/v1`, model: 'tiny', id: 'gateway-tiny' });
    gateway = await startServer({ app: buildOpenAiApp({ model: upstreamModel, logger: silentLogger }), port: 0, logger: silentLogger, shutdownSignals: [] });
  });
  after(async () => {
    await gateway.close();
    await site.close();
  });

  test('a streamed completion passes through with its token count', async () => {
    const response = await chat(gateway.url, { model: 'gateway-tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6, stream: true, stream_options: { include_usage: true } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /"completion_tokens":6/);
    assert.match(text, /data: \[DONE\]/);
  });

  test('a JSON schema is enforced end to end', async () => {
    const schema = { type: 'object', properties: { urgent: { type: 'boolean' } }, required: ['urgent'], additionalProperties: false };
    const response = await chat(gateway.url, {
      model: 'gateway-tiny',
      messages: [{ role: 'user', content: 'Urgent?' }],
      max_tokens: 32,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.equal(typeof (JSON.parse(body.choices[0]!.message.content) as { urgent: unknown }).urgent, 'boolean');
  });

  test('/health lists the upstream as healthy', async () => {
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as { status: string; upstreams: { url: string; healthy: boolean }[] };
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.upstreams.map((u) => [u.url, u.healthy]), [[`${site.url}/v1`, true]]);
  });
});

describe('gateway to a misbehaving upstream', () => {
  let upstream: TestUpstream;
  let gateway: RunningServer;

  before(async () => {
    upstream = await startTestUpstream();
    const model = await createOpenAiChatModel({ baseUrl: upstream.baseUrl, model: 'test-model', retries: 0, firstTokenTimeoutMs: 300, healthCheckIntervalMs: 0 });
    gateway = await startServer({ app: buildOpenAiApp({ model, logger: silentLogger }), port: 0, logger: silentLogger, shutdownSignals: [] });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const request = { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 };

  test('garbage gets 502 naming the upstream, and the next request is served', async () => {
    upstream.enqueue({ kind: 'raw', status: 200, contentType: 'text/html', body: '<html>proxy error</html>' });
    const bad = await chat(gateway.url, request);
    assert.equal(bad.status, 502);
    const error = ((await bad.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'upstream_error');
    assert.match(error.message, /127\.0\.0\.1/);

    const good = await chat(gateway.url, request);
    assert.equal(good.status, 200);
    assert.equal(((await good.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content, 'Hello world');
  });

  test('a hanging upstream gets 504 after the first-token timeout, and the next request is served', async () => {
    upstream.enqueue({ kind: 'hang' });
    const started = Date.now();
    const hung = await chat(gateway.url, request);
    assert.equal(hung.status, 504);
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await chat(gateway.url, request)).status, 200);
  });

  test('/health answers 503 while the only upstream fails its health check', async () => {
    upstream.healthStatus = 500;
    upstream.enqueue({ kind: 'raw', status: 500, contentType: 'text/plain', body: 'down' });
    await chat(gateway.url, request); // a failed request marks the upstream unhealthy
    const health = await fetch(`${gateway.url}/health`);
    assert.equal(health.status, 503);
    const body = (await health.json()) as { status: string; upstreams: { healthy: boolean }[] };
    assert.equal(body.status, 'unavailable');
    assert.equal(body.upstreams[0]?.healthy, false);
    upstream.healthStatus = 200;
  });
});
