/**
 * The storage listener (storage SCP, issue 7): a TCP server speaking the
 * DICOM upper layer (pdu.ts) and DIMSE C-ECHO / C-STORE (connection.ts),
 * handing each received instance, as a Part 10 file, to `onInstance`. Where
 * the instance goes (the encrypted archive and the records store) is the
 * caller's business: this layer imports core only.
 *
 * Limits, each a refusal rather than a crash: associations at once (one over
 * is A-ASSOCIATE-RJ transient, "local limit exceeded"; connections beyond
 * twice that are dropped by the server unanswered), bytes per dataset (C-STORE
 * failure 0xA700, nothing stored), bytes per association (A-ABORT), ARTIM (a
 * peer that connects and never asks, or never closes after release) and idle
 * time within an association (A-ABORT).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { NorthstationError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { isValidAeTitle } from './association.ts';
import { Connection } from './connection.ts';

/** One received instance. `patient` is PHI: store it encrypted, never log it. */
export interface ReceivedInstance {
  associationId: string;
  callingAeTitle: string;
  calledAeTitle: string;
  /** The sender's IP address, for the audit trail. */
  remoteAddress: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string | null;
  transferSyntaxUid: string;
  patient: { name?: string; id?: string; studyDate?: string; accessionNumber?: string };
  /** The Part 10 file: the file meta group this listener built, then the dataset exactly as received. */
  file: Buffer;
}

/** 'stored': kept; 'duplicate': an instance with this SOP Instance UID was already kept (the first copy stays). */
export type InstanceOutcome = 'stored' | 'duplicate';

export interface StorageScpOptions {
  /** Called AE title answered to. Default: 'NORTHSTATION'. */
  aeTitle?: string;
  /** Calling AE titles allowed to associate. Default: any. */
  allowedCallingAeTitles?: readonly string[];
  /** Default: 127.0.0.1 (a modality on the network needs an explicit interface). */
  host?: string;
  /** Default: 11112 (the registered DICOM port without privileges); 0 picks a free port. */
  port?: number;
  /** Associations at once. Default: 8. */
  maxAssociations?: number;
  /** Largest PDU received (advertised in A-ASSOCIATE-AC; a longer one is aborted). Default: 64 KiB. */
  maxPduLength?: number;
  /** Largest dataset kept, in bytes (held in memory until stored). Default: 256 MiB. */
  maxDatasetBytes?: number;
  /** Bytes of P-DATA one association may send in all. Default: 4 GiB. */
  maxAssociationBytes?: number;
  /** ARTIM (PS3.8 9.1.5): time to ask for an association after connecting, or to close after release. Default: 30 s. */
  artimTimeoutMs?: number;
  /** Silence allowed within an association before it is aborted. Default: 60 s. */
  idleTimeoutMs?: number;
  /** Stores one instance; a throw answers 0xA700 (out of resources) and is logged by error code only. */
  onInstance(instance: ReceivedInstance): Promise<InstanceOutcome>;
  logger: Logger;
}

export type ResolvedScpOptions = Required<Omit<StorageScpOptions, 'allowedCallingAeTitles'>> & { allowedCallingAeTitles: readonly string[] | undefined };

export interface StorageScp {
  /** Where it listens (the port resolved when 0 was asked). */
  readonly host: string;
  readonly port: number;
  /** Associations open now. */
  readonly associations: number;
  /** Stops listening and aborts open associations. */
  close(): Promise<void>;
}

export function resolveScpOptions(options: StorageScpOptions): ResolvedScpOptions {
  const resolved: ResolvedScpOptions = {
    aeTitle: 'NORTHSTATION',
    host: '127.0.0.1',
    port: 11112,
    maxAssociations: 8,
    maxPduLength: 64 * 1024,
    maxDatasetBytes: 256 * 1024 * 1024,
    maxAssociationBytes: 4 * 1024 * 1024 * 1024,
    artimTimeoutMs: 30_000,
    idleTimeoutMs: 60_000,
    ...options,
    allowedCallingAeTitles: options.allowedCallingAeTitles,
  };
  for (const title of [resolved.aeTitle, ...(resolved.allowedCallingAeTitles ?? [])]) {
    if (!isValidAeTitle(title)) throw new NorthstationError('config_invalid', `not a valid DICOM AE title: ${JSON.stringify(title)} (1 to 16 characters, no backslash, no leading or trailing spaces)`);
  }
  for (const name of ['maxAssociations', 'maxPduLength', 'maxDatasetBytes', 'maxAssociationBytes', 'artimTimeoutMs', 'idleTimeoutMs'] as const) {
    if (!Number.isSafeInteger(resolved[name]) || resolved[name] < 1) throw new NorthstationError('config_invalid', `${name} must be a positive integer`, { [name]: resolved[name] });
  }
  // A PDU must hold at least a PDV header and some data; 16 KiB-ish is the smallest peers expect (PS3.8 D.1).
  if (resolved.maxPduLength < 4096) throw new NorthstationError('config_invalid', 'maxPduLength must be at least 4096', { maxPduLength: resolved.maxPduLength });
  if (!Number.isSafeInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) throw new NorthstationError('config_invalid', `not a TCP port: ${resolved.port}`);
  return resolved;
}

export async function startStorageScp(options: StorageScpOptions): Promise<StorageScp> {
  const resolved = resolveScpOptions(options);
  const sockets = new Set<Socket>();
  let open = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connection = new Connection(socket, resolved, {
      tryOpen: () => {
        if (open >= resolved.maxAssociations) return false;
        open += 1;
        return true;
      },
      closed: (wasOpen) => {
        if (wasOpen) open -= 1;
        sockets.delete(socket);
      },
    });
    connection.start();
  });
  // Connections still asking (not yet associated) count too; past twice the cap the kernel-accepted socket is closed at once.
  server.maxConnections = resolved.maxAssociations * 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : resolved.port;
  resolved.logger.info('dicom.listening', { host: resolved.host, port, aeTitle: resolved.aeTitle, maxAssociations: resolved.maxAssociations });
  return {
    host: resolved.host,
    port,
    get associations() {
      return open;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
