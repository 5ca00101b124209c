/**
 * llama.cpp's own server as a supervised child process: the engine's path to
 * image input (node-llama-cpp 3.x has none). Build it (`buildLlamaServer`),
 * start it (`startLlamaServer`), and talk to it through the OpenAI-compatible
 * backend (`llamaServerOpenAiOptions`).
 */
import type { OpenAiChatModelOptions } from '../openai/index.ts';
import type { LlamaServer } from './supervisor.ts';

export { buildLlamaServer, cudaAvailable, defaultBundlePath, type BuildEvent, type BuildOptions, type BuildResult } from './build.ts';
export { checkServerBinary } from './binary-check.ts';
export { startLlamaServer, type LlamaServer, type LlamaServerOptions, type LlamaServerState } from './supervisor.ts';
export { defaultRestartPolicy, type RestartPolicyOptions } from './restart-policy.ts';

/**
 * Options for `createOpenAiChatModel` that point at a supervised server:
 * its `/v1` root, its key, `/health` for health checks (public on
 * llama-server, and 503 while a restarted server loads), image support
 * when a projector was loaded, and no connection reuse. `overrides` win.
 */
export function llamaServerOpenAiOptions(server: LlamaServer, overrides: Partial<OpenAiChatModelOptions> = {}): OpenAiChatModelOptions {
  return {
    baseUrl: `${server.baseUrl}/v1`,
    apiKey: server.apiKey,
    model: server.alias,
    image: server.image,
    contextSize: server.contextSize,
    healthCheckPath: '/health',
    // It closes the connection after each streamed reply although it announces keep-alive.
    keepAlive: false,
    ...overrides,
  };
}
