/**
 * Reads the few top-level attributes the listener needs out of a received
 * dataset (PS3.5 section 7), without decoding the rest: the dataset is
 * stored as received, so this walk only has to find the identifiers and
 * skip everything else — nested sequences of defined or undefined length
 * (PS3.5 7.5), and UN of undefined length, whose content is implicit VR
 * (PS3.5 6.2.2). It stops at the first element past (0020,000E), so pixel
 * data is never walked. Little endian only (uids.ts refuses the rest).
 */

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface DatasetIdentifiers {
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
  /** PHI: kept only encrypted by the store, never logged. */
  patientName?: string;
  patientId?: string;
  studyDate?: string;
  accessionNumber?: string;
}

const wanted: ReadonlyMap<number, keyof DatasetIdentifiers> = new Map([
  [0x00080016, 'sopClassUid'],
  [0x00080018, 'sopInstanceUid'],
  [0x00080020, 'studyDate'],
  [0x00080050, 'accessionNumber'],
  [0x00080060, 'modality'],
  [0x00100010, 'patientName'],
  [0x00100020, 'patientId'],
  [0x0020000d, 'studyInstanceUid'],
  [0x0020000e, 'seriesInstanceUid'],
]);
const lastWanted = 0x0020000e;

/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 table 7.1-1). */
const longVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const undefinedLength = 0xffffffff;
const itemTag = 0xfffee000;
const itemDelimiter = 0xfffee00d;
const sequenceDelimiter = 0xfffee0dd;
/** Nesting deeper than this is refused rather than followed (a crafted dataset could otherwise exhaust the stack). */
const maxDepth = 32;

interface Header {
  tag: number;
  vr: string | undefined;
  length: number;
  valueAt: number;
}

class Walker {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  header(at: number, implicit: boolean): Header {
    const bytes = this.#bytes;
    if (at + 8 > bytes.length) throw new DatasetError('truncated element header');
    const tag = ((bytes.readUInt16LE(at) << 16) | bytes.readUInt16LE(at + 2)) >>> 0;
    // Items and delimiters carry no VR in any syntax.
    if (implicit || tag >>> 16 === 0xfffe) return { tag, vr: undefined, length: bytes.readUInt32LE(at + 4), valueAt: at + 8 };
    const vr = bytes.toString('latin1', at + 4, at + 6);
    if (!/^[A-Z]{2}$/.test(vr)) throw new DatasetError('invalid VR');
    if (longVrs.has(vr)) {
      if (at + 12 > bytes.length) throw new DatasetError('truncated element header');
      return { tag, vr, length: bytes.readUInt32LE(at + 8), valueAt: at + 12 };
    }
    return { tag, vr, length: bytes.readUInt16LE(at + 6), valueAt: at + 8 };
  }

  /** Where the element starting at `at` ends. */
  skipElement(header: Header, implicit: boolean, depth: number): number {
    if (header.length !== undefinedLength) return this.#within(header.valueAt + header.length);
    // Undefined length: a sequence, encapsulated pixel data, or UN whose content is implicit VR.
    return this.skipSequence(header.valueAt, implicit || header.vr === 'UN', depth + 1);
  }

  skipSequence(start: number, implicit: boolean, depth: number): number {
    if (depth > maxDepth) throw new DatasetError('sequences nested too deeply');
    let at = start;
    for (;;) {
      const item = this.header(at, true);
      if (item.tag === sequenceDelimiter) return item.valueAt;
      if (item.tag !== itemTag) throw new DatasetError('expected an item in an undefined-length value');
      at = item.length === undefinedLength ? this.#skipItemDataset(item.valueAt, implicit, depth + 1) : this.#within(item.valueAt + item.length);
    }
  }

  #skipItemDataset(start: number, implicit: boolean, depth: number): number {
    if (depth > maxDepth) throw new DatasetError('sequences nested too deeply');
    let at = start;
    for (;;) {
      const element = this.header(at, implicit);
      if (element.tag === itemDelimiter) return element.valueAt;
      at = this.skipElement(element, implicit, depth);
    }
  }

  #within(end: number): number {
    if (end > this.#bytes.length) throw new DatasetError('element value runs past the dataset');
    return end;
  }
}

/** Where each top-level element lies: its tag, its first header byte and the byte after its value. */
export function* topLevelElements(bytes: Buffer, implicit: boolean): Generator<{ tag: number; start: number; valueStart: number; end: number }> {
  const walker = new Walker(bytes);
  let at = 0;
  let previous = -1;
  while (at < bytes.length) {
    const header = walker.header(at, implicit);
    if (header.tag <= previous) throw new DatasetError('elements out of ascending tag order');
    previous = header.tag;
    const end = walker.skipElement(header, implicit, 0);
    yield { tag: header.tag, start: at, valueStart: header.valueAt, end };
    at = end;
  }
}

/** The identifiers found at the top level (absent ones are left out); `DatasetError` when the bytes do not parse. */
export function scanDataset(bytes: Buffer, implicit: boolean): DatasetIdentifiers {
  const found: DatasetIdentifiers = {};
  for (const element of topLevelElements(bytes, implicit)) {
    if (element.tag > lastWanted) break;
    const key = wanted.get(element.tag);
    // Identifiers are short; anything long under one of these tags is malformed and left out.
    if (key === undefined || element.end - element.valueStart > 1024) continue;
    const text = bytes.toString('latin1', element.valueStart, element.end).replace(/[\0 ]+$/, '').replace(/^ +/, '');
    if (text !== '') found[key] = text;
  }
  return found;
}
