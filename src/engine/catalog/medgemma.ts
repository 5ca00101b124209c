/**
 * The MedGemma catalog: what each published variant is, how big it is and what
 * its model card says it may and may not be used for. A plain const table, so
 * that a reviewer can check every number against its source in one place.
 *
 * Sources. "§7" below is ../shared/clinical/REFERENCE.md §7 (MedGemma facts,
 * from the Google Health AI Developer Foundations model cards). §7 says only
 * "Gemma 3 architecture"; the layer, width and head numbers are Gemma 3's, from
 * the Hugging Face config.json of google/gemma-3-4b-it and google/gemma-3-27b-it
 * (text_config), which MedGemma keeps unchanged, and llama.cpp's reading of them
 * (src/models/gemma3.cpp, conversion/gemma.py). Each row says which.
 */
import { NorthstationError } from '../../core/errors.ts';
import { gemma3VisionTower, type VisionTower } from './vision-tower.ts';

export type Modality = 'text' | 'image';

/** The numbers of a Gemma 3 text decoder that memory depends on. */
export interface Gemma3TextArchitecture {
  layers: number;
  /** Model width (n_embd). */
  hiddenSize: number;
  /** Query heads. */
  heads: number;
  /** Key/value heads (grouped-query attention). */
  kvHeads: number;
  /** Width of one head; keys and values alike. */
  headDim: number;
  /** Feed-forward width (n_ff). */
  ffnSize: number;
  /** Rows of the token embedding in a GGUF (llama.cpp drops the unused rows of the HF matrix). */
  vocabSize: number;
  /** Tokens a local (sliding-window) layer attends to. */
  slidingWindow: number;
  /** Every Nth layer is global; the N-1 before it are local (5 local : 1 global for N = 6). */
  slidingWindowPattern: number;
}

export interface BenchmarkResult {
  benchmark: string;
  score: number;
}

/** Quantisations whose GGUF download size §7 publishes. */
export type PublishedQuant = 'Q4_K_M' | 'Q8_0' | 'BF16';

export interface CatalogModel {
  /** Northstation's id (CLI `--model`, registry). */
  id: string;
  /** Where Google publishes the weights. */
  huggingFaceRepo: string;
  displayName: string;
  tuning: 'instruction-tuned' | 'pre-trained';
  architecture: Gemma3TextArchitecture;
  modalities: readonly Modality[];
  maxInputTokens: number;
  maxOutputTokens: number;
  /** Present on image-capable variants; llama.cpp loads it from a separate mmproj file. */
  vision?: VisionTower;
  /** GGUF sizes in bytes (1 GB = 1e9) as §7 publishes them, rounded as published. */
  publishedFileBytes: Readonly<Record<PublishedQuant, number>>;
  intendedUse: string;
  limitations: readonly string[];
  /** Deployment facts that shape how the model must be run. */
  notes: readonly string[];
  benchmarks: readonly BenchmarkResult[];
}

/** Gemma 3 4B text decoder: HF google/gemma-3-4b-it config.json text_config. */
const gemma3_4b: Gemma3TextArchitecture = {
  layers: 34, // num_hidden_layers; llama.cpp gemma3.cpp maps 34 layers to LLM_TYPE_4B
  hiddenSize: 2560, // hidden_size
  heads: 8, // num_attention_heads
  kvHeads: 4, // num_key_value_heads
  headDim: 256, // head_dim
  ffnSize: 10240, // intermediate_size
  vocabSize: 262144, // HF vocab_size is 262208; conversion/gemma.py keeps the 262144 tokenizer rows
  slidingWindow: 1024, // sliding_window
  slidingWindowPattern: 6, // sliding_window_pattern; llama.cpp gemma3.cpp default swa_period = 6
};

/** Gemma 3 27B text decoder: HF google/gemma-3-27b-it config.json text_config. */
const gemma3_27b: Gemma3TextArchitecture = {
  layers: 62, // num_hidden_layers; llama.cpp gemma3.cpp maps 62 layers to LLM_TYPE_27B
  hiddenSize: 5376,
  heads: 32,
  kvHeads: 16,
  headDim: 128,
  ffnSize: 21504,
  vocabSize: 262144,
  slidingWindow: 1024,
  slidingWindowPattern: 6,
};

const gb = 1e9;

// §7: "4B ≈ 3.3 GB Q4_K_M, 5.0 GB Q8_0, 8.6 GB BF16; 27B ≈ 17 GB Q4_K_M, 29 GB Q8_0, 54 GB BF16".
const published4b = { Q4_K_M: 3.3 * gb, Q8_0: 5.0 * gb, BF16: 8.6 * gb } as const;
const published27b = { Q4_K_M: 17 * gb, Q8_0: 29 * gb, BF16: 54 * gb } as const;

// §7: "Input up to 128K tokens, output up to 8,192."
const maxInputTokens = 128 * 1024;
const maxOutputTokens = 8192;

// §7 "Stated limitations", one fact per entry, in §7's words.
const limitations = [
  'Not for direct diagnosis or treatment.',
  'Outputs are preliminary and need independent verification.',
  'Evaluated mainly on single images and single turns.',
  'Prompt-sensitive.',
] as const;

// §7 (Images): facts every image-capable deployment must honour.
const imageNotes = [
  'Images: SigLIP encoder; each image normalised to 896×896 and encoded as 256 tokens (§7).',
  'CT: three Hounsfield windows mapped to the R, G and B channels (§7).',
  'Chest X-ray examples use the system prompt "You are an expert radiologist." (§7).',
  'The vision tower ships as a separate projector file (mmproj) in llama.cpp builds; quantised community builds have been seen to lose image input, so a deployment must check that images are actually seen (§7).',
] as const;

// §7: "The 27B thinking mode is switched on by a system instruction; thinking text must never reach a clinician's draft."
const thinkingNote = "Thinking mode is switched on by a system instruction; thinking text must never reach a clinician's draft (§7).";

// §7 (Family) and the limitations: a developer foundation, not a finished clinical tool.
const intendedUse = (what: string): string =>
  `Starting point for developers building healthcare applications on ${what} (Google Health AI Developer Foundations, §7); every output is a preliminary draft that a clinician verifies independently.`;

// §7 "Published results (4B v1 / 1.5 4B / 27B text)".
const results = (column: 0 | 1 | 2): BenchmarkResult[] => {
  const rows: ReadonlyArray<readonly [string, number | null, number | null, number | null]> = [
    ['MedQA', 64.4, 69.1, 87.7],
    ['MedMCQA', 55.7, 59.8, 74.2],
    ['PubMedQA', 73.4, 68.2, 76.8],
    ['MMLU-Med', 70.0, 69.6, 87.0],
    ['MIMIC-CXR macro-F1 (top 5 conditions)', 88.9, 89.5, null],
  ];
  return rows.flatMap((row) => {
    const score = row[column + 1];
    return typeof score === 'number' ? [{ benchmark: row[0], score }] : [];
  });
};

export const medGemmaCatalog = [
  {
    id: 'medgemma-4b-it',
    huggingFaceRepo: 'google/medgemma-4b-it',
    displayName: 'MedGemma 4B (instruction-tuned, multimodal)',
    tuning: 'instruction-tuned',
    architecture: gemma3_4b,
    modalities: ['text', 'image'],
    maxInputTokens,
    maxOutputTokens,
    vision: gemma3VisionTower(gemma3_4b.hiddenSize),
    publishedFileBytes: published4b,
    intendedUse: intendedUse('medical text and medical images'),
    limitations,
    notes: imageNotes,
    benchmarks: results(0), // §7 "4B v1" column
  },
  {
    id: 'medgemma-4b-pt',
    huggingFaceRepo: 'google/medgemma-4b-pt',
    displayName: 'MedGemma 4B (pre-trained, multimodal)',
    tuning: 'pre-trained',
    architecture: gemma3_4b,
    modalities: ['text', 'image'],
    maxInputTokens,
    maxOutputTokens,
    vision: gemma3VisionTower(gemma3_4b.hiddenSize),
    publishedFileBytes: published4b,
    intendedUse: intendedUse('medical text and medical images, by fine-tuning (pre-trained weights, no chat tuning)'),
    limitations,
    notes: imageNotes,
    benchmarks: [], // §7 publishes no results for the pre-trained checkpoint
  },
  {
    id: 'medgemma-1.5-4b-it',
    huggingFaceRepo: 'google/medgemma-1.5-4b-it',
    displayName: 'MedGemma 1.5 4B (instruction-tuned, multimodal)',
    tuning: 'instruction-tuned',
    architecture: gemma3_4b,
    modalities: ['text', 'image'],
    maxInputTokens,
    maxOutputTokens,
    vision: gemma3VisionTower(gemma3_4b.hiddenSize),
    publishedFileBytes: published4b, // §7 gives one set of 4B sizes for the family
    intendedUse: intendedUse('medical text and medical images'),
    limitations,
    notes: imageNotes,
    benchmarks: results(1), // §7 "1.5 4B" column
  },
  {
    id: 'medgemma-27b-text-it',
    huggingFaceRepo: 'google/medgemma-27b-text-it',
    displayName: 'MedGemma 27B text (instruction-tuned)',
    tuning: 'instruction-tuned',
    architecture: gemma3_27b,
    modalities: ['text'],
    maxInputTokens,
    maxOutputTokens,
    publishedFileBytes: published27b,
    intendedUse: intendedUse('medical text'),
    limitations,
    notes: [thinkingNote],
    benchmarks: results(2), // §7 "27B text" column
  },
  {
    id: 'medgemma-27b-it',
    huggingFaceRepo: 'google/medgemma-27b-it',
    displayName: 'MedGemma 27B multimodal (instruction-tuned)',
    tuning: 'instruction-tuned',
    architecture: gemma3_27b,
    modalities: ['text', 'image'],
    maxInputTokens,
    maxOutputTokens,
    vision: gemma3VisionTower(gemma3_27b.hiddenSize),
    publishedFileBytes: published27b,
    intendedUse: intendedUse('medical text and medical images'),
    limitations,
    notes: [thinkingNote, ...imageNotes],
    benchmarks: [], // §7's 27B column is the text model's
  },
] as const satisfies readonly CatalogModel[];

export type CatalogModelId = (typeof medGemmaCatalog)[number]['id'];

export const catalogModelIds: readonly CatalogModelId[] = medGemmaCatalog.map((model) => model.id);

/** The catalog entry for `id`; a `not_found` error naming the valid ids otherwise. */
export function findCatalogModel(id: string): CatalogModel {
  const model = medGemmaCatalog.find((entry) => entry.id === id);
  if (!model) {
    throw new NorthstationError('not_found', `no catalog model "${id}"; valid ids: ${catalogModelIds.join(', ')}`, {
      id,
      validIds: catalogModelIds,
    });
  }
  return model;
}
