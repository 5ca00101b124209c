/**
 * Streaming GGUF v3 writer. The header (metadata and tensor infos) is built in
 * memory — even a 262k-token vocabulary is a few MB — and tensor data is pulled
 * from each tensor's `data()` iterator and written through a fixed-size buffer,
 * so a 17 GB file never sits in memory. The file appears at `path` only when it
 * is complete (temp file + rename), so readers never see half a model.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { NorthstationError } from '../../core/errors.ts';
import {
  ggmlTypes,
  ggufDefaultAlignment,
  ggufMagic,
  ggufValueTypes,
  ggufVersion,
  tensorByteSize,
  type GgufValueTypeName,
} from './constants.ts';

type ScalarTypeName = Exclude<GgufValueTypeName, 'array'>;
type NumberTypeName = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
type BigTypeName = 'uint64' | 'int64';

/** A metadata value with the exact type it is stored as. */
export type GgufWriteValue =
  | { type: NumberTypeName; value: number }
  | { type: BigTypeName; value: number | bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: NumberTypeName | BigTypeName; values: ArrayLike<number> | readonly bigint[] }
  | { type: 'array'; itemType: 'bool'; values: readonly boolean[] }
  | { type: 'array'; itemType: 'string'; values: readonly string[] };

/** Shorthands so metadata tables read like the GGUF spec. */
export const ggufValue = {
  uint8: (value: number): GgufWriteValue => ({ type: 'uint8', value }),
  int32: (value: number): GgufWriteValue => ({ type: 'int32', value }),
  uint32: (value: number): GgufWriteValue => ({ type: 'uint32', value }),
  uint64: (value: number | bigint): GgufWriteValue => ({ type: 'uint64', value }),
  float32: (value: number): GgufWriteValue => ({ type: 'float32', value }),
  float64: (value: number): GgufWriteValue => ({ type: 'float64', value }),
  bool: (value: boolean): GgufWriteValue => ({ type: 'bool', value }),
  string: (value: string): GgufWriteValue => ({ type: 'string', value }),
  stringArray: (values: readonly string[]): GgufWriteValue => ({ type: 'array', itemType: 'string', values }),
  float32Array: (values: ArrayLike<number>): GgufWriteValue => ({ type: 'array', itemType: 'float32', values }),
  int32Array: (values: ArrayLike<number>): GgufWriteValue => ({ type: 'array', itemType: 'int32', values }),
} as const;

export interface GgufTensorSpec {
  name: string;
  /** Dimensions in ggml order: the innermost (row length) first. */
  shape: readonly number[];
  ggmlType: number;
  /**
   * Yields exactly the tensor's bytes, in chunks of any size. The writer is done with a
   * chunk before it pulls the next, so a source may refill one buffer.
   */
  data: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

export interface WriteGgufOptions {
  path: string;
  /** Written in insertion order. `general.alignment` is added when alignment is not 32. */
  metadata: Readonly<Record<string, GgufWriteValue>>;
  tensors: readonly GgufTensorSpec[];
  alignment?: number;
  /** Called after each flush to disk with bytes written so far and the final file size. */
  onProgress?: (writtenBytes: number, totalBytes: number) => void;
}

export interface GgufLayout {
  header: Buffer;
  /** Start of the tensor data section (header padded to alignment). */
  dataOffset: number;
  /** Offsets relative to dataOffset, as stored in the tensor infos. */
  tensorOffsets: number[];
  tensorSizes: number[];
  fileSize: number;
}

const scalarWidths: Record<Exclude<ScalarTypeName, 'string'>, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, bool: 1, uint64: 8, int64: 8, float64: 8,
};

/** Computes the header bytes and where every tensor goes, without writing anything. */
export function planGguf(
  metadata: Readonly<Record<string, GgufWriteValue>>,
  tensors: readonly Pick<GgufTensorSpec, 'name' | 'shape' | 'ggmlType'>[],
  alignment = ggufDefaultAlignment,
): GgufLayout {
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new NorthstationError('bad_request', `GGUF alignment must be a power of two, got ${alignment}`);
  }
  const entries = Object.entries(metadata);
  if (alignment !== ggufDefaultAlignment && metadata['general.alignment'] === undefined) {
    entries.push(['general.alignment', ggufValue.uint32(alignment)]);
  }
  const out = new ByteCollector();
  out.u32(ggufMagic);
  out.u32(ggufVersion);
  out.u64(tensors.length);
  out.u64(entries.length);
  for (const [key, value] of entries) {
    out.string(key);
    writeValue(out, value);
  }
  const tensorOffsets: number[] = [];
  const tensorSizes: number[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const type = ggmlTypes.get(tensor.ggmlType);
    if (!type) throw new NorthstationError('bad_request', `tensor ${tensor.name}: unknown ggml type ${tensor.ggmlType}`);
    let size: number;
    try {
      size = tensorByteSize(type, tensor.shape);
    } catch (error) {
      throw new NorthstationError('bad_request', `tensor ${tensor.name}: ${(error as Error).message}`);
    }
    out.string(tensor.name);
    out.u32(tensor.shape.length);
    for (const dim of tensor.shape) out.u64(dim);
    out.u32(tensor.ggmlType);
    out.u64(offset);
    tensorOffsets.push(offset);
    tensorSizes.push(size);
    offset = alignUp(offset + size, alignment);
  }
  const header = out.toBuffer();
  const dataOffset = alignUp(header.length, alignment);
  const lastEnd = tensors.length === 0 ? 0 : (tensorOffsets.at(-1) ?? 0) + (tensorSizes.at(-1) ?? 0);
  return { header, dataOffset, tensorOffsets, tensorSizes, fileSize: dataOffset + lastEnd };
}

/** Writes a complete GGUF file atomically; returns its size in bytes. */
export async function writeGguf(options: WriteGgufOptions): Promise<{ path: string; fileSize: number }> {
  const layout = planGguf(options.metadata, options.tensors, options.alignment);
  const tempPath = `${options.path}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(tempPath, 'wx');
  try {
    const sink = new BufferedSink(handle, layout.fileSize, options.onProgress);
    await sink.write(layout.header);
    await sink.zeros(layout.dataOffset - layout.header.length);
    for (const [index, tensor] of options.tensors.entries()) {
      const start = layout.dataOffset + (layout.tensorOffsets[index] ?? 0);
      await sink.zeros(start - sink.position);
      const expected = layout.tensorSizes[index] ?? 0;
      let written = 0;
      for await (const chunk of tensor.data()) {
        written += chunk.byteLength;
        if (written > expected) break;
        await sink.write(chunk);
      }
      if (written !== expected) {
        throw new NorthstationError('internal', `tensor ${tensor.name}: data source gave ${written} bytes, expected ${expected}`);
      }
    }
    await sink.flush();
    // On disk before the rename, so a crash can never leave a complete-looking file of zeros.
    await handle.sync();
    await handle.close();
    await rename(tempPath, options.path);
    return { path: options.path, fileSize: layout.fileSize };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true });
    throw error;
  }
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function writeValue(out: ByteCollector, value: GgufWriteValue): void {
  out.u32(ggufValueTypes[value.type]);
  if (value.type !== 'array') {
    writeScalar(out, value.type, value.value);
    return;
  }
  out.u32(ggufValueTypes[value.itemType]);
  out.u64(value.values.length);
  for (let i = 0; i < value.values.length; i++) {
    writeScalar(out, value.itemType, value.values[i] as number | bigint | boolean | string);
  }
}

function writeScalar(out: ByteCollector, type: ScalarTypeName, value: number | bigint | boolean | string): void {
  if (type === 'string') {
    out.string(String(value));
    return;
  }
  const at = out.reserve(scalarWidths[type]);
  const buffer = out.buffer;
  switch (type) {
    case 'uint8': buffer.writeUInt8(Number(value), at); break;
    case 'int8': buffer.writeInt8(Number(value), at); break;
    case 'uint16': buffer.writeUInt16LE(Number(value), at); break;
    case 'int16': buffer.writeInt16LE(Number(value), at); break;
    case 'uint32': buffer.writeUInt32LE(Number(value), at); break;
    case 'int32': buffer.writeInt32LE(Number(value), at); break;
    case 'float32': buffer.writeFloatLE(Number(value), at); break;
    case 'float64': buffer.writeDoubleLE(Number(value), at); break;
    case 'bool': buffer.writeUInt8(value === true ? 1 : 0, at); break;
    case 'uint64': buffer.writeBigUInt64LE(BigInt(value), at); break;
    case 'int64': buffer.writeBigInt64LE(BigInt(value), at); break;
  }
}

/**
 * Collects little-endian header fields in one growing Buffer; a 262k-token
 * vocabulary would otherwise cost half a million small allocations.
 */
class ByteCollector {
  buffer = Buffer.alloc(64 * 1024);
  private length = 0;

  /** Makes room for `bytes` more and returns the offset to write them at. */
  reserve(bytes: number): number {
    if (this.length + bytes > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += bytes;
    return at;
  }

  // reserve() may replace this.buffer, so it runs before this.buffer is read.
  u32(value: number): void {
    const at = this.reserve(4);
    this.buffer.writeUInt32LE(value, at);
  }

  u64(value: number): void {
    const at = this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), at);
  }

  string(value: string): void {
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.u64(byteLength);
    const at = this.reserve(byteLength);
    this.buffer.write(value, at, 'utf8');
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

const flushBytes = 8 * 1024 * 1024;

/** Sequential writes through one reusable buffer; big chunks go straight to disk. */
class BufferedSink {
  position = 0;
  private readonly buffer = Buffer.allocUnsafe(flushBytes);
  private filled = 0;
  private readonly handle: FileHandle;
  private readonly totalBytes: number;
  private readonly onProgress: ((writtenBytes: number, totalBytes: number) => void) | undefined;

  constructor(
    handle: FileHandle,
    totalBytes: number,
    onProgress: ((writtenBytes: number, totalBytes: number) => void) | undefined,
  ) {
    this.handle = handle;
    this.totalBytes = totalBytes;
    this.onProgress = onProgress;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength >= flushBytes) {
      await this.flush();
      await this.writeFully(chunk);
      this.position += chunk.byteLength;
      this.onProgress?.(this.position, this.totalBytes);
      return;
    }
    if (this.filled + chunk.byteLength > flushBytes) await this.flush();
    this.buffer.set(chunk, this.filled);
    this.filled += chunk.byteLength;
    this.position += chunk.byteLength;
  }

  async zeros(count: number): Promise<void> {
    if (count > 0) await this.write(new Uint8Array(count));
  }

  async flush(): Promise<void> {
    if (this.filled === 0) return;
    await this.writeFully(this.buffer.subarray(0, this.filled));
    this.filled = 0;
    this.onProgress?.(this.position, this.totalBytes);
  }

  private async writeFully(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.byteLength) {
      const { bytesWritten } = await this.handle.write(chunk, done, chunk.byteLength - done);
      done += bytesWritten;
    }
  }
}
