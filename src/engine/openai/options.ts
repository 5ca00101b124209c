/**
 * Configuration of the OpenAI-compatible backend (vLLM, llama.cpp server,
 * Ollama, LM Studio on the site's own machines).
 */
import { NorthstationError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { defaultAllowList } from './allow-list.ts';

export type BalanceStrategy = 'least-in-flight' | 'round-robin';

export interface OpenAiChatModelOptions {
  /**
   * API roots of the upstream servers, `/v1` included, e.g.
   * `http://10.0.0.5:8000/v1`. One string or several (a pool). Required.
   */
  baseUrl: string | readonly string[];
  /** Model name sent in each request (`model`). Required. */
  model: string;
  /** Name clients use for this model. Default: `model`. */
  id?: string;
  /** Sent as `Authorization: Bearer …` when set. Default: none. */
  apiKey?: string;
  /** Whether the upstream model accepts images. Default: false. */
  image?: boolean;
  /** Whether to send `response_format` json_schema; output is validated either way. Default: true. */
  jsonSchema?: boolean;
  /**
   * Reuse connections between requests. Off for servers that close a connection after a
   * streamed reply while announcing keep-alive (llama-server): the next request would go out
   * on a dead socket, fail with ECONNRESET and cost a retry. Default: true.
   */
  keepAlive?: boolean;
  /** Stream replies (SSE) rather than wait for one JSON answer. Default: true. */
  stream?: boolean;
  /** Ask for a final usage chunk (`stream_options.include_usage`); turn off for servers that reject it. Default: true. */
  streamUsage?: boolean;
  /** Context size in tokens, when known; reported in `info`. Default: unknown. */
  contextSize?: number;
  /** Hosts the upstreams may be on: CIDR ranges, addresses, hostnames. Default: loopback and private ranges (`defaultAllowList`). */
  allowList?: readonly string[];
  /** Most time to open a connection. Default: 5000 ms. */
  connectTimeoutMs?: number;
  /** Most time from sending a request to the first generated text. Default: 120000 ms. */
  firstTokenTimeoutMs?: number;
  /** Most silence between stream chunks after the first text. Default: 30000 ms. */
  idleTimeoutMs?: number;
  /** Most time for a whole call, retries included. Default: 600000 ms. */
  totalTimeoutMs?: number;
  /** Further attempts after a retryable failure, before any text was received. Default: 2. */
  retries?: number;
  /** First retry delay; doubles each retry, with jitter. Default: 250 ms. */
  retryBaseDelayMs?: number;
  /** Longest retry delay. Default: 5000 ms. */
  retryMaxDelayMs?: number;
  /** How a request picks among healthy upstreams. Default: `least-in-flight`. */
  balance?: BalanceStrategy;
  /** Time between health checks of each upstream; 0 checks only after failures. Default: 10000 ms. */
  healthCheckIntervalMs?: number;
  /** Most time a health check may take. Default: 3000 ms. */
  healthCheckTimeoutMs?: number;
  /**
   * Path requested by health checks, from the upstream's origin; `/health`
   * suits vLLM and llama.cpp server, while every OpenAI-compatible server
   * answers `<baseUrl>/models`. Default: `<baseUrl>/models`.
   */
  healthCheckPath?: string;
  /** Where events go (ids, hosts, codes, timings; never text). Default: silent. */
  logger?: Logger;
}

export const defaultOpenAiChatModelOptions = {
  image: false,
  jsonSchema: true,
  keepAlive: true,
  stream: true,
  streamUsage: true,
  allowList: defaultAllowList,
  connectTimeoutMs: 5_000,
  firstTokenTimeoutMs: 120_000,
  idleTimeoutMs: 30_000,
  totalTimeoutMs: 600_000,
  retries: 2,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 5_000,
  balance: 'least-in-flight',
  healthCheckIntervalMs: 10_000,
  healthCheckTimeoutMs: 3_000,
  logger: silentLogger,
} as const satisfies Partial<OpenAiChatModelOptions>;

/** Options with defaults applied and checked. */
export interface ResolvedOptions
  extends Required<Omit<OpenAiChatModelOptions, 'baseUrl' | 'apiKey' | 'contextSize' | 'healthCheckPath'>> {
  baseUrls: readonly URL[];
  apiKey: string | undefined;
  contextSize: number | undefined;
  healthCheckPath: string | undefined;
}

export function resolveOptions(options: OpenAiChatModelOptions): ResolvedOptions {
  const merged = { ...defaultOpenAiChatModelOptions, ...withoutUndefined(options) };
  const rawUrls: readonly string[] = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
  if (rawUrls.length === 0) throw invalid('baseUrl must name at least one upstream');
  const baseUrls = rawUrls.map(parseBaseUrl);
  if (typeof options.model !== 'string' || options.model === '') throw invalid('model must be a non-empty string');
  for (const key of ['connectTimeoutMs', 'firstTokenTimeoutMs', 'idleTimeoutMs', 'totalTimeoutMs', 'healthCheckTimeoutMs'] as const) {
    if (!(merged[key] > 0)) throw invalid(`${key} must be a positive number of milliseconds`);
  }
  for (const key of ['retries', 'retryBaseDelayMs', 'retryMaxDelayMs', 'healthCheckIntervalMs'] as const) {
    if (!(merged[key] >= 0) || !Number.isFinite(merged[key])) throw invalid(`${key} must be zero or more`);
  }
  if (!Number.isInteger(merged.retries)) throw invalid('retries must be a whole number');
  if (options.healthCheckPath !== undefined && !options.healthCheckPath.startsWith('/')) {
    throw invalid('healthCheckPath must start with /');
  }
  return {
    ...merged,
    baseUrls,
    model: options.model,
    id: options.id ?? options.model,
    apiKey: options.apiKey,
    contextSize: options.contextSize,
    healthCheckPath: options.healthCheckPath,
  };
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`baseUrl ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`baseUrl ${raw} must be http or https`);
  // Credentials in a URL would end up in logs and pool status; apiKey is the place for them.
  if (url.username !== '' || url.password !== '') throw invalid('baseUrl must not contain credentials; use apiKey');
  if (url.search !== '' || url.hash !== '') throw invalid(`baseUrl ${url.origin} must not have a query or fragment`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function invalid(message: string): NorthstationError {
  return new NorthstationError('config_invalid', `OpenAI backend: ${message}`);
}
