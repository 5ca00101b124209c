/**
 * GGUF header reader. Reads metadata and tensor infos through a file handle in
 * chunks (real files are 3–54 GB; only the header is read), and checks
 * everything a damaged or hostile file could get wrong before trusting it:
 * magic, version, counts, string and array lengths, tensor types and shapes,
 * alignment, and that every tensor's data lies inside the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { NorthstationError } from '../../core/errors.ts';
import {
  ggmlTypes,
  ggufDefaultAlignment,
  ggufMagic,
  ggufValueTypes,
  llamaFileTypeNames,
  tensorByteSize,
} from './constants.ts';

export type GgufValue = string | number | bigint | boolean | GgufValue[];

export interface GgufTensor {
  name: string;
  /** Dimensions in ggml order: the innermost (row length) first. */
  shape: number[];
  ggmlType: number;
  typeName: string;
  /** Absolute file offset of the tensor's data. */
  offset: number;
  byteSize: number;
}

export interface GgufFile {
  path: string;
  version: number;
  fileSize: number;
  alignment: number;
  dataOffset: number;
  architecture: string;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensor[];
}

/** ggml's GGML_MAX_DIMS. */
const maxDims = 4;
/** Nesting limit for arrays of arrays; real files use one level. */
const maxArrayDepth = 4;

class GgufFormatError extends Error {}

export async function readGguf(path: string): Promise<GgufFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NorthstationError('not_found', `model file not found: ${path}`, { path }, { cause: error });
    throw new NorthstationError('model_invalid', `cannot open ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new GgufFormatError('it is a directory');
    return await parse(new ChunkedReader(handle, stats.size), path);
  } catch (error) {
    if (error instanceof GgufFormatError) {
      throw new NorthstationError('model_invalid', `${path} is not a valid GGUF file: ${error.message}`, { path });
    }
    throw error;
  } finally {
    await handle.close();
  }
}

async function parse(reader: ChunkedReader, path: string): Promise<GgufFile> {
  if (reader.fileSize < 24) {
    throw new GgufFormatError(reader.fileSize === 0 ? 'the file is empty' : `the file is only ${reader.fileSize} bytes, too short for a GGUF header`);
  }
  const magic = await reader.u32();
  if (magic !== ggufMagic) {
    throw new GgufFormatError(`wrong magic 0x${magic.toString(16).padStart(8, '0')} (expected "GGUF")`);
  }
  const version = await reader.u32();
  if (version !== 2 && version !== 3) throw new GgufFormatError(`unsupported GGUF version ${version} (supported: 2, 3)`);

  const tensorCount = await reader.count('tensor count', 8 + 4 + 4 + 8);
  const kvCount = await reader.count('metadata count', 8 + 4 + 1);

  const metadata: Record<string, GgufValue> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = await reader.string('metadata key');
    if (Object.hasOwn(metadata, key)) throw new GgufFormatError(`duplicate metadata key "${key}"`);
    const type = await reader.u32();
    metadata[key] = await readValue(reader, type, key, 0);
  }

  const alignment = readAlignment(metadata);
  const architecture = metadata['general.architecture'];
  if (typeof architecture !== 'string' || architecture === '') {
    throw new GgufFormatError('metadata lacks general.architecture');
  }

  const infos: Array<{ name: string; shape: number[]; ggmlType: number; relativeOffset: number }> = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = await reader.string('tensor name');
    if (names.has(name)) throw new GgufFormatError(`duplicate tensor "${name}"`);
    names.add(name);
    const dims = await reader.u32();
    if (dims < 1 || dims > maxDims) throw new GgufFormatError(`tensor "${name}" has ${dims} dimensions (1 to ${maxDims} allowed)`);
    const shape: number[] = [];
    for (let d = 0; d < dims; d++) shape.push(await reader.u64Number(`tensor "${name}" dimension`));
    const ggmlType = await reader.u32();
    const relativeOffset = await reader.u64Number(`tensor "${name}" offset`);
    infos.push({ name, shape, ggmlType, relativeOffset });
  }

  const dataOffset = Math.ceil(reader.position / alignment) * alignment;
  const tensors = infos.map((info) => checkTensor(info, dataOffset, alignment, reader.fileSize));
  return { path, version, fileSize: reader.fileSize, alignment, dataOffset, architecture, metadata, tensors };
}

function checkTensor(
  info: { name: string; shape: number[]; ggmlType: number; relativeOffset: number },
  dataOffset: number,
  alignment: number,
  fileSize: number,
): GgufTensor {
  const type = ggmlTypes.get(info.ggmlType);
  if (!type) throw new GgufFormatError(`tensor "${info.name}" has unknown ggml type ${info.ggmlType}`);
  const elements = info.shape.reduce((product, dim) => product * dim, 1);
  if (!Number.isSafeInteger(elements)) throw new GgufFormatError(`tensor "${info.name}" shape [${info.shape.join(', ')}] is too large`);
  let byteSize: number;
  try {
    byteSize = tensorByteSize(type, info.shape);
  } catch (error) {
    throw new GgufFormatError(`tensor "${info.name}": ${(error as Error).message}`);
  }
  if (info.relativeOffset % alignment !== 0) {
    throw new GgufFormatError(`tensor "${info.name}" data offset ${info.relativeOffset} is not aligned to ${alignment} bytes`);
  }
  const offset = dataOffset + info.relativeOffset;
  if (offset + byteSize > fileSize) {
    throw new GgufFormatError(
      `tensor "${info.name}" data (bytes ${offset}..${offset + byteSize}) extends past the end of the file (${fileSize} bytes); the file is truncated`,
    );
  }
  return { name: info.name, shape: info.shape, ggmlType: info.ggmlType, typeName: type.name, offset, byteSize };
}

function readAlignment(metadata: Record<string, GgufValue>): number {
  const value = metadata['general.alignment'];
  if (value === undefined) return ggufDefaultAlignment;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || (value & (value - 1)) !== 0) {
    throw new GgufFormatError(`general.alignment ${String(value)} is not a power of two`);
  }
  return value;
}

/** Smallest encoded size of one value of each type, for bounding array counts before allocating. */
function minimumValueBytes(type: number): number {
  switch (type) {
    case ggufValueTypes.uint8: case ggufValueTypes.int8: case ggufValueTypes.bool: return 1;
    case ggufValueTypes.uint16: case ggufValueTypes.int16: return 2;
    case ggufValueTypes.uint32: case ggufValueTypes.int32: case ggufValueTypes.float32: return 4;
    case ggufValueTypes.uint64: case ggufValueTypes.int64: case ggufValueTypes.float64: case ggufValueTypes.string: return 8;
    case ggufValueTypes.array: return 12;
    default: throw new GgufFormatError(`unknown metadata value type ${type}`);
  }
}

async function readValue(reader: ChunkedReader, type: number, key: string, depth: number): Promise<GgufValue> {
  switch (type) {
    case ggufValueTypes.uint8: return (await reader.bytes(1)).readUInt8(0);
    case ggufValueTypes.int8: return (await reader.bytes(1)).readInt8(0);
    case ggufValueTypes.uint16: return (await reader.bytes(2)).readUInt16LE(0);
    case ggufValueTypes.int16: return (await reader.bytes(2)).readInt16LE(0);
    case ggufValueTypes.uint32: return reader.u32();
    case ggufValueTypes.int32: return (await reader.bytes(4)).readInt32LE(0);
    case ggufValueTypes.float32: return (await reader.bytes(4)).readFloatLE(0);
    case ggufValueTypes.float64: return (await reader.bytes(8)).readDoubleLE(0);
    case ggufValueTypes.bool: {
      const byte = (await reader.bytes(1)).readUInt8(0);
      if (byte > 1) throw new GgufFormatError(`metadata "${key}" has bool value ${byte}`);
      return byte === 1;
    }
    case ggufValueTypes.string: return reader.string(`metadata "${key}" value`);
    case ggufValueTypes.uint64: return bigToNumber((await reader.bytes(8)).readBigUInt64LE(0));
    case ggufValueTypes.int64: return bigToNumber((await reader.bytes(8)).readBigInt64LE(0));
    case ggufValueTypes.array: {
      if (depth >= maxArrayDepth) throw new GgufFormatError(`metadata "${key}" nests arrays deeper than ${maxArrayDepth}`);
      const itemType = await reader.u32();
      const count = await reader.count(`metadata "${key}" array length`, minimumValueBytes(itemType));
      const values: GgufValue[] = new Array<GgufValue>(count);
      for (let i = 0; i < count; i++) values[i] = await readValue(reader, itemType, key, depth + 1);
      return values;
    }
    default:
      throw new GgufFormatError(`metadata "${key}" has unknown value type ${type}`);
  }
}

/** 64-bit integers as numbers when exact, bigint otherwise. */
function bigToNumber(value: bigint): number | bigint {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/** Sequential reads through a window of the file; never reads past what was asked for plus one chunk. */
class ChunkedReader {
  readonly fileSize: number;
  private readonly handle: FileHandle;
  private window = Buffer.alloc(0);
  private windowStart = 0;
  position = 0;
  private static readonly chunkBytes = 1024 * 1024;

  constructor(handle: FileHandle, fileSize: number) {
    this.handle = handle;
    this.fileSize = fileSize;
  }

  get remaining(): number {
    return this.fileSize - this.position;
  }

  async bytes(length: number): Promise<Buffer> {
    if (length > this.remaining) {
      throw new GgufFormatError(`unexpected end of file at byte ${this.position} (needed ${length} more bytes); the file is truncated`);
    }
    const windowEnd = this.windowStart + this.window.length;
    if (this.position < this.windowStart || this.position + length > windowEnd) {
      const size = Math.min(Math.max(length, ChunkedReader.chunkBytes), this.remaining);
      const buffer = Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await this.handle.read(buffer, filled, size - filled, this.position + filled);
        if (bytesRead === 0) throw new GgufFormatError(`the file ended early at byte ${this.position + filled}`);
        filled += bytesRead;
      }
      this.window = buffer;
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0);
  }

  async u64Number(what: string): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError(`${what} ${value} is absurdly large`);
    return Number(value);
  }

  /** A u64 count of items that each take at least `minItemBytes`; refused if the rest of the file could not hold them. */
  async count(what: string, minItemBytes: number): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value * BigInt(minItemBytes) > BigInt(this.remaining)) {
      throw new GgufFormatError(`${what} ${value} cannot fit in the ${this.remaining} bytes left in the file`);
    }
    return Number(value);
  }

  async string(what: string): Promise<string> {
    const length = await this.u64Number(`${what} length`);
    if (length > this.remaining) {
      throw new GgufFormatError(`${what} length ${length} runs past the end of the file (${this.remaining} bytes left); the file is truncated`);
    }
    return (await this.bytes(length)).toString('utf8');
  }
}

/** Bytes of tensor data: the weights' size in memory when fully loaded. */
export function weightBytes(file: GgufFile): number {
  return file.tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0);
}

/**
 * The quantisation in words: the `general.file_type` name when the file has
 * one, otherwise the type holding most of the tensor bytes (e.g. "Q4_0").
 */
export function describeQuantisation(file: GgufFile): string {
  const fileType = file.metadata['general.file_type'];
  if (typeof fileType === 'number') {
    const name = llamaFileTypeNames.get(fileType);
    if (name !== undefined) return name;
  }
  const bytesByType = new Map<string, number>();
  for (const tensor of file.tensors) {
    bytesByType.set(tensor.typeName, (bytesByType.get(tensor.typeName) ?? 0) + tensor.byteSize);
  }
  let dominant = 'unknown';
  let most = -1;
  for (const [name, bytes] of bytesByType) {
    if (bytes > most) {
      dominant = name;
      most = bytes;
    }
  }
  return dominant;
}
