/**
 * `northstation sizing`: how much memory a model needs at a context length,
 * and whether it fits this machine or a named GPU class. Plans before a
 * download (catalog id + quantisation) or checks a file already here.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { badRequest } from '../../core/errors.ts';
import { defaultContextOptions } from '../../engine/catalog/kv-cache.ts';
import { fitsOn, findHardwareClass, hardwareClassNames, type FitResult } from '../../engine/catalog/hardware.ts';
import { catalogModelIds } from '../../engine/catalog/medgemma.ts';
import { quantNames } from '../../engine/catalog/quantisation.ts';
import { estimateFromCatalog, estimateFromGguf, type MemoryEstimate } from '../../engine/catalog/sizing.ts';
import { readGguf } from '../../engine/gguf/reader.ts';
import { openModelRegistry } from '../../engine/models/registry.ts';

const defaultContext = 8192;

const usage = `usage: northstation sizing --model ID|FILE.gguf [--quant Q] [--context N] [options]

Memory for weights + KV cache (+ vision projector) + llama.cpp's buffers.
  --model ID|FILE   catalog id (${catalogModelIds.join(', ')}),
                    a registered model id, or a .gguf file (exact weights)
  --quant Q         quantisation for a catalog id: ${quantNames.join(', ')}
  --context N       tokens per sequence (default: ${defaultContext})
  --sequences N     sequences decoded in parallel (default: ${defaultContextOptions.sequences})
  --vision          count the vision projector (image input)
  --mmproj FILE     the projector file, with --vision and a .gguf model
  --no-flash-attention  size for flash attention off (default: on, as llama.cpp's auto picks on CPU and CUDA)
  --gpu CLASS       check the fit on CLASS instead of this machine:
                    ${hardwareClassNames.join(', ')}
  --json            print the estimate and the fit as JSON`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      quant: { type: 'string' },
      context: { type: 'string' },
      sequences: { type: 'string' },
      vision: { type: 'boolean' },
      mmproj: { type: 'string' },
      'no-flash-attention': { type: 'boolean' },
      gpu: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  if (positionals.length > 0) throw badRequest(`unexpected argument "${positionals[0] ?? ''}"\n\n${usage}`);
  if (values.model === undefined) throw badRequest(`--model is required\n\n${usage}`);
  const target = values.gpu === undefined ? 'this-machine' : findHardwareClass(values.gpu).name;
  const context = {
    contextSize: positiveInteger('--context', values.context) ?? defaultContext,
    sequences: positiveInteger('--sequences', values.sequences) ?? defaultContextOptions.sequences,
    flashAttention: values['no-flash-attention'] !== true,
  };
  const estimate = await estimateFor(values.model, values.quant, values.vision === true, values.mmproj, context);
  const fit = fitsOn(estimate, target);
  process.stdout.write(values.json === true ? JSON.stringify({ estimate, fit }, null, 2) + '\n' : describe(estimate, fit));
  return 0;
}

interface ContextFlags {
  contextSize: number;
  sequences: number;
  flashAttention: boolean;
}

async function estimateFor(model: string, quant: string | undefined, vision: boolean, mmproj: string | undefined, context: ContextFlags): Promise<MemoryEstimate> {
  const file = await modelFile(model);
  if (file !== undefined) {
    if (quant !== undefined) throw badRequest('--quant applies to catalog ids; a .gguf file has its own quantisation');
    if (vision && mmproj === undefined) throw badRequest('--vision with a .gguf model needs --mmproj FILE (the projector)');
    const projector = mmproj === undefined ? undefined : await readGguf(mmproj);
    return estimateFromGguf(await readGguf(file), { ...context, ...(projector ? { projector } : {}) });
  }
  if (mmproj !== undefined) throw badRequest('--mmproj applies to a .gguf model; with a catalog id, --vision is enough');
  if (quant === undefined) throw badRequest(`--quant is required with a catalog id; one of ${quantNames.join(', ')}`);
  return estimateFromCatalog({ modelId: model, quant, withVision: vision, ...context });
}

/** The GGUF path `model` names: a file, or a registered model's file; undefined for a catalog id. */
async function modelFile(model: string): Promise<string | undefined> {
  if (model.toLowerCase().endsWith('.gguf')) return model;
  if ((catalogModelIds as readonly string[]).includes(model)) return undefined;
  const isFile = await stat(model).then((s) => s.isFile(), () => false);
  if (isFile) return model;
  const registered = (await openModelRegistry().list()).find((entry) => entry.id === model);
  return registered?.path;
}

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

function describe(estimate: MemoryEstimate, fit: FitResult): string {
  const b = estimate.basis;
  const sequences = b.sequences === 1 ? '1 sequence' : `${b.sequences} sequences`;
  const lines = [
    `${b.model} ${b.quant}, context ${b.contextSize} tokens, ${sequences}, KV cache ${b.kvCacheType}`,
    `  weights           ${gib(estimate.weightsBytes)}`,
    `  KV cache          ${gib(estimate.kvCacheBytes)}  (${b.globalLayers} global layers × ${b.contextSize} cells, ${b.localLayers} sliding-window layers × ${b.localContextSize})`,
    `  vision projector  ${gib(estimate.visionBytes)}`,
    `  compute + output  ${gib(estimate.overheadBytes)}`,
    `  total             ${gib(estimate.totalBytes)}`,
    `${fit.fits ? 'fits' : 'does NOT fit'} ${fit.target}: needs ${gib(fit.requiredBytes)} of ${gib(fit.usableBytes)} usable (10 % headroom and a runtime reserve kept free)`,
  ];
  if (fit.freeBytes !== undefined) {
    lines.push(`  available right now: ${gib(fit.freeBytes)}${fit.fitsFreeNow === true ? '' : ' — not enough at the moment; close other programs first'}`);
  }
  return lines.join('\n') + '\n';
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badRequest(`${flag} needs a positive whole number, got "${value}"`);
  return Number(value);
}
