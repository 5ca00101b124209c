import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { patientMarker, writeFakeServerBinary, type FakeMode } from './fake-server-binary.ts';
import { llamaServerOpenAiOptions } from './index.ts';
import { startLlamaServer, type LlamaServerOptions } from './supervisor.ts';

let binary: string;
let recordDir: string;
const savedEnv = { ...process.env };

before(async () => {
  binary = await writeFakeServerBinary();
  recordDir = await mkdtemp(join(tmpdir(), 'northstation-fake-record-'));
});
after(() => {
  process.env = savedEnv;
});

/** The fake reads its mode and record file from the environment the supervisor passes on. */
function useFake(mode: FakeMode, name: string): string {
  const record = join(recordDir, `${name}.jsonl`);
  process.env.FAKE_LLAMA_MODE = mode;
  process.env.FAKE_LLAMA_RECORD = record;
  return record;
}

function capture(): { lines: string[]; options: Pick<LlamaServerOptions, 'logger'> } {
  const lines: string[] = [];
  return { lines, options: { logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) } };
}

function get(url: string, apiKey?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

const fastRestart = { baseDelayMs: 10, maxDelayMs: 50, quickDeathMs: 2_000, maxQuickDeaths: 3 };

describe('llama-server supervisor (fake binary)', () => {
  test('serves on loopback with an enforced key that is never on the command line or in logs', async () => {
    const record = useFake('ok', 'serves');
    process.env.LLAMA_ARG_HOST = '0.0.0.0';
    const { lines, options } = capture();
    const server = await startLlamaServer({ binary, model: '/models/tiny.gguf', threads: 1, contextSize: 512, restart: fastRestart, ...options });
    try {
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(server.state(), 'ready');
      assert.equal(server.alias, 'tiny');
      assert.equal(await get(`${server.baseUrl}/v1/models`), 401);
      assert.equal(await get(`${server.baseUrl}/v1/models`, server.apiKey), 200);
      assert.ok(server.apiKey.length >= 40);
      const [launch] = (await readFile(record, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; hasKey: boolean; stray: string | null });
      assert.ok(launch);
      assert.equal(launch.hasKey, true);
      assert.equal(launch.stray, null, 'LLAMA_* variables of the parent must not reach the server');
      assert.ok(!launch.args.join(' ').includes(server.apiKey));
      assert.ok(launch.args.includes('--no-webui'));
      assert.ok(!launch.args.includes('--no-slots'), 'flags the binary lacks are left out');
      // The key is not enumerable: serialising the server leaves it out.
      assert.ok(!JSON.stringify(server).includes(server.apiKey));
      const logged = lines.join('\n');
      assert.ok(logged.includes('llama-server.ready'));
      assert.ok(logged.includes('"where":"send_error"'), 'an error after ready is logged by location');
      assert.ok(!logged.includes(patientMarker), 'no request text may reach the logs');
      assert.ok(!logged.includes(server.apiKey));
      const openAi = llamaServerOpenAiOptions(server);
      assert.equal(openAi.baseUrl, `${server.baseUrl}/v1`);
      assert.equal(openAi.apiKey, server.apiKey);
      assert.equal(openAi.image, false);
    } finally {
      delete process.env.LLAMA_ARG_HOST;
      await server.close();
    }
    assert.equal(server.state(), 'closed');
  });

  test('restarts a killed server on the same port with the same key', async () => {
    useFake('ok', 'restart');
    const server = await startLlamaServer({ binary, model: '/models/tiny.gguf', threads: 1, restart: fastRestart });
    try {
      const firstPid = server.pid();
      assert.ok(firstPid !== undefined);
      process.kill(firstPid, 'SIGKILL');
      await waitFor(() => server.state() !== 'ready');
      await server.whenReady();
      assert.equal(server.restarts(), 1);
      assert.notEqual(server.pid(), firstPid);
      assert.equal(await get(`${server.baseUrl}/v1/models`, server.apiKey), 200);
    } finally {
      await server.close();
    }
  });

  test('gives up after repeated quick deaths with the load error in the message', async () => {
    const record = useFake('die', 'die');
    const { lines, options } = capture();
    await assert.rejects(
      startLlamaServer({ binary, model: '/models/broken.gguf', threads: 1, restart: fastRestart, ...options }),
      (error: unknown) => isNorthstationError(error, 'upstream_error') && /3 times/.test(error.message) && /invalid magic/.test(error.message),
    );
    assert.equal((await readFile(record, 'utf8')).trim().split('\n').length, 3);
    assert.ok(lines.some((line) => line.includes('llama-server.gave-up')));
  });

  test('refuses a binary that does not enforce the key', async () => {
    useFake('no-auth', 'no-auth');
    await assert.rejects(
      startLlamaServer({ binary, model: '/models/tiny.gguf', threads: 1, restart: fastRestart }),
      (error: unknown) => isNorthstationError(error, 'config_invalid') && /API key/.test(error.message),
    );
  });

  test('a missing binary is a configuration error, not a restart loop', async () => {
    await assert.rejects(
      startLlamaServer({ binary: join(recordDir, 'no-such-llama-server'), model: '/models/tiny.gguf', threads: 1, restart: fastRestart }),
      (error: unknown) => isNorthstationError(error, 'config_invalid'),
    );
  });

  test('close kills a server that ignores SIGTERM', async () => {
    useFake('ignore-term', 'ignore-term');
    const server = await startLlamaServer({ binary, model: '/models/tiny.gguf', threads: 1, stopTimeoutMs: 200, restart: fastRestart });
    const pid = server.pid();
    assert.ok(pid !== undefined);
    await server.close();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    await assert.rejects(server.whenReady());
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
