/**
 * GGUF and ggml facts shared by the reader and the writer. Numbers come from
 * llama.cpp's gguf-py/gguf/constants.py (GGMLQuantizationType, GGML_QUANT_SIZES,
 * LlamaFileType, GGUFValueType); keep them in step with the llama.cpp that
 * node-llama-cpp ships.
 */

/** "GGUF" read as a little-endian u32. */
export const ggufMagic = 0x46554747;
export const ggufVersion = 3;
export const ggufDefaultAlignment = 32;

/** Metadata value type ids as stored in the file. */
export const ggufValueTypes = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufValueTypeName = keyof typeof ggufValueTypes;

export interface GgmlTypeInfo {
  id: number;
  name: string;
  /** Elements per block. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

const qkK = 256;

// [id, name, elements per block, bytes per block]
const ggmlTypeRows: ReadonlyArray<readonly [number, string, number, number]> = [
  [0, 'F32', 1, 4],
  [1, 'F16', 1, 2],
  [2, 'Q4_0', 32, 2 + 16],
  [3, 'Q4_1', 32, 2 + 2 + 16],
  [6, 'Q5_0', 32, 2 + 4 + 16],
  [7, 'Q5_1', 32, 2 + 2 + 4 + 16],
  [8, 'Q8_0', 32, 2 + 32],
  [9, 'Q8_1', 32, 4 + 4 + 32],
  [10, 'Q2_K', qkK, 2 + 2 + qkK / 16 + qkK / 4],
  [11, 'Q3_K', qkK, 2 + qkK / 4 + qkK / 8 + 12],
  [12, 'Q4_K', qkK, 2 + 2 + qkK / 2 + 12],
  [13, 'Q5_K', qkK, 2 + 2 + qkK / 2 + qkK / 8 + 12],
  [14, 'Q6_K', qkK, 2 + qkK / 2 + qkK / 4 + qkK / 16],
  [15, 'Q8_K', qkK, 4 + qkK + qkK / 8],
  [16, 'IQ2_XXS', qkK, 2 + qkK / 4],
  [17, 'IQ2_XS', qkK, 2 + qkK / 4 + qkK / 32],
  [18, 'IQ3_XXS', qkK, 2 + qkK / 4 + qkK / 8],
  [19, 'IQ1_S', qkK, 2 + qkK / 8 + qkK / 16],
  [20, 'IQ4_NL', 32, 2 + 16],
  [21, 'IQ3_S', qkK, 2 + qkK / 4 + qkK / 8 + qkK / 32 + 4],
  [22, 'IQ2_S', qkK, 2 + qkK / 4 + qkK / 16],
  [23, 'IQ4_XS', qkK, 2 + 2 + qkK / 2 + qkK / 64],
  [24, 'I8', 1, 1],
  [25, 'I16', 1, 2],
  [26, 'I32', 1, 4],
  [27, 'I64', 1, 8],
  [28, 'F64', 1, 8],
  [29, 'IQ1_M', qkK, qkK / 8 + qkK / 16 + qkK / 32],
  [30, 'BF16', 1, 2],
  [34, 'TQ1_0', qkK, 2 + 4 * 13],
  [35, 'TQ2_0', qkK, 2 + 64],
  [39, 'MXFP4', 32, 1 + 16],
  [40, 'NVFP4', 64, 4 + 32],
  [41, 'Q1_0', 128, 2 + 16],
  [42, 'Q2_0', 64, 2 + 16],
];

export const ggmlTypes: ReadonlyMap<number, GgmlTypeInfo> = new Map(
  ggmlTypeRows.map(([id, name, blockSize, typeSize]) => [id, { id, name, blockSize, typeSize }]),
);

/** The ggml types the synthetic writer produces, by id. */
export const ggmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;

/**
 * Bytes a tensor of `shape` (ggml order, innermost first) takes in `type`.
 * Throws a plain Error when the innermost dimension is not a whole number of
 * blocks; callers turn that into their own error vocabulary.
 */
export function tensorByteSize(type: GgmlTypeInfo, shape: readonly number[]): number {
  const rowLength = shape[0] ?? 1;
  if (rowLength % type.blockSize !== 0) {
    throw new Error(`row length ${rowLength} is not a multiple of the ${type.name} block size ${type.blockSize}`);
  }
  const rows = shape.slice(1).reduce((product, dim) => product * dim, 1);
  return (rowLength / type.blockSize) * type.typeSize * rows;
}

/** `general.file_type` values (llama_ftype), named as llama.cpp's quantize tool names them. */
export const llamaFileTypeNames: ReadonlyMap<number, string> = new Map([
  [0, 'F32'],
  [1, 'F16'],
  [2, 'Q4_0'],
  [3, 'Q4_1'],
  [7, 'Q8_0'],
  [8, 'Q5_0'],
  [9, 'Q5_1'],
  [10, 'Q2_K'],
  [11, 'Q3_K_S'],
  [12, 'Q3_K_M'],
  [13, 'Q3_K_L'],
  [14, 'Q4_K_S'],
  [15, 'Q4_K_M'],
  [16, 'Q5_K_S'],
  [17, 'Q5_K_M'],
  [18, 'Q6_K'],
  [19, 'IQ2_XXS'],
  [20, 'IQ2_XS'],
  [21, 'Q2_K_S'],
  [22, 'IQ3_XS'],
  [23, 'IQ3_XXS'],
  [24, 'IQ1_S'],
  [25, 'IQ4_NL'],
  [26, 'IQ3_S'],
  [27, 'IQ3_M'],
  [28, 'IQ2_S'],
  [29, 'IQ2_M'],
  [30, 'IQ4_XS'],
  [31, 'IQ1_M'],
  [32, 'BF16'],
  [36, 'TQ1_0'],
  [37, 'TQ2_0'],
  [38, 'MXFP4_MOE'],
  [39, 'NVFP4'],
  [40, 'Q1_0'],
  [41, 'Q2_0'],
]);
