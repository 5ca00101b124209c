/**
 * The `POST /v1/chat/completions` body: validated with zod (strict about the
 * types of the fields we use; OpenAI fields we do not use are dropped, so
 * stock clients keep working), then turned into an engine call.
 */
import { z } from 'zod';
import { badRequest, NorthstationError } from '../core/errors.ts';
import type { ChatMessage, ChatModel, GenerateOptions, ImagePart, JsonSchema, TextPart } from '../engine/chat-model.ts';
import { assertValidSchema } from '../engine/json-output.ts';
import { decodeImageDataUri } from './image-data-uri.ts';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});
const textContent = z.union([z.string(), z.array(textPart)], { error: 'expected a string or an array of text parts' });
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart])).min(1)], {
  error: 'expected a string or a non-empty array of text and image_url parts',
});

const message = z.discriminatedUnion('role', [
  // `developer` is OpenAI's newer name for the system role.
  z.object({ role: z.literal(['system', 'developer']), content: textContent }),
  z.object({ role: z.literal('user'), content: userContent }),
  z.object({ role: z.literal('assistant'), content: textContent }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'name must be 1 to 64 letters, digits, _ or -'),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()),
      // Output is always held to the schema (grammar and validation), whatever `strict` says.
      strict: z.boolean().nullish(),
    }),
  }),
]);

const tokenCount = z.int().positive();

export const chatCompletionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: tokenCount.nullish(),
  max_completion_tokens: tokenCount.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.int().nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)], { error: 'expected a string or up to 4 strings' }).nullish(),
  response_format: responseFormat.nullish(),
  // One choice per request: more would silently multiply the work.
  n: z.literal(1, { error: 'only n=1 is supported' }).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** A validated request, ready for `model.generate`. */
export interface ChatCall {
  messages: ChatMessage[];
  options: Omit<GenerateOptions, 'signal' | 'onTextDelta'>;
  stream: boolean;
  includeUsage: boolean;
}

export function parseChatRequest(body: unknown, model: ChatModel): ChatCall {
  const parsed = chatCompletionRequest.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const param = issue ? formatPath(issue.path) : '';
    throw badRequest(param ? `${param}: ${issue?.message ?? 'invalid'}` : (issue?.message ?? 'invalid request body'), { param: param || null });
  }
  const request = parsed.data;
  if (request.model !== model.info.id) {
    throw new NorthstationError('not_found', `model "${request.model}" is not served here; GET /v1/models lists the model`, { param: 'model' });
  }
  const jsonSchema = toJsonSchema(request, model);
  return {
    messages: request.messages.map((m, index) => toChatMessage(m, `messages[${index}]`, model)),
    options: {
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      temperature: request.temperature ?? undefined,
      seed: request.seed ?? undefined,
      stop: typeof request.stop === 'string' ? [request.stop] : (request.stop ?? undefined),
      jsonSchema,
    },
    stream: request.stream ?? false,
    includeUsage: request.stream_options?.include_usage ?? false,
  };
}

function toJsonSchema(request: ChatCompletionRequest, model: ChatModel): JsonSchema | undefined {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  if (!model.capabilities.jsonSchema) throw badRequest('this model cannot constrain output to JSON', { param: 'response_format' });
  const schema = format.type === 'json_object' ? { type: 'object' } : format.json_schema.schema;
  // Checked now so that a bad schema is a 400 before any streaming starts.
  try {
    assertValidSchema(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw badRequest(message, { param: 'response_format.json_schema.schema' });
  }
  return schema;
}

function toChatMessage(input: ChatCompletionRequest['messages'][number], param: string, model: ChatModel): ChatMessage {
  switch (input.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(input.content) };
    case 'assistant':
      return { role: 'assistant', content: joinText(input.content) };
    case 'user': {
      if (typeof input.content === 'string') return { role: 'user', content: input.content };
      const parts = input.content.map((part, index): TextPart | ImagePart => {
        if (part.type === 'text') return part;
        const partParam = `${param}.content[${index}]`;
        if (!model.capabilities.image) throw badRequest('this model does not accept images', { param: partParam });
        return decodeImageDataUri(part.image_url.url, `${partParam}.image_url.url`);
      });
      return { role: 'user', content: parts };
    }
  }
}

function joinText(content: string | readonly { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/** `['messages', 0, 'role']` → `messages[0].role`, the way OpenAI names parameters. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
