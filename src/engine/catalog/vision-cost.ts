/**
 * What one image costs the Gemma 3 vision tower: projector weight bytes at F16
 * or Q8_0, the compute buffer clip.cpp reserves for one encode, and the
 * floating-point work of one encode.
 *
 * Everything follows the graph llama.cpp builds for projector type gemma3
 * (tools/mtmd/models/siglip.cpp and clip.cpp build_inp / build_vit /
 * build_attn / build_ffn): conv patch embedding (im2col + matmul), learned
 * positions, pre-norm ViT blocks with separate biased Q/K/V, a biased output
 * projection and a 2-matrix GELU FFN, a post-norm, a k×k average pool, an RMS
 * norm times mm.soft_emb_norm, and one matmul into the text width.
 */
import type { VisionTower } from './vision-tower.ts';

/** The numbers that fix the cost; a VisionTower from the catalog is one. */
export type ProjectorShape = Pick<
  VisionTower,
  'imageSize' | 'patchSize' | 'tokensPerImage' | 'layers' | 'hiddenSize' | 'ffnSize' | 'heads' | 'projectsTo'
>;

export type ProjectorWeightType = 'F16' | 'Q8_0';

const f32 = 4;
const f16 = 2;
// ggml Q8_0: 32 values in a block of one f16 scale + 32 int8 = 34 bytes.
const q8Block = { values: 32, bytes: 34 } as const;

export function patchesPerImage(shape: ProjectorShape): number {
  return (shape.imageSize / shape.patchSize) ** 2;
}

/**
 * Bytes of one matrix whose rows are `rowLength` long. Q8_0 needs whole
 * 32-value blocks per row; a row that does not split (ffn_down, 4304 wide) is
 * written F16 by the converter, and clip.cpp reads whatever type the file holds.
 */
function matrixBytes(rowLength: number, rows: number, type: ProjectorWeightType): number {
  if (type === 'Q8_0' && rowLength % q8Block.values === 0) return (rowLength / q8Block.values) * q8Block.bytes * rows;
  return rowLength * rows * f16;
}

/**
 * Weight bytes of a Gemma 3 mmproj. Always F32: patch embedding (the converter
 * forces it), position embedding, every bias and norm. Always F16:
 * mm.input_projection (clip.cpp transposes it at run time). `type` applies to
 * attn_q/k/v/out, ffn_up and ffn_down where their rows fit.
 */
export function projectorWeightBytes(shape: ProjectorShape, type: ProjectorWeightType): number {
  const { patchSize, hiddenSize: d, ffnSize: f, layers, projectsTo } = shape;
  const embeddings = (patchSize * patchSize * 3 * d + d + patchesPerImage(shape) * d) * f32;
  const attention = 4 * matrixBytes(d, d, type) + 4 * d * f32; // q, k, v, out + their biases
  const norms = 4 * d * f32; // ln1, ln2: weight and bias
  // ffn_up rows are d long (d → f); ffn_down rows are f long (f → d).
  const ffn = matrixBytes(d, f, type) + f * f32 + matrixBytes(f, d, type) + d * f32;
  const head = 2 * d * f32 + d * projectsTo * f16 + d * f32; // post_ln, input projection, soft_emb_norm
  return embeddings + layers * (attention + norms + ffn) + head;
}

/** FLOPs of one image encode by part (a multiply-add counts 2). */
export interface VisionFlops {
  /** Conv 14×14×3 → width as a matmul over every patch. */
  patchEmbedding: number;
  /** Q, K and V projections, all layers. */
  qkv: number;
  /** Scores Q·Kᵀ and the weighted sum of V, every token against every token, all layers. */
  attention: number;
  outputProjection: number;
  /** Up and down matrices (GELU itself is elementwise). */
  ffn: number;
  /** Average pool adds plus the projection into the text width. */
  poolAndProjection: number;
  total: number;
}

/**
 * Matrix FLOPs of one image encode. Elementwise work is left out: layer norms,
 * biases, GELU, the softmax's exp and the RMS norm are a handful of operations
 * per element, under 1 % of the total at the MedGemma shape (the largest, the
 * softmax over 16 × 4096² scores per layer at about 5 operations a score, is
 * 0.7 %).
 */
export function visionFlopsPerImage(shape: ProjectorShape): VisionFlops {
  const { patchSize, hiddenSize: d, ffnSize: f, layers, tokensPerImage, projectsTo } = shape;
  const n = patchesPerImage(shape);
  const patchEmbedding = 2 * n * (patchSize * patchSize * 3) * d;
  const qkv = layers * 3 * 2 * n * d * d;
  // Per head: scores n × n × headDim, weighted sum the same; summed over heads, headDim × heads = d.
  const attention = layers * 2 * (2 * n * n * d);
  const outputProjection = layers * 2 * n * d * d;
  const ffn = layers * 2 * (2 * n * d * f);
  const poolAndProjection = n * d + 2 * tokensPerImage * d * projectsTo;
  return {
    patchEmbedding,
    qkv,
    attention,
    outputProjection,
    ffn,
    poolAndProjection,
    total: patchEmbedding + qkv + attention + outputProjection + ffn + poolAndProjection,
  };
}

export interface EncodeBufferOptions {
  /** clip.cpp's auto setting turns flash attention on where the backend has it (CPU, CUDA). Default: true. */
  flashAttention?: boolean;
}

/**
 * Peak of the compute buffer clip.cpp reserves (warmup at the full image
 * size) for one encode: the largest set of f32 activations alive at once, as
 * ggml-alloc frees each tensor after its last use. With flash attention that
 * is the FFN (residual + normed input + the n × FFN up activation); without,
 * it is the heads × n × n score matrix. Not yet checked against llama.cpp's
 * "compute buffer size" log line; expect the real figure a few percent higher
 * from allocator fragmentation.
 */
export function visionEncodeBufferBytes(shape: ProjectorShape, options: EncodeBufferOptions = {}): number {
  const flashAttention = options.flashAttention ?? true;
  const n = patchesPerImage(shape);
  const { hiddenSize: d, ffnSize: f, heads, imageSize, patchSize } = shape;
  const activation = n * d * f32;
  const input = imageSize * imageSize * 3 * f32 + n * patchSize * patchSize * 3 * f32 + activation; // pixels, im2col, conv out
  const ffnStage = 2 * activation + n * f * f32;
  // Residual, normed input, Q, K, V alive when V is computed; the f16 casts and output are smaller.
  const attentionStage = flashAttention ? 5 * activation : 4 * activation + heads * n * n * f32;
  return Math.max(input, ffnStage, attentionStage);
}
