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
import { catalogModelIds, findCatalogModel } from '../../engine/catalog/medgemma.ts';
import { quantNames } from '../../engine/catalog/quantisation.ts';
import { estimateFromCatalog, estimateFromGguf, type MemoryEstimate } from '../../engine/catalog/sizing.ts';
import { visionSizing, type VisionSizing } from '../../engine/catalog/vision-sizing.ts';
import { cpuMeasurement, isGpuClass } from '../../engine/catalog/vision-time.ts';
import { readGguf } from '../../engine/gguf/reader.ts';
import { detectPhysicalCores } from '../../engine/llama/physical-cores.ts';
import { openModelRegistry } from '../../engine/models/registry.ts';

const defaultContext = 8192;

const usage = `usage: northstation sizing --model ID|FILE.gguf [--quant Q] [--context N] [options]

Memory for weights + KV cache (+ vision projector) + llama.cpp's buffers.
Multimodal catalog models also get the cost of an image: projector F16/Q8_0,
encode buffer, total with images, and time per image on CPU and GPU classes.
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

export interface SizingIo {
  write: (text: string) => void;
  /** Physical cores for the CPU time per image. Default: this machine's. */
  physicalCores?: () => Promise<number>;
}

const defaultIo: SizingIo = { write: (text) => process.stdout.write(text) };

export async function run(args: string[], io: SizingIo = defaultIo): Promise<number> {
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
    io.write(usage + '\n');
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
  const tower = estimate.basis.source === 'catalog' ? findCatalogModel(estimate.basis.model).vision : undefined;
  const cores = tower === undefined ? 0 : await (io.physicalCores ?? detectPhysicalCores)();
  const vision = tower === undefined ? undefined : visionSizing(tower, estimate, { physicalCores: cores, flashAttention: context.flashAttention });
  const fitWithImages = vision === undefined ? undefined : fitsOn({ ...estimate, totalBytes: vision.totalWithImagesBytes }, target);
  if (values.json === true) {
    io.write(JSON.stringify({ estimate, fit, ...(vision ? { vision: { ...vision, fitWithImages } } : {}) }, null, 2) + '\n');
  } else {
    io.write(describe(estimate, fit) + (vision && fitWithImages ? describeVision(vision, fitWithImages, target) : ''));
  }
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

const mibText = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

function secondsText(seconds: number): string {
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} min`;
  return seconds >= 1 ? `${seconds.toFixed(1)} s` : `${(seconds * 1000).toFixed(0)} ms`;
}

// GPUs always shown for comparison, plus the --gpu class when it is another one.
const referenceGpus = ['l4', 'rtx-4090', 'h100-80'] as const;

/** The vision tower block, for multimodal catalog entries. */
function describeVision(vision: VisionSizing, fit: FitResult, target: string): string {
  const gpus = vision.gpus.filter((g) => (referenceGpus as readonly string[]).includes(g.gpu) || g.gpu === target);
  const flops = vision.flopsPerImage;
  const efficiency = vision.gpus[0]?.efficiency ?? 0;
  const lines = [
    `image input (vision tower, one 896×896 image → 256 tokens)`,
    `  projector F16     ${gib(vision.projectorBytes.F16)}  (Q8_0: ${gib(vision.projectorBytes.Q8_0)}; ffn_down stays F16)`,
    `  encode buffer     ${mibText(vision.encodeBufferBytes)}  (clip.cpp compute buffer for one image)`,
    `  total with images ${gib(vision.totalWithImagesBytes)}  (text-only total + projector F16 + encode buffer): ${fit.fits ? 'fits' : 'does NOT fit'} ${fit.target}`,
    `  work per image    ${(flops.total / 1e12).toFixed(2)} TFLOP  (attention ${pct(flops.attention, flops.total)}, FFN ${pct(flops.ffn, flops.total)}, QKV + output ${pct(flops.qkv + flops.outputProjection, flops.total)})`,
    `  time per image    CPU, ${vision.cpu.physicalCores} physical cores: ${secondsText(vision.cpu.secondsPerImage)}  (${vision.cpu.gflopsPerCore.toFixed(2)} GFLOP/s per core, from ${secondsText(cpuMeasurement.seconds)} measured on ${cpuMeasurement.physicalCores} cores at ${cpuMeasurement.weightType}, scaled by physical cores)`,
    ...gpus.map((g) => `                    ${g.gpu}: ${secondsText(g.secondsPerImage)}  (${g.fp16Tflops} TFLOP/s FP16 peak × ${efficiency})`),
  ];
  if (!isGpuClass(target) && target !== 'this-machine') lines.push(`                    (${target} is a CPU class: its core count is not known; scale the CPU line by cores)`);
  return lines.join('\n') + '\n';
}

const pct = (part: number, total: number): string => `${((100 * part) / total).toFixed(0)} %`;

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badRequest(`${flag} needs a positive whole number, got "${value}"`);
  return Number(value);
}
