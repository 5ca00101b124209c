/**
 * JPEG 2000 (OpenJPEG) and JPEG-LS (CharLS) through the WebAssembly builds
 * published as @cornerstonejs/codec-openjpeg and @cornerstonejs/codec-charls.
 * Both load their .wasm from node_modules (no network), once per process.
 * Header dimensions are read before decoding so a codestream that would
 * decode to more than the DICOM header declares is refused unallocated.
 */
import { createRequire } from 'node:module';
import { badRequest } from '../../core/errors.ts';

interface FrameInfo { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  readHeader?: () => void;
  decode(): void;
  getInterleaveMode?: () => number;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

interface OpenJpegModule { J2KDecoder: new () => WasmDecoder }
interface CharlsModule { JpegLSDecoder: new () => WasmDecoder }

const require = createRequire(import.meta.url);
// OpenJPEG logs "[INFO] …" for every codestream; the logs carry no patient data but are noise.
const quiet = { print: (): void => undefined, printErr: (): void => undefined };
let openJpeg: Promise<OpenJpegModule> | undefined;
let charls: Promise<CharlsModule> | undefined;

export interface ExpectedShape { rows: number; columns: number; samplesPerPixel: number }

export interface DecodedSamples {
  /** 8-bit codestreams come back as bytes, wider ones as 16-bit words (signed when the codestream says so). */
  data: Uint8Array | Uint16Array | Int16Array;
  bitsPerSample: number;
}

function checkShape(info: Pick<FrameInfo, 'width' | 'height' | 'componentCount'>, expected: ExpectedShape, name: string): void {
  if (info.width !== expected.columns || info.height !== expected.rows || info.componentCount !== expected.samplesPerPixel) {
    throw badRequest(
      `${name} codestream is ${info.width}×${info.height}×${info.componentCount}, the DICOM header declares ${expected.columns}×${expected.rows}×${expected.samplesPerPixel}`,
    );
  }
}

/** JPEG-LS frame header (SOF55, T.87 §C.2.2): CharLS has no header-only read, so it is parsed here. */
function jpegLsHeader(data: Uint8Array): Pick<FrameInfo, 'width' | 'height' | 'componentCount'> {
  let pos = 2;
  while (pos + 10 <= data.length && data[pos] === 0xff) {
    const marker = (data[pos + 1] ?? 0);
    if (marker === 0xf7) return { height: ((data[pos + 5] ?? 0) << 8) | (data[pos + 6] ?? 0), width: ((data[pos + 7] ?? 0) << 8) | (data[pos + 8] ?? 0), componentCount: (data[pos + 9] ?? 0) };
    pos += 2 + (((data[pos + 2] ?? 0) << 8) | (data[pos + 3] ?? 0));
  }
  throw badRequest('JPEG-LS codestream has no frame header');
}

/** JPEG 2000 image size (SIZ, T.800 §A.5.1), found in the main header of a raw codestream or inside a JP2 file. */
function j2kHeader(data: Uint8Array): Pick<FrameInfo, 'width' | 'height' | 'componentCount'> {
  const limit = Math.min(data.length - 42, 4096);
  for (let pos = 0; pos < limit; pos++) {
    if (data[pos] === 0xff && data[pos + 1] === 0x51) {
      const view = new DataView(data.buffer, data.byteOffset + pos, 42);
      return { width: view.getUint32(6) - view.getUint32(14), height: view.getUint32(10) - view.getUint32(18), componentCount: view.getUint16(38) };
    }
  }
  throw badRequest('JPEG 2000 codestream has no image size (SIZ) marker');
}

function readHeader(decoder: WasmDecoder, codestream: Uint8Array): Pick<FrameInfo, 'width' | 'height' | 'componentCount'> {
  return decoder.readHeader === undefined ? jpegLsHeader(codestream) : j2kHeader(codestream);
}

function interleave(planar: Uint8Array, components: number, bytesPerSample: number): Uint8Array {
  const out = new Uint8Array(planar.byteLength);
  const planeSamples = planar.byteLength / bytesPerSample / components;
  for (let c = 0; c < components; c++) {
    for (let i = 0; i < planeSamples; i++) {
      for (let b = 0; b < bytesPerSample; b++) out[(i * components + c) * bytesPerSample + b] = (planar[(c * planeSamples + i) * bytesPerSample + b] ?? 0);
    }
  }
  return out;
}

function run(decoder: WasmDecoder, codestream: Uint8Array, expected: ExpectedShape, name: string): DecodedSamples {
  try {
    decoder.getEncodedBuffer(codestream.byteLength).set(codestream);
    const header = readHeader(decoder, codestream);
    checkShape(header, expected, name);
    try {
      decoder.decode();
    } catch {
      throw badRequest(`${name} codestream could not be decoded`);
    }
    const info = decoder.getFrameInfo();
    checkShape(info, expected, name);
    const raw = decoder.getDecodedBuffer();
    const count = info.width * info.height * info.componentCount;
    const wide = info.bitsPerSample > 8;
    if (raw.byteLength !== count * (wide ? 2 : 1)) throw badRequest(`${name} decoded to ${raw.byteLength} bytes, ${count * (wide ? 2 : 1)} expected`);
    // Copy out of WebAssembly memory: delete() frees it.
    const planar = info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    const copy = planar ? interleave(raw, info.componentCount, wide ? 2 : 1) : raw.slice();
    const data = !wide ? copy : info.isSigned ? new Int16Array(copy.buffer, 0, count) : new Uint16Array(copy.buffer, 0, count);
    return { data, bitsPerSample: info.bitsPerSample };
  } finally {
    decoder.delete();
  }
}

export async function decodeJpeg2000(codestream: Uint8Array, expected: ExpectedShape): Promise<DecodedSamples> {
  openJpeg ??= (require('@cornerstonejs/codec-openjpeg/decodewasmjs') as (m: object) => Promise<OpenJpegModule>)(quiet);
  const module = await openJpeg;
  return run(new module.J2KDecoder(), codestream, expected, 'JPEG 2000');
}

export async function decodeJpegLs(codestream: Uint8Array, expected: ExpectedShape): Promise<DecodedSamples> {
  charls ??= (require('@cornerstonejs/codec-charls/decodewasmjs') as (m: object) => Promise<CharlsModule>)(quiet);
  const module = await charls;
  return run(new module.JpegLSDecoder(), codestream, expected, 'JPEG-LS');
}
