/**
 * The SigLIP vision tower of multimodal Gemma 3 / MedGemma and the size of the
 * projector file (mmproj) llama.cpp loads it from.
 *
 * §7 (../shared/clinical/REFERENCE.md) gives the encoder (SigLIP), the input
 * (896×896) and the output (256 tokens) but no mmproj size, so the size here is
 * computed from the SigLIP-So400m shape in HF google/gemma-3-4b-it config.json
 * (vision_config) and the tensor types llama.cpp's converter writes for an f16
 * mmproj (conversion/gemma.py Gemma3VisionModel.tensor_force_quant: embeddings
 * F32, input projection F16; 1-D norms and biases stay F32, as in every GGUF).
 */

export interface VisionTower {
  encoder: 'SigLIP-So400m';
  /** §7: each image normalised to 896×896. */
  imageSize: number;
  patchSize: number;
  /** §7: each image encoded as 256 tokens. */
  tokensPerImage: number;
  layers: number;
  hiddenSize: number;
  ffnSize: number;
  heads: number;
  /** Width of the language model the projector maps into. */
  projectsTo: number;
  /** Computed size of the f16 mmproj file (not published; see the file comment). */
  projectorFileBytes: number;
}

interface ProjectorTensor {
  elements: number;
  bytesPerElement: 2 | 4;
}

// HF vision_config of Gemma 3 (SigLIP-So400m-patch14): the same in 4B and 27B.
const siglip = { imageSize: 896, patchSize: 14, layers: 27, hiddenSize: 1152, ffnSize: 4304, heads: 16 } as const;

/** Tensors of an f16 Gemma 3 mmproj, by kind (names as llama.cpp's clip loader uses them). */
export function projectorTensors(projectsTo: number): ProjectorTensor[] {
  const { imageSize, patchSize, layers, hiddenSize: d, ffnSize } = siglip;
  const patches = (imageSize / patchSize) ** 2; // 64 × 64 = 4096 positions
  const f32 = (elements: number): ProjectorTensor => ({ elements, bytesPerElement: 4 });
  const f16 = (elements: number): ProjectorTensor => ({ elements, bytesPerElement: 2 });
  const block = [
    f16(d * d), f32(d), // attn_q weight, bias
    f16(d * d), f32(d), // attn_k
    f16(d * d), f32(d), // attn_v
    f16(d * d), f32(d), // attn_out
    f32(d), f32(d), f32(d), f32(d), // ln1, ln2: weight and bias
    f16(d * ffnSize), f32(ffnSize), // ffn_up (fc1)
    f16(ffnSize * d), f32(d), // ffn_down (fc2)
  ];
  return [
    f32(patchSize * patchSize * 3 * d), f32(d), // v.patch_embd: weight forced F32, bias
    f32(patches * d), // v.position_embd, forced F32
    ...Array.from({ length: layers }, () => block).flat(),
    f32(d), f32(d), // v.post_ln
    f16(d * projectsTo), // mm.input_projection, forced F16
    f32(d), // mm.soft_emb_norm
  ];
}

export function gemma3VisionTower(projectsTo: number): VisionTower {
  const projectorFileBytes = projectorTensors(projectsTo).reduce((sum, t) => sum + t.elements * t.bytesPerElement, 0);
  return {
    encoder: 'SigLIP-So400m',
    imageSize: siglip.imageSize,
    patchSize: siglip.patchSize,
    tokensPerImage: 256,
    layers: siglip.layers,
    hiddenSize: siglip.hiddenSize,
    ffnSize: siglip.ffnSize,
    heads: siglip.heads,
    projectsTo,
    projectorFileBytes,
  };
}
