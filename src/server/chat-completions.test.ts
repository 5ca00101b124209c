import { test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { NorthstationError } from '../core/errors.ts';
import type { OpenAiErrorBody } from './errors.ts';
import { syntheticFingerprint } from './openai-shapes.ts';
import { buildTestApp, disconnectDuring, parseSse } from './test-app.ts';
import { defaultDeltas } from './test-model.ts';

type Completion = OpenAI.Chat.ChatCompletion;
type Chunk = OpenAI.Chat.ChatCompletionChunk;

const model = 'scripted-test-model';
const hello = [{ role: 'user', content: 'Hello?' }];
const post = (payload: object) => ({ method: 'POST' as const, url: '/v1/chat/completions', payload });

test('non-streaming answers in the chat.completion shape with usage', async () => {
  const { app, model: fake } = buildTestApp();
  const res = await app.inject(post({ model, messages: hello }));
  assert.equal(res.statusCode, 200);
  const body = res.json<Completion>();
  assert.match(body.id, /^chatcmpl-/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, model);
  const choice = body.choices[0]!;
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content, defaultDeltas.join(''));
  assert.equal(choice.finish_reason, 'stop');
  assert.deepEqual(body.usage, { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0 } });
  assert.deepEqual(fake.calls[0]?.messages, [{ role: 'user', content: 'Hello?' }]);
});

test('a synthetic model marks every response and every streamed chunk', async () => {
  const { app } = buildTestApp({ synthetic: true });
  const plain = await app.inject(post({ model, messages: hello }));
  assert.equal(plain.json<{ system_fingerprint: string }>().system_fingerprint, syntheticFingerprint);
  const streamed = await app.inject(post({ model, messages: hello, stream: true }));
  const chunks = parseSse(streamed.body).filter((event) => event !== '[DONE]') as { system_fingerprint: string }[];
  assert.ok(chunks.length > 1);
  for (const chunk of chunks) assert.equal(chunk.system_fingerprint, syntheticFingerprint);

  const real = buildTestApp({ synthetic: false });
  const answer = await real.app.inject(post({ model, messages: hello }));
  assert.equal(answer.json<{ system_fingerprint: string }>().system_fingerprint, 'northstation');
});

test('sampling options and message forms reach the model', async () => {
  const { app, model: fake } = buildTestApp();
  const res = await app.inject(
    post({
      model,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be ' }, { type: 'text', text: 'brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Again' },
      ],
      max_tokens: 9,
      max_completion_tokens: 7,
      temperature: 0.5,
      seed: 42,
      stop: '\n\n',
    }),
  );
  assert.equal(res.statusCode, 200);
  const { messages, options } = fake.calls[0]!;
  assert.deepEqual(messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'Again' },
  ]);
  assert.equal(options.maxTokens, 7, 'max_completion_tokens wins over the deprecated max_tokens');
  assert.equal(options.temperature, 0.5);
  assert.equal(options.seed, 42);
  assert.deepEqual(options.stop, ['\n\n']);
  assert.equal(options.jsonSchema, undefined);
  assert.ok(options.signal instanceof AbortSignal);

  await app.inject(post({ model, messages: hello, max_tokens: 2, stop: ['a', 'b'] }));
  const second = fake.calls[1]!.options;
  assert.equal(second.maxTokens, 2);
  assert.deepEqual(second.stop, ['a', 'b']);
});

test('a generation cut by max_tokens finishes with length', async () => {
  const { app } = buildTestApp();
  const choice = (await app.inject(post({ model, messages: hello, max_tokens: 2 }))).json<Completion>().choices[0]!;
  assert.equal(choice.message.content, 'Hello from');
  assert.equal(choice.finish_reason, 'length');
});

test('streaming sends chat.completion.chunk events, a finish_reason, then [DONE]', async () => {
  const { app } = buildTestApp({ replies: [{ deltas: ['A', 'B'] }] });
  const res = await app.inject(post({ model, messages: hello, stream: true }));
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  const events = parseSse(res.body);
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1) as Chunk[];
  assert.deepEqual(
    chunks.map((c) => [c.choices[0]?.delta, c.choices[0]?.finish_reason]),
    [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'A' }, null],
      [{ content: 'B' }, null],
      [{}, 'stop'],
    ],
  );
  for (const chunk of chunks) {
    assert.deepEqual([chunk.object, chunk.id, chunk.model, 'usage' in chunk], ['chat.completion.chunk', chunks[0]!.id, model, false]);
  }
});

test('stream_options.include_usage adds a final usage chunk', async () => {
  const { app } = buildTestApp({ replies: [{ deltas: ['A', 'B', 'C'] }] });
  const res = await app.inject(post({ model, messages: hello, stream: true, stream_options: { include_usage: true } }));
  const events = parseSse(res.body);
  assert.equal(events.at(-1), '[DONE]');
  const usage = events.at(-2) as Chunk;
  assert.deepEqual(usage.choices, []);
  assert.deepEqual(usage.usage, { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4, prompt_tokens_details: { cached_tokens: 0 } });
  assert.ok((events.slice(0, -2) as Chunk[]).every((c) => c.usage === null));
});

test('a stream whose model produces no text still has a role chunk and a finish', async () => {
  const { app } = buildTestApp({ replies: [{ deltas: [] }] });
  const events = parseSse((await app.inject(post({ model, messages: hello, stream: true }))).body);
  assert.deepEqual(
    (events.slice(0, -1) as Chunk[]).map((c) => c.choices[0]?.finish_reason),
    [null, 'stop'],
  );
});

test('json_schema and json_object response formats pass a schema to the model', async () => {
  const schema = { type: 'object', properties: { level: { type: 'integer' } }, required: ['level'] };
  const { app, model: fake } = buildTestApp({ replies: [{ deltas: ['{"level":', ' 3}'] }, { deltas: ['{}'] }] });
  const res = await app.inject(
    post({ model, messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'triage', schema, strict: true } } }),
  );
  assert.equal(res.statusCode, 200);
  assert.deepEqual(fake.calls[0]?.options.jsonSchema, schema);
  assert.deepEqual(JSON.parse(res.json<Completion>().choices[0]?.message.content ?? ''), { level: 3 });

  const stream = await app.inject(post({ model, messages: hello, stream: true, response_format: { type: 'json_object' } }));
  assert.equal(stream.statusCode, 200);
  assert.deepEqual(fake.calls[1]?.options.jsonSchema, { type: 'object' });
});

test('an invalid JSON schema, or a model without JSON support, is a 400 before the model runs', async () => {
  const { app, model: fake } = buildTestApp();
  const bad = await app.inject(
    post({ model, messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'nonsense' } } } }),
  );
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<OpenAiErrorBody>().error.param, 'response_format.json_schema.schema');

  const { app: plain } = buildTestApp({ capabilities: { jsonSchema: false } });
  const refused = await plain.inject(post({ model, messages: hello, response_format: { type: 'json_object' } }));
  assert.equal(refused.statusCode, 400);
  assert.equal(fake.calls.length, 0);
});

test('a model error is answered in OpenAI shape and the server keeps serving', async () => {
  const { app } = buildTestApp({
    replies: [{ deltas: ['not json'] }, { error: new NorthstationError('upstream_error', 'site server failed') }, {}],
  });
  const violation = await app.inject(post({ model, messages: hello, response_format: { type: 'json_object' } }));
  assert.equal(violation.statusCode, 422);
  assert.equal(violation.json<OpenAiErrorBody>().error.code, 'schema_violation');
  assert.equal(violation.json<OpenAiErrorBody>().error.type, 'server_error');

  const upstream = await app.inject(post({ model, messages: hello }));
  assert.equal(upstream.statusCode, 502);
  assert.deepEqual(upstream.json(), { error: { message: 'site server failed', type: 'server_error', code: 'upstream_error', param: null } });

  const next = await app.inject(post({ model, messages: hello }));
  assert.equal(next.statusCode, 200);
});

test('a stream that fails before any text answers with the real status; after text, with an error event', async () => {
  const { app } = buildTestApp({
    replies: [
      { deltas: [], error: new NorthstationError('upstream_timeout', 'site server timed out') },
      { deltas: ['partial'], error: new NorthstationError('upstream_error', 'site server failed') },
      {},
    ],
  });
  const early = await app.inject(post({ model, messages: hello, stream: true }));
  assert.equal(early.statusCode, 504);
  assert.equal(early.json<OpenAiErrorBody>().error.code, 'upstream_timeout');

  const late = await app.inject(post({ model, messages: hello, stream: true }));
  assert.equal(late.statusCode, 200);
  const events = parseSse(late.body);
  assert.deepEqual(events.at(-1), { error: { message: 'site server failed', type: 'server_error', code: 'upstream_error', param: null } });
  assert.ok(!events.includes('[DONE]'));

  assert.equal((await app.inject(post({ model, messages: hello, stream: true }))).statusCode, 200);
});

test('data: URI images reach the model as bytes; remote URLs and text-only models are refused', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7]);
  const withImage = (url: string) => [
    { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }] },
  ];
  const { app, model: fake } = buildTestApp({ capabilities: { image: true } });
  const ok = await app.inject(post({ model, messages: withImage(`data:image/png;base64,${png.toString('base64')}`) }));
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(fake.calls[0]?.messages[0]?.content, [
    { type: 'text', text: 'What is this?' },
    { type: 'image', data: new Uint8Array(png), mimeType: 'image/png' },
  ]);

  const remote = await app.inject(post({ model, messages: withImage('https://example.org/scan.png') }));
  assert.equal(remote.statusCode, 400);
  assert.match(remote.json<OpenAiErrorBody>().error.message, /never fetches/);
  assert.equal(remote.json<OpenAiErrorBody>().error.param, 'messages[0].content[1].image_url.url');

  const { app: textOnly } = buildTestApp();
  const refused = await textOnly.inject(post({ model, messages: withImage(`data:image/png;base64,${png.toString('base64')}`) }));
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json<OpenAiErrorBody>().error.message, /does not accept images/);
  assert.equal(fake.calls.length, 1);
});

test('invalid requests are 400s in OpenAI shape naming the parameter', async () => {
  const { app, model: fake } = buildTestApp();
  const cases: [string, object, string | null][] = [
    ['messages not an array', { model, messages: 'hi' }, 'messages'],
    ['empty messages', { model, messages: [] }, 'messages'],
    ['unknown role', { model, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
    ['content of wrong type', { model, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['negative max_tokens', { model, messages: hello, max_tokens: -1 }, 'max_tokens'],
    ['fractional max_completion_tokens', { model, messages: hello, max_completion_tokens: 1.5 }, 'max_completion_tokens'],
    ['temperature out of range', { model, messages: hello, temperature: 3 }, 'temperature'],
    ['stream not boolean', { model, messages: hello, stream: 'yes' }, 'stream'],
    ['stop of wrong type', { model, messages: hello, stop: 4 }, 'stop'],
    ['n above 1', { model, messages: hello, n: 2 }, 'n'],
    ['unknown response format', { model, messages: hello, response_format: { type: 'yaml' } }, 'response_format.type'],
    ['missing model', { messages: hello }, 'model'],
  ];
  for (const [name, payload, param] of cases) {
    const res = await app.inject(post(payload));
    assert.equal(res.statusCode, 400, name);
    const { error } = res.json<OpenAiErrorBody>();
    assert.equal(error.type, 'invalid_request_error', name);
    assert.equal(error.code, 'bad_request', name);
    assert.equal(error.param, param, name);
    assert.ok(error.message.length > 0, name);
  }
  assert.equal(fake.calls.length, 0);
});

test('another model id is a 404; unknown OpenAI fields are ignored', async () => {
  const { app } = buildTestApp();
  const other = await app.inject(post({ model: 'gpt-4o', messages: hello }));
  assert.equal(other.statusCode, 404);
  assert.equal(other.json<OpenAiErrorBody>().error.param, 'model');

  const extra = await app.inject(post({ model, messages: [{ role: 'user', content: 'x', name: 'nurse' }], top_p: 0.9, user: 'u1', metadata: {} }));
  assert.equal(extra.statusCode, 200);
});

test('malformed, empty, non-JSON and oversized bodies are OpenAI-shaped errors', async () => {
  const { app } = buildTestApp({ limits: { bodyLimitBytes: 1024 } });
  const send = (payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/chat/completions', payload, headers: { 'content-type': contentType } });

  const malformed = await send('{"model": ');
  assert.equal(malformed.statusCode, 400);
  assert.deepEqual(malformed.json(), { error: { message: 'request body is not valid JSON', type: 'invalid_request_error', code: 'bad_request', param: null } });
  assert.equal((await send('')).statusCode, 400);
  assert.equal((await send('model=x', 'application/x-www-form-urlencoded')).json<OpenAiErrorBody>().error.code, 'bad_request');

  const huge = await send(JSON.stringify({ model, messages: [{ role: 'user', content: 'x'.repeat(2048) }] }));
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json<OpenAiErrorBody>().error.code, 'payload_too_large');
});

test('requests beyond maxQueuedRequests get 503 overloaded', async () => {
  const release = Promise.withResolvers<undefined>();
  const { app, model: fake } = buildTestApp({ limits: { maxQueuedRequests: 1 }, replies: [{ holdUntil: release.promise }] });
  const held = app.inject(post({ model, messages: hello }));
  while (fake.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));

  const refused = await app.inject(post({ model, messages: hello }));
  assert.equal(refused.statusCode, 503);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.json<OpenAiErrorBody>().error.code, 'overloaded');
  assert.equal(fake.calls.length, 1, 'the refused request never reached the model');

  release.resolve(undefined);
  assert.equal((await held).statusCode, 200);
  assert.equal((await app.inject(post({ model, messages: hello }))).statusCode, 200, 'the slot frees when the generation ends');
});

for (const stream of [true, false]) {
  test(`a client that disconnects ${stream ? 'mid-stream' : 'while waiting'} aborts the generation at once`, { timeout: 10_000 }, async () => {
    const { app, model: fake } = buildTestApp({ replies: [{ deltas: ['first'], waitForAbort: true }] });
    try {
      // Streaming: leave after the first text arrives. Non-streaming: leave once the model is running.
      await disconnectDuring(app, { model, messages: hello, stream }, (response) => (stream ? response !== undefined : fake.calls.length > 0));
      const signal = fake.calls[0]?.options.signal;
      assert.ok(signal);
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
      assert.equal(signal.aborted, true);
    } finally {
      await app.close();
    }
  });
}
