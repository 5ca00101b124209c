/**
 * The one contract every model backend implements (embedded llama.cpp, any
 * OpenAI-compatible site server). Nothing in here is clinical: workflows build
 * prompts, the engine runs them.
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** Encoded image bytes (PNG or JPEG). */
  data: Uint8Array;
  mimeType: 'image/png' | 'image/jpeg';
}

export type UserContent = string | ReadonlyArray<TextPart | ImagePart>;

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: UserContent }
  | { role: 'assistant'; content: string };

/** A JSON Schema (draft 2020-12 subset that llama.cpp grammars and OpenAI servers accept). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface GenerateOptions {
  /** Most tokens to generate. Default: 512. */
  maxTokens?: number;
  /** Sampling temperature; 0 is greedy. Default: 0. */
  temperature?: number;
  /** Sampling seed, for reproducible output at temperature > 0. Default: backend's choice. */
  seed?: number;
  /** Strings that end generation; not included in the text. Default: none. */
  stop?: readonly string[];
  /** Constrains the output to this schema; the result then carries `parsed`. Default: none. */
  jsonSchema?: JsonSchema;
  /** Aborts generation; the call then rejects with a NorthstationError `aborted`. Default: none. */
  signal?: AbortSignal;
  /** Called with each piece of generated text as it arrives. Default: none. */
  onTextDelta?: (delta: string) => void;
}

export const defaultGenerateOptions = {
  maxTokens: 512,
  temperature: 0,
} as const satisfies GenerateOptions;

export type FinishReason = 'stop' | 'length';

export interface GenerateResult {
  text: string;
  /** The text parsed and validated against `jsonSchema`, when one was given. */
  parsed?: unknown;
  finishReason: FinishReason;
  usage: {
    promptTokens: number;
    completionTokens: number;
    /** Prompt tokens whose KV cache was reused rather than evaluated again (0 when unknown). */
    cachedPromptTokens: number;
  };
  timings: {
    /** From the call to the first generated token, prompt evaluation included. */
    timeToFirstTokenMs: number;
    totalMs: number;
    /** Generated tokens per second after the first token (decode speed). */
    decodeTokensPerSecond: number;
  };
}

export interface ModelCapabilities {
  text: true;
  image: boolean;
  jsonSchema: boolean;
  lora: boolean;
}

export interface ModelInfo {
  /** Name clients use to address the model (e.g. in /v1/models). */
  id: string;
  backend: 'llama' | 'openai';
  /** Context size in tokens, when known. */
  contextSize?: number;
  /** True when the weights are random (synthetic models): never a medical model. */
  synthetic: boolean;
  /** Free-form facts for provenance: file path, SHA-256, quantisation, engine version. */
  details: Readonly<Record<string, string | number | boolean>>;
}

/** One site server behind a pooled backend, as /health reports it (no credentials, no patient data). */
export interface UpstreamHealth {
  url: string;
  healthy: boolean;
  inFlight: number;
  lastErrorCode: string | null;
}

export interface ModelHealth {
  /** False when the model cannot serve now (e.g. no upstream answers its health check). */
  ready: boolean;
  upstreams?: readonly UpstreamHealth[];
}

export interface ChatModel {
  readonly info: ModelInfo;
  readonly capabilities: ModelCapabilities;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerateResult>;
  /** Whether the model can serve now; a loaded embedded model always can, so backends may omit it. */
  health?(): ModelHealth;
  dispose(): Promise<void>;
}

/** Text of a user message, image parts dropped; for backends and checks that see text only. */
export function textOf(content: UserContent): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
