import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { listensOnAllInterfaces, startServer } from './listen.ts';
import { buildTestApp } from './test-app.ts';

const model = 'scripted-test-model';

test('listens on 127.0.0.1 by default and serves', async () => {
  const { app, logger } = buildTestApp();
  const server = await startServer({ app, port: 0, logger, shutdownSignals: [] });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
  } finally {
    await server.close();
  }
});

test('SIGTERM aborts running generations, stops listening and disposes the model', { timeout: 10_000 }, async () => {
  const { app, model: fake, logger, logLines } = buildTestApp({ replies: [{ deltas: ['partial'], waitForAbort: true }] });
  const listenersBefore = process.listenerCount('SIGTERM');
  const server = await startServer({ app, port: 0, logger });
  assert.equal(process.listenerCount('SIGTERM'), listenersBefore + 1);

  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });
  assert.equal(res.status, 200);
  process.emit('SIGTERM', 'SIGTERM');
  const body = await res.text();

  assert.match(body, /"code":"overloaded"/, 'the stream ends with a shutdown error event');
  assert.equal(fake.calls[0]?.options.signal?.aborted, true);
  await server.close();
  assert.equal(fake.disposed, true);
  assert.equal(process.listenerCount('SIGTERM'), listenersBefore, 'handlers are gone, so a second signal exits at once');
  await assert.rejects(fetch(`${server.url}/health`));
  assert.ok(logLines.some((line) => line.includes('"event":"server_shutdown"')));
});

test('closing does not wait on idle or unused client connections', { timeout: 10_000 }, async () => {
  const { app, logger } = buildTestApp();
  const server = await startServer({ app, port: 0, logger, shutdownSignals: [] });
  const { port } = new URL(server.url);
  // A connection that never sends a request: Node's close() alone would wait for its header timeout.
  const unused = connect(Number(port), '127.0.0.1');
  unused.on('error', () => undefined);
  await new Promise((resolve) => unused.once('connect', resolve));
  await fetch(`${server.url}/health`); // leaves a keep-alive connection behind
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 2000, 'close finished promptly');
  unused.destroy();
});

test('wildcard hosts are recognised for the exposure warning', () => {
  for (const host of ['0.0.0.0', '::', '[::]']) assert.equal(listensOnAllInterfaces(host), true, host);
  for (const host of ['127.0.0.1', '::1', 'localhost', '10.1.2.3']) assert.equal(listensOnAllInterfaces(host), false, host);
});
