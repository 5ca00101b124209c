/**
 * The real llama-server, built from node-llama-cpp's bundled llama.cpp,
 * serving the tiny synthetic Gemma through the supervisor and the
 * OpenAI-compatible backend.
 *
 * The FIRST run on a machine builds llama-server: about 10 minutes on 2 cores
 * (progress lines on stderr). The build is cached under the data home
 * (NORTHSTATION_HOME or ~/.northstation, `llama-server/`) and shared through a
 * lock file, so later runs, and other test files running at the same time,
 * reuse it; after that this file takes a few seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenAiChatModel, type OpenAiChatModel } from '../openai/index.ts';
import { ensureTinyModel } from '../synthetic/test-models.ts';
import { createBuildReporter } from './build-progress.ts';
import { buildLlamaServer, llamaServerOpenAiOptions, startLlamaServer, type BuildResult, type LlamaServer } from './index.ts';

let build: BuildResult;
let server: LlamaServer;
let chat: OpenAiChatModel;

before(async () => {
  build = await buildLlamaServer({ onEvent: createBuildReporter((line) => process.stderr.write(`${line}\n`)) });
  process.stderr.write(`llama-server: ${build.binary} (${build.cached ? 'cached' : `built in ${build.buildSeconds} s`})\n`);
  server = await startLlamaServer({ binary: build.binary, model: await ensureTinyModel(), threads: 1, contextSize: 512 });
  chat = await createOpenAiChatModel(llamaServerOpenAiOptions(server, { healthCheckIntervalMs: 0 }));
});

after(async () => {
  await chat.dispose();
  await server.close();
});

const hello = [{ role: 'user' as const, content: 'Hello' }];

test('the built binary is cached: a second build call returns it at once', async () => {
  const started = performance.now();
  const again = await buildLlamaServer();
  assert.equal(again.cached, true);
  assert.equal(again.binary, build.binary);
  assert.match(again.version, /^version: /);
  assert.ok(performance.now() - started < 5_000);
});

test('a chat completion through the OpenAI-compatible backend', async () => {
  const result = await chat.generate(hello, { maxTokens: 8, temperature: 0 });
  assert.ok(result.usage.promptTokens > 0);
  assert.ok(result.usage.completionTokens > 0 && result.usage.completionTokens <= 8);
  assert.equal(typeof result.text, 'string');
});

test('a killed server is restarted and the next request succeeds', async () => {
  const pid = server.pid();
  assert.ok(pid !== undefined);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 5_000;
  while (server.state() === 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.notEqual(server.state(), 'ready');
  await server.whenReady();
  assert.equal(server.restarts(), 1);
  assert.notEqual(server.pid(), pid);
  const result = await chat.generate(hello, { maxTokens: 4, temperature: 0 });
  assert.ok(result.usage.completionTokens > 0);
});
