/**
 * The entropy-coded segment reader shared by the JPEG decoders (ITU-T T.81
 * Annex F): byte-stuffing removal, marker detection, Huffman decoding with an
 * 8-bit look-ahead table, and restart-marker handling.
 */
import { badRequest } from '../../core/errors.ts';

export interface HuffmanTable {
  /** (length << 8) | value for codes up to 8 bits, indexed by the next 8 bits; 0 = longer code. */
  fast: Uint16Array;
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

/** Builds the decoding tables of T.81 §C.2 and §F.2.2.3 from a DHT segment's counts and values. */
export function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  const fast = new Uint16Array(256);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const count = (counts[length - 1] ?? 0);
    valPtr[length] = k;
    minCode[length] = code;
    for (let i = 0; i < count; i++, k++, code++) {
      if (k >= values.length) throw badRequest('JPEG Huffman table has more codes than values');
      if (length <= 8) {
        const shift = 8 - length;
        for (let fill = code << shift, stop = (code + 1) << shift; fill < stop; fill++) fast[fill] = (length << 8) | (values[k] ?? 0);
      }
    }
    maxCode[length] = count > 0 ? code - 1 : -1;
    if (code > 1 << length) throw badRequest('JPEG Huffman table is over-subscribed');
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { fast, maxCode, valPtr, minCode, values };
}

export class BitReader {
  data: Uint8Array;
  pos: number;
  acc = 0;
  bits = 0;
  /** Set once a marker ends the entropy-coded data; zeros are fed after it. */
  atMarker = false;
  padding = 0;

  constructor(data: Uint8Array, pos: number) {
    this.data = data;
    this.pos = pos;
  }

  fill(): void {
    while (this.bits <= 24) {
      let byte = 0;
      if (!this.atMarker && this.pos < this.data.length) {
        byte = (this.data[this.pos] ?? 0);
        if (byte === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0) this.pos += 2;
          else {
            this.atMarker = true;
            byte = 0;
          }
        } else this.pos++;
      }
      if (this.atMarker || this.pos >= this.data.length) {
        // A truncated scan decodes from zero bits; bound how long that may go on.
        if (++this.padding > 4096) throw badRequest('JPEG data ends before the image does');
      }
      this.acc = ((this.acc << 8) | byte) >>> 0;
      this.bits += 8;
    }
  }

  take(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    return (this.acc >>> this.bits) & ((1 << n) - 1);
  }

  /** Reads n bits and sign-extends them (T.81 §F.2.2.1 RECEIVE and EXTEND). */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.take(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  decode(table: HuffmanTable): number {
    if (this.bits < 16) this.fill();
    const entry = (table.fast[(this.acc >>> (this.bits - 8)) & 0xff] ?? 0);
    if (entry !== 0) {
      this.bits -= entry >> 8;
      return entry & 0xff;
    }
    let length = 9;
    let code = (this.acc >>> (this.bits - 9)) & 0x1ff;
    while (length <= 16 && code > (table.maxCode[length] ?? 0)) {
      length++;
      code = (this.acc >>> (this.bits - length)) & ((1 << length) - 1);
    }
    if (length > 16) throw badRequest('JPEG data holds an invalid Huffman code');
    this.bits -= length;
    return table.values[(table.valPtr[length] ?? 0) + code - (table.minCode[length] ?? 0)] ?? 0;
  }

  /** Skips to the byte after the next RSTn marker and clears the bit buffer (T.81 §F.1.2.3). */
  restart(): void {
    this.acc = 0;
    this.bits = 0;
    this.atMarker = false;
    let p = this.pos;
    while (p + 1 < this.data.length && !(this.data[p] === 0xff && (this.data[p + 1] ?? 0) >= 0xd0 && (this.data[p + 1] ?? 0) <= 0xd7)) p++;
    if (p + 1 >= this.data.length) throw badRequest('JPEG data is missing a restart marker');
    this.pos = p + 2;
  }
}
