/**
 * JPEG decoding for DICOM (ITU-T T.81): sequential DCT with Huffman coding at
 * 8 or 12 bits (baseline process 1, extended processes 2 and 4) and lossless
 * process 14 at 2 to 16 bits. Written here because no offline package decodes
 * 12-bit DCT. Progressive, hierarchical and arithmetic-coded streams are refused.
 */
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { BitReader, buildHuffman, type HuffmanTable } from './jpeg-bits.ts';
import { idct8x8 } from './jpeg-idct.ts';

export interface JpegFrame {
  precision: number;
  rows: number;
  columns: number;
  components: { id: number; h: number; v: number; tq: number }[];
  lossless: boolean;
}

export interface JpegImage {
  frame: JpegFrame;
  /** Samples interleaved, one per component per pixel. */
  data: Uint16Array;
}

const zigzag = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface ScanComponent { index: number; dc: HuffmanTable; ac: HuffmanTable | undefined }

interface State {
  data: Uint8Array;
  frame?: JpegFrame;
  quant: (Int32Array | undefined)[];
  dcTables: (HuffmanTable | undefined)[];
  acTables: (HuffmanTable | undefined)[];
  restartInterval: number;
  planes: Int32Array[];
  planeWidths: number[];
  out?: Uint16Array;
}

function segmentLength(s: State, pos: number): number {
  if (pos + 2 > s.data.length) throw badRequest('JPEG data is truncated inside a marker segment');
  const length = ((s.data[pos] ?? 0) << 8) | (s.data[pos + 1] ?? 0);
  if (length < 2 || pos + length > s.data.length) throw badRequest('JPEG marker segment runs past the end of the data');
  return length;
}

function readFrame(d: Uint8Array, pos: number, lossless: boolean): JpegFrame {
  const count = (d[pos + 7] ?? 0);
  const components = [];
  for (let i = 0; i < count; i++) {
    const at = pos + 8 + 3 * i;
    const sampling = (d[at + 1] ?? 0);
    const h = sampling >> 4;
    const v = sampling & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw badRequest('JPEG frame header has invalid sampling factors');
    components.push({ id: (d[at] ?? 0), h, v, tq: (d[at + 2] ?? 0) & 3 });
  }
  return { precision: (d[pos + 2] ?? 0), rows: ((d[pos + 3] ?? 0) << 8) | (d[pos + 4] ?? 0), columns: ((d[pos + 5] ?? 0) << 8) | (d[pos + 6] ?? 0), components, lossless };
}

/** Reads markers up to the frame header, for checking declared dimensions before decoding. */
export function readJpegFrame(data: Uint8Array): JpegFrame {
  let pos = 2;
  if (data[0] !== 0xff || data[1] !== 0xd8) throw badRequest('JPEG data does not start with SOI');
  const s: State = { data, quant: [], dcTables: [], acTables: [], restartInterval: 0, planes: [], planeWidths: [] };
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) throw badRequest(`JPEG data has no marker at offset ${pos}`);
    const marker = (data[pos + 1] ?? 0);
    if (marker === 0xff) { pos++; continue; }
    const length = segmentLength(s, pos + 2);
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc3) {
      if (length < 8 + 3 * (data[pos + 9] ?? 0)) throw badRequest('JPEG frame header is truncated');
      return readFrame(data, pos + 2, marker === 0xc3);
    }
    if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xda) {
      throw new NorthstationError('unsupported', `JPEG process with SOF marker 0xFF${marker.toString(16).toUpperCase()} is not supported (progressive, hierarchical or arithmetic)`);
    }
    pos += 2 + length;
  }
  throw badRequest('JPEG data has no frame header');
}

function tables(s: State, marker: number, pos: number, length: number): void {
  const d = s.data;
  const end = pos + length;
  let p = pos + 2;
  while (p < end) {
    if (marker === 0xdb) {
      const wide = (d[p] ?? 0) >> 4;
      const id = (d[p] ?? 0) & 3;
      const table = new Int32Array(64);
      p++;
      if (p + 64 * (wide + 1) > end) throw badRequest('JPEG quantisation table is truncated');
      for (let i = 0; i < 64; i++) table[(zigzag[i] ?? 0)] = wide === 1 ? ((d[p + 2 * i] ?? 0) << 8) | (d[p + 2 * i + 1] ?? 0) : (d[p + i] ?? 0);
      p += 64 * (wide + 1);
      s.quant[id] = table;
    } else {
      const cls = (d[p] ?? 0) >> 4;
      const id = (d[p] ?? 0) & 3;
      if (p + 17 > end) throw badRequest('JPEG Huffman table is truncated');
      const counts = d.subarray(p + 1, p + 17);
      let total = 0;
      for (const count of counts) total += count;
      if (p + 17 + total > end) throw badRequest('JPEG Huffman table is truncated');
      const table = buildHuffman(counts, d.subarray(p + 17, p + 17 + total));
      if (cls === 0) s.dcTables[id] = table;
      else s.acTables[id] = table;
      p += 17 + total;
    }
  }
}

function scanComponents(s: State, frame: JpegFrame, pos: number): { comps: ScanComponent[]; ss: number; al: number } {
  const d = s.data;
  const count = (d[pos + 2] ?? 0);
  const comps: ScanComponent[] = [];
  for (let i = 0; i < count; i++) {
    const id = (d[pos + 3 + 2 * i] ?? 0);
    const selectors = (d[pos + 4 + 2 * i] ?? 0);
    const index = frame.components.findIndex((c) => c.id === id);
    const dc = s.dcTables[selectors >> 4];
    const ac = s.acTables[selectors & 15];
    if (index < 0 || dc === undefined || (!frame.lossless && ac === undefined)) throw badRequest('JPEG scan refers to a missing component or table');
    comps.push({ index, dc, ac });
  }
  const after = pos + 3 + 2 * count;
  return { comps, ss: (d[after] ?? 0), al: (d[after + 2] ?? 0) & 15 };
}

function dctScan(s: State, frame: JpegFrame, reader: BitReader, comps: ScanComponent[]): void {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const single = comps.length === 1;
  const parts = comps.map((sc) => {
    const comp = frame.components[sc.index];
    const plane = s.planes[sc.index];
    const width = s.planeWidths[sc.index];
    const quant = comp === undefined ? undefined : s.quant[comp.tq];
    if (comp === undefined || plane === undefined || width === undefined || quant === undefined || sc.ac === undefined) {
      throw badRequest('JPEG scan refers to a missing component, quantisation or Huffman table');
    }
    return { comp, plane, width, quant, dc: sc.dc, ac: sc.ac };
  });
  const first = parts[0];
  if (first === undefined) throw badRequest('JPEG scan has no components');
  const mcusX = single ? Math.ceil(Math.ceil((frame.columns * first.comp.h) / hMax) / 8) : Math.ceil(frame.columns / (8 * hMax));
  const mcusY = single ? Math.ceil(Math.ceil((frame.rows * first.comp.v) / vMax) / 8) : Math.ceil(frame.rows / (8 * vMax));
  const block = new Int32Array(64);
  const pred = new Int32Array(comps.length);
  const shift = 1 << (frame.precision - 1);
  const maxValue = (1 << frame.precision) - 1;
  let untilRestart = s.restartInterval;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (s.restartInterval > 0) {
        if (untilRestart === 0) {
          reader.restart();
          pred.fill(0);
          untilRestart = s.restartInterval;
        }
        untilRestart--;
      }
      for (let ci = 0; ci < comps.length; ci++) {
        const sc = parts[ci];
        if (sc === undefined) break;
        const { comp, quant, plane, width } = sc;
        const bh = single ? 1 : comp.h;
        const bv = single ? 1 : comp.v;
        for (let by = 0; by < bv; by++) {
          for (let bx = 0; bx < bh; bx++) {
            block.fill(0);
            const t = reader.decode(sc.dc);
            pred[ci] = (pred[ci] ?? 0) + reader.receiveExtend(t);
            block[0] = (pred[ci] ?? 0) * (quant[0] ?? 0);
            for (let k = 1; k < 64;) {
              const rs = reader.decode(sc.ac);
              const size = rs & 15;
              const run = rs >> 4;
              if (size === 0) {
                if (run !== 15) break;
                k += 16;
                continue;
              }
              k += run;
              if (k > 63) break;
              const z = (zigzag[k] ?? 0);
              block[z] = reader.receiveExtend(size) * (quant[z] ?? 0);
              k++;
            }
            const x0 = ((mx * bh + bx) * 8);
            const y0 = ((my * bv + by) * 8);
            idct8x8(block, plane, y0 * width + x0, width, shift, maxValue);
          }
        }
      }
    }
  }
}

function losslessScan(frame: JpegFrame, reader: BitReader, comps: [ScanComponent, ...ScanComponent[]], predictor: number, pointTransform: number, restartInterval: number, out: Uint16Array): void {
  const n = frame.components.length;
  const width = frame.columns;
  const height = frame.rows;
  if (comps.length !== n) throw new NorthstationError('unsupported', 'JPEG lossless with one scan per component is not supported');
  if (frame.components.some((c) => c.h !== 1 || c.v !== 1)) throw new NorthstationError('unsupported', 'subsampled JPEG lossless is not supported');
  const tablesByComponent = comps.map((sc) => sc.dc);
  const initial = 1 << (frame.precision - pointTransform - 1);
  let untilRestart = restartInterval;
  let restartRow = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (restartInterval > 0) {
        if (untilRestart === 0) {
          reader.restart();
          untilRestart = restartInterval;
          restartRow = y;
        }
        untilRestart--;
      }
      const here = (y * width + x) * n;
      for (let c = 0; c < n; c++) {
        const t = reader.decode(tablesByComponent[c] ?? comps[0].dc);
        // Category 16 means a difference of 32768 with no extra bits (T.81 §H.1.2.2).
        const diff = t === 16 ? 32768 : reader.receiveExtend(t);
        const i = here + c;
        let p: number;
        const firstRow = y === restartRow;
        if (firstRow && x === 0) p = initial;
        else if (firstRow) p = (out[i - n] ?? 0);
        else if (x === 0) p = (out[i - width * n] ?? 0);
        else {
          const a = (out[i - n] ?? 0);
          const b = (out[i - width * n] ?? 0);
          const cc = (out[i - width * n - n] ?? 0);
          switch (predictor) {
            case 1: p = a; break;
            case 2: p = b; break;
            case 3: p = cc; break;
            case 4: p = a + b - cc; break;
            case 5: p = a + ((b - cc) >> 1); break;
            case 6: p = b + ((a - cc) >> 1); break;
            case 7: p = (a + b) >> 1; break;
            default: throw badRequest(`JPEG lossless predictor ${predictor} is invalid`);
          }
        }
        out[i] = (p + diff) & 0xffff;
      }
    }
  }
  if (pointTransform > 0) for (let i = 0; i < out.length; i++) out[i] = ((out[i] ?? 0) << pointTransform) & 0xffff;
}

function interleave(s: State, frame: JpegFrame, out: Uint16Array): void {
  const n = frame.components.length;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  for (let c = 0; c < n; c++) {
    const comp = frame.components[c];
    const plane = s.planes[c];
    const width = s.planeWidths[c];
    if (comp === undefined || plane === undefined || width === undefined) throw badRequest('JPEG component has no decoded plane');
    // Chroma planes are replicated to full size (nearest neighbour).
    for (let y = 0; y < frame.rows; y++) {
      const row = Math.floor((y * comp.v) / vMax) * width;
      let o = y * frame.columns * n + c;
      for (let x = 0; x < frame.columns; x++, o += n) out[o] = (plane[row + Math.floor((x * comp.h) / hMax)] ?? 0);
    }
  }
}

export function decodeJpeg(data: Uint8Array): JpegImage {
  const frame = readJpegFrame(data);
  if (frame.rows === 0) throw new NorthstationError('unsupported', 'JPEG with the height in a DNL marker is not supported');
  if (!frame.lossless && frame.precision !== 8 && frame.precision !== 12) throw badRequest(`JPEG DCT precision ${frame.precision} is invalid`);
  if (frame.lossless && (frame.precision < 2 || frame.precision > 16)) throw badRequest(`JPEG lossless precision ${frame.precision} is invalid`);
  const out = new Uint16Array(frame.rows * frame.columns * frame.components.length);
  const s: State = { data, quant: [], dcTables: [], acTables: [], restartInterval: 0, planes: [], planeWidths: [] };
  if (!frame.lossless) {
    const hMax = Math.max(...frame.components.map((c) => c.h));
    const vMax = Math.max(...frame.components.map((c) => c.v));
    for (const comp of frame.components) {
      const width = Math.ceil(frame.columns / (8 * hMax)) * comp.h * 8;
      s.planeWidths.push(width);
      s.planes.push(new Int32Array(width * Math.ceil(frame.rows / (8 * vMax)) * comp.v * 8));
    }
  }
  let pos = 2;
  let scans = 0;
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) { pos++; continue; }
    const marker = (data[pos + 1] ?? 0);
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) { pos++; continue; }
    if (marker === 0xd9) break;
    const length = segmentLength(s, pos + 2);
    if (marker === 0xdb || marker === 0xc4) tables(s, marker, pos + 2, length);
    else if (marker === 0xdd) s.restartInterval = ((data[pos + 4] ?? 0) << 8) | (data[pos + 5] ?? 0);
    else if (marker === 0xda) {
      const { comps, ss, al } = scanComponents(s, frame, pos + 2);
      const reader = new BitReader(data, pos + 2 + length);
      const [head, ...rest] = comps;
      if (head === undefined) throw badRequest('JPEG scan has no components');
      if (frame.lossless) losslessScan(frame, reader, [head, ...rest], ss, al, s.restartInterval, out);
      else dctScan(s, frame, reader, comps);
      scans++;
      pos = reader.pos;
      continue;
    }
    pos += 2 + length;
  }
  if (scans === 0) throw badRequest('JPEG data has no scan');
  if (!frame.lossless) interleave(s, frame, out);
  return { frame, data: out };
}
