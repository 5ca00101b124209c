/**
 * ChatModel backed by the site's own OpenAI-compatible inference servers
 * (vLLM, llama.cpp server, Ollama, LM Studio). Hosts are checked against the
 * allow-list before anything connects; requests fail over between upstreams
 * and retry, but only until the first text arrives, so streamed text is never
 * duplicated.
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import {
  defaultGenerateOptions,
  type ChatMessage,
  type ChatModel,
  type GenerateOptions,
  type GenerateResult,
  type ModelCapabilities,
  type ModelInfo,
} from '../chat-model.ts';
import { assertValidSchema, parseJsonOutput } from '../json-output.ts';
import { assertUpstreamAllowed, guardedLookup, parseAllowList } from './allow-list.ts';
import { AttemptFailure, abortedError } from './attempt-failure.ts';
import { runAttempt, type AttemptOutcome } from './attempt.ts';
import { resolveOptions, type OpenAiChatModelOptions, type ResolvedOptions } from './options.ts';
import { UpstreamPool, type Upstream, type UpstreamStatus } from './upstream-pool.ts';
import { buildRequestBody } from './wire.ts';

export interface OpenAiChatModel extends ChatModel {
  /** Per-upstream health, load and last error; for /health and metrics. */
  poolStatus(): UpstreamStatus[];
  /** Runs a health check of every upstream now and returns the resulting status. */
  checkHealth(): Promise<UpstreamStatus[]>;
}

/**
 * Checks every upstream host against the allow-list (resolving hostnames),
 * then starts health checks. Rejects with `upstream_refused` before any
 * connection when a host is not allowed, `config_invalid` for bad options.
 */
export async function createOpenAiChatModel(options: OpenAiChatModelOptions): Promise<OpenAiChatModel> {
  const config = resolveOptions(options);
  const allowList = parseAllowList(config.allowList);
  await Promise.all(config.baseUrls.map((url) => assertUpstreamAllowed(url, allowList)));

  // Our own agents: keep-alive for streaming latency, and no proxy from the
  // environment can ever route requests off site.
  const agents = { http: new http.Agent({ keepAlive: config.keepAlive }), https: new https.Agent({ keepAlive: config.keepAlive }) };
  const agentFor = (url: URL): http.Agent => (url.protocol === 'https:' ? agents.https : agents.http);
  const lookup = guardedLookup(allowList);
  const pool = new UpstreamPool({ ...config, agentFor, lookup });
  pool.start();

  const capabilities: ModelCapabilities = { text: true, image: config.image, jsonSchema: config.jsonSchema, lora: false };
  const info: ModelInfo = {
    id: config.id,
    backend: 'openai',
    ...(config.contextSize === undefined ? {} : { contextSize: config.contextSize }),
    synthetic: false,
    details: { upstreamModel: config.model, upstreams: config.baseUrls.map((url) => url.href).join(' ') },
  };
  let disposed = false;

  return {
    info,
    capabilities,
    generate: async (messages, generateOptions = {}) => {
      if (disposed) throw new NorthstationError('internal', `model ${config.id} was disposed`);
      return generate(config, capabilities, pool, (url) => ({ agent: agentFor(url), lookup }), messages, generateOptions);
    },
    dispose: () => {
      disposed = true;
      pool.close();
      agents.http.destroy();
      agents.https.destroy();
      return Promise.resolve();
    },
    poolStatus: () => pool.status(),
    health: () => {
      const upstreams = pool.status().map(({ url, healthy, inFlight, lastErrorCode }) => ({ url, healthy, inFlight, lastErrorCode }));
      return { ready: upstreams.some((upstream) => upstream.healthy), upstreams };
    },
    checkHealth: async () => {
      await pool.checkAll();
      return pool.status();
    },
  };
}

type Transport = (url: URL) => Pick<Parameters<typeof runAttempt>[0], 'agent' | 'lookup'>;

async function generate(
  config: ResolvedOptions,
  capabilities: ModelCapabilities,
  pool: UpstreamPool,
  transport: Transport,
  messages: readonly ChatMessage[],
  options: GenerateOptions,
): Promise<GenerateResult> {
  const settings = { ...defaultGenerateOptions, ...options };
  checkRequest(config, capabilities, messages, settings);
  const body = JSON.stringify(
    buildRequestBody(messages, settings, {
      model: config.model,
      stream: config.stream,
      streamUsage: config.streamUsage,
      sendJsonSchema: config.jsonSchema,
    }),
  );
  const startedAt = performance.now();
  const deadline = startedAt + config.totalTimeoutMs;
  const tried = new Set<Upstream>();
  // An object, not a let: it changes inside a callback, which narrowing cannot see.
  const progress = { received: false };
  const onContent = (delta: string): void => {
    progress.received = true;
    settings.onTextDelta?.(delta);
  };

  let upstream = pool.pick(tried);
  for (let attempt = 0; ; attempt++) {
    tried.add(upstream);
    pool.begin(upstream);
    const outcome = await runAttempt({
      ...transport(upstream.chatUrl),
      url: upstream.chatUrl,
      host: upstream.host,
      body,
      apiKey: config.apiKey,
      stream: config.stream,
      connectTimeoutMs: config.connectTimeoutMs,
      firstTokenTimeoutMs: config.firstTokenTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      deadline,
      signal: settings.signal,
      onContent,
    }).then(
      (done) => done,
      (error: unknown) => (error instanceof AttemptFailure ? error : new AttemptFailure(toInternal(error), { retryable: false, upstreamFault: false })),
    );
    pool.end(upstream);
    if (!(outcome instanceof AttemptFailure)) {
      pool.reportSuccess(upstream);
      return toResult(outcome, startedAt, settings.jsonSchema);
    }
    if (outcome.error.code !== 'aborted') pool.reportFailure(upstream, outcome.error.code, outcome.upstreamFault);
    const retry = outcome.retryable && !progress.received && attempt < config.retries;
    // An abort is the caller's choice, not a problem worth a warning.
    const level = outcome.error.code === 'aborted' ? 'debug' : 'warn';
    config.logger[level]('openai.attempt_failed', {
      model: config.id,
      upstream: upstream.host,
      attempt: attempt + 1,
      code: outcome.error.code,
      willRetry: retry,
    });
    if (!retry) throw outcome.error;
    const next = pool.pick(tried);
    if (tried.has(next)) await backoff(config, attempt, outcome, deadline, settings.signal);
    upstream = next;
  }
}

function checkRequest(config: ResolvedOptions, capabilities: ModelCapabilities, messages: readonly ChatMessage[], options: GenerateOptions): void {
  if (options.signal?.aborted === true) throw abortedError();
  const hasImage = messages.some((message) => message.role === 'user' && typeof message.content !== 'string' && message.content.some((part) => part.type === 'image'));
  if (hasImage && !capabilities.image) {
    throw new NorthstationError('unsupported', `model ${config.id} does not accept images (set image: true if its upstream does)`);
  }
  if (options.jsonSchema !== undefined) assertValidSchema(options.jsonSchema);
}

/**
 * Before trying an upstream again: exponential backoff with jitter, or what
 * Retry-After asked. Moving on to an upstream not yet tried needs no pause.
 */
async function backoff(
  config: ResolvedOptions,
  attempt: number,
  failure: AttemptFailure,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const ceiling = Math.min(config.retryMaxDelayMs, config.retryBaseDelayMs * 2 ** attempt);
  const jittered = ceiling / 2 + (Math.random() * ceiling) / 2;
  const delay = Math.min(config.retryMaxDelayMs, Math.max(jittered, failure.retryAfterMs ?? 0));
  // No time left for the wait and another try: the failure we have is the answer.
  if (performance.now() + delay >= deadline) throw failure.error;
  try {
    await sleep(delay, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted === true) throw abortedError();
    throw error;
  }
}

function toResult(outcome: AttemptOutcome, startedAt: number, jsonSchema: GenerateOptions['jsonSchema']): GenerateResult {
  const endedAt = performance.now();
  const firstTokenAt = outcome.firstTokenAt ?? endedAt;
  // Without a usage report, each streamed text chunk is one token (servers send one per token).
  const completionTokens = outcome.usage?.completion_tokens ?? outcome.contentChunks;
  const decodeSeconds = (endedAt - firstTokenAt) / 1000;
  const result: GenerateResult = {
    text: outcome.text,
    finishReason: outcome.finishReason,
    usage: {
      promptTokens: outcome.usage?.prompt_tokens ?? 0,
      completionTokens,
      cachedPromptTokens: outcome.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    },
    timings: {
      timeToFirstTokenMs: firstTokenAt - startedAt,
      totalMs: endedAt - startedAt,
      decodeTokensPerSecond: completionTokens > 1 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : 0,
    },
  };
  // Some servers silently ignore response_format, so the output is checked here whatever was asked.
  if (jsonSchema !== undefined) result.parsed = parseJsonOutput(outcome.text, jsonSchema);
  return result;
}

function toInternal(error: unknown): NorthstationError {
  if (isNorthstationError(error)) return error;
  return new NorthstationError('internal', 'OpenAI backend failed unexpectedly', {}, { cause: error });
}
