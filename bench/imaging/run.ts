/**
 * bench/imaging: the image path's costs on this machine, in one run.
 *
 *   ./northstation bench imaging [--quick] [--rounds 7] [--types f16,q8_0] [--text-first]
 *
 * 1. Decode + preprocess to the 896×896 model input for every pixel-bearing
 *    file in ../shared/data/dicom and every PNG in ../shared/data/cxr, ours
 *    against DCMTK dcm2pnm (sharp for PNG, which DCMTK cannot read), per file,
 *    interleaved rounds, medians, with the tools' process start-up measured
 *    on its own (preprocess-compare.ts).
 * 2. Image encode time of the full-shape synthetic MedGemma 4B projector (F16
 *    and Q8_0) in the supervised llama-server beside a synthetic MedGemma-4B
 *    Q4_0 text model, threads = physical cores: FLOPs, GFLOP/s, F16/Q8_0.
 * 3. Time to first token of a second question about the same image (prompt
 *    cache) against the first (encode.ts).
 *
 * --quick skips the full-shape encodes (about 6 min each on 2 cores) and runs
 * parts 2 and 3 on the tiny shape only, which checks the path, not the speed.
 * The tiny shape always also measures the question-before-image order;
 * --text-first adds that to the full shape (two more encodes per type).
 * Synthetic files are written once to $TMPDIR/northstation-bench/.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDataDir } from '../../src/core/shared-data.ts';
import { buildLlamaServer } from '../../src/engine/llama-server/index.ts';
import { detectPhysicalCores } from '../../src/engine/llama/physical-cores.ts';
import { projectorTypeNames, type ProjectorTypeName } from '../../src/engine/synthetic/projector-shapes.ts';
import { ensureTinyModel } from '../../src/engine/synthetic/test-models.ts';
import { preprocessForMedGemma } from '../../src/imaging/preprocess.ts';
import { rasterToModalityImage } from '../../src/imaging/raster.ts';
import { measureEncode, type EncodeRunResult } from './encode.ts';
import { benchProjector, benchTextModel } from './models.ts';
import { comparePreprocessing } from './preprocess-compare.ts';
import { fmt, line, report } from './stats.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    types: { type: 'string', default: 'f16,q8_0' },
    'text-first': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
// Quick mode is for checking the benchmark works, not for figures.
const rounds = Number(values.rounds ?? (quick ? 3 : 7));
const types = values.types.split(',').map((t) => t.trim().toLowerCase());
for (const type of types) {
  if (!(projectorTypeNames as readonly string[]).includes(type)) throw new Error(`--types: ${type} is not one of ${projectorTypeNames.join(', ')}`);
}
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');

const threads = await detectPhysicalCores();
const data = sharedDataDir();
// Other work on the machine shows in every figure; the load average says how much there was.
const load = (): string => `load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`;
line(`bench imaging${quick ? ' --quick' : ''}: ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} physical cores, ${new Date().toISOString()}, ${load()}`);
line();

await comparePreprocessing({ dicomDir: join(data, 'dicom'), pngDir: join(data, 'cxr'), rounds });
line();

// The image for parts 2 and 3 is a real chest X-ray through our own preprocessing.
const cxr = join(data, 'cxr', 'nih-cxr14-00000001_000.png');
const { png } = await preprocessForMedGemma(await rasterToModalityImage(await readFile(cxr)));
const { binary, version } = await buildLlamaServer({ onEvent: (event) => { if (event.kind !== 'compile') process.stderr.write(`llama-server build: ${JSON.stringify(event)}\n`); } });
line(`${load()}; llama-server: ${version}; image ${cxr.split('/').at(-1)} preprocessed to 896×896 (${png.byteLength} B PNG)`);
line();

await measureEncode({
  binary, textModel: await ensureTinyModel(), projector: await benchProjector('tiny', 'f16'), projectorShape: 'tiny',
  label: 'tiny F16 projector (224 px, 16 tokens) + tiny text model — checks the path, not MedGemma speed', png, threads, textFirst: true,
});
line();

if (!quick) {
  const textModel = await benchTextModel('medgemma-4b', 'q4_0');
  const results: EncodeRunResult[] = [];
  for (const type of types as ProjectorTypeName[]) {
    results.push(await measureEncode({
      binary, textModel, projector: await benchProjector('medgemma-4b', type), projectorShape: 'medgemma-4b',
      label: `medgemma-4b ${type.toUpperCase()} projector + medgemma-4b Q4_0 text model (synthetic)`, png, threads, textFirst: values['text-first'],
    }));
    line(`  ${load()}`);
    line();
  }
  const f16 = results.find((r) => r.label.includes('F16'));
  const q8 = results.find((r) => r.label.includes('Q8_0'));
  if (f16 !== undefined && q8 !== undefined) {
    // One encode each (minutes apiece), so this ratio is not a median: read it with the noise of one run.
    report('F16 / Q8_0 vision encode time (one encode each)', `${fmt(f16.encodeMs / 1000, 1)} s / ${fmt(q8.encodeMs / 1000, 1)} s = ${fmt(f16.encodeMs / q8.encodeMs, 2)}`);
    report('F16 / Q8_0 raw Δ (image − text-only)', `${fmt(f16.deltaMs / 1000, 1)} s / ${fmt(q8.deltaMs / 1000, 1)} s = ${fmt(f16.deltaMs / q8.deltaMs, 2)}`);
  }
} else {
  line('--quick: full-shape MedGemma 4B encodes skipped (about 6 min each on 2 cores)');
}
