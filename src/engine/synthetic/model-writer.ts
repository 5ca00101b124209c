/**
 * Writes a synthetic (random-weight) Gemma 3 GGUF of a given shape and
 * quantisation. Two kinds of weights:
 *  - `exactWeights` shapes (tiny): small float weights quantised properly, with
 *    control and byte-token embedding rows shrunk so that greedy decoding
 *    always picks a word piece — the model never stops early, and its output
 *    is readable text, which tests rely on.
 *  - big shapes: random bits with a small fixed block scale, generated at disk
 *    speed; they load and run but are not meant to say anything.
 */
import { NorthstationError } from '../../core/errors.ts';
import { ggmlType } from '../gguf/constants.ts';
import { encodeF16, encodeF32, encodeQ4_0, encodeQ8_0, quantBlockSize } from '../gguf/quantise.ts';
import { planGguf, writeGguf, type GgufLayout, type GgufTensorSpec } from '../gguf/writer.ts';
import { syntheticModelMetadata } from './metadata.ts';
import { randomF16Bytes, randomQ4_0Bytes, randomQ8_0Bytes, SeededRandom } from './random.ts';
import { modelShapes, planTensors, type ModelShape, type PlannedTensor, type QuantName, type ShapeName } from './shapes.ts';
import { fullVocab, tinyVocab, type Vocab } from './vocab.ts';

export interface SyntheticModelOptions {
  shape: ShapeName;
  quant: QuantName;
  /** Same seed, same file bytes. Default: 1. */
  seed?: number;
  /**
   * Write the `northstation.synthetic` flag. Only tests turn it off, to get a
   * file the engine takes for real weights (e.g. to test the conformance gate).
   * Default: true.
   */
  markSynthetic?: boolean;
}

export interface WriteSyntheticModelOptions extends SyntheticModelOptions {
  out: string;
  onProgress?: (writtenBytes: number, totalBytes: number) => void;
}

export interface SyntheticModelPlan {
  shape: ModelShape;
  vocab: Vocab;
  tensors: PlannedTensor[];
  metadata: ReturnType<typeof syntheticModelMetadata>;
  layout: GgufLayout;
}

export const defaultSeed = 1;

/** Everything about the file except its tensor bytes; cheap enough to size a write before doing it. */
export function planSyntheticModel(options: SyntheticModelOptions): SyntheticModelPlan {
  const shape = modelShapes[options.shape];
  const seed = options.seed ?? defaultSeed;
  const vocab = shape.vocabSize === 'tiny' ? tinyVocab() : fullVocab(shape.vocabSize);
  const tensors = planTensors(shape, options.quant, vocab.tokens.length);
  const metadata = syntheticModelMetadata(shape, options.quant, vocab, seed, options.markSynthetic ?? true);
  const layout = planGguf(metadata, tensors);
  return { shape, vocab, tensors, metadata, layout };
}

export async function writeSyntheticModel(options: WriteSyntheticModelOptions): Promise<{ path: string; fileSize: number }> {
  const plan = planSyntheticModel(options);
  const seed = options.seed ?? defaultSeed;
  const specs: GgufTensorSpec[] = plan.tensors.map((tensor, index) => ({
    ...tensor,
    // One generator per tensor, so a tensor's bytes do not depend on the others.
    data: () => tensorData(plan, tensor, new SeededRandom(seed * 1_000_003 + index)),
  }));
  return writeGguf({ path: options.out, metadata: plan.metadata, tensors: specs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
}

function* tensorData(plan: SyntheticModelPlan, tensor: PlannedTensor, random: SeededRandom): Generator<Uint8Array> {
  const count = tensor.shape.reduce((product, dim) => product * dim, 1);
  if (tensor.role === 'norm') {
    // Gemma's converter stores norm weights with the +1 folded in, so 1.0 is the identity.
    yield encodeF32(new Float32Array(count).fill(1));
    return;
  }
  if (plan.shape.exactWeights) {
    yield encode(tensor.ggmlType, exactFloats(plan, tensor, random, count));
    return;
  }
  yield* fastRandom(tensor.ggmlType, count, random);
}

function exactFloats(plan: SyntheticModelPlan, tensor: PlannedTensor, random: SeededRandom, count: number): Float32Array {
  if (tensor.role === 'matrix') {
    const fanIn = tensor.shape[0] ?? 1;
    return random.floats(count, Math.sqrt(3 / fanIn));
  }
  // Embedding: word-piece rows large, every other row (control, byte, unused) tiny, so that
  // logits through the tied output favour word pieces and never end the turn.
  const hidden = tensor.shape[0] ?? 1;
  const [firstPiece, endPiece] = plan.vocab.pieceRange;
  const values = random.floats(count, 0.5);
  for (let row = 0; row < count / hidden; row++) {
    if (row >= firstPiece && row < endPiece) continue;
    for (let i = row * hidden; i < (row + 1) * hidden; i++) values[i] = (values[i] ?? 0) * 0.01;
  }
  return values;
}

function encode(type: number, values: Float32Array): Uint8Array {
  switch (type) {
    case ggmlType.F32: return encodeF32(values);
    case ggmlType.F16: return encodeF16(values);
    case ggmlType.Q8_0: return encodeQ8_0(values);
    case ggmlType.Q4_0: return encodeQ4_0(values);
    default: throw new NorthstationError('internal', `synthetic writer cannot encode ggml type ${type}`);
  }
}

/** About 8 MiB per chunk, in whole blocks. The projector writer streams its big matrices through fastRandom too. */
const chunkValues = 4 * 1024 * 1024;

export function* fastRandom(type: number, count: number, random: SeededRandom): Generator<Uint8Array> {
  // F16 is the widest format (2 bytes a value); one scratch buffer serves every chunk,
  // since the writer is done with a chunk before it pulls the next.
  const scratch = new Uint32Array(Math.ceil(Math.min(chunkValues, count) / 2));
  for (let done = 0; done < count; done += chunkValues) {
    const values = Math.min(chunkValues, count - done);
    switch (type) {
      case ggmlType.F16: yield randomF16Bytes(random, values, scratch); break;
      case ggmlType.Q8_0: yield randomQ8_0Bytes(random, values / quantBlockSize, scratch); break;
      case ggmlType.Q4_0: yield randomQ4_0Bytes(random, values / quantBlockSize, scratch); break;
      default: throw new NorthstationError('internal', `synthetic writer cannot fill ggml type ${type}`);
    }
  }
}
