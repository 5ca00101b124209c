/**
 * `models add`: vet a GGUF file and record it in the registry. Vetting is the
 * reader's full header check (magic, version, metadata, tensor types, every
 * tensor's data inside the file) plus an architecture Northstation runs.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { NorthstationError } from '../../core/errors.ts';
import { describeQuantisation, readGguf, type GgufFile } from '../gguf/reader.ts';
import { openModelRegistry, modelIdPattern, type ModelSource, type RegisteredModel } from './registry.ts';
import { syntheticKey } from '../synthetic/metadata.ts';
import { sha256File } from './sha256.ts';

/** gemma3: MedGemma's language model; clip: the vision projector (mmproj) beside it. */
export const supportedArchitectures = ['gemma3', 'clip'] as const;


export interface InspectedModel {
  file: GgufFile;
  quantisation: string;
  synthetic: boolean;
}

/** Reads and checks the header; `model_invalid` / `not_found` with the reader's message otherwise. */
export async function inspectModelFile(path: string): Promise<InspectedModel> {
  const file = await readGguf(path);
  if (file.metadata['general.type'] === 'adapter') {
    throw new NorthstationError('model_invalid', `${path} is a LoRA adapter, not a model; load it with --lora beside its base model`, { path });
  }
  if (!(supportedArchitectures as readonly string[]).includes(file.architecture)) {
    throw new NorthstationError(
      'model_invalid',
      `${path} is a "${file.architecture}" model; Northstation runs ${supportedArchitectures.join(', ')} (MedGemma is gemma3, its vision projector clip)`,
      { path, architecture: file.architecture },
    );
  }
  return { file, quantisation: describeQuantisation(file), synthetic: file.metadata[syntheticKey] === true };
}

export interface RegisterModelFileOptions {
  path: string;
  /** Registry id. Default: the file name without `.gguf`, lower-cased, other characters as `-`. */
  id?: string;
  /** Data directory. Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
  /** A SHA-256 computed while the file was written (a verified download); skips hashing again. Default: hash the file. */
  knownSha256?: string;
  /** Where the file came from. Default: `{ kind: 'file' }`. */
  source?: ModelSource;
  /** Hashing progress, for multi-GB files. Default: none. */
  onHashProgress?: (hashedBytes: number, totalBytes: number) => void;
  /** Default: none. */
  signal?: AbortSignal;
  /** Default: `new Date()`. */
  now?: () => Date;
}

export async function registerModelFile(options: RegisterModelFileOptions): Promise<RegisteredModel> {
  const path = resolve(options.path);
  const id = options.id ?? defaultModelId(path);
  if (!modelIdPattern.test(id)) {
    throw new NorthstationError('bad_request', `model id "${id}" must be lower-case letters, digits, ".", "_" or "-" (max 128)`, { id });
  }
  const inspected = await inspectModelFile(path);
  // Which file (not just which path) was hashed: a file later replaced by another at the same path is not this one.
  const { dev, ino } = await stat(path, { bigint: true });
  const sha256 =
    options.knownSha256 ??
    (await sha256File(path, {
      ...(options.onHashProgress ? { onProgress: options.onHashProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }));
  const registry = openModelRegistry(options.home === undefined ? {} : { home: options.home });
  return registry.add({
    id,
    path,
    sha256,
    architecture: inspected.file.architecture,
    quantisation: inspected.quantisation,
    sizeBytes: inspected.file.fileSize,
    synthetic: inspected.synthetic,
    addedAt: (options.now ?? (() => new Date()))().toISOString(),
    source: options.source ?? { kind: 'file' },
    device: String(dev),
    inode: String(ino),
  });
}

export function defaultModelId(path: string): string {
  const stem = basename(path).replace(/\.gguf$/i, '').toLowerCase();
  const cleaned = stem.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 128);
  return cleaned === '' ? 'model' : cleaned;
}
