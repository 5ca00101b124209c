/**
 * Runs llama-server as a supervised child process: loopback only, a random
 * API key, restarted when it dies (within a restart policy), stopped on
 * close. Its output goes through the log filter, never verbatim.
 *
 * The port and the key are chosen once per supervisor and kept across
 * restarts, so a client built from `baseUrl` and `apiKey` (the OpenAI-
 * compatible backend) keeps working after a restart without being rebuilt;
 * its requests during a restart fail and are retried by that backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { detectPhysicalCores } from '../llama/physical-cores.ts';
import { checkServerBinary, readServerOptions } from './binary-check.ts';
import { filterServerLine, type ServerPhase } from './log-filter.ts';
import { freePort, waitUntilServing } from './readiness.ts';
import { createRestartPolicy, type RestartPolicyOptions } from './restart-policy.ts';
import { splitLines } from './run-process.ts';
import { buildServerArgs, buildServerEnv, serverHost } from './server-args.ts';

export interface LlamaServerOptions {
  /** The llama-server binary (from `buildLlamaServer` or a site's own). Required. */
  binary: string;
  /** GGUF model file. Required. */
  model: string;
  /** Vision projector GGUF (`--mmproj`). Default: none (text only). */
  projector?: string;
  /** Context size in tokens, shared by the parallel sequences. Default: 4096. */
  contextSize?: number;
  /** CPU threads. Default: physical cores. */
  threads?: number;
  /** Concurrent sequences. Default: 1. */
  parallel?: number;
  /** Model name the server reports. Default: the model file's name without `.gguf`. */
  alias?: string;
  /** Most time from spawn to a healthy server, model loading included. Default: 300000 ms. */
  startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on close. Default: 5000 ms. */
  stopTimeoutMs?: number;
  /** When to restart and when to give up. Default: `defaultRestartPolicy`. */
  restart?: RestartPolicyOptions;
  /** Filtered server events and our own (pids, ports, exit codes, timings). Default: silent. */
  logger?: Logger;
}

export type LlamaServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';

export interface LlamaServer {
  /** `http://127.0.0.1:PORT`, without `/v1`. */
  readonly baseUrl: string;
  /** The bearer key, random per supervisor. Not enumerable, so logging or serialising the object leaves it out. */
  readonly apiKey: string;
  /** Model name to send (`--alias`). */
  readonly alias: string;
  /** True when a projector was given: the server accepts image parts. */
  readonly image: boolean;
  readonly contextSize: number;
  state(): LlamaServerState;
  /** The current child's pid; undefined between a death and the restart. */
  pid(): number | undefined;
  /** Restarts after a death so far. */
  restarts(): number;
  /** Resolves when the server is ready (at once if it is); rejects once it has failed or closed. */
  whenReady(): Promise<void>;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; stops any restart. */
  close(): Promise<void>;
}

/** Lines from a failed start kept for its error message (load errors only; see log-filter.ts). */
const keptLoadErrors = 8;

/**
 * Starts the server and resolves once it answers `/health` and enforces its
 * key. Rejects with `config_invalid` for a binary that ignores the key, and
 * with `upstream_error` when it keeps dying (the load errors it printed are
 * in the message).
 */
export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const logger = options.logger ?? silentLogger;
  const threads = options.threads ?? (await detectPhysicalCores());
  const contextSize = options.contextSize ?? 4096;
  const alias = options.alias ?? basename(options.model).replace(/\.gguf$/i, '');
  // A missing or broken binary is a configuration error, not three quick deaths.
  await checkServerBinary(options.binary);
  const supported = await readServerOptions(options.binary);
  const apiKey = randomBytes(32).toString('base64url');
  const policy = createRestartPolicy(options.restart);
  const startTimeoutMs = options.startTimeoutMs ?? 300_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;

  let port = await freePort();
  let state: LlamaServerState = 'starting';
  let child: ChildProcess | undefined;
  let restarts = 0;
  let everReady = false;
  let failure: NorthstationError | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let loadErrors: string[] = [];
  let waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  const settle = (): void => {
    const current = waiters;
    if (state === 'ready') waiters = [];
    else if (state === 'failed' || state === 'closed') waiters = [];
    else return;
    for (const waiter of current) {
      if (state === 'ready') waiter.resolve();
      else waiter.reject(failure ?? new NorthstationError('upstream_error', 'llama-server was closed'));
    }
  };
  // Read through a function where an await came between: TypeScript's narrowing assumes no change.
  const stateNow = (): LlamaServerState => state;
  const setState = (next: LlamaServerState): void => {
    state = next;
    settle();
  };
  // Our process may exit without close() (a crash, process.exit): the child must not outlive it.
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const launch = (): void => {
    const args = buildServerArgs({ model: options.model, ...(options.projector === undefined ? {} : { projector: options.projector }), port, threads, contextSize, parallel: options.parallel ?? 1, alias, supported });
    const started = performance.now();
    // Uptime for the restart policy counts from ready; a death before it counts as quick.
    let readyAt: number | undefined;
    const uptime = (): number => (readyAt === undefined ? 0 : performance.now() - readyAt);
    const proc = spawn(options.binary, args, { env: buildServerEnv(apiKey, process.env), stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let phase: ServerPhase = 'loading';
    loadErrors = [];
    const onLine = (line: string): void => {
      const filtered = filterServerLine(line, phase);
      if (filtered === undefined) return;
      if (filtered.event === 'llama-server.load-error' && typeof filtered.fields.line === 'string') {
        if (!loadErrors.includes(filtered.fields.line)) loadErrors.push(filtered.fields.line);
        if (loadErrors.length > keptLoadErrors) loadErrors.shift();
      }
      logger[filtered.level](filtered.event, { pid: proc.pid, ...filtered.fields });
    };
    const out = splitLines(onLine);
    const err = splitLines(onLine);
    proc.stdout.on('data', out.push);
    proc.stderr.on('data', err.push);
    logger.info('llama-server.spawned', { pid: proc.pid, port, threads, contextSize, image: options.projector !== undefined, restarts });

    let exited = false;
    proc.on('error', (error) => {
      // Only a failed spawn (ENOENT, EACCES; no pid, and no exit event follows) is a death; a failed kill is not.
      if (proc.pid !== undefined) return;
      logger.error('llama-server.spawn-failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
      onDeath(null, null, uptime());
    });
    proc.on('exit', (code, signal) => {
      exited = true;
      out.flush();
      err.flush();
      onDeath(code, signal, uptime());
    });

    void waitUntilServing(port, apiKey, startTimeoutMs, () => exited || child !== proc).then(
      () => {
        if (child !== proc || exited) return;
        phase = 'serving';
        everReady = true;
        readyAt = performance.now();
        logger.info('llama-server.ready', { pid: proc.pid, port, startMs: Math.round(performance.now() - started), restarts });
        setState('ready');
      },
      (error: unknown) => {
        if (child !== proc || exited) return;
        if (isNorthstationError(error, 'config_invalid')) {
          // A server that ignores the key must not serve at all; restarting would not help.
          failure = error;
          setState('failed');
        } else {
          logger.warn('llama-server.start-timeout', { pid: proc.pid, timeoutMs: startTimeoutMs });
        }
        proc.kill('SIGKILL');
      },
    );
  };

  const onDeath = (code: number | null, signal: NodeJS.Signals | null, uptimeMs: number): void => {
    child = undefined;
    if (state === 'closed' || state === 'failed') return;
    logger.warn('llama-server.exited', { code, signal, uptimeMs: Math.round(uptimeMs), restarts });
    const decision = policy.onDeath(uptimeMs);
    if (decision.action === 'give-up') {
      const seconds = Math.round(((options.restart?.quickDeathMs ?? 30_000) / 1000) * 10) / 10;
      const detail = loadErrors.length > 0 ? `; its last errors:\n${loadErrors.join('\n')}` : '';
      failure = new NorthstationError('upstream_error', `llama-server died ${decision.quickDeaths} times in a row before or within ${seconds} s of becoming ready; giving up${detail}`, { quickDeaths: decision.quickDeaths, code, signal });
      logger.error('llama-server.gave-up', { quickDeaths: decision.quickDeaths });
      setState('failed');
      return;
    }
    setState('restarting');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (state !== 'restarting') return;
      restarts++;
      void (async () => {
        // Before anyone has the URL, a port taken by someone else can still be swapped for another.
        if (!everReady) port = await freePort();
        if (stateNow() !== 'restarting') return; // closed meanwhile
        setState('starting');
        launch();
      })();
    }, decision.delayMs);
  };

  const whenReady = (): Promise<void> => {
    if (state === 'ready') return Promise.resolve();
    if (state === 'failed' || state === 'closed') return Promise.reject(failure ?? new NorthstationError('upstream_error', 'llama-server was closed'));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  const close = async (): Promise<void> => {
    if (state === 'closed') return;
    setState('closed');
    if (restartTimer !== undefined) clearTimeout(restartTimer);
    const proc = child;
    if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };

  launch();
  try {
    await whenReady();
  } catch (error) {
    await close();
    throw error;
  }

  const server = {
    baseUrl: `http://${serverHost}:${port}`,
    alias,
    image: options.projector !== undefined,
    contextSize,
    state: () => state,
    pid: () => child?.pid,
    restarts: () => restarts,
    whenReady,
    close,
  };
  Object.defineProperty(server, 'apiKey', { value: apiKey, enumerable: false });
  return server as typeof server & { readonly apiKey: string };
}
