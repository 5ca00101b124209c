/** The transfer syntaxes this decoder reads (PS3.5 §10, Annex A). */
import { NorthstationError } from '../../core/errors.ts';

export type PixelEncoding = 'native' | 'rle' | 'jpeg-dct' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k';

export interface TransferSyntax {
  uid: string;
  name: string;
  explicitVr: boolean;
  littleEndian: boolean;
  deflated: boolean;
  encoding: PixelEncoding;
  lossy: boolean;
}

const entry = (uid: string, name: string, encoding: PixelEncoding, lossy: boolean, explicitVr = true, littleEndian = true, deflated = false): TransferSyntax => ({
  uid, name, explicitVr, littleEndian, deflated, encoding, lossy,
});

const table: readonly TransferSyntax[] = [
  entry('1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native', false, false),
  entry('1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native', false),
  entry('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'native', false, true, true, true),
  entry('1.2.840.10008.1.2.2', 'Explicit VR Big Endian', 'native', false, true, false),
  entry('1.2.840.10008.1.2.5', 'RLE Lossless', 'rle', false),
  entry('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-dct', true),
  entry('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-dct', true),
  entry('1.2.840.10008.1.2.4.57', 'JPEG Lossless (Process 14)', 'jpeg-lossless', false),
  entry('1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1 (Process 14, Selection Value 1)', 'jpeg-lossless', false),
  entry('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'jpeg-ls', false),
  entry('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', 'jpeg-ls', true),
  entry('1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless Only', 'j2k', false),
  entry('1.2.840.10008.1.2.4.91', 'JPEG 2000', 'j2k', true),
];

const byUid = new Map(table.map((syntax) => [syntax.uid, syntax]));

export function transferSyntax(uid: string): TransferSyntax {
  const found = byUid.get(uid);
  if (found === undefined) {
    throw new NorthstationError('unsupported', `transfer syntax ${uid} is not supported`, { transferSyntaxUid: uid });
  }
  return found;
}
