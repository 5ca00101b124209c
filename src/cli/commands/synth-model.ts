/**
 * `northstation synth-model`: writes a synthetic (random-weight) Gemma 3 GGUF,
 * or a LoRA adapter for one, for tests, demos and memory sizing without
 * downloading real weights. The files say they are synthetic in their metadata.
 */
import { statfs, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NorthstationError } from '../../core/errors.ts';
import { syntheticLoraFileSize, writeSyntheticLora } from '../../engine/synthetic/lora-writer.ts';
import { defaultSeed, planSyntheticModel, writeSyntheticModel } from '../../engine/synthetic/model-writer.ts';
import { projectorShapeNames, projectorTypeNames, type ProjectorShapeName, type ProjectorTypeName } from '../../engine/synthetic/projector-shapes.ts';
import { planSyntheticProjector, writeSyntheticProjector } from '../../engine/synthetic/projector-writer.ts';
import { quantNames, shapeNames, type QuantName, type ShapeName } from '../../engine/synthetic/shapes.ts';
import { formatBytes } from '../progress.ts';
import { processOutput, type CommandOutput } from '../command-output.ts';

const usage = `usage: northstation synth-model [--shape SHAPE] [--quant QUANT] --out FILE [--seed N] [--force]
       northstation synth-model --lora [--shape SHAPE] [--rank N] [--alpha A] [--arch NAME] --out FILE [--seed N] [--force]
       northstation synth-model --projector SHAPE [--type TYPE] --out FILE [--seed N] [--force]

Writes a GGUF with random weights (never a medical model).
  --shape   ${shapeNames.join(' | ')} (default: tiny)
  --quant   ${quantNames.join(' | ')} (default: q4_0)
  --out     file to write; refused if it exists unless --force
  --seed    non-negative integer; same seed, same bytes (default: ${defaultSeed})
  --lora    write a LoRA adapter for SHAPE instead of a model
  --rank    LoRA rank (default: 8)
  --alpha   LoRA alpha (default: the rank)
  --arch    LoRA general.architecture (default: gemma3)
  --projector  write a Gemma 3 vision projector (mmproj) instead: ${projectorShapeNames.join(' | ')}
               (tiny: 224 px, 16 image tokens, fits the tiny model; medgemma-4b: SigLIP 896 px, 256 tokens)
  --type    projector matrices: ${projectorTypeNames.join(' | ')} (default: f16; rows not whole Q8_0 blocks stay F16)
  --force   overwrite FILE`;

/** Large writes report progress; small ones finish before anyone would look. */
const progressThresholdBytes = 64 * 1024 * 1024;

interface Request {
  kind: 'model' | 'lora' | 'projector';
  projector: ProjectorShapeName;
  projectorType: ProjectorTypeName;
  shape: ShapeName;
  quant: QuantName;
  out: string;
  seed: number;
  force: boolean;
  rank: number;
  alpha: number | undefined;
  architecture: string;
}

class UsageError extends Error {}

/** node:util parseArgs reports unknown or malformed flags as TypeErrors with ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
}


export async function run(args: string[], output: CommandOutput = processOutput): Promise<number> {
  let request: Request;
  try {
    const parsed = parseRequest(args);
    if (parsed === 'help') {
      output.stdout(usage + '\n');
      return 0;
    }
    request = parsed;
  } catch (error) {
    if (!(error instanceof UsageError) && !isParseArgsError(error)) throw error;
    output.stderr(`northstation synth-model: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  await refuseExisting(request.out, request.force);
  const started = performance.now();
  const totalBytes = request.kind === 'model'
    ? planSyntheticModel(request).layout.fileSize
    : request.kind === 'lora'
      ? syntheticLoraFileSize(loraOptions(request))
      : planSyntheticProjector(projectorOptions(request)).layout.fileSize;
  await ensureFreeSpace(request.out, totalBytes);
  const onProgress = totalBytes >= progressThresholdBytes ? progressPrinter(output) : undefined;
  const progress = onProgress ? { onProgress } : {};
  const result = request.kind === 'model'
    ? await writeSyntheticModel({ ...request, ...progress })
    : request.kind === 'lora'
      ? await writeSyntheticLora({ ...loraOptions(request), out: request.out, ...progress })
      : await writeSyntheticProjector({ ...projectorOptions(request), out: request.out, ...progress });
  const seconds = (performance.now() - started) / 1000;
  const what = request.kind === 'model'
    ? `synthetic ${request.shape} ${request.quant} model`
    : request.kind === 'lora'
      ? `synthetic LoRA (rank ${request.rank}, arch ${request.architecture}) for ${request.shape}`
      : `synthetic ${request.projector} ${request.projectorType} vision projector`;
  output.stdout(`wrote ${result.path}: ${what}, ${formatBytes(result.fileSize)}, seed ${request.seed}, ${seconds.toFixed(1)} s\n`);
  return 0;
}

function loraOptions(request: Request): Parameters<typeof syntheticLoraFileSize>[0] {
  return {
    shape: request.shape,
    rank: request.rank,
    architecture: request.architecture,
    seed: request.seed,
    ...(request.alpha !== undefined ? { alpha: request.alpha } : {}),
  };
}

function projectorOptions(request: Request): Parameters<typeof planSyntheticProjector>[0] {
  return { shape: request.projector, type: request.projectorType, seed: request.seed };
}

function parseRequest(args: string[]): Request | 'help' {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      shape: { type: 'string' },
      quant: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
      lora: { type: 'boolean' },
      rank: { type: 'string' },
      alpha: { type: 'string' },
      arch: { type: 'string' },
      projector: { type: 'string' },
      type: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  if (values.projector !== undefined) {
    // A projector has its own shapes and types; --shape and --quant would only mislead.
    for (const flag of ['lora', 'shape', 'quant', 'rank', 'alpha', 'arch'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --projector`);
    }
  } else if (values.type !== undefined) {
    throw new UsageError('--type needs --projector (models take --quant)');
  }
  const kind = values.projector !== undefined ? 'projector' : values.lora === true ? 'lora' : 'model';
  if (kind === 'lora' && values.quant !== undefined) throw new UsageError('--quant does not apply to --lora (adapters are F16)');
  if (kind === 'model') {
    for (const flag of ['rank', 'alpha', 'arch'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --lora`);
    }
  }
  if (values.out === undefined || values.out === '') throw new UsageError('--out FILE is required');
  return {
    kind,
    shape: oneOf('--shape', values.shape ?? 'tiny', shapeNames),
    quant: oneOf('--quant', values.quant ?? 'q4_0', quantNames),
    out: resolve(values.out),
    seed: integerFlag('--seed', values.seed, defaultSeed, 0, 0xffffffff),
    force: values.force === true,
    rank: integerFlag('--rank', values.rank, 8, 1, 1024),
    alpha: values.alpha === undefined ? undefined : numberFlag('--alpha', values.alpha),
    architecture: values.arch ?? 'gemma3',
    projector: oneOf('--projector', values.projector ?? 'tiny', projectorShapeNames),
    projectorType: oneOf('--type', values.type ?? 'f16', projectorTypeNames),
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((name) => name === value);
  if (match === undefined) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return match;
}

function integerFlag(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}; got "${text}"`);
  }
  return value;
}

function numberFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number; got "${text}"`);
  return value;
}

async function refuseExisting(path: string, force: boolean): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing === undefined) return;
  if (!existing.isFile()) throw new NorthstationError('conflict', `${path} exists and is not a file`, { path });
  if (!force) throw new NorthstationError('conflict', `${path} already exists; pass --force to overwrite it`, { path });
}

/** Refuses, with numbers, when the file's directory lacks room for it (the write goes to a temp file beside it). */
export async function ensureFreeSpace(path: string, neededBytes: number): Promise<void> {
  const directory = dirname(path);
  let freeBytes: number;
  try {
    const stats = await statfs(directory);
    freeBytes = stats.bavail * stats.bsize;
  } catch (error) {
    throw new NorthstationError('not_found', `cannot write to ${directory}: ${(error as Error).message}`, { directory }, { cause: error });
  }
  if (neededBytes > freeBytes) {
    throw new NorthstationError(
      'model_too_large',
      `${path} needs ${formatBytes(neededBytes)} but ${directory} has only ${formatBytes(freeBytes)} free`,
      { path, neededBytes, freeBytes },
    );
  }
}

function progressPrinter(output: CommandOutput): (writtenBytes: number, totalBytes: number) => void {
  let lastTenth = -1;
  return (written, total) => {
    const tenth = Math.floor((written / total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    output.stderr(`synth-model: ${formatBytes(written)} / ${formatBytes(total)} (${Math.floor((written / total) * 100)}%)\n`);
  };
}
