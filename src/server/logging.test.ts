import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, disconnectDuring } from './test-app.ts';

const model = 'scripted-test-model';
const secret = 'PATIENT-Jane-Roe-MRN-0042';

interface RequestLine {
  event: string;
  route: string;
  status: number;
  durationMs: number;
  promptTokens?: number;
  completionTokens?: number;
  errorCode?: string;
}

const requestLines = (lines: string[]): RequestLine[] =>
  lines.map((line) => JSON.parse(line) as RequestLine).filter((entry) => entry.event === 'http_request');

test('one log line per request with route, status, duration and tokens, and never the content', async () => {
  const { app, logLines } = buildTestApp({
    capabilities: { image: true },
    replies: [{ deltas: [`Findings for ${secret}`] }, { deltas: [secret] }, { deltas: [`not json ${secret}`] }],
  });
  const chat = (payload: unknown, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: `/v1/chat/completions?note=${secret}`, payload: payload as string, headers: { 'content-type': contentType } });
  const messages = [
    { role: 'system', content: `You assist with ${secret}.` },
    { role: 'user', content: `Summarise the chart of ${secret}` },
  ];

  const answers = [
    await chat({ model, messages }),
    await chat({ model, messages, stream: true }),
    await chat({ model, messages, response_format: { type: 'json_object' } }),
    await chat(`{"model": "${model}", "messages": [{"role": "user", "content": "${secret}"`),
    await chat({ model: secret, messages }),
    await chat({ model, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://x/${secret}.png` } }] }] }),
    await chat({ model, messages: [{ role: secret, content: secret }] }),
    await app.inject({ method: 'GET', url: `/${secret}` }),
  ];
  assert.deepEqual(
    answers.map((a) => a.statusCode),
    [200, 200, 422, 400, 404, 400, 400, 404],
  );
  assert.ok(answers[0]?.body.includes(secret), 'the client itself does get its answer');

  for (const line of logLines) assert.ok(!line.includes(secret), `log line leaks content: ${line}`);
  const lines = requestLines(logLines);
  assert.equal(lines.length, answers.length, 'exactly one line per request');
  const first = lines[0]!;
  assert.deepEqual(first, { ...first, route: '/v1/chat/completions', status: 200, promptTokens: 9, completionTokens: 1 });
  assert.equal(typeof first.durationMs, 'number');
  assert.equal(lines[1]?.completionTokens, 1);
  assert.equal(lines[2]?.errorCode, 'schema_violation');
  assert.equal(lines[3]?.errorCode, 'bad_request');
  assert.equal(lines[7]?.route, 'unmatched');
});

test('a client that leaves mid-stream is logged once, as 499', { timeout: 10_000 }, async () => {
  const { app, logLines, model: fake } = buildTestApp({ replies: [{ deltas: [secret], waitForAbort: true }] });
  try {
    await disconnectDuring(app, { model, messages: [{ role: 'user', content: secret }], stream: true }, (response) => response !== undefined);
    while (requestLines(logLines).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    await app.close();
  }
  assert.equal(fake.calls[0]?.options.signal?.aborted, true);
  const lines = requestLines(logLines);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.status, 499);
  for (const line of logLines) assert.ok(!line.includes(secret));
});
