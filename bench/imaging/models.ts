/**
 * Synthetic model files the imaging benchmark needs, written once into the
 * temp dir beside bench/engine's (same directory, same text-model name, so the
 * 2.19 GB MedGemma-4B Q4_0 file is shared between the two benchmarks).
 * Each file is written under a temporary name and renamed when complete, so an
 * interrupted write is never taken for a cached file.
 */
import { mkdir, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectorShapeName, ProjectorTypeName } from '../../src/engine/synthetic/projector-shapes.ts';
import { writeSyntheticProjector } from '../../src/engine/synthetic/projector-writer.ts';
import type { QuantName, ShapeName } from '../../src/engine/synthetic/shapes.ts';
import { writeSyntheticModel } from '../../src/engine/synthetic/model-writer.ts';

const directory = join(tmpdir(), 'northstation-bench');

export function benchTextModel(shape: ShapeName, quant: QuantName): Promise<string> {
  return cachedFile(`${shape}-${quant}.gguf`, (out, onProgress) => writeSyntheticModel({ shape, quant, out, onProgress }));
}

export function benchProjector(shape: ProjectorShapeName, type: ProjectorTypeName): Promise<string> {
  return cachedFile(`${shape}-mmproj-${type}.gguf`, (out, onProgress) => writeSyntheticProjector({ shape, type, out, onProgress }));
}

type Writer = (out: string, onProgress: (written: number, total: number) => void) => Promise<unknown>;

async function cachedFile(name: string, write: Writer): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, name);
  if (await stat(path).then(() => true, () => false)) return path;
  const partial = `${path}.partial-${process.pid}`;
  let lastTenth = -1;
  await write(partial, (written, total) => {
    const tenth = Math.floor((10 * written) / total);
    if (tenth !== lastTenth) process.stderr.write(`writing ${name}: ${tenth * 10}%\n`);
    lastTenth = tenth;
  });
  await rename(partial, path);
  return path;
}
