/**
 * Writes a synthetic LoRA adapter GGUF in the form llama.cpp's
 * src/llama-adapter.cpp loads: general.type "adapter", adapter.type "lora",
 * adapter.lora.alpha, and for each adapted weight W (ggml shape [in, out]) a
 * pair `W.lora_a` [in, rank] and `W.lora_b` [rank, out]. general.architecture
 * must match the base model's, which makes a wrong-arch adapter easy to build
 * for rejection tests.
 */
import { NorthstationError } from '../../core/errors.ts';
import { ggmlType } from '../gguf/constants.ts';
import { encodeF16 } from '../gguf/quantise.ts';
import { ggufValue, planGguf, writeGguf, type GgufTensorSpec, type GgufWriteValue } from '../gguf/writer.ts';
import { syntheticKey } from './metadata.ts';
import { defaultSeed } from './model-writer.ts';
import { SeededRandom } from './random.ts';
import { loraTargets, modelShapes, type ShapeName } from './shapes.ts';

export interface SyntheticLoraOptions {
  /** Base model shape the adapter fits. */
  shape: ShapeName;
  /** Default: 8. */
  rank?: number;
  /** Default: equal to rank, so the adapter's effective scale is the scale it is loaded with. */
  alpha?: number;
  /** Default: "gemma3"; anything else makes an adapter llama.cpp must refuse for a Gemma 3 model. */
  architecture?: string;
  seed?: number;
}

export interface WriteSyntheticLoraOptions extends SyntheticLoraOptions {
  out: string;
  onProgress?: (writtenBytes: number, totalBytes: number) => void;
}

const defaultRank = 8;

function loraTensors(options: SyntheticLoraOptions): GgufTensorSpec[] {
  const shape = modelShapes[options.shape];
  const rank = options.rank ?? defaultRank;
  if (!Number.isInteger(rank) || rank < 1 || rank > 1024) {
    throw new NorthstationError('bad_request', `LoRA rank must be an integer from 1 to 1024, got ${rank}`);
  }
  const seed = options.seed ?? defaultSeed;
  const tensors: GgufTensorSpec[] = [];
  for (let layer = 0; layer < shape.layers; layer++) {
    for (const target of loraTargets(shape)) {
      const base = `blk.${layer}.${target.suffix}.weight`;
      const index = tensors.length;
      // B is usually initialised to zero in training; here both are random and sizeable so the
      // adapter visibly changes greedy output at scale 1.
      tensors.push(
        randomF16Tensor(`${base}.lora_a`, [target.inFeatures, rank], Math.sqrt(3 / target.inFeatures), seed * 7919 + index),
        randomF16Tensor(`${base}.lora_b`, [rank, target.outFeatures], Math.sqrt(3 / rank), seed * 7919 + index + 1),
      );
    }
  }
  return tensors;
}

function randomF16Tensor(name: string, shape: number[], scale: number, seed: number): GgufTensorSpec {
  return {
    name,
    shape,
    ggmlType: ggmlType.F16,
    data: function* () {
      const count = shape.reduce((product, dim) => product * dim, 1);
      yield encodeF16(new SeededRandom(seed).floats(count, scale));
    },
  };
}

function loraMetadata(options: SyntheticLoraOptions): Record<string, GgufWriteValue> {
  const rank = options.rank ?? defaultRank;
  return {
    'general.architecture': ggufValue.string(options.architecture ?? 'gemma3'),
    'general.type': ggufValue.string('adapter'),
    'general.name': ggufValue.string(`Synthetic LoRA for ${options.shape} (random weights)`),
    'adapter.type': ggufValue.string('lora'),
    'adapter.lora.alpha': ggufValue.float32(options.alpha ?? rank),
    [syntheticKey]: ggufValue.bool(true),
  };
}

/** The adapter's file size, without writing it. */
export function syntheticLoraFileSize(options: SyntheticLoraOptions): number {
  return planGguf(loraMetadata(options), loraTensors(options)).fileSize;
}

export async function writeSyntheticLora(options: WriteSyntheticLoraOptions): Promise<{ path: string; fileSize: number }> {
  return writeGguf({
    path: options.out,
    metadata: loraMetadata(options),
    tensors: loraTensors(options),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
