/**
 * Gemma 3 vision projector (mmproj) shapes and the tensor list llama.cpp's
 * tools/mtmd/clip.cpp loads for projector type "gemma3": a SigLIP vision
 * tower (clip_graph_siglip: patch conv, learned positions, pre-norm ViT
 * blocks, post-norm), a 4×4 average pool, an RMS norm and one projection to
 * the text model's embedding width. Shapes are in ggml order (row length
 * first). Storage types follow llama.cpp's converter (conversion/gemma.py,
 * Gemma3VisionModel, and conversion/base.py), so our files look like the
 * mmproj files sites actually run.
 */
import { ggmlType, ggmlTypes, tensorByteSize } from '../gguf/constants.ts';
import { modelShapes } from './shapes.ts';

export const projectorShapeNames = ['tiny', 'medgemma-4b'] as const;
export type ProjectorShapeName = (typeof projectorShapeNames)[number];

export const projectorTypeNames = ['f16', 'q8_0'] as const;
export type ProjectorTypeName = (typeof projectorTypeNames)[number];

export interface ProjectorShape {
  name: ProjectorShapeName;
  imageSize: number;
  patchSize: number;
  /** Vision tower width (SigLIP hidden size). */
  width: number;
  ffn: number;
  heads: number;
  layers: number;
  /** Embedding width of the text model the image tokens feed. */
  textWidth: number;
  layerNormEps: number;
  /** Small structured float weights everywhere (tests need images to matter); else raw random bits for big matrices. */
  exactWeights: boolean;
}

/**
 * clip.cpp's default for gemma3 (hparams.n_merge): the patch grid is average-pooled
 * by this factor on each side. Both shapes keep the default, so no
 * `clip.vision.projector.scale_factor` key is written.
 */
export const gemma3PoolFactor = 4;

export const projectorShapes: Readonly<Record<ProjectorShapeName, ProjectorShape>> = {
  // 224 px / 14 = 16×16 patches, pooled 4×4 → 16 image tokens; feeds the tiny text model.
  // Width 96 differs from the text width 64, so a transposed projection cannot pass a test.
  // FFN 144 is deliberately not a multiple of 32, like the real 4304, so a tiny Q8_0 file
  // exercises the F16 fallback that the full shape needs.
  tiny: {
    name: 'tiny', imageSize: 224, patchSize: 14, width: 96, ffn: 144, heads: 4, layers: 2,
    textWidth: modelShapes.tiny.hidden, layerNormEps: 1e-6, exactWeights: true,
  },
  // google/medgemma-4b-it vision_config (SigLIP so400m at 896 px): 64×64 patches → 256 tokens.
  'medgemma-4b': {
    name: 'medgemma-4b', imageSize: 896, patchSize: 14, width: 1152, ffn: 4304, heads: 16, layers: 27,
    textWidth: modelShapes['medgemma-4b'].hidden, layerNormEps: 1e-6, exactWeights: false,
  },
};

/** Image tokens one image becomes in the text model's context. */
export function imageTokens(shape: ProjectorShape): number {
  const side = shape.imageSize / shape.patchSize / gemma3PoolFactor;
  return side * side;
}

export function patchCount(shape: ProjectorShape): number {
  return (shape.imageSize / shape.patchSize) ** 2;
}

/** `general.file_type` (llama_ftype) for each requested type. */
export const projectorFileTypes: Readonly<Record<ProjectorTypeName, number>> = { f16: 1, q8_0: 7 };

/** How a tensor's values are made; see projector-writer.ts. */
export type ProjectorTensorRole = 'ones' | 'bias' | 'patch' | 'position' | 'matrix' | 'projection';

export interface PlannedProjectorTensor {
  name: string;
  shape: number[];
  ggmlType: number;
  role: ProjectorTensorRole;
  byteSize: number;
}

/** Every tensor of the projector, in file order, with its storage type and size. */
export function planProjectorTensors(shape: ProjectorShape, type: ProjectorTypeName): PlannedProjectorTensor[] {
  const wanted = type === 'q8_0' ? ggmlType.Q8_0 : ggmlType.F16;
  const out: PlannedProjectorTensor[] = [];
  const add = (name: string, dims: number[], role: ProjectorTensorRole, storage: number): void => {
    const info = ggmlTypes.get(storage);
    if (!info) throw new Error(`unknown ggml type ${storage}`);
    out.push({ name, shape: dims, ggmlType: storage, role, byteSize: tensorByteSize(info, dims) });
  };
  // A 2-D weight takes the requested type when its rows are whole Q8_0 blocks; otherwise F16,
  // as the converter falls back when a row does not split into 32-value blocks.
  const matrix = (name: string, dims: number[]): void => {
    const rowsFit = (dims[0] ?? 0) % (ggmlTypes.get(wanted)?.blockSize ?? 1) === 0;
    add(name, dims, 'matrix', rowsFit ? wanted : ggmlType.F16);
  };
  const { width, ffn, patchSize } = shape;
  // Conv kernel [KW, KH, in channels, out channels]; the converter keeps the embeddings in F32.
  add('v.patch_embd.weight', [patchSize, patchSize, 3, width], 'patch', ggmlType.F32);
  add('v.patch_embd.bias', [width], 'bias', ggmlType.F32);
  add('v.position_embd.weight', [width, patchCount(shape)], 'position', ggmlType.F32);
  for (let layer = 0; layer < shape.layers; layer++) {
    const blk = `v.blk.${layer}`;
    for (const part of ['attn_q', 'attn_k', 'attn_v'] as const) {
      matrix(`${blk}.${part}.weight`, [width, width]);
      add(`${blk}.${part}.bias`, [width], 'bias', ggmlType.F32);
    }
    matrix(`${blk}.attn_out.weight`, [width, width]);
    add(`${blk}.attn_out.bias`, [width], 'bias', ggmlType.F32);
    add(`${blk}.ln1.weight`, [width], 'ones', ggmlType.F32);
    add(`${blk}.ln1.bias`, [width], 'bias', ggmlType.F32);
    // up is [width → ffn], down [ffn → width]: clip.cpp swaps the pair when ffn_down's rows
    // are `width` long (legacy files), so getting these the wrong way round would still load
    // but silently exercise the legacy path.
    matrix(`${blk}.ffn_up.weight`, [width, ffn]);
    add(`${blk}.ffn_up.bias`, [ffn], 'bias', ggmlType.F32);
    matrix(`${blk}.ffn_down.weight`, [ffn, width]);
    add(`${blk}.ffn_down.bias`, [width], 'bias', ggmlType.F32);
    add(`${blk}.ln2.weight`, [width], 'ones', ggmlType.F32);
    add(`${blk}.ln2.bias`, [width], 'bias', ggmlType.F32);
  }
  add('v.post_ln.weight', [width], 'ones', ggmlType.F32);
  add('v.post_ln.bias', [width], 'bias', ggmlType.F32);
  // Stored [text width, vision width]: clip.cpp reads the output width from ne[0] and
  // transposes it with ggml_cont at run time, which a quantised tensor cannot do — hence
  // always F16, as the converter forces.
  add('mm.input_projection.weight', [shape.textWidth, width], 'projection', ggmlType.F16);
  // Gemma3RMSNorm multiplies by (1 + w); the converter stores w + 1, so ones are the identity.
  add('mm.soft_emb_norm.weight', [width], 'ones', ggmlType.F32);
  return out;
}
