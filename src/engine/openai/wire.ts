/**
 * The OpenAI chat-completions wire format: what we send, and the shapes we
 * accept back. Replies are untrusted input, so they are checked, not cast.
 */
import { z } from 'zod';
import type { ChatMessage, FinishReason, GenerateOptions, JsonSchema } from '../chat-model.ts';

type WireContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

interface WireMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | WireContentPart[];
}

export interface RequestSettings {
  model: string;
  stream: boolean;
  streamUsage: boolean;
  /** Send `response_format`; false for servers declared unable to honour it. */
  sendJsonSchema: boolean;
}

export function buildRequestBody(
  messages: readonly ChatMessage[],
  options: GenerateOptions & { maxTokens: number; temperature: number },
  settings: RequestSettings,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: settings.model,
    messages: messages.map(toWireMessage),
    max_tokens: options.maxTokens,
    temperature: options.temperature,
    stream: settings.stream,
  };
  if (settings.stream && settings.streamUsage) body.stream_options = { include_usage: true };
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.stop !== undefined && options.stop.length > 0) body.stop = [...options.stop];
  if (options.jsonSchema !== undefined && settings.sendJsonSchema) body.response_format = responseFormat(options.jsonSchema);
  return body;
}

function responseFormat(schema: JsonSchema): Record<string, unknown> {
  const title = typeof schema.title === 'string' ? schema.title : '';
  // OpenAI requires the name to match ^[a-zA-Z0-9_-]{1,64}$.
  const name = title.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'output';
  return { type: 'json_schema', json_schema: { name, schema: forGrammar(schema), strict: true } };
}

/**
 * Longest `maxLength` sent upstream. llama.cpp's server turns a schema into a
 * grammar that spells a string of at most n characters as n nested rules, and
 * refuses any request past 2,000 such rules (MAX_REPETITION_THRESHOLD in
 * llama-grammar.cpp) with HTTP 400 — a 2,000-character field fails outright.
 * Longer limits are left out of what is sent; the reply is still checked
 * against the full schema here (json-output.ts), and max_tokens bounds it.
 */
export const maxUpstreamStringLength = 500;

/** The schema as sent upstream: the same, minus string length limits past `maxUpstreamStringLength`. */
export function forGrammar(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'maxLength' && typeof value === 'number' && value > maxUpstreamStringLength) continue;
      copy[key] = visit(value);
    }
    return copy;
  };
  return visit(schema) as JsonSchema;
}

function toWireMessage(message: ChatMessage): WireMessage {
  const { content } = message;
  if (typeof content === 'string') return { role: message.role, content };
  return {
    role: 'user',
    content: content.map((part): WireContentPart => {
      if (part.type === 'text') return { type: 'text', text: part.text };
      const url = `data:${part.mimeType};base64,${Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength).toString('base64')}`;
      return { type: 'image_url', image_url: { url } };
    }),
  };
}

const usageShape = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});

export type WireUsage = z.infer<typeof usageShape>;

const errorShape = z.object({
  error: z.union([z.string(), z.object({ type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() })]),
});

/** One `data:` payload of a streamed reply. */
export const streamChunkShape = z.union([
  z.object({
    choices: z.array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    ),
    usage: usageShape.nullish(),
  }),
  errorShape,
]);

/** A whole non-streamed reply. */
export const completionShape = z.union([
  z.object({
    choices: z
      .array(z.object({ message: z.object({ content: z.string().nullish() }), finish_reason: z.string().nullish() }))
      .min(1),
    usage: usageShape.nullish(),
  }),
  errorShape,
]);

/** An error body, possibly of a non-2xx answer. */
export const errorBodyShape = errorShape;

/**
 * An identifier from an upstream error body that is safe to repeat: short
 * and made of word characters. Free text is dropped because some servers
 * echo the request (patient text) in their validation messages.
 */
export function safeErrorCode(body: z.infer<typeof errorShape>): string | undefined {
  const candidates = typeof body.error === 'string' ? [] : [body.error.code, body.error.type];
  for (const candidate of candidates) {
    const text = candidate === null || candidate === undefined ? '' : String(candidate);
    if (/^[\w.-]{1,64}$/.test(text)) return text;
  }
  return undefined;
}

/** Finish reasons as servers spell them; undefined for reasons we cannot represent. */
export function mapFinishReason(reason: string): FinishReason | undefined {
  switch (reason) {
    case 'stop':
    case 'eos':
    case 'stop_sequence':
    case 'end_turn':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    default:
      return undefined;
  }
}
