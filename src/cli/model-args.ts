/**
 * The options every model-using command shares (`serve`, `generate`, later
 * `run`): which model (a GGUF file, a synthetic one, or site upstreams) and how
 * to run it. Parsed once here so the commands read the same way.
 */
import { NorthstationError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import { loadLlamaChatModel, type LoraAdapterOptions } from '../engine/llama/llama-chat-model.ts';
import { createOpenAiChatModel } from '../engine/openai/index.ts';
import { defaultAllowList } from '../engine/openai/allow-list.ts';
import { ensureTinyModel } from '../engine/synthetic/test-models.ts';

export const modelArgOptions = {
  model: { type: 'string' },
  synthetic: { type: 'boolean' },
  upstream: { type: 'string', multiple: true },
  'upstream-model': { type: 'string' },
  'upstream-image': { type: 'boolean' },
  'allow-upstream': { type: 'string', multiple: true },
  context: { type: 'string' },
  sequences: { type: 'string' },
  threads: { type: 'string' },
  cpu: { type: 'boolean' },
  lora: { type: 'string', multiple: true },
} as const;

export const modelArgsHelp = `model (one of):
  --model FILE               a GGUF file, run by the embedded llama.cpp engine
  --synthetic                a tiny Gemma 3 model with random weights (not a medical model)
  --upstream URL             an OpenAI-compatible server (…/v1); repeat for a pool with failover
    --upstream-model NAME      model name the upstream expects (required with --upstream)
    --upstream-image           the upstream model accepts images
    --allow-upstream HOST|CIDR allow a host beyond loopback and private ranges (repeatable)
embedded engine:
  --context N                tokens per sequence (default 4096, or the model's own if smaller)
  --sequences N              requests decoded in parallel (default 4)
  --threads N                CPU threads (default: physical cores)
  --cpu                      never use a GPU
  --lora FILE[:SCALE]        apply a LoRA adapter (repeatable; scale default 1)`;

export interface ModelArgValues {
  model?: string | undefined;
  synthetic?: boolean | undefined;
  upstream?: string[] | undefined;
  'upstream-model'?: string | undefined;
  'upstream-image'?: boolean | undefined;
  'allow-upstream'?: string[] | undefined;
  context?: string | undefined;
  sequences?: string | undefined;
  threads?: string | undefined;
  cpu?: boolean | undefined;
  lora?: string[] | undefined;
}

export async function openModelFromArgs(values: ModelArgValues, logger: Logger): Promise<ChatModel> {
  const chosen = [values.model !== undefined, values.synthetic === true, values.upstream !== undefined].filter(Boolean);
  if (chosen.length !== 1) throw usageError('choose exactly one of --model FILE, --synthetic, --upstream URL');

  if (values.upstream) {
    const upstreamModel = values['upstream-model'];
    if (!upstreamModel) throw usageError('--upstream needs --upstream-model NAME (the model name the server expects)');
    return createOpenAiChatModel({
      baseUrl: values.upstream,
      model: upstreamModel,
      image: values['upstream-image'] ?? false,
      allowList: [...defaultAllowList, ...(values['allow-upstream'] ?? [])],
      apiKey: process.env.NORTHSTATION_UPSTREAM_API_KEY,
      logger,
    });
  }

  const modelPath = values.model ?? (await ensureTinyModel());
  return loadLlamaChatModel({
    modelPath,
    id: values.synthetic ? 'synthetic-tiny' : undefined,
    contextSize: optionalInteger('--context', values.context),
    sequences: optionalInteger('--sequences', values.sequences),
    threads: optionalInteger('--threads', values.threads),
    gpu: values.cpu ? false : 'auto',
    lora: (values.lora ?? []).map(parseLora),
    logger,
  });
}

/** The banner shown whenever the weights are random, so nobody mistakes output for medicine. */
export function syntheticBanner(model: ChatModel): string | undefined {
  if (!model.info.synthetic) return undefined;
  const line = '!'.repeat(72);
  return [
    line,
    `!! SYNTHETIC MODEL "${model.info.id}": RANDOM WEIGHTS — NOT A MEDICAL MODEL.`,
    '!! Its output is meaningless text. Use it only to test the software path.',
    line,
  ].join('\n');
}

function parseLora(value: string): LoraAdapterOptions {
  const match = /^(.*?)(?::(-?\d+(?:\.\d+)?))?$/.exec(value);
  const path = match?.[1] ?? '';
  if (path === '') throw usageError(`--lora needs FILE[:SCALE], got "${value}"`);
  const scale = match?.[2] === undefined ? 1 : Number(match[2]);
  return { path, scale };
}

export function optionalInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag} needs a whole number, got "${value}"`);
  return Number(value);
}

export function usageError(message: string): NorthstationError {
  return new NorthstationError('bad_request', message);
}
