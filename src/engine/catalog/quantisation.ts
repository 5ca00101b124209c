/**
 * Weight bytes of a Gemma 3 text decoder at a llama.cpp quantisation, computed
 * tensor by tensor from GGUF block sizes. Mixed quantisations (Q4_K_M, …) follow
 * llama.cpp's llama-quantize rules (src/llama-quant.cpp,
 * llama_tensor_get_type_impl) so that the result matches a real file, not an
 * average bits-per-weight guess.
 */
import { NorthstationError } from '../../core/errors.ts';
import { ggmlTypes, type GgmlTypeInfo } from '../gguf/constants.ts';
import type { Gemma3TextArchitecture } from './medgemma.ts';

type TypeName = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q6_K' | 'Q5_K' | 'Q4_K' | 'Q4_0';

/** How llama-quantize assigns types for one file type. */
interface QuantScheme {
  /** Type of most 2-D weights. */
  base: TypeName;
  /** Gemma 3 ties the output to the token embedding, which therefore gets the output's type. */
  tokenEmbedding: TypeName;
  /** attn_v / ffn_down of the layers `use_more_bits` picks (first and last eighth, every third between). */
  moreBits?: TypeName;
  /** attn_v of the first 4 layers and ffn_down of the first eighth (Q4_K_S). */
  firstLayers?: TypeName;
}

// F16/BF16 files come straight from convert_hf_to_gguf.py (every 2-D weight in that type).
// For the k-quants and Q4_0 the tied embedding gets Q6_K: llama-quant.cpp turns any output
// type other than Q8_0 into Q6_K.
const schemes = {
  F32: { base: 'F32', tokenEmbedding: 'F32' },
  BF16: { base: 'BF16', tokenEmbedding: 'BF16' },
  F16: { base: 'F16', tokenEmbedding: 'F16' },
  Q8_0: { base: 'Q8_0', tokenEmbedding: 'Q8_0' },
  Q6_K: { base: 'Q6_K', tokenEmbedding: 'Q6_K' },
  Q5_K_M: { base: 'Q5_K', tokenEmbedding: 'Q6_K', moreBits: 'Q6_K' },
  Q5_K_S: { base: 'Q5_K', tokenEmbedding: 'Q6_K' },
  Q4_K_M: { base: 'Q4_K', tokenEmbedding: 'Q6_K', moreBits: 'Q6_K' },
  Q4_K_S: { base: 'Q4_K', tokenEmbedding: 'Q6_K', firstLayers: 'Q5_K' },
  Q4_0: { base: 'Q4_0', tokenEmbedding: 'Q6_K' },
} as const satisfies Record<string, QuantScheme>;

export type QuantName = keyof typeof schemes;

export const quantNames = Object.keys(schemes) as QuantName[];

export function isQuantName(name: string): name is QuantName {
  return Object.hasOwn(schemes, name);
}

/** `name` upper-cased and checked; a `bad_request` error listing the known names otherwise. */
export function parseQuantName(name: string): QuantName {
  const upper = name.toUpperCase();
  if (isQuantName(upper)) return upper;
  throw new NorthstationError('bad_request', `unknown quantisation "${name}"; known: ${quantNames.join(', ')}`, {
    quant: name,
    known: quantNames,
  });
}

const typesByName = new Map<string, GgmlTypeInfo>([...ggmlTypes.values()].map((info) => [info.name, info]));

function typeInfo(name: TypeName): GgmlTypeInfo {
  const info = typesByName.get(name);
  if (!info) throw new Error(`ggml type ${name} missing from gguf/constants.ts`);
  return info;
}

/** Bytes of `elements` values stored in `type` (rows are whole blocks for every Gemma 3 tensor). */
export function bytesOf(type: TypeName, elements: number): number {
  const info = typeInfo(type);
  return Math.ceil(elements / info.blockSize) * info.typeSize;
}

/** llama-quant.cpp `use_more_bits`. */
export function useMoreBits(layer: number, layers: number): boolean {
  const eighth = Math.floor(layers / 8);
  return layer < eighth || layer >= Math.floor((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

/** Bytes of every tensor of the text decoder (token embedding, blocks, final norm) at `quant`. */
export function textWeightBytes(arch: Gemma3TextArchitecture, quant: QuantName): number {
  const scheme: QuantScheme = schemes[quant];
  const { hiddenSize: d, heads, kvHeads, headDim, ffnSize, layers } = arch;
  const qWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  // Norms are 1-D and always F32: attn, post-attn, ffn, post-ffw (d each) and q/k norms (headDim each).
  const normBytes = bytesOf('F32', 4 * d + 2 * headDim);
  let total = bytesOf(scheme.tokenEmbedding, d * arch.vocabSize) + bytesOf('F32', d);
  for (let layer = 0; layer < layers; layer++) {
    const sensitive = pickSensitiveType(scheme, layer, layers);
    total += normBytes;
    total += bytesOf(scheme.base, d * qWidth) * 2; // attn_q, attn_output
    total += bytesOf(scheme.base, d * kvWidth); // attn_k
    total += bytesOf(sensitive.attnV, d * kvWidth);
    total += bytesOf(scheme.base, d * ffnSize) * 2; // ffn_gate, ffn_up
    total += bytesOf(sensitive.ffnDown, ffnSize * d);
  }
  return total;
}

function pickSensitiveType(scheme: QuantScheme, layer: number, layers: number): { attnV: TypeName; ffnDown: TypeName } {
  if (scheme.moreBits && useMoreBits(layer, layers)) return { attnV: scheme.moreBits, ffnDown: scheme.moreBits };
  if (scheme.firstLayers) {
    return {
      attnV: layer < 4 ? scheme.firstLayers : scheme.base,
      ffnDown: layer < Math.floor(layers / 8) ? scheme.firstLayers : scheme.base,
    };
  }
  return { attnV: scheme.base, ffnDown: scheme.base };
}
