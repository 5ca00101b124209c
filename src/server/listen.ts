/**
 * Binds a built app to a port, with graceful shutdown on SIGINT/SIGTERM:
 * stop accepting, abort running generations, let their requests answer,
 * dispose the model (buildOpenAiApp's close hooks do the last three).
 *
 * The default host is 127.0.0.1: the API has no authentication of its own, so
 * reaching it from other machines must be a deliberate choice (and is logged).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { toNorthstationError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';

export const defaultHost = '127.0.0.1';

export interface StartServerOptions {
  app: FastifyInstance;
  /** Interface to bind. Default: 127.0.0.1 (this machine only). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Default: a logger on stderr. */
  logger?: Logger;
  /** Signals that start a graceful shutdown. Default: SIGINT and SIGTERM. */
  shutdownSignals?: readonly NodeJS.Signals[];
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Graceful shutdown, as on SIGTERM; safe to call more than once. */
  close(): Promise<void>;
}

export async function startServer({
  app,
  host = defaultHost,
  port,
  logger = createLogger(),
  shutdownSignals = ['SIGINT', 'SIGTERM'],
}: StartServerOptions): Promise<RunningServer> {
  if (listensOnAllInterfaces(host)) {
    logger.warn('server_exposed', { host, hint: 'listening on every network interface; put authentication and TLS in front' });
  }
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info('server_listening', { url });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // After the first signal our handlers go, so a second Ctrl-C gets Node's default: exit now.
    for (const signal of shutdownSignals) process.off(signal, onSignal);
    closing ??= app.close().then(() => {
      logger.info('server_closed', { url });
    });
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info('server_shutdown', { signal });
    close().catch((error: unknown) => {
      logger.error('server_shutdown_failed', { code: toNorthstationError(error).code });
    });
  };
  for (const signal of shutdownSignals) process.once(signal, onSignal);
  return { url, close };
}

/** True for wildcard addresses, which accept connections from every network the machine is on. */
export function listensOnAllInterfaces(host: string): boolean {
  return ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0', ''].includes(host.trim());
}
