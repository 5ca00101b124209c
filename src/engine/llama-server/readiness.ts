/**
 * When a started llama-server counts as ready, and the port it starts on.
 * Uses node:http with no agent rather than fetch: fetch may honour proxy
 * variables (NODE_USE_ENV_PROXY), and these checks must stay on loopback.
 */
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NorthstationError } from '../../core/errors.ts';
import { serverHost } from './server-args.ts';

const healthPollMs = 100;

/**
 * Polls `/health` until 200 (503 while the model loads), then checks that
 * the key is enforced: `/v1/models` must refuse a request without it and
 * accept one with it.
 */
export async function waitUntilServing(port: number, apiKey: string, timeoutMs: number, gone: () => boolean): Promise<void> {
  const base = `http://${serverHost}:${port}`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new NorthstationError('upstream_error', 'llama-server exited while starting');
    if (performance.now() > deadline) throw new NorthstationError('upstream_timeout', `llama-server did not become healthy within ${timeoutMs} ms`);
    if ((await status(`${base}/health`)) === 200) break;
    await sleep(healthPollMs);
  }
  const anonymous = await status(`${base}/v1/models`);
  const keyed = await status(`${base}/v1/models`, apiKey);
  if (anonymous !== 401 || keyed !== 200) {
    throw new NorthstationError('config_invalid', `llama-server does not enforce its API key (without key: ${anonymous}, with key: ${keyed}); it needs LLAMA_API_KEY support`, { anonymous, keyed });
  }
}

function status(url: string, apiKey?: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 2000, headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** A port the OS just handed out on loopback; the child binds it right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, serverHost, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
