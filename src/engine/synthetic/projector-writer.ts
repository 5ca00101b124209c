/**
 * Writes a synthetic (random-weight) Gemma 3 vision projector: the mmproj GGUF
 * that llama.cpp's mtmd (llama-server --mmproj, llama-mtmd-cli) loads beside a
 * Gemma 3 text model. Metadata keys are clip.cpp's (tools/mtmd/clip-impl.h);
 * what it reads without a default is written, plus `northstation.synthetic`.
 * For the tiny shape every weight is a small float with a fan-in scale, so a
 * different image gives different image embeddings and so different text — the
 * "image is actually seen" check depends on that.
 */
import { NorthstationError } from '../../core/errors.ts';
import { ggmlType } from '../gguf/constants.ts';
import { encodeF16, encodeF32, encodeQ8_0 } from '../gguf/quantise.ts';
import { ggufValue, planGguf, writeGguf, type GgufLayout, type GgufTensorSpec, type GgufWriteValue } from '../gguf/writer.ts';
import { syntheticKey } from './metadata.ts';
import { defaultSeed, fastRandom } from './model-writer.ts';
import {
  imageTokens,
  planProjectorTensors,
  projectorFileTypes,
  projectorShapes,
  type PlannedProjectorTensor,
  type ProjectorShape,
  type ProjectorShapeName,
  type ProjectorTypeName,
} from './projector-shapes.ts';
import { SeededRandom } from './random.ts';

export interface SyntheticProjectorOptions {
  shape: ProjectorShapeName;
  /** Storage of the 2-D weights where their rows allow it. Default: f16. */
  type?: ProjectorTypeName;
  /** Same seed, same file bytes. Default: 1. */
  seed?: number;
}

export interface WriteSyntheticProjectorOptions extends SyntheticProjectorOptions {
  out: string;
  onProgress?: (writtenBytes: number, totalBytes: number) => void;
}

export interface SyntheticProjectorPlan {
  shape: ProjectorShape;
  tensors: PlannedProjectorTensor[];
  metadata: Record<string, GgufWriteValue>;
  layout: GgufLayout;
}

/** SigLIP as Gemma 3 uses it normalises pixels to [-1, 1] (preprocessor_config.json). */
const gemma3ImageMean = [0.5, 0.5, 0.5];
const gemma3ImageStd = [0.5, 0.5, 0.5];

export function projectorMetadata(shape: ProjectorShape, type: ProjectorTypeName, seed: number): Record<string, GgufWriteValue> {
  return {
    // "clip" is the placeholder architecture llama.cpp's converter gives every mmproj file.
    'general.architecture': ggufValue.string('clip'),
    'general.type': ggufValue.string('mmproj'),
    'general.name': ggufValue.string(`Synthetic Gemma 3 vision projector ${shape.name} (random weights, not a medical model)`),
    'general.description': ggufValue.string(`Random weights written by northstation synth-model, seed ${seed}. Image embeddings are meaningless.`),
    'general.file_type': ggufValue.uint32(projectorFileTypes[type]),
    'general.quantization_version': ggufValue.uint32(2),
    [syntheticKey]: ggufValue.bool(true),
    'northstation.synthetic.shape': ggufValue.string(`projector-${shape.name}`),
    'northstation.synthetic.seed': ggufValue.uint32(seed),
    'northstation.synthetic.image_tokens': ggufValue.uint32(imageTokens(shape)),
    // clip.cpp asserts the vision flag before reading anything else.
    'clip.has_vision_encoder': ggufValue.bool(true),
    'clip.projector_type': ggufValue.string('gemma3'),
    'clip.vision.projection_dim': ggufValue.uint32(shape.textWidth),
    'clip.vision.image_size': ggufValue.uint32(shape.imageSize),
    'clip.vision.patch_size': ggufValue.uint32(shape.patchSize),
    'clip.vision.embedding_length': ggufValue.uint32(shape.width),
    'clip.vision.feed_forward_length': ggufValue.uint32(shape.ffn),
    'clip.vision.block_count': ggufValue.uint32(shape.layers),
    'clip.vision.attention.head_count': ggufValue.uint32(shape.heads),
    // clip.cpp refuses a vision file with fewer than 3 of each, and only as float32 arrays.
    'clip.vision.image_mean': ggufValue.float32Array(gemma3ImageMean),
    'clip.vision.image_std': ggufValue.float32Array(gemma3ImageStd),
    'clip.vision.attention.layer_norm_epsilon': ggufValue.float32(shape.layerNormEps),
    // SigLIP's gelu_pytorch_tanh; without the flag clip.cpp uses quick-GELU. The key has no
    // `vision.` in it (KEY_USE_GELU); `clip.vision.use_gelu` would be ignored without a word.
    'clip.use_gelu': ggufValue.bool(true),
  };
}

/** Everything about the file except its tensor bytes; sizes a write (800 MB for medgemma-4b) before doing it. */
export function planSyntheticProjector(options: SyntheticProjectorOptions): SyntheticProjectorPlan {
  const shape = projectorShapes[options.shape];
  const type = options.type ?? 'f16';
  const tensors = planProjectorTensors(shape, type);
  const metadata = projectorMetadata(shape, type, options.seed ?? defaultSeed);
  return { shape, tensors, metadata, layout: planGguf(metadata, tensors) };
}

export async function writeSyntheticProjector(options: WriteSyntheticProjectorOptions): Promise<{ path: string; fileSize: number }> {
  const plan = planSyntheticProjector(options);
  const seed = options.seed ?? defaultSeed;
  const specs: GgufTensorSpec[] = plan.tensors.map((tensor, index) => ({
    ...tensor,
    // One generator per tensor, so a tensor's bytes do not depend on the others; the offset
    // keeps a projector's streams apart from a text model written with the same seed.
    data: () => tensorData(plan.shape, tensor, new SeededRandom(seed * 1_000_003 + 500_000 + index)),
  }));
  return writeGguf({ path: options.out, metadata: plan.metadata, tensors: specs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
}

function* tensorData(shape: ProjectorShape, tensor: PlannedProjectorTensor, random: SeededRandom): Generator<Uint8Array> {
  const count = tensor.shape.reduce((product, dim) => product * dim, 1);
  if (tensor.role === 'matrix' && !shape.exactWeights) {
    yield* fastRandom(tensor.ggmlType, count, random);
    return;
  }
  yield encode(tensor.ggmlType, floats(tensor, random, count));
}

function floats(tensor: PlannedProjectorTensor, random: SeededRandom, count: number): Float32Array {
  const [rowLength = 1, rows = 1] = tensor.shape;
  switch (tensor.role) {
    case 'ones': return new Float32Array(count).fill(1);
    case 'bias': return random.floats(count, 0.02);
    // Fan-in of the conv is one patch of 3 channels: everything but the output-channel dim.
    case 'patch': return random.floats(count, Math.sqrt(3 / (count / (tensor.shape[3] ?? 1))));
    // Smaller than the patch signal, so the image, not the position, dominates each token.
    case 'position': return random.floats(count, 0.1);
    case 'matrix': return random.floats(count, Math.sqrt(3 / rowLength));
    // Used transposed (see projector-shapes.ts), so its fan-in is the vision width, ne[1].
    case 'projection': return random.floats(count, Math.sqrt(3 / rows));
  }
}

function encode(type: number, values: Float32Array): Uint8Array {
  switch (type) {
    case ggmlType.F32: return encodeF32(values);
    case ggmlType.F16: return encodeF16(values);
    case ggmlType.Q8_0: return encodeQ8_0(values);
    default: throw new NorthstationError('internal', `projector writer cannot encode ggml type ${type}`);
  }
}
