/**
 * DICOM Part 10 parsing (PS3.10 §7, PS3.5 §7): preamble and "DICM", the file
 * meta group (always explicit VR little endian, with or without its group
 * length), then the data set in the transfer syntax the meta group names.
 *
 * Every read is bounds-checked against the end of its enclosing element, item
 * or file, so a truncated or hostile file ends in a NorthstationError
 * 'bad_request' and never in a RangeError, a hang or unbounded recursion.
 */
import { inflateRawSync } from 'node:zlib';
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { defaultLimits, type DecodeLimits } from './limits.ts';
import { transferSyntax, type TransferSyntax } from './transfer-syntax.ts';

export interface Fragment {
  /** Offset of this fragment's item header from the first item after the basic offset table. */
  offset: number;
  data: Uint8Array;
}

export interface DicomElement {
  tag: number;
  vr: string;
  /** The value bytes (empty for sequences and encapsulated pixel data). */
  value: Uint8Array;
  items?: DicomDataset[];
  /** Encapsulated pixel data: basic offset table first, then the fragments. */
  offsetTable?: Uint8Array;
  fragments?: Fragment[];
}

export interface DicomDataset {
  littleEndian: boolean;
  elements: Map<number, DicomElement>;
}

export interface ParsedFile {
  meta: DicomDataset;
  dataset: DicomDataset;
  syntax: TransferSyntax;
}

export const tagOf = (group: number, element: number): number => ((group << 16) | element) >>> 0;
export const tagText = (tag: number): string =>
  `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;

const itemTag = tagOf(0xfffe, 0xe000);
const itemDelimiter = tagOf(0xfffe, 0xe00d);
const sequenceDelimiter = tagOf(0xfffe, 0xe0dd);
const pixelDataTag = tagOf(0x7fe0, 0x0010);
const transferSyntaxTag = tagOf(0x0002, 0x0010);
const undefinedLength = 0xffffffff;
const emptyBytes = new Uint8Array(0);

// Explicit VRs whose header has two reserved bytes and a 32-bit length (PS3.5 §7.1.2).
const longVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

// Implicit VR carries no VR: the few elements this decoder interprets, and the
// sequences it descends into, are named here; the rest stay raw bytes.
const implicitVrs = new Map<number, string>([
  [tagOf(0x0028, 0x0002), 'US'], [tagOf(0x0028, 0x0006), 'US'], [tagOf(0x0028, 0x0010), 'US'],
  [tagOf(0x0028, 0x0011), 'US'], [tagOf(0x0028, 0x0100), 'US'], [tagOf(0x0028, 0x0101), 'US'],
  [tagOf(0x0028, 0x0102), 'US'], [tagOf(0x0028, 0x0103), 'US'], [tagOf(0x0028, 0x3002), 'US'],
  [tagOf(0x0028, 0x3006), 'OW'], [pixelDataTag, 'OW'],
  [tagOf(0x0028, 0x3010), 'SQ'], [tagOf(0x5200, 0x9229), 'SQ'], [tagOf(0x5200, 0x9230), 'SQ'],
  [tagOf(0x0028, 0x9110), 'SQ'], [tagOf(0x0028, 0x9132), 'SQ'], [tagOf(0x0028, 0x9145), 'SQ'],
]);

interface Cursor {
  bytes: Uint8Array;
  view: DataView;
  pos: number;
  littleEndian: boolean;
  explicitVr: boolean;
  maxDepth: number;
}

function truncated(c: Cursor, need: number, end: number, what: string): NorthstationError {
  return badRequest(`DICOM file is truncated or malformed: ${what} needs ${need} bytes at offset ${c.pos} but only ${Math.max(0, end - c.pos)} remain`, {
    offset: c.pos,
  });
}

function need(c: Cursor, n: number, end: number, what: string): void {
  if (n > end - c.pos) throw truncated(c, n, end, what);
}

function u16(c: Cursor): number {
  const v = c.view.getUint16(c.pos, c.littleEndian);
  c.pos += 2;
  return v;
}

function u32(c: Cursor): number {
  const v = c.view.getUint32(c.pos, c.littleEndian);
  c.pos += 4;
  return v;
}

function readTag(c: Cursor, end: number): number {
  need(c, 8, end, 'an element header');
  const group = u16(c);
  return tagOf(group, u16(c));
}

/** Reads one element; returns the item delimiter tag when it meets one (the caller ends the item). */
function readElement(c: Cursor, end: number, depth: number): DicomElement | 'item-end' {
  const tag = readTag(c, end);
  if (tag === itemDelimiter) {
    c.pos += 4;
    return 'item-end';
  }
  if (tag === itemTag || tag === sequenceDelimiter) {
    throw badRequest(`DICOM data set is malformed: unexpected ${tagText(tag)} at offset ${c.pos - 4}`);
  }
  let vr: string;
  let length: number;
  if (c.explicitVr) {
    vr = String.fromCharCode(c.bytes[c.pos] ?? 0, c.bytes[c.pos + 1] ?? 0);
    if (!/^[A-Z]{2}$/.test(vr)) throw badRequest(`DICOM data set is malformed: invalid VR for ${tagText(tag)} at offset ${c.pos}`);
    c.pos += 2;
    if (longVrs.has(vr)) {
      need(c, 6, end, `the length of ${tagText(tag)}`);
      c.pos += 2;
      length = u32(c);
    } else {
      length = u16(c);
    }
  } else {
    vr = implicitVrs.get(tag) ?? 'UN';
    length = u32(c);
  }
  if (length === undefinedLength) {
    if (tag === pixelDataTag) return { tag, vr, value: emptyBytes, ...readFragments(c, end) };
    if (vr === 'SQ' || vr === 'UN' || !c.explicitVr) {
      // An undefined-length UN is a sequence encoded as implicit VR little endian (PS3.5 §6.2.2).
      const saved = c.explicitVr;
      if (vr === 'UN') c.explicitVr = false;
      const items = readItems(c, end, depth + 1, true);
      c.explicitVr = saved;
      return { tag, vr: 'SQ', value: emptyBytes, items };
    }
    throw badRequest(`DICOM data set is malformed: ${tagText(tag)} (${vr}) has undefined length`);
  }
  need(c, length, end, `the value of ${tagText(tag)}`);
  if (vr === 'SQ') {
    const itemsEnd = c.pos + length;
    const items = readItems(c, itemsEnd, depth + 1, false);
    c.pos = itemsEnd;
    return { tag, vr, value: emptyBytes, items };
  }
  const value = c.bytes.subarray(c.pos, c.pos + length);
  c.pos += length;
  return { tag, vr, value };
}

function readItems(c: Cursor, end: number, depth: number, untilDelimiter: boolean): DicomDataset[] {
  if (depth > c.maxDepth) throw badRequest(`DICOM data set nests sequences deeper than ${c.maxDepth} levels`);
  const items: DicomDataset[] = [];
  while (c.pos < end) {
    const tag = readTag(c, end);
    const length = u32(c);
    if (tag === sequenceDelimiter) {
      if (untilDelimiter) return items;
      throw badRequest(`DICOM data set is malformed: sequence delimiter inside a defined-length sequence at offset ${c.pos - 8}`);
    }
    if (tag !== itemTag) throw badRequest(`DICOM data set is malformed: expected an item in a sequence, found ${tagText(tag)} at offset ${c.pos - 8}`);
    if (length === undefinedLength) {
      items.push(readDataset(c, end, depth, true));
    } else {
      need(c, length, end, 'a sequence item');
      const itemEnd = c.pos + length;
      items.push(readDataset(c, itemEnd, depth, false));
      c.pos = itemEnd;
    }
  }
  if (untilDelimiter) throw badRequest('DICOM file is truncated: a sequence has no delimiter before the end of the data');
  return items;
}

function readDataset(c: Cursor, end: number, depth: number, untilDelimiter: boolean): DicomDataset {
  const elements = new Map<number, DicomElement>();
  while (c.pos < end) {
    const element = readElement(c, end, depth);
    if (element === 'item-end') {
      if (untilDelimiter) return { littleEndian: c.littleEndian, elements };
      throw badRequest(`DICOM data set is malformed: item delimiter outside an undefined-length item at offset ${c.pos - 8}`);
    }
    elements.set(element.tag, element);
  }
  if (untilDelimiter) throw badRequest('DICOM file is truncated: an item has no delimiter before the end of the data');
  return { littleEndian: c.littleEndian, elements };
}

function readFragments(c: Cursor, end: number): { offsetTable: Uint8Array; fragments: Fragment[] } {
  let offsetTable: Uint8Array | undefined;
  const fragments: Fragment[] = [];
  let firstFragmentPos = 0;
  while (c.pos < end) {
    const start = c.pos;
    const tag = readTag(c, end);
    const length = u32(c);
    if (tag === sequenceDelimiter) return { offsetTable: offsetTable ?? emptyBytes, fragments };
    if (tag !== itemTag || length === undefinedLength) {
      throw badRequest(`encapsulated pixel data is malformed: expected a fragment item, found ${tagText(tag)} at offset ${start}`);
    }
    need(c, length, end, 'a pixel data fragment');
    const data = c.bytes.subarray(c.pos, c.pos + length);
    c.pos += length;
    if (offsetTable === undefined) {
      offsetTable = data;
      firstFragmentPos = c.pos;
    } else {
      fragments.push({ offset: start - firstFragmentPos, data });
    }
  }
  throw badRequest('DICOM file is truncated: encapsulated pixel data has no sequence delimiter');
}

function cursor(bytes: Uint8Array, pos: number, littleEndian: boolean, explicitVr: boolean, maxDepth: number): Cursor {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos, littleEndian, explicitVr, maxDepth };
}

const asciiDecoder = new TextDecoder('latin1');

export function parsePart10(bytes: Uint8Array, limits: DecodeLimits = defaultLimits): ParsedFile {
  if (bytes.byteLength > limits.maxBytes) {
    throw new NorthstationError('payload_too_large', `DICOM file is ${bytes.byteLength} bytes, over the limit of ${limits.maxBytes}`);
  }
  if (bytes.byteLength < 132 || asciiDecoder.decode(bytes.subarray(128, 132)) !== 'DICM') {
    throw badRequest('not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble');
  }
  // The meta group length is optional in practice: read while the group is 0002.
  const metaCursor = cursor(bytes, 132, true, true, limits.maxSequenceDepth);
  const metaElements = new Map<number, DicomElement>();
  while (metaCursor.pos + 2 <= bytes.byteLength && metaCursor.view.getUint16(metaCursor.pos, true) === 0x0002) {
    const element = readElement(metaCursor, bytes.byteLength, 0);
    if (element === 'item-end') throw badRequest('DICOM file meta information is malformed');
    metaElements.set(element.tag, element);
  }
  const meta: DicomDataset = { littleEndian: true, elements: metaElements };
  const uidElement = metaElements.get(transferSyntaxTag);
  if (uidElement === undefined) throw badRequest('DICOM file meta information has no transfer syntax UID (0002,0010)');
  const syntax = transferSyntax(asciiDecoder.decode(uidElement.value).replace(/[\0 ]+$/, ''));
  let body = bytes;
  let start = metaCursor.pos;
  if (syntax.deflated) {
    try {
      // maxOutputLength caps the inflated size: a deflate bomb stops here.
      body = inflateRawSync(bytes.subarray(start), { maxOutputLength: limits.maxBytes });
    } catch (error) {
      throw badRequest(`deflated DICOM data set could not be inflated: ${(error as Error).message}`);
    }
    start = 0;
  }
  const c = cursor(body, start, syntax.littleEndian, syntax.explicitVr, limits.maxSequenceDepth);
  const dataset = readDataset(c, body.byteLength, 0, false);
  return { meta, dataset, syntax };
}
