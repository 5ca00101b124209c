/**
 * DICOM upper layer PDUs (PS3.8 section 9.3): the 6-byte header (type,
 * reserved, 32-bit big-endian length), the association request the listener
 * reads, and the answers it writes. Decoding is bounds-checked throughout:
 * every malformed field is a `PduError`, which the connection answers with
 * A-ABORT (PS3.8 9.3.8: unrecognised or invalid PDU parameter).
 */
import { applicationContextName } from './uids.ts';

export const PduType = {
  associateRq: 0x01,
  associateAc: 0x02,
  associateRj: 0x03,
  pData: 0x04,
  releaseRq: 0x05,
  releaseRp: 0x06,
  abort: 0x07,
} as const;

export class PduError extends Error {
  /** The A-ABORT reason (PS3.8 table 9-26, source 2): 1 unrecognised PDU, 2 unexpected PDU, 6 invalid parameter value. */
  readonly abortReason: number;
  constructor(message: string, abortReason = 6) {
    super(message);
    this.name = 'PduError';
    this.abortReason = abortReason;
  }
}

export interface Pdu {
  type: number;
  body: Buffer;
}

/** One proposed presentation context (item 0x20). */
export interface ProposedContext {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export interface AssociateRequest {
  protocolVersion: number;
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContext: string;
  contexts: ProposedContext[];
  /** The requestor's largest PDU it can receive; 0 means no limit (PS3.8 D.1). */
  maxPduLength: number;
  implementationClassUid: string;
  implementationVersionName: string;
}

/** UIDs are padded to even length with a NUL, AE titles and names with spaces: neither is significant. */
const text = (bytes: Buffer): string => bytes.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');

/** Walks the variable items of an A-ASSOCIATE PDU or a sub-item list: type, reserved, 16-bit length. */
function* items(buffer: Buffer, start: number, end: number): Generator<{ type: number; value: Buffer }> {
  let at = start;
  while (at < end) {
    if (at + 4 > end) throw new PduError('truncated item header');
    const type = buffer.readUInt8(at);
    const length = buffer.readUInt16BE(at + 2);
    if (at + 4 + length > end) throw new PduError(`item 0x${type.toString(16)} runs past its PDU`);
    yield { type, value: buffer.subarray(at + 4, at + 4 + length) };
    at += 4 + length;
  }
}

export function decodeAssociateRequest(body: Buffer): AssociateRequest {
  if (body.length < 68) throw new PduError('A-ASSOCIATE-RQ shorter than its fixed fields');
  const request: AssociateRequest = {
    protocolVersion: body.readUInt16BE(0),
    calledAeTitle: text(body.subarray(4, 20)),
    callingAeTitle: text(body.subarray(20, 36)),
    applicationContext: '',
    contexts: [],
    maxPduLength: 0,
    implementationClassUid: '',
    implementationVersionName: '',
  };
  for (const item of items(body, 68, body.length)) {
    if (item.type === 0x10) request.applicationContext = text(item.value);
    else if (item.type === 0x20) request.contexts.push(decodeProposedContext(item.value));
    else if (item.type === 0x50) {
      for (const sub of items(item.value, 0, item.value.length)) {
        if (sub.type === 0x51) {
          if (sub.value.length !== 4) throw new PduError('maximum length sub-item is not 4 bytes');
          request.maxPduLength = sub.value.readUInt32BE(0);
        } else if (sub.type === 0x52) request.implementationClassUid = text(sub.value);
        else if (sub.type === 0x55) request.implementationVersionName = text(sub.value);
        // Asynchronous operations, role selection, extended negotiation and user identity are not negotiated: left unanswered, they default (PS3.7 D.3.3).
      }
    }
  }
  return request;
}

function decodeProposedContext(value: Buffer): ProposedContext {
  if (value.length < 4) throw new PduError('presentation context item too short');
  const context: ProposedContext = { id: value.readUInt8(0), abstractSyntax: '', transferSyntaxes: [] };
  for (const sub of items(value, 4, value.length)) {
    if (sub.type === 0x30) context.abstractSyntax = text(sub.value);
    else if (sub.type === 0x40) context.transferSyntaxes.push(text(sub.value));
  }
  return context;
}

function pdu(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function item(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value]);
}

const ascii = (value: string): Buffer => Buffer.from(value, 'latin1');
const aeField = (title: string): Buffer => Buffer.from(title.padEnd(16, ' ').slice(0, 16), 'latin1');

/** The answer to one proposed context (PS3.8 table 9-18): 0 acceptance, 1 user rejection, 3 abstract syntax not supported, 4 transfer syntaxes not supported. */
export interface ContextResult {
  id: number;
  result: 0 | 1 | 2 | 3 | 4;
  /** The accepted syntax; on a refusal not significant (PS3.8 9.3.3.2), so any offered one is echoed. */
  transferSyntax: string;
}

export interface AssociateAccept {
  calledAeTitle: string;
  callingAeTitle: string;
  contexts: ContextResult[];
  /** The largest PDU this side will receive. */
  maxPduLength: number;
  implementationClassUid: string;
  implementationVersionName: string;
}

export function encodeAssociateAccept(accept: AssociateAccept): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0);
  aeField(accept.calledAeTitle).copy(fixed, 4);
  aeField(accept.callingAeTitle).copy(fixed, 20);
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(accept.maxPduLength, 0);
  const userInfo = item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, ascii(accept.implementationClassUid)), item(0x55, ascii(accept.implementationVersionName))]));
  const contexts = accept.contexts.map((context) => item(0x21, Buffer.concat([Buffer.from([context.id, 0, context.result, 0]), item(0x40, ascii(context.transferSyntax))])));
  return pdu(PduType.associateAc, Buffer.concat([fixed, item(0x10, ascii(applicationContextName)), ...contexts, userInfo]));
}

/** A-ASSOCIATE-RJ (PS3.8 table 9-21): result 1 permanent / 2 transient; source 1 user, 2 ACSE provider, 3 presentation provider. */
export function encodeAssociateReject(result: 1 | 2, source: 1 | 2 | 3, reason: number): Buffer {
  return pdu(PduType.associateRj, Buffer.from([0, result, source, reason]));
}

export const encodeReleaseResponse = (): Buffer => pdu(PduType.releaseRp, Buffer.alloc(4));

/** A-ABORT (PS3.8 table 9-26): source 0 service user, 2 service provider. */
export const encodeAbort = (source: 0 | 2, reason: number): Buffer => pdu(PduType.abort, Buffer.from([0, 0, source, reason]));

export interface Pdv {
  contextId: number;
  command: boolean;
  last: boolean;
  data: Buffer;
}

/** The PDVs of a P-DATA-TF body (PS3.8 9.3.5.1, annex E.2): 32-bit length, context id, control header, fragment. */
export function decodePData(body: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + 6 > body.length) throw new PduError('truncated PDV header');
    const length = body.readUInt32BE(at);
    if (length < 2 || at + 4 + length > body.length) throw new PduError('PDV length outside its PDU');
    const control = body.readUInt8(at + 5);
    if ((control & 0xfc) !== 0) throw new PduError('PDV message control header has reserved bits set');
    pdvs.push({ contextId: body.readUInt8(at + 4), command: (control & 1) === 1, last: (control & 2) === 2, data: body.subarray(at + 6, at + 4 + length) });
    at += 4 + length;
  }
  if (pdvs.length === 0) throw new PduError('P-DATA-TF without a PDV');
  return pdvs;
}

/**
 * A message (command or dataset) as P-DATA-TF PDUs, one PDV each, fragmented
 * so that no PDU exceeds the peer's maximum (0: no limit).
 */
export function encodePData(contextId: number, command: boolean, message: Buffer, peerMaxPduLength: number): Buffer[] {
  // A PDU's length counts the PDV item: 4 length bytes, context id, control header, then data.
  const room = peerMaxPduLength === 0 ? Math.max(message.length, 1) : Math.max(peerMaxPduLength - 6, 1);
  const pdus: Buffer[] = [];
  for (let at = 0; at < message.length || pdus.length === 0; at += room) {
    const data = message.subarray(at, at + room);
    const last = at + room >= message.length;
    const header = Buffer.alloc(6);
    header.writeUInt32BE(data.length + 2, 0);
    header.writeUInt8(contextId, 4);
    header.writeUInt8((command ? 1 : 0) | (last ? 2 : 0), 5);
    pdus.push(pdu(PduType.pData, Buffer.concat([header, data])));
  }
  return pdus;
}

/**
 * Splits a byte stream into PDUs. A PDU longer than `maxLength` is refused
 * before its body is buffered, so a peer cannot make the listener hold
 * more than one bounded PDU in memory.
 */
export class PduReader {
  readonly #maxLength: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(maxLength: number) {
    this.#maxLength = maxLength;
  }

  push(chunk: Buffer): Pdu[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const out: Pdu[] = [];
    for (;;) {
      if (this.#buffered < 6) break;
      const head = this.#peek(6);
      const type = head.readUInt8(0);
      if (type < PduType.associateRq || type > PduType.abort) throw new PduError(`unrecognised PDU type 0x${type.toString(16)}`, 1);
      const length = head.readUInt32BE(2);
      if (length > this.#maxLength) throw new PduError(`PDU of ${length} bytes exceeds the negotiated maximum of ${this.#maxLength}`);
      if (this.#buffered < 6 + length) break;
      const whole = this.#take(6 + length);
      out.push({ type, body: whole.subarray(6) });
    }
    return out;
  }

  /** Bytes received but not yet a whole PDU. */
  get pending(): number {
    return this.#buffered;
  }

  #peek(n: number): Buffer {
    if (this.#chunks.length > 1 && (this.#chunks[0]?.length ?? 0) < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return (this.#chunks[0] ?? Buffer.alloc(0)).subarray(0, n);
  }

  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(this.#chunks);
    const rest = all.subarray(n);
    this.#chunks = rest.length === 0 ? [] : [rest];
    this.#buffered = rest.length;
    return all.subarray(0, n);
  }
}
