/**
 * Part 1: file → 896-pixel model input, ours against DCMTK.
 *
 * Ours: read the file, decodeDicom (or rasterToModalityImage for PNG),
 * preprocessForMedGemma (display mapping, resize onto 896×896, PNG), write the
 * PNG. DCMTK: dcm2pnm (dcmj2pnm / dcml2pnm for JPEG / JPEG-LS: dcmtk 3.6.7
 * keeps those codecs in separate converters) with a VOI window, scaling of the
 * long side to 896 and a non-interlaced PNG written to disk — the same three
 * steps. dcmtk 3.6.7 has no JPEG 2000 codec, so those files go through GDCM's
 * `gdcmconv --raw` first, as dcmtk-compare.test.ts does; both processes are
 * timed. DCMTK cannot read PNG at all, so for the chest X-ray PNGs the
 * baseline is sharp (libvips, in-process) doing decode + resize + PNG.
 *
 * Every spawned tool pays process start-up (exec, dynamic linking of the
 * dcmtk libraries, its dictionary); that is measured on its own with
 * `TOOL --version`, interleaved with the rest, and printed beside the
 * per-file times so the comparison can be read both with and without it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeDicom } from '../../src/imaging/dicom/decode.ts';
import type { ModalityImage } from '../../src/imaging/image.ts';
import { medGemmaImageSize, preprocessForMedGemma } from '../../src/imaging/preprocess.ts';
import { rasterToModalityImage } from '../../src/imaging/raster.ts';
import { fmt, line, median, report } from './stats.ts';

interface Step { tool: string; args: string[] }

interface Case {
  name: string;
  path: string;
  format: 'dicom' | 'png';
  /** Columns × rows × samples and what the display step is, for the table. */
  description: string;
  /** Spawned one after the other for the DCMTK side; empty for PNG (sharp baseline). */
  steps: Step[];
  dcmtkOutput: string;
  oursOutput: string;
}

interface Sample { oursDecodeMs: number; oursPreprocessMs: number; oursMs: number; baselineMs: number }

const size = medGemmaImageSize;

export interface PreprocessCompareOptions {
  dicomDir: string;
  pngDir: string;
  rounds: number;
}

export async function comparePreprocessing(options: PreprocessCompareOptions): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ns-bench-imaging-'));
  try {
    const cases = await buildCases(options, work);
    const tools = [...new Set(cases.flatMap((c) => c.steps.map((s) => s.tool)))].sort();
    const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
    const startup = new Map<string, number[]>(tools.map((t) => [t, []]));

    // One untimed round first: loads the WebAssembly codecs, lets V8 compile the
    // hot loops, and fills the page cache for both sides' binaries and files.
    for (const c of cases) {
      await runOurs(c);
      await runBaseline(c);
    }
    const dcmtkSizes = new Map<string, string>();
    for (const c of cases) {
      const meta = await sharp(c.dcmtkOutput).metadata();
      dcmtkSizes.set(c.name, `${meta.width}×${meta.height}×${meta.channels}`);
    }

    // Interleaved: every round visits every file, and which side goes first
    // alternates, so a slow spell of the machine falls on both alike.
    for (let round = 0; round < options.rounds; round++) {
      for (const tool of tools) startup.get(tool)!.push(await timeSpawn({ tool, args: ['--version'] }));
      for (const [index, c] of cases.entries()) {
        let ours: Omit<Sample, 'baselineMs'>;
        let baselineMs: number;
        if ((round + index) % 2 === 0) {
          ours = await runOurs(c);
          baselineMs = await runBaseline(c);
        } else {
          baselineMs = await runBaseline(c);
          ours = await runOurs(c);
        }
        samples.get(c.name)!.push({ ...ours, baselineMs });
      }
    }

    line(`Part 1 — decode + preprocess to ${size}×${size}, median of ${options.rounds} interleaved rounds (ms)`);
    const startupMs = new Map(tools.map((t) => [t, median(startup.get(t)!)]));
    for (const tool of tools) report(`  process start-up: ${tool} --version`, `${fmt(startupMs.get(tool)!)} ms  (${startup.get(tool)!.map((v) => fmt(v)).join(', ')})`);
    line();
    const header = ['file', 'image / display', 'ours', '(decode', '+ prep)', 'baseline', 'base−start', 'ours/base', 'ours/(base−start)', 'baseline tool → output'];
    const rows: string[][] = [];
    const ratios: number[] = [];
    const ratiosNoStartup: number[] = [];
    let oursTotal = 0;
    let baseTotal = 0;
    let baseNoStartupTotal = 0;
    for (const c of cases) {
      const s = samples.get(c.name)!;
      const ours = median(s.map((x) => x.oursMs));
      const base = median(s.map((x) => x.baselineMs));
      const start = c.steps.reduce((sum, step) => sum + startupMs.get(step.tool)!, 0);
      const baseNoStartup = base - start;
      ratios.push(ours / base);
      oursTotal += ours;
      baseTotal += base;
      baseNoStartupTotal += baseNoStartup;
      if (c.steps.length > 0) ratiosNoStartup.push(ours / baseNoStartup);
      const tool = c.steps.length === 0 ? 'sharp (in-process)' : c.steps.map((step) => step.tool).join(' + ');
      rows.push([
        c.name, c.description, fmt(ours), fmt(median(s.map((x) => x.oursDecodeMs))), fmt(median(s.map((x) => x.oursPreprocessMs))),
        fmt(base), c.steps.length > 0 ? fmt(baseNoStartup) : '—', fmt(ours / base, 2), c.steps.length > 0 ? fmt(ours / baseNoStartup, 2) : '—',
        `${tool} → ${dcmtkSizes.get(c.name) ?? '?'}`,
      ]);
    }
    printTable(header, rows);
    line();
    report('  files', String(cases.length));
    report('  median per-file ratio ours/baseline', `${fmt(median(ratios), 2)}  (${ratios.filter((r) => r <= 1).length} of ${ratios.length} files ≤ 1.0)`);
    report('  median per-file ratio ours/(dcmtk − start-up)', `${fmt(median(ratiosNoStartup), 2)}  (${ratiosNoStartup.filter((r) => r <= 1).length} of ${ratiosNoStartup.length} DICOM files ≤ 1.0)`);
    report('  sum over files: ours / baseline', `${fmt(oursTotal, 0)} / ${fmt(baseTotal, 0)} ms = ${fmt(oursTotal / baseTotal, 2)}`);
    report('  sum over files: ours / (baseline − start-up)', `${fmt(oursTotal, 0)} / ${fmt(baseNoStartupTotal, 0)} ms = ${fmt(oursTotal / baseNoStartupTotal, 2)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildCases(options: PreprocessCompareOptions, work: string): Promise<Case[]> {
  const cases: Case[] = [];
  for (const name of (await readdir(options.dicomDir)).filter((n) => n.endsWith('.dcm')).sort()) {
    const path = join(options.dicomDir, name);
    let image: ModalityImage;
    try {
      image = await decodeDicom(await readFile(path));
    } catch {
      // An SR, an RT plan, a truncated file: no pixels, nothing to compare.
      continue;
    }
    const out = join(work, `${cases.length}`);
    const uid = image.source.transferSyntaxUid ?? '';
    const dcmtkOutput = `${out}-dcmtk.png`;
    const convertArgs = [...windowArgs(image), image.columns >= image.rows ? '+Sxv' : '+Syv', String(size), '+on', '-il'];
    const steps: Step[] = uid.startsWith('1.2.840.10008.1.2.4.9')
      ? [{ tool: 'gdcmconv', args: ['--raw', path, `${out}-raw.dcm`] }, { tool: 'dcm2pnm', args: [...convertArgs, `${out}-raw.dcm`, dcmtkOutput] }]
      : [{ tool: converterFor(uid), args: [...convertArgs, path, dcmtkOutput] }];
    cases.push({ name, path, format: 'dicom', description: describe(image), steps, dcmtkOutput, oursOutput: `${out}-ours.png` });
  }
  for (const name of (await readdir(options.pngDir)).filter((n) => n.endsWith('.png')).sort()) {
    const path = join(options.pngDir, name);
    const image = await rasterToModalityImage(await readFile(path));
    const out = join(work, `${cases.length}`);
    cases.push({ name, path, format: 'png', description: describe(image), steps: [], dcmtkOutput: `${out}-sharp.png`, oursOutput: `${out}-ours.png` });
  }
  return cases;
}

/**
 * The window dcmtk applies, chosen as our display step chooses (the first
 * header window, else min/max). CT is mapped by us to three fixed HU windows
 * in R, G, B; dcmtk gets one of them (soft tissue, 40/350), so it does a third
 * of that mapping work. RGB needs none.
 */
function windowArgs(image: ModalityImage): string[] {
  if (image.samplesPerPixel === 3) return [];
  if (image.modality === 'CT') return ['+Ww', '40', '350'];
  if (image.windows.some((w) => w.width >= 1)) return ['+Wi', String(image.windows.findIndex((w) => w.width >= 1) + 1)];
  return ['+Wm'];
}

// dcmtk before 3.6.8 keeps the JPEG and JPEG-LS codecs in separate converters.
function converterFor(uid: string): string {
  if (uid.startsWith('1.2.840.10008.1.2.4.5') || uid.startsWith('1.2.840.10008.1.2.4.70')) return 'dcmj2pnm';
  if (uid.startsWith('1.2.840.10008.1.2.4.8')) return 'dcml2pnm';
  return 'dcm2pnm';
}

function describe(image: ModalityImage): string {
  const frames = image.frames.length > 1 ? ` ${image.frames.length}f` : '';
  const display = image.samplesPerPixel === 3 ? 'rgb' : image.modality === 'CT' ? 'CT 3 win' : image.photometric === 'MONOCHROME1' ? 'MONO1' : image.modality;
  return `${image.columns}×${image.rows}${frames} ${display}`;
}

async function runOurs(c: Case): Promise<Omit<Sample, 'baselineMs'>> {
  const started = performance.now();
  const bytes = await readFile(c.path);
  const image = c.format === 'dicom' ? await decodeDicom(bytes) : await rasterToModalityImage(bytes);
  const decoded = performance.now();
  const { png } = await preprocessForMedGemma(image);
  await writeFile(c.oursOutput, png);
  const done = performance.now();
  return { oursDecodeMs: decoded - started, oursPreprocessMs: done - decoded, oursMs: done - started };
}

async function runBaseline(c: Case): Promise<number> {
  const started = performance.now();
  if (c.steps.length === 0) {
    // Same output as ours: the long side to 896 with a bilinear-class kernel,
    // centred on black, RGB, PNG at zlib level 6.
    const png = await sharp(await readFile(c.path))
      .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0 }, kernel: 'linear' })
      .toColourspace('srgb')
      .png({ compressionLevel: 6 })
      .toBuffer();
    await writeFile(c.dcmtkOutput, png);
  } else {
    for (const step of c.steps) await runTool(step);
  }
  return performance.now() - started;
}

async function timeSpawn(step: Step): Promise<number> {
  const started = performance.now();
  await runTool(step);
  return performance.now() - started;
}

function runTool(step: Step): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.tool, step.args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${step.tool} ${step.args.join(' ')} exited with ${code}`));
    });
  });
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]): string => cells.map((cell, i) => (i < 2 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  line(`  ${render(header)}`);
  for (const row of rows) line(`  ${render(row)}`);
}
