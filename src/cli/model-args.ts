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
import { ensureTinyModel, ensureTinyProjector } from '../engine/synthetic/test-models.ts';
import { openLlamaServerModel } from './llama-server-model.ts';

export const modelArgOptions = {
  model: { type: 'string' },
  synthetic: { type: 'boolean' },
  'synthetic-vision': { type: 'boolean' },
  mmproj: { type: 'string' },
  'llama-server': { type: 'string' },
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
    --mmproj FILE              its vision projector: the model then takes images, served by a
                               supervised llama-server (built by \`engine build\` when missing)
    --llama-server PATH        with --mmproj: this llama-server binary instead of the built one
  --synthetic                a tiny Gemma 3 model with random weights (not a medical model)
  --synthetic-vision         the tiny model with a tiny random projector, through llama-server
  --upstream URL             an OpenAI-compatible server (…/v1); repeat for a pool with failover
    --upstream-model NAME      model name the upstream expects (required with --upstream)
    --upstream-image           the upstream model accepts images
    --allow-upstream HOST|CIDR allow a host beyond loopback and private ranges (repeatable)
local engine (embedded; the first three also with --mmproj):
  --context N                tokens per sequence (default 4096, or the model's own if smaller)
  --sequences N              requests decoded in parallel (default 4; with --mmproj 1)
  --threads N                CPU threads (default: physical cores)
  --cpu                      never use a GPU (embedded only)
  --lora FILE[:SCALE]        apply a LoRA adapter (repeatable; scale default 1; embedded only)`;

export interface ModelArgValues {
  model?: string | undefined;
  synthetic?: boolean | undefined;
  'synthetic-vision'?: boolean | undefined;
  mmproj?: string | undefined;
  'llama-server'?: string | undefined;
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
  const chosen = [values.model !== undefined, values.synthetic === true, values['synthetic-vision'] === true, values.upstream !== undefined].filter(Boolean);
  if (chosen.length !== 1) throw usageError('choose exactly one of --model FILE, --synthetic, --synthetic-vision, --upstream URL');
  if (values.mmproj !== undefined && values.model === undefined) throw usageError('--mmproj FILE goes with --model FILE (for the tiny synthetic pair: --synthetic-vision)');
  if (values['llama-server'] !== undefined && values.mmproj === undefined && values['synthetic-vision'] !== true) {
    throw usageError('--llama-server PATH serves a model with --mmproj FILE (or --synthetic-vision)');
  }
  if (values.mmproj !== undefined || values['synthetic-vision'] === true) return openVisionModel(values, logger);

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

/** Through llama-server: node-llama-cpp has no image input. LoRA and --cpu are embedded-engine options. */
async function openVisionModel(values: ModelArgValues, logger: Logger): Promise<ChatModel> {
  if ((values.lora ?? []).length > 0) throw usageError('--lora is not supported with a vision projector yet (llama-server path)');
  if (values.cpu === true) throw usageError('--cpu is not supported with a vision projector; use a CPU-only --llama-server binary');
  const synthetic = values['synthetic-vision'] === true;
  return openLlamaServerModel({
    model: values.model ?? (await ensureTinyModel()),
    projector: values.mmproj ?? (await ensureTinyProjector()),
    binary: values['llama-server'],
    id: synthetic ? 'synthetic-tiny-vision' : undefined,
    contextSize: optionalInteger('--context', values.context),
    sequences: optionalInteger('--sequences', values.sequences),
    threads: optionalInteger('--threads', values.threads),
    logger,
    progress: (line) => process.stderr.write(`${line}\n`),
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
