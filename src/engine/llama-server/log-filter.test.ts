import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterServerLine } from './log-filter.ts';

const secret = 'Mrs Smith, DOB 1957-03-02, chest pain';

test('a model load error keeps its text while loading', () => {
  const line = "llama_model_load: error loading model: tensor 'blk.0' data is not within the file bounds";
  assert.deepEqual(filterServerLine(line, 'loading'), { level: 'warn', event: 'llama-server.load-error', fields: { line } });
  const server = filterServerLine("srv    load_model: failed to load model, '/models/x.gguf'", 'loading');
  assert.equal(server?.event, 'llama-server.load-error');
});

test('request errors never keep their text, loading or serving', () => {
  for (const phase of ['loading', 'serving'] as const) {
    const filtered = filterServerLine(`srv    send_error: task id = 3, error: failed to parse ${secret}`, phase);
    assert.deepEqual(filtered, { level: 'warn', event: 'llama-server.error', fields: { where: 'send_error' } });
  }
  assert.equal(filterServerLine(`llama_model_load: error ${secret}`, 'serving')?.fields.line, undefined);
});

test('lines as llama-server really prints them: timestamp and level prefix, function with parentheses', () => {
  assert.equal(filterServerLine('0.00.031.852 I srv  llama_server: model loaded', 'loading')?.event, 'llama-server.model-loaded');
  assert.equal(filterServerLine('0.00.042.127 I srv  llama_server: listening on http://127.0.0.1:39999', 'loading')?.event, 'llama-server.listening');
  const exception = `0.03.088.870 W srv    operator(): got exception: {"error":{"code":500,"message":"[json.exception.parse_error.101] parse error - invalid literal; last read: '${secret}'"}}`;
  for (const phase of ['loading', 'serving'] as const) {
    assert.deepEqual(filterServerLine(exception, phase), { level: 'warn', event: 'llama-server.error', fields: { where: 'operator' } });
  }
  const loadError = "0.00.012.276 E llama_model_load: error loading model: missing tensor 'token_embd.weight'";
  assert.equal(filterServerLine(loadError, 'loading')?.fields.line, "llama_model_load: error loading model: missing tensor 'token_embd.weight'");
  assert.equal(filterServerLine('0.03.025.855 I slot print_timing: id  3 | task 0 | prompt eval time =       3.76 ms /    23 tokens', 'serving'), undefined);
});

test('ordinary lines are dropped, prompts included', () => {
  for (const line of [`srv  log_server_r: request: {"messages":[{"content":"${secret}"}]}`, 'slot update_slots: id  0 | task 5 | prompt processing progress, n_tokens = 12', '', '   ']) {
    assert.equal(filterServerLine(line, 'serving'), undefined, line);
  }
});

test('fixed events: model loaded, listening, assertions by source location', () => {
  assert.equal(filterServerLine('srv          main: model loaded', 'loading')?.event, 'llama-server.model-loaded');
  assert.equal(filterServerLine('\x1b[32msrv          main: listening on http://127.0.0.1:4321\x1b[0m', 'loading')?.event, 'llama-server.listening');
  assert.deepEqual(filterServerLine(`/src/ggml/src/ggml.c:1234: GGML_ASSERT(n < ${secret}) failed`, 'serving'), {
    level: 'error',
    event: 'llama-server.assert',
    fields: { where: '/src/ggml/src/ggml.c:1234' },
  });
});
