/**
 * Admission and cancellation for generations. The model backend queues fairly
 * itself; the server only caps how many requests it holds at once (running or
 * queued), aborts a generation the moment its client goes away, and aborts
 * them all on shutdown.
 */
import type { ServerResponse } from 'node:http';
import { NorthstationError } from '../core/errors.ts';
import type { GenerateResult } from '../engine/chat-model.ts';
import type { ServerMetrics } from './metrics.ts';

export class Generations {
  readonly #active = new Set<AbortController>();
  readonly #maxQueued: number;
  readonly #metrics: ServerMetrics;
  readonly #shutdownReason = new NorthstationError('aborted', 'the server is shutting down');
  #closing = false;

  constructor(maxQueued: number, metrics: ServerMetrics) {
    this.#maxQueued = maxQueued;
    this.#metrics = metrics;
  }

  get closing(): boolean {
    return this.#closing;
  }

  get inFlight(): number {
    return this.#active.size;
  }

  /**
   * Runs one generation for the request answered by `response`. Throws
   * `overloaded` when the server already holds its maximum, or is shutting down.
   */
  async run(response: ServerResponse, generate: (signal: AbortSignal) => Promise<GenerateResult>): Promise<GenerateResult> {
    if (this.#closing) throw shuttingDown();
    if (this.#active.size >= this.#maxQueued) {
      throw new NorthstationError('overloaded', 'the server is at its limit of queued requests; retry shortly', {
        maxQueuedRequests: this.#maxQueued,
      });
    }
    const controller = new AbortController();
    // The response closes before the generation settles only when the client went away:
    // answers are written after (non-streaming) or while (streaming) the model runs.
    const onClose = (): void => {
      controller.abort(new NorthstationError('aborted', 'the client disconnected'));
    };
    if (response.destroyed) onClose();
    else response.once('close', onClose);
    this.#active.add(controller);
    this.#metrics.generationsInFlight.add(1);
    const started = performance.now();
    try {
      const result = await generate(controller.signal);
      this.#record(result, performance.now() - started);
      return result;
    } catch (error) {
      if (controller.signal.reason === this.#shutdownReason) throw shuttingDown();
      throw error;
    } finally {
      response.off('close', onClose);
      this.#active.delete(controller);
      this.#metrics.generationsInFlight.add(-1);
    }
  }

  /** Refuses new generations and aborts the running ones; their requests answer `overloaded`. */
  shutDown(): void {
    this.#closing = true;
    for (const controller of this.#active) controller.abort(this.#shutdownReason);
  }

  #record(result: GenerateResult, wallMs: number): void {
    const metrics = this.#metrics;
    metrics.promptTokens.inc(result.usage.promptTokens);
    metrics.completionTokens.inc(result.usage.completionTokens);
    metrics.generationSeconds.observe(wallMs / 1000);
    metrics.timeToFirstTokenSeconds.observe(result.timings.timeToFirstTokenMs / 1000);
    metrics.decodeTokensPerSecond.set(result.timings.decodeTokensPerSecond);
  }
}

function shuttingDown(): NorthstationError {
  return new NorthstationError('overloaded', 'the server is shutting down');
}
