/**
 * The listener's codecs on their own: malformed input is refused with the
 * right error rather than read past, and what is encoded decodes back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { negotiateContexts, refusal, rejections } from './association.ts';
import { CommandError, decodeCommand, encodeCommand, noDataset } from './command.ts';
import { DatasetError, scanDataset } from './dataset-scan.ts';
import { decodeAssociateRequest, decodePData, encodePData, PduError, PduReader } from './pdu.ts';
import { associateRequest } from './test-peer.test-support.ts';

test('commands: encode then decode keeps every field; a truncated command is refused', () => {
  const command = { commandField: 0x8001, messageIdBeingRespondedTo: 7, dataSetType: noDataset, status: 0xa700, errorComment: 'too big', affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: '1.2.3' };
  const bytes = encodeCommand(command);
  assert.equal(bytes.readUInt32LE(8), bytes.length - 12, 'group length counts what follows it');
  assert.deepEqual(decodeCommand(bytes), command);
  assert.throws(() => decodeCommand(bytes.subarray(0, bytes.length - 3)), CommandError);
});

test('PDUs: the reader splits a stream at any chunking, refuses an oversize length before buffering, and PDVs round-trip fragmented', () => {
  const message = Buffer.alloc(10_000, 7);
  const pdus = encodePData(1, false, message, 4096);
  assert.ok(pdus.length > 2 && pdus.every((p) => p.length <= 4096 + 6));
  const reader = new PduReader(4096);
  const stream = Buffer.concat(pdus);
  const got = [];
  for (let at = 0; at < stream.length; at += 333) got.push(...reader.push(stream.subarray(at, at + 333)));
  const pdvs = got.flatMap((p) => decodePData(p.body));
  assert.deepEqual(Buffer.concat(pdvs.map((p) => p.data)), message);
  assert.deepEqual(pdvs.map((p) => p.last), pdvs.map((_, i) => i === pdvs.length - 1));
  assert.throws(() => new PduReader(4096).push(Buffer.from([0x04, 0, 0, 0, 0x20, 0])), PduError);
  assert.throws(() => new PduReader(4096).push(Buffer.from([0x09, 0, 0, 0, 0, 0])), (e) => e instanceof PduError && e.abortReason === 1);
  assert.throws(() => decodePData(Buffer.from([0, 0, 0, 9, 1, 3, 0])), PduError);
});

test('negotiation: verification and storage accepted with the sender’s first usable syntax; others refused with their reason', () => {
  const request = decodeAssociateRequest(
    associateRequest('NORTHSTATION', 'MODALITY', [
      { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
      { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.1'] },
      { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.88.11', transferSyntaxes: ['1.2.840.10008.1.2.1'] },
      { id: 7, abstractSyntax: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxes: ['1.2.840.10008.1.2.1.99'] },
    ]).subarray(6),
  );
  assert.equal(request.callingAeTitle, 'MODALITY');
  assert.equal(request.maxPduLength, 16384);
  const { results, accepted } = negotiateContexts(request);
  assert.deepEqual(results.map((r) => [r.id, r.result]), [[1, 0], [3, 0], [5, 3], [7, 4]]);
  assert.equal(accepted.get(3)?.transferSyntax, '1.2.840.10008.1.2.4.90');
  assert.equal(refusal(request, { aeTitle: 'NORTHSTATION' }), undefined);
  assert.equal(refusal(request, { aeTitle: 'OTHER' }), rejections.calledAe);
  assert.equal(refusal(request, { aeTitle: 'NORTHSTATION', allowedCallingAeTitles: ['CT1'] }), rejections.callingAe);
});

/** An explicit VR little endian element with a short length. */
const el = (group: number, element: number, vr: string, value: string): Buffer => {
  const v = Buffer.from(value.length % 2 === 0 ? value : value + '\0', 'latin1');
  const h = Buffer.alloc(8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(element, 2);
  h.write(vr, 4, 'latin1');
  h.writeUInt16LE(v.length, 6);
  return Buffer.concat([h, v]);
};

test('dataset scan: finds identifiers past an undefined-length sequence; truncation and disorder are DatasetErrors', () => {
  const sequence = Buffer.concat([
    Buffer.from([0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]),
    el(0x0008, 0x1155, 'UI', '9.9.9'),
    Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
  ]);
  const dataset = Buffer.concat([el(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'), el(0x0008, 0x0018, 'UI', '1.2.3'), el(0x0008, 0x0060, 'CS', 'CT'), sequence, el(0x0010, 0x0010, 'PN', 'Doe^Jane'), el(0x0020, 0x000d, 'UI', '1.2'), el(0x0020, 0x000e, 'UI', '1.2.1')]);
  assert.deepEqual(scanDataset(dataset, false), { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3', modality: 'CT', patientName: 'Doe^Jane', studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1' });
  assert.throws(() => scanDataset(dataset.subarray(0, 60), false), DatasetError);
  assert.throws(() => scanDataset(Buffer.concat([el(0x0010, 0x0010, 'PN', 'A'), el(0x0008, 0x0018, 'UI', '1')]), false), DatasetError);
});
