/**
 * Several upstream servers behind one model: which are healthy, how busy each
 * is, and which one a request should try next. Health checks run on an
 * interval and right after a failure; a passing check brings an upstream back.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { BalanceStrategy } from './options.ts';

/** One upstream as /health and metrics report it. */
export interface UpstreamStatus {
  /** The base URL (no credentials: options refuse them). */
  url: string;
  healthy: boolean;
  inFlight: number;
  lastErrorCode: ErrorCode | null;
  /** ISO time of the last failure, request or health check. */
  lastErrorAt: string | null;
  /** ISO time of the last finished health check. */
  lastCheckedAt: string | null;
}

export interface Upstream {
  readonly baseUrl: URL;
  /** `host:port`, for messages and logs. */
  readonly host: string;
  readonly chatUrl: URL;
  readonly healthUrl: URL;
  healthy: boolean;
  inFlight: number;
  lastErrorCode: ErrorCode | null;
  lastErrorAt: string | null;
  lastCheckedAt: string | null;
  /** The health check under way, so that failures do not pile up checks. */
  checking: Promise<void> | undefined;
}

export interface UpstreamPoolOptions {
  baseUrls: readonly URL[];
  balance: BalanceStrategy;
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  healthCheckPath: string | undefined;
  apiKey: string | undefined;
  agentFor: (url: URL) => http.Agent;
  lookup: LookupFunction;
  logger: Logger;
}

export class UpstreamPool {
  private readonly upstreams: Upstream[];
  private readonly options: UpstreamPoolOptions;
  private readonly closing = new AbortController();
  private interval: NodeJS.Timeout | undefined;
  /** Index that round-robin starts from next. */
  private cursor = 0;

  constructor(options: UpstreamPoolOptions) {
    this.options = options;
    this.upstreams = options.baseUrls.map((baseUrl) => ({
      baseUrl,
      host: baseUrl.host,
      chatUrl: withPath(baseUrl, `${apiRoot(baseUrl)}/chat/completions`),
      healthUrl: withPath(baseUrl, options.healthCheckPath ?? `${apiRoot(baseUrl)}/models`),
      // Optimistic until a check says otherwise, so the first request need not wait for one.
      healthy: true,
      inFlight: 0,
      lastErrorCode: null,
      lastErrorAt: null,
      lastCheckedAt: null,
      checking: undefined,
    }));
  }

  /** Starts periodic health checks (the first one now). */
  start(): void {
    if (this.options.healthCheckIntervalMs <= 0) return;
    void this.checkAll();
    this.interval = setInterval(() => void this.checkAll(), this.options.healthCheckIntervalMs);
    this.interval.unref();
  }

  /**
   * The upstream to try next: healthy before unhealthy, not yet tried in this
   * call before tried, then by the balance strategy. Unhealthy ones stay
   * candidates of last resort, since a request is also a health probe.
   */
  pick(tried: ReadonlySet<Upstream>): Upstream {
    const count = this.upstreams.length;
    const ranked = this.upstreams
      .map((upstream, index) => ({ upstream, index, turn: (index - this.cursor + count) % count }))
      .sort(
        (a, b) =>
          Number(b.upstream.healthy) - Number(a.upstream.healthy) ||
          Number(tried.has(a.upstream)) - Number(tried.has(b.upstream)) ||
          (this.options.balance === 'least-in-flight' ? a.upstream.inFlight - b.upstream.inFlight : 0) ||
          a.turn - b.turn,
      );
    const chosen = ranked[0];
    if (!chosen) throw new Error('upstream pool is empty'); // options refuse an empty list
    this.cursor = (chosen.index + 1) % count;
    return chosen.upstream;
  }

  begin(upstream: Upstream): void {
    upstream.inFlight += 1;
  }

  end(upstream: Upstream): void {
    upstream.inFlight -= 1;
  }

  /** A request succeeded: the upstream works, whatever the last check said. */
  reportSuccess(upstream: Upstream): void {
    if (!upstream.healthy) this.options.logger.info('openai.upstream_recovered', { upstream: upstream.host, by: 'request' });
    upstream.healthy = true;
  }

  /** A request failed; `upstreamFault` marks the upstream unhealthy and checks it now. */
  reportFailure(upstream: Upstream, code: ErrorCode, upstreamFault: boolean): void {
    upstream.lastErrorCode = code;
    upstream.lastErrorAt = new Date().toISOString();
    if (!upstreamFault) return;
    if (upstream.healthy) this.options.logger.warn('openai.upstream_unhealthy', { upstream: upstream.host, code, by: 'request' });
    upstream.healthy = false;
    void this.check(upstream);
  }

  /** Checks every upstream now; resolves when all checks have finished. */
  async checkAll(): Promise<void> {
    await Promise.all(this.upstreams.map((upstream) => this.check(upstream)));
  }

  status(): UpstreamStatus[] {
    return this.upstreams.map((upstream) => ({
      url: upstream.baseUrl.href,
      healthy: upstream.healthy,
      inFlight: upstream.inFlight,
      lastErrorCode: upstream.lastErrorCode,
      lastErrorAt: upstream.lastErrorAt,
      lastCheckedAt: upstream.lastCheckedAt,
    }));
  }

  close(): void {
    clearInterval(this.interval);
    this.closing.abort();
  }

  private check(upstream: Upstream): Promise<void> {
    if (this.closing.signal.aborted) return Promise.resolve();
    upstream.checking ??= this.probe(upstream).then((failure) => {
      upstream.checking = undefined;
      if (this.closing.signal.aborted) return;
      upstream.lastCheckedAt = new Date().toISOString();
      if (failure === undefined) {
        if (!upstream.healthy) this.options.logger.info('openai.upstream_recovered', { upstream: upstream.host, by: 'health_check' });
        upstream.healthy = true;
        return;
      }
      if (upstream.healthy) this.options.logger.warn('openai.upstream_unhealthy', { upstream: upstream.host, code: failure, by: 'health_check' });
      upstream.healthy = false;
      upstream.lastErrorCode = failure;
      upstream.lastErrorAt = upstream.lastCheckedAt;
    });
    return upstream.checking;
  }

  /** GETs the health URL; resolves with an error code, or undefined when healthy. Never rejects. */
  private probe(upstream: Upstream): Promise<ErrorCode | undefined> {
    const { healthUrl } = upstream;
    const transport = healthUrl.protocol === 'https:' ? https : http;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.options.healthCheckTimeoutMs)]);
    return new Promise((resolve) => {
      const req = transport.request(healthUrl, {
        method: 'GET',
        agent: this.options.agentFor(healthUrl),
        lookup: this.options.lookup,
        signal,
        headers: this.options.apiKey === undefined ? {} : { authorization: `Bearer ${this.options.apiKey}` },
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.resume(); // drain, so that the socket can be reused
        res.on('end', () => { resolve(status >= 200 && status < 300 ? undefined : 'upstream_error'); });
        res.on('error', () => { resolve('upstream_error'); });
      });
      req.on('error', () => {
        resolve(signal.aborted && !this.closing.signal.aborted ? 'upstream_timeout' : 'upstream_error');
      });
      req.end();
    });
  }
}

function apiRoot(baseUrl: URL): string {
  return baseUrl.pathname.replace(/\/+$/, '');
}

/**
 * Same origin, another path. Set through `pathname` rather than resolved as
 * a relative URL, so that no path (`//other-host/…`) can change the host.
 */
function withPath(baseUrl: URL, pathname: string): URL {
  const url = new URL(baseUrl.href);
  url.pathname = pathname;
  return url;
}
