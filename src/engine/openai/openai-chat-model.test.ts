/**
 * The backend against a real HTTP server on 127.0.0.1 replaying
 * recorded-style replies: streaming, JSON output, images, garbage, aborts
 * and timeouts. Pool behaviour (retries, failover, health) is in
 * upstream-pool.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError, type NorthstationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { ChatMessage } from '../chat-model.ts';
import { createOpenAiChatModel, type OpenAiChatModel } from './openai-chat-model.ts';
import type { OpenAiChatModelOptions } from './options.ts';
import { jsonReply, sseText, splitBytes, startTestUpstream, streamReply, type TestUpstream } from './test-upstream.ts';

const upstream = await startTestUpstream();
const host = new URL(upstream.baseUrl).host;
const logLines: string[] = [];
const models: OpenAiChatModel[] = [];
after(async () => {
  await Promise.all(models.map((model) => model.dispose()));
  await upstream.close();
});

/** A prompt marker that must never show up in errors or logs. */
const secret = 'PATIENT-JANE-DOE-1961';
const prompt: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: `Summarise: ${secret}` },
];

async function modelFor(target: TestUpstream, options: Partial<OpenAiChatModelOptions> = {}): Promise<OpenAiChatModel> {
  const model = await createOpenAiChatModel({
    baseUrl: target.baseUrl,
    model: 'medgemma-4b-it',
    healthCheckIntervalMs: 0,
    retries: 0,
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    ...options,
  });
  models.push(model);
  return model;
}

function lastRequest(): Record<string, unknown> {
  const request = upstream.chatRequests.at(-1);
  assert.ok(request, 'the server received a request');
  return request.body;
}

/** Asserts a NorthstationError of `code` that names the upstream and leaks no prompt text. */
function failsWith(code: string, pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isNorthstationError(error), `expected a NorthstationError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (code.startsWith('upstream')) assert.match(error.message, new RegExp(host.replace(/\./g, '\\.')));
    if (pattern) assert.match(error.message, pattern);
    assert.ok(!JSON.stringify({ message: error.message, details: error.details }).includes(secret), 'no prompt text in the error');
    return true;
  };
}

test('streams text cut at odd byte boundaries, with usage and timings', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(streamReply(['Pneumo', 'thorax ', 'ruled ', 'out ✓'], { usage: { prompt: 21, completion: 4, cached: 16 }, chunkBytes: 7 }));
  const deltas: string[] = [];
  const result = await model.generate(prompt, { onTextDelta: (delta) => deltas.push(delta), seed: 7, stop: ['\n\n'] });
  assert.equal(result.text, 'Pneumothorax ruled out ✓');
  assert.deepEqual(deltas, ['Pneumo', 'thorax ', 'ruled ', 'out ✓']);
  assert.equal(result.finishReason, 'stop');
  assert.deepEqual(result.usage, { promptTokens: 21, completionTokens: 4, cachedPromptTokens: 16 });
  assert.ok(result.timings.timeToFirstTokenMs > 0 && result.timings.timeToFirstTokenMs <= result.timings.totalMs);
  assert.ok(result.timings.decodeTokensPerSecond >= 0);
  assert.equal(result.parsed, undefined);

  const body = lastRequest();
  assert.equal(body.model, 'medgemma-4b-it');
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(body.max_tokens, 512);
  assert.equal(body.temperature, 0);
  assert.equal(body.seed, 7);
  assert.deepEqual(body.stop, ['\n\n']);
  assert.deepEqual(body.messages, [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: `Summarise: ${secret}` },
  ]);
  assert.equal(body.response_format, undefined);
});

test('without a usage chunk, completion tokens are counted from the stream', async () => {
  const model = await modelFor(upstream, { streamUsage: false });
  upstream.enqueue(streamReply(['a', 'b', 'c'], { chunkBytes: 3 }));
  const result = await model.generate(prompt);
  assert.equal(lastRequest().stream_options, undefined);
  assert.deepEqual(result.usage, { promptTokens: 0, completionTokens: 3, cachedPromptTokens: 0 });
});

test('non-streaming mode sends stream: false and reads one JSON reply', async () => {
  const model = await modelFor(upstream, { stream: false });
  upstream.enqueue(jsonReply('No acute findings.', 'stop', { prompt: 30, completion: 5 }));
  const deltas: string[] = [];
  const result = await model.generate(prompt, { onTextDelta: (delta) => deltas.push(delta) });
  assert.equal(lastRequest().stream, false);
  assert.equal(result.text, 'No acute findings.');
  assert.deepEqual(deltas, ['No acute findings.']);
  assert.deepEqual(result.usage, { promptTokens: 30, completionTokens: 5, cachedPromptTokens: 0 });
});

test('a server that ignores stream: true and answers JSON is understood', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(jsonReply('Whole answer', 'length'));
  const result = await model.generate(prompt);
  assert.equal(result.text, 'Whole answer');
  assert.equal(result.finishReason, 'length');
});

const findingSchema = {
  title: 'finding v1',
  type: 'object',
  properties: { severity: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['severity'],
  additionalProperties: false,
};

test('a JSON schema is sent as response_format and the output is parsed', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(streamReply(['{"sever', 'ity": 2}'], { chunkBytes: 5 }));
  const result = await model.generate(prompt, { jsonSchema: findingSchema });
  assert.deepEqual(result.parsed, { severity: 2 });
  assert.deepEqual(lastRequest().response_format, {
    type: 'json_schema',
    json_schema: { name: 'finding_v1', schema: findingSchema, strict: true },
  });
});

test('output that ignores the schema is a schema_violation keeping the raw text', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(streamReply(['Severity is ', 'moderate.']));
  await assert.rejects(model.generate(prompt, { jsonSchema: findingSchema }), (error: NorthstationError) => {
    assert.equal(error.code, 'schema_violation');
    assert.equal(error.details.rawText, 'Severity is moderate.');
    return true;
  });
  upstream.enqueue(streamReply(['{"severity": 9}']));
  await assert.rejects(model.generate(prompt, { jsonSchema: findingSchema }), /must be <= 5/);
});

test('a model declared without JSON-schema support gets no response_format but is still validated', async () => {
  const model = await modelFor(upstream, { jsonSchema: false });
  upstream.enqueue(streamReply(['{"severity": 3}']));
  const result = await model.generate(prompt, { jsonSchema: findingSchema });
  assert.equal(lastRequest().response_format, undefined);
  assert.deepEqual(result.parsed, { severity: 3 });
});

test('images are sent as image_url parts with data URIs', async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
  const model = await modelFor(upstream, { image: true });
  assert.equal(model.capabilities.image, true);
  await model.generate([
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Describe both.' },
        { type: 'image', data: png, mimeType: 'image/png' },
        { type: 'image', data: jpeg.subarray(1, 3), mimeType: 'image/jpeg' },
      ],
    },
  ]);
  assert.deepEqual(lastRequest().messages, [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Describe both.' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } },
        { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${Buffer.from([0xd8, 0xff]).toString('base64')}` } },
      ],
    },
  ]);
});

test('images for a text-only model are refused before any request', async () => {
  const model = await modelFor(upstream);
  const before = upstream.chatRequests.length;
  await assert.rejects(
    model.generate([{ role: 'user', content: [{ type: 'image', data: new Uint8Array([1]), mimeType: 'image/png' }] }]),
    failsWith('unsupported'),
  );
  assert.equal(upstream.chatRequests.length, before);
});

test('an HTML page with status 200 is an upstream_error naming the host', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue({ kind: 'raw', status: 200, contentType: 'text/html', body: '<html>Login required</html>' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /content type "text\/html"/));
});

test('an HTML 502 from a proxy is an upstream_error with the status', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue({ kind: 'raw', status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /HTTP 502/));
});

test('a 400 echoing the prompt does not leak it into the error', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue({ kind: 'json', status: 400, body: { error: { message: `bad input: ${secret}`, type: 'BadRequestError', code: 400 } } });
  await assert.rejects(model.generate(prompt), failsWith('bad_request', /HTTP 400 \(400\)/));
});

test('garbage stream events, JSON of the wrong shape and a non-JSON body are upstream errors', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue({ kind: 'stream', chunks: ['data: {"choices": [{"delta": {"content": "ok"}}]}\n\n', 'data: <html>oops\n\n'] });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /not JSON/));
  upstream.enqueue({ kind: 'stream', chunks: ['data: {"object": "something else"}\n\n'] });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /not a chat-completion chunk/));
  upstream.enqueue({ kind: 'raw', status: 200, contentType: 'application/json', body: 'not json {' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /not JSON/));
  upstream.enqueue({ kind: 'stream', chunks: ['data: {"error": {"message": "CUDA out of memory", "type": "server_error"}}\n\n'] });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /server_error/));
});

test('a stream that ends or is cut before finishing is an upstream_error', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(streamReply(['half an ans'], { finishReason: null, done: false }));
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /before the reply was finished/));
  upstream.enqueue({ kind: 'stream', chunks: [sseText(['half'], { finishReason: null, done: false })], then: 'destroy' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /closed the connection mid-stream/));
});

test('an unknown finish reason is an upstream_error', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue(streamReply(['x'], { finishReason: 'content_filter' }));
  await assert.rejects(model.generate(prompt), failsWith('upstream_error', /content_filter/));
});

test('aborting mid-stream rejects with aborted and closes the server-side request', async () => {
  const model = await modelFor(upstream);
  upstream.enqueue({ kind: 'stream', chunks: splitBytes(sseText(['first '], { finishReason: null, done: false }), 9), then: 'hang' });
  const controller = new AbortController();
  const call = model.generate(prompt, {
    signal: controller.signal,
    onTextDelta: () => {
      controller.abort();
    },
  });
  await assert.rejects(call, failsWith('aborted'));
  const request = upstream.chatRequests.at(-1);
  assert.ok(request);
  await request.closed; // the server saw the socket close: its slot is free
  assert.deepEqual(model.poolStatus().map((entry) => entry.inFlight), [0]);
  assert.equal(model.poolStatus()[0]?.healthy, true, 'an abort is not the upstream’s fault');
});

test('an already-aborted signal sends nothing', async () => {
  const model = await modelFor(upstream);
  const before = upstream.chatRequests.length;
  await assert.rejects(model.generate(prompt, { signal: AbortSignal.abort() }), failsWith('aborted'));
  assert.equal(upstream.chatRequests.length, before);
});

test('no first token in time is an upstream_timeout', async () => {
  const model = await modelFor(upstream, { firstTokenTimeoutMs: 150 });
  upstream.enqueue({ kind: 'hang' });
  const started = performance.now();
  await assert.rejects(model.generate(prompt), failsWith('upstream_timeout', /first token within 150 ms/));
  assert.ok(performance.now() - started < 1000);
  await upstream.chatRequests.at(-1)?.closed;
});

test('a role-only chunk does not count as the first token', async () => {
  const model = await modelFor(upstream, { firstTokenTimeoutMs: 150 });
  upstream.enqueue({ kind: 'stream', chunks: [sseText([], { finishReason: null, done: false })], then: 'hang' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_timeout', /first token/));
});

test('silence between chunks after the first token is an upstream_timeout', async () => {
  const model = await modelFor(upstream, { idleTimeoutMs: 100 });
  upstream.enqueue({ kind: 'stream', chunks: [sseText(['started'], { finishReason: null, done: false })], then: 'hang' });
  await assert.rejects(model.generate(prompt), failsWith('upstream_timeout', /stream data within 100 ms/));
});

test('the total timeout bounds the whole call', async () => {
  const model = await modelFor(upstream, { totalTimeoutMs: 150, retries: 3 });
  upstream.enqueue({ kind: 'stream', chunks: splitBytes(sseText(['slow ', 'slow ', 'slow ', 'slow ']), 40), delayMs: 60 });
  await assert.rejects(model.generate(prompt), failsWith('upstream_timeout', /total timeout/));
});

test('logs carry hosts and codes, never prompt text', () => {
  assert.ok(logLines.some((line) => line.includes('openai.attempt_failed')));
  assert.ok(!logLines.some((line) => line.includes(secret)));
});
