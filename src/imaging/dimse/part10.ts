/**
 * A DICOM Part 10 file around a received dataset (PS3.10 section 7.1): a
 * 128-byte zero preamble, "DICM", the file meta information group (0002,
 * always explicit VR little endian), then the dataset exactly as received.
 */
import { implementationClassUid, implementationVersionName } from './uids.ts';

export interface FileMeta {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The sender's AE title, as (0002,0016) Source Application Entity Title. */
  sourceAeTitle?: string;
}

function element(elementNumber: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(0x0002, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** UI pads with NUL, AE and SH with a space, to an even length. */
const padded = (text: string, pad: string): Buffer => Buffer.from(text.length % 2 === 0 ? text : text + pad, 'latin1');

export function fileMetaGroup(meta: FileMeta): Buffer {
  const body = Buffer.concat([
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', padded(meta.sopClassUid, '\0')),
    element(0x0003, 'UI', padded(meta.sopInstanceUid, '\0')),
    element(0x0010, 'UI', padded(meta.transferSyntaxUid, '\0')),
    element(0x0012, 'UI', padded(implementationClassUid, '\0')),
    element(0x0013, 'SH', padded(implementationVersionName, ' ')),
    ...(meta.sourceAeTitle === undefined || meta.sourceAeTitle === '' ? [] : [element(0x0016, 'AE', padded(meta.sourceAeTitle, ' '))]),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  return Buffer.concat([element(0x0000, 'UL', length), body]);
}

export function part10File(meta: FileMeta, dataset: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), fileMetaGroup(meta), dataset]);
}

/** The dataset of a Part 10 file: what follows the preamble, "DICM" and the meta group (its length read from (0002,0000)). */
export function datasetOfPart10(file: Buffer): Buffer {
  if (file.length < 144 || file.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a DICOM Part 10 file');
  // Some writers omit (0002,0000): walk the explicit VR group instead of trusting it.
  let at = 132;
  while (at + 8 <= file.length && file.readUInt16LE(at) === 0x0002) {
    const vr = file.toString('latin1', at + 4, at + 6);
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT', 'UC', 'UR'].includes(vr);
    at += long ? 12 + file.readUInt32LE(at + 8) : 8 + file.readUInt16LE(at + 6);
  }
  return file.subarray(at);
}
