/**
 * A raw TCP peer for the listener's tests: builds an A-ASSOCIATE-RQ by hand
 * (PS3.8 9.3.2) and collects what the listener answers, so tests can play a
 * misbehaving or merely numerous sender that DCMTK will not imitate.
 */
import { connect, type Socket } from 'node:net';

function item(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value]);
}

export function associateRequest(calledAe: string, callingAe: string, contexts: ReadonlyArray<{ id: number; abstractSyntax: string; transferSyntaxes: string[] }>): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0);
  fixed.write(calledAe.padEnd(16, ' '), 4, 'latin1');
  fixed.write(callingAe.padEnd(16, ' '), 20, 'latin1');
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(16384, 0);
  const body = Buffer.concat([
    fixed,
    item(0x10, Buffer.from('1.2.840.10008.3.1.1.1')),
    ...contexts.map((c) => item(0x20, Buffer.concat([Buffer.from([c.id, 0, 0, 0]), item(0x30, Buffer.from(c.abstractSyntax)), ...c.transferSyntaxes.map((ts) => item(0x40, Buffer.from(ts)))]))),
    item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, Buffer.from('1.2.3.4'))])),
  ]);
  const header = Buffer.alloc(6);
  header.writeUInt8(0x01, 0);
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

export interface RawPeer {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves when the listener closes the connection, with how long that took. */
  closed: Promise<number>;
  /** Resolves once at least `n` bytes have arrived. */
  bytes(n: number): Promise<Buffer>;
}

export async function rawPeer(port: number): Promise<RawPeer> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = Date.now();
  let data = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => { /* a reset after an abort is expected */ });
  const closed = new Promise<number>((resolve) => socket.once('close', () => { resolve(Date.now() - started); }));
  return {
    socket,
    received: () => data,
    closed,
    bytes: async (n) => {
      while (data.length < n) {
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        const ended = closed.then(() => { throw new Error(`closed after ${data.length} of ${n} bytes`); });
        await Promise.race([more, ended]);
      }
      return data;
    },
  };
}
