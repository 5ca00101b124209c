/**
 * One TCP connection of the storage listener: the upper layer state machine
 * (PS3.8 9.2, reduced to an acceptor's states) and the DIMSE messages carried
 * by P-DATA-TF. Work is serialised per association (no asynchronous
 * operations are negotiated, PS3.7 D.3.3.3), so replies go out in order.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '../../core/log.ts';
import { negotiateContexts, refusal, rejections, type AcceptedContext, type Rejection } from './association.ts';
import { CommandError, decodeCommand, encodeCommand, CommandField, noDataset, responseTo, type Command } from './command.ts';
import { decodeAssociateRequest, decodePData, encodeAbort, encodeAssociateAccept, encodeAssociateReject, encodePData, encodeReleaseResponse, PduError, PduReader, PduType, type Pdu } from './pdu.ts';
import type { ResolvedScpOptions } from './scp.ts';
import { storeInstance, type Incoming } from './store-instance.ts';
import { implementationClassUid, implementationVersionName } from './uids.ts';

export interface ConnectionHooks {
  /** Claims an association slot; false when the cap is reached. */
  tryOpen(): boolean;
  /** The connection is gone; `wasOpen` when it held a slot. */
  closed(wasOpen: boolean): void;
}

/** Command sets are a few hundred bytes; more is not a command. */
const maxCommandBytes = 64 * 1024;

type State = 'awaiting-request' | 'established' | 'released' | 'closed';

export class Connection {
  readonly #socket: Socket;
  readonly #options: ResolvedScpOptions;
  readonly #hooks: ConnectionHooks;
  readonly #log: Logger;
  readonly #id = randomBytes(4).toString('hex');
  readonly #reader: PduReader;
  #state: State = 'awaiting-request';
  #holdsSlot = false;
  #artim: NodeJS.Timeout | undefined;
  #contexts = new Map<number, AcceptedContext>();
  #peerMaxPdu = 0;
  #callingAe = '';
  #calledAe = '';
  #associationBytes = 0;
  #commandFragments: Buffer[] = [];
  #commandBytes = 0;
  #commandContext = 0;
  #incoming: Incoming | undefined;
  #work: Promise<void> = Promise.resolve();
  #counts = { stored: 0, duplicate: 0, failed: 0, echoes: 0 };

  constructor(socket: Socket, options: ResolvedScpOptions, hooks: ConnectionHooks) {
    this.#socket = socket;
    this.#options = options;
    this.#hooks = hooks;
    this.#log = options.logger.child({ association: this.#id });
    // The association request itself is bounded too: a few KiB in practice.
    this.#reader = new PduReader(options.maxPduLength);
  }

  start(): void {
    const socket = this.#socket;
    socket.setNoDelay(true);
    this.#startArtim();
    socket.setTimeout(this.#options.idleTimeoutMs, () => { this.#abort('idle timeout', 0); });
    socket.on('data', (chunk: Buffer) => { this.#onData(chunk); });
    socket.on('error', () => { /* 'close' follows; a reset peer is routine */ });
    socket.on('close', () => { this.#onClose(); });
  }

  #closed(): boolean {
    return this.#state === 'closed';
  }

  #startArtim(): void {
    clearTimeout(this.#artim);
    this.#artim = setTimeout(() => {
      this.#log.warn('dicom.artim-expired', { state: this.#state });
      this.#socket.destroy();
    }, this.#options.artimTimeoutMs);
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closed') return;
    let pdus: Pdu[];
    try {
      pdus = this.#reader.push(chunk);
    } catch (error) {
      this.#protocolError(error);
      return;
    }
    for (const pdu of pdus) {
      // A PDU before this one may have closed the association.
      if (this.#closed()) return;
      try {
        this.#onPdu(pdu);
      } catch (error) {
        this.#protocolError(error);
        return;
      }
    }
  }

  #onPdu(pdu: Pdu): void {
    if (this.#state === 'awaiting-request') {
      if (pdu.type !== PduType.associateRq) throw new PduError('expected A-ASSOCIATE-RQ', 2);
      this.#onAssociateRequest(pdu.body);
      return;
    }
    switch (pdu.type) {
      case PduType.pData:
        if (this.#state !== 'established') throw new PduError('P-DATA-TF outside an association', 2);
        this.#associationBytes += pdu.body.length;
        if (this.#associationBytes > this.#options.maxAssociationBytes) {
          this.#abort('association byte cap exceeded', 0);
          return;
        }
        for (const pdv of decodePData(pdu.body)) this.#onPdv(pdv.contextId, pdv.command, pdv.last, pdv.data);
        return;
      case PduType.releaseRq:
        if (this.#state !== 'established') throw new PduError('A-RELEASE-RQ outside an association', 2);
        this.#state = 'released';
        // Answer once every message before the release has been answered.
        this.#enqueue(() => {
          this.#write(encodeReleaseResponse());
          this.#log.info('dicom.released', { ...this.#counts });
          this.#socket.end();
          this.#startArtim();
          return Promise.resolve();
        });
        return;
      case PduType.abort:
        this.#log.info('dicom.aborted-by-peer', { ...this.#counts });
        this.#close();
        return;
      default:
        throw new PduError(`unexpected PDU type 0x${pdu.type.toString(16)}`, 2);
    }
  }

  #onAssociateRequest(body: Buffer): void {
    const request = decodeAssociateRequest(body);
    this.#callingAe = request.callingAeTitle;
    this.#calledAe = request.calledAeTitle;
    const refused = refusal(request, this.#options);
    if (refused !== undefined) {
      this.#reject(refused);
      return;
    }
    if (!this.#hooks.tryOpen()) {
      this.#reject(rejections.tooMany);
      return;
    }
    this.#holdsSlot = true;
    const { results, accepted } = negotiateContexts(request);
    this.#contexts = accepted;
    this.#peerMaxPdu = request.maxPduLength;
    this.#state = 'established';
    clearTimeout(this.#artim);
    this.#write(
      encodeAssociateAccept({
        calledAeTitle: request.calledAeTitle,
        callingAeTitle: request.callingAeTitle,
        contexts: results,
        maxPduLength: this.#options.maxPduLength,
        implementationClassUid,
        implementationVersionName,
      }),
    );
    this.#log.info('dicom.associated', { callingAe: this.#callingAe, proposedCount: request.contexts.length, acceptedCount: accepted.size });
  }

  #reject(rejection: Rejection): void {
    this.#log.warn('dicom.rejected', { callingAe: this.#callingAe, reason: rejection.why });
    this.#write(encodeAssociateReject(rejection.result, rejection.source, rejection.reason));
    this.#state = 'released';
    this.#socket.end();
    this.#startArtim();
  }

  #onPdv(contextId: number, isCommand: boolean, last: boolean, data: Buffer): void {
    if (!this.#contexts.has(contextId)) throw new PduError('PDV on a presentation context that was not accepted');
    if (isCommand) {
      if (this.#incoming !== undefined) throw new PduError('a command fragment arrived while a dataset was expected', 2);
      if (this.#commandFragments.length > 0 && contextId !== this.#commandContext) throw new PduError('command fragments on two presentation contexts', 2);
      this.#commandContext = contextId;
      this.#commandBytes += data.length;
      if (this.#commandBytes > maxCommandBytes) throw new PduError('command set too large');
      this.#commandFragments.push(data);
      if (last) this.#onCommand(contextId, Buffer.concat(this.#commandFragments));
      return;
    }
    const incoming = this.#incoming;
    if (incoming === undefined || incoming.contextId !== contextId) throw new PduError('a dataset fragment without its command', 2);
    incoming.bytes += data.length;
    if (!incoming.discarded && incoming.bytes > this.#options.maxDatasetBytes) {
      // Keep reading to the last fragment so the association stays in step, then refuse this one instance.
      incoming.discarded = true;
      incoming.fragments = [];
    }
    if (!incoming.discarded) incoming.fragments.push(data);
    if (last) {
      this.#incoming = undefined;
      this.#enqueue(() => this.#onMessage(incoming));
    }
  }

  #onCommand(contextId: number, bytes: Buffer): void {
    this.#commandFragments = [];
    this.#commandBytes = 0;
    let command: Command;
    try {
      command = decodeCommand(bytes);
    } catch (error) {
      if (error instanceof CommandError) throw new PduError(`undecodable command: ${error.message}`);
      throw error;
    }
    const incoming: Incoming = { contextId, command, fragments: [], bytes: 0, discarded: false };
    if (command.dataSetType === noDataset) this.#enqueue(() => this.#onMessage(incoming));
    else this.#incoming = incoming;
  }

  async #onMessage(incoming: Incoming): Promise<void> {
    const { command } = incoming;
    const context = this.#contexts.get(incoming.contextId);
    if (context === undefined) return;
    if (command.commandField === CommandField.cEchoRq) {
      this.#counts.echoes += 1;
      this.#send(incoming.contextId, responseTo(command, CommandField.cEchoRsp, 0x0000));
      return;
    }
    if (command.commandField !== CommandField.cStoreRq) {
      // Any other request (C-FIND, C-MOVE…) gets its response type with "unrecognised operation".
      this.#send(incoming.contextId, responseTo(command, (command.commandField | 0x8000) & 0xffff, 0x0211));
      return;
    }
    const status = await storeInstance(incoming, context, {
      associationId: this.#id,
      callingAeTitle: this.#callingAe,
      calledAeTitle: this.#calledAe,
      remoteAddress: this.#socket.remoteAddress ?? '',
      maxDatasetBytes: this.#options.maxDatasetBytes,
      onInstance: this.#options.onInstance,
      log: this.#log,
    });
    if (status.outcome === 'stored') this.#counts.stored += 1;
    else if (status.outcome === 'duplicate') this.#counts.duplicate += 1;
    else this.#counts.failed += 1;
    if (this.#state === 'closed') return;
    this.#send(incoming.contextId, responseTo(command, CommandField.cStoreRsp, status.status, status.comment));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#work = this.#work.then(task).catch((error: unknown) => {
      this.#log.error('dicom.internal-error', { error: error instanceof Error ? error.name : 'unknown' });
      this.#abort('internal error', 0);
    });
  }

  #send(contextId: number, command: Command): void {
    for (const pdu of encodePData(contextId, true, encodeCommand(command), this.#peerMaxPdu)) this.#write(pdu);
  }

  #write(bytes: Buffer): void {
    if (this.#state !== 'closed' && !this.#socket.destroyed) this.#socket.write(bytes);
  }

  #protocolError(error: unknown): void {
    const reason = error instanceof PduError ? error.abortReason : 0;
    this.#log.warn('dicom.protocol-error', { state: this.#state, error: error instanceof Error ? error.message : 'unknown' });
    this.#abort('protocol error', reason);
  }

  /** A-ABORT from the service provider, then close (PS3.8 9.3.8). */
  #abort(why: string, reason: number): void {
    if (this.#state === 'closed') return;
    if (this.#state !== 'released') this.#log.warn('dicom.abort', { why, ...this.#counts });
    this.#write(encodeAbort(2, reason));
    this.#close();
  }

  #close(): void {
    this.#state = 'closed';
    this.#socket.end();
    // Give the abort a moment to leave, but never wait on a peer that stopped reading.
    setTimeout(() => this.#socket.destroy(), 100).unref();
  }

  #onClose(): void {
    clearTimeout(this.#artim);
    this.#state = 'closed';
    this.#incoming = undefined;
    this.#hooks.closed(this.#holdsSlot);
    this.#holdsSlot = false;
  }
}
