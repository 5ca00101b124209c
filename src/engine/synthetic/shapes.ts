/**
 * Gemma 3 language-model shapes for synthetic GGUFs, and the tensor list
 * llama.cpp's gemma3 loader expects (src/models/gemma3.cpp, load_arch_tensors).
 * Shapes are in ggml order: the row length (input features) first.
 */
import { ggmlType, ggmlTypes, tensorByteSize } from '../gguf/constants.ts';

export const shapeNames = ['tiny', 'medgemma-4b', 'medgemma-27b'] as const;
export type ShapeName = (typeof shapeNames)[number];

export const quantNames = ['f16', 'q8_0', 'q4_0'] as const;
export type QuantName = (typeof quantNames)[number];

export interface ModelShape {
  name: ShapeName;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  /** Tokens in the vocabulary; `tiny` uses its small hand-made vocab instead. */
  vocabSize: number | 'tiny';
  contextLength: number;
  slidingWindow: number;
  ropeBaseGlobal: number;
  ropeBaseLocal: number;
  /** Linear RoPE scaling of global layers (Gemma 3 4B/12B/27B use 8), or none. */
  ropeLinearScale: number | null;
  rmsEps: number;
  /** Small weights with structure (see model-writer.ts) instead of raw random bits. */
  exactWeights: boolean;
}

export const modelShapes: Readonly<Record<ShapeName, ModelShape>> = {
  tiny: {
    name: 'tiny', layers: 2, hidden: 64, heads: 4, kvHeads: 2, headDim: 32, ffn: 128, vocabSize: 'tiny',
    contextLength: 8192, slidingWindow: 512, ropeBaseGlobal: 1e6, ropeBaseLocal: 1e4, ropeLinearScale: null,
    rmsEps: 1e-6, exactWeights: true,
  },
  // google/medgemma-4b-it text config (Gemma 3 4B): llama.cpp types 34 layers as 4B (gemma3.cpp).
  'medgemma-4b': {
    name: 'medgemma-4b', layers: 34, hidden: 2560, heads: 8, kvHeads: 4, headDim: 256, ffn: 10240, vocabSize: 262208,
    contextLength: 131072, slidingWindow: 1024, ropeBaseGlobal: 1e6, ropeBaseLocal: 1e4, ropeLinearScale: 8,
    rmsEps: 1e-6, exactWeights: false,
  },
  // Gemma 3 27B text config: 62 layers (LLM_TYPE_27B in llama.cpp src/models/gemma3.cpp, whose 27B
  // attention scale 1/sqrt(n_embd / n_head) = 1/sqrt(5376 / 32) matches query_pre_attn_scalar 168),
  // head_dim 128, 32 query / 16 KV heads, intermediate 21504, same 262208-token vocab.
  'medgemma-27b': {
    name: 'medgemma-27b', layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504, vocabSize: 262208,
    contextLength: 131072, slidingWindow: 1024, ropeBaseGlobal: 1e6, ropeBaseLocal: 1e4, ropeLinearScale: 8,
    rmsEps: 1e-6, exactWeights: false,
  },
};

export const quantGgmlTypes: Readonly<Record<QuantName, number>> = {
  f16: ggmlType.F16,
  q8_0: ggmlType.Q8_0,
  q4_0: ggmlType.Q4_0,
};

/** `general.file_type` (llama_ftype) for each quantisation. */
export const quantFileTypes: Readonly<Record<QuantName, number>> = { f16: 1, q8_0: 7, q4_0: 2 };

export type TensorRole = 'embedding' | 'norm' | 'matrix';

export interface PlannedTensor {
  name: string;
  shape: number[];
  ggmlType: number;
  role: TensorRole;
  byteSize: number;
}

/** Every tensor of the model, in file order, with its storage type and size. */
export function planTensors(shape: ModelShape, quant: QuantName, vocabSize: number): PlannedTensor[] {
  const matrixType = quantGgmlTypes[quant];
  const out: PlannedTensor[] = [];
  const add = (name: string, dims: number[], role: TensorRole): void => {
    // 1-D tensors (norms) stay F32, as llama.cpp's converter and quantizer leave them.
    const type = role === 'norm' ? ggmlType.F32 : matrixType;
    const info = ggmlTypes.get(type);
    if (!info) throw new Error(`unknown ggml type ${type}`);
    out.push({ name, shape: dims, ggmlType: type, role, byteSize: tensorByteSize(info, dims) });
  };
  const { hidden, headDim, ffn } = shape;
  const qWidth = shape.heads * headDim;
  const kvWidth = shape.kvHeads * headDim;
  add('token_embd.weight', [hidden, vocabSize], 'embedding');
  add('output_norm.weight', [hidden], 'norm');
  for (let layer = 0; layer < shape.layers; layer++) {
    const blk = `blk.${layer}`;
    add(`${blk}.attn_norm.weight`, [hidden], 'norm');
    add(`${blk}.attn_q.weight`, [hidden, qWidth], 'matrix');
    add(`${blk}.attn_k.weight`, [hidden, kvWidth], 'matrix');
    add(`${blk}.attn_v.weight`, [hidden, kvWidth], 'matrix');
    add(`${blk}.attn_output.weight`, [qWidth, hidden], 'matrix');
    add(`${blk}.post_attention_norm.weight`, [hidden], 'norm');
    add(`${blk}.attn_k_norm.weight`, [headDim], 'norm');
    add(`${blk}.attn_q_norm.weight`, [headDim], 'norm');
    add(`${blk}.ffn_norm.weight`, [hidden], 'norm');
    add(`${blk}.ffn_gate.weight`, [hidden, ffn], 'matrix');
    add(`${blk}.ffn_up.weight`, [hidden, ffn], 'matrix');
    add(`${blk}.ffn_down.weight`, [ffn, hidden], 'matrix');
    add(`${blk}.post_ffw_norm.weight`, [hidden], 'norm');
  }
  return out;
}

/** Total bytes of tensor data (without header or alignment padding). */
export function tensorDataBytes(tensors: readonly PlannedTensor[]): number {
  return tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0);
}

/** Weights a LoRA adapter may target, by tensor-name suffix, with [in, out] features. */
export function loraTargets(shape: ModelShape): Array<{ suffix: string; inFeatures: number; outFeatures: number }> {
  const qWidth = shape.heads * shape.headDim;
  const kvWidth = shape.kvHeads * shape.headDim;
  return [
    { suffix: 'attn_q', inFeatures: shape.hidden, outFeatures: qWidth },
    { suffix: 'attn_k', inFeatures: shape.hidden, outFeatures: kvWidth },
    { suffix: 'attn_v', inFeatures: shape.hidden, outFeatures: kvWidth },
    { suffix: 'attn_output', inFeatures: qWidth, outFeatures: shape.hidden },
    { suffix: 'ffn_gate', inFeatures: shape.hidden, outFeatures: shape.ffn },
    { suffix: 'ffn_up', inFeatures: shape.hidden, outFeatures: shape.ffn },
    { suffix: 'ffn_down', inFeatures: shape.ffn, outFeatures: shape.hidden },
  ];
}
