import { test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { OpenAiErrorBody } from './errors.ts';
import { prometheusContentType } from './metrics.ts';
import { buildTestApp } from './test-app.ts';

const model = 'scripted-test-model';

test('GET /v1/models lists the model in OpenAI shape with its synthetic flag', async () => {
  for (const synthetic of [true, false]) {
    const { app } = buildTestApp({ synthetic });
    const res = await app.inject({ method: 'GET', url: '/v1/models' });
    assert.equal(res.statusCode, 200);
    const body = res.json<{ object: 'list'; data: (OpenAI.Models.Model & { synthetic: boolean })[] }>();
    assert.equal(body.object, 'list');
    assert.equal(body.data.length, 1);
    const entry = body.data[0]!;
    assert.equal(entry.id, model);
    assert.equal(entry.object, 'model');
    assert.equal(typeof entry.created, 'number');
    assert.equal(entry.synthetic, synthetic);
  }
});

test('GET /v1/models/{id} retrieves the model, ids with slashes included; other ids are 404', async () => {
  const { app } = buildTestApp({ id: 'google/medgemma-4b-it' });
  const res = await app.inject({ method: 'GET', url: '/v1/models/google/medgemma-4b-it' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<OpenAI.Models.Model>().id, 'google/medgemma-4b-it');
  const missing = await app.inject({ method: 'GET', url: '/v1/models/other' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json<OpenAiErrorBody>().error.type, 'not_found_error');
});

test('GET /health reports status, model, synthetic flag and uptime', async () => {
  const { app } = buildTestApp({ synthetic: true });
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  const { uptime_seconds: uptime, ...rest } = res.json<{ uptime_seconds: number }>();
  assert.deepEqual(rest, { status: 'ok', model, synthetic: true, generations_in_flight: 0 });
  assert.ok(Number.isInteger(uptime) && uptime >= 0);
});

test('GET /metrics counts requests, tokens and generation timings', async () => {
  const { app } = buildTestApp({ replies: [{ deltas: ['a', 'b', 'c'] }] });
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model, messages: [{ role: 'user', content: 'one two' }] } });
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model, messages: [] } });
  await app.inject({ method: 'GET', url: '/nowhere' });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], prometheusContentType);
  const lines = res.body.split('\n');
  for (const expected of [
    'northstation_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 1',
    'northstation_http_requests_total{method="POST",route="/v1/chat/completions",status="400"} 1',
    'northstation_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    'northstation_prompt_tokens_total 2',
    'northstation_completion_tokens_total 3',
    'northstation_generations_in_flight 0',
    'northstation_generation_duration_seconds_count 1',
    'northstation_time_to_first_token_seconds_count 1',
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}`);
  }
  assert.ok(lines.some((line) => /^northstation_decode_tokens_per_second [\d.e+]+$/.test(line)));
});

test('unknown routes are 404s in OpenAI shape', async () => {
  const { app } = buildTestApp();
  const res = await app.inject({ method: 'GET', url: '/v1/embeddings' });
  assert.equal(res.statusCode, 404);
  const { error } = res.json<OpenAiErrorBody>();
  assert.equal(error.code, 'not_found');
  assert.equal(error.param, null);
});
