/**
 * The sizing model against llama.cpp itself: load a full-shape synthetic
 * MedGemma 4B (Q4_0, random weights) through node-llama-cpp on the CPU, read
 * the buffer sizes llama.cpp logs as it allocates them, and require our
 * estimates within 10 %. The 2.2 GB model file is written once and cached
 * under the OS temp dir. Run: node --test src/engine/catalog/sizing.int.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { readGguf } from '../gguf/reader.ts';
import { writeSyntheticModel } from '../synthetic/model-writer.ts';
import { syntheticWriterVersion } from '../synthetic/test-models.ts';
import { estimateFromCatalog, estimateFromGguf, type MemoryEstimate } from './sizing.ts';

const mib = 1024 ** 2;
const tolerance = 0.1;

interface Allocation {
  /** One copy of the weights: llama.cpp's largest model buffer (see weightsCopies). */
  weights: number;
  /** Model buffers by name; CPU_REPACK is a second, re-laid-out copy for the CPU kernels. */
  modelBuffers: Record<string, number>;
  kvCache: number;
  compute: number;
  output: number;
  total: number;
}

const logLines: string[] = [];
let llama: Llama | undefined;
let model: LlamaModel | undefined;
let modelPath: string;
let modelBuffers: Record<string, number> = {};

async function cachedModelPath(): Promise<string> {
  const dir = join(tmpdir(), `northstation-sizing-v${syntheticWriterVersion}`);
  const path = join(dir, 'medgemma-4b-q4_0.gguf');
  const present = await stat(path).then((s) => s.isFile(), () => false);
  if (!present) {
    await mkdir(dir, { recursive: true });
    await writeSyntheticModel({ shape: 'medgemma-4b', quant: 'q4_0', out: path });
  }
  return path;
}

const mibValues = (pattern: RegExp): Array<{ name: string; bytes: number }> =>
  logLines.flatMap((line) => {
    const match = pattern.exec(line);
    return match?.groups ? [{ name: match.groups.name ?? '', bytes: Number(match.groups.mib) * mib }] : [];
  });

/** llama.cpp logs through a callback that may lag the promise; wait for the line that ends context creation. */
async function waitForLine(pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100 && !logLines.some((line) => pattern.test(line)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const computeLine = /(?<name>\S+) compute buffer size =\s*(?<mib>[\d.]+) MiB/;

async function measure(contextSize: number, sequences: number, flashAttention: boolean | undefined): Promise<Allocation> {
  logLines.length = 0;
  assert.ok(model, 'the model did not load');
  const context = await model.createContext({ contextSize, sequences, ...(flashAttention === undefined ? {} : { flashAttention }) });
  try {
    await waitForLine(computeLine);
  } finally {
    await context.dispose();
  }
  const sum = (values: Array<{ bytes: number }>): number => values.reduce((total, v) => total + v.bytes, 0);
  const weights = Math.max(...Object.values(modelBuffers));
  const kvCache = sum(mibValues(/llama_kv_cache: size =\s*(?<mib>[\d.]+) MiB/));
  const compute = sum(mibValues(computeLine));
  const output = sum(mibValues(/(?<name>\S+)\s+output buffer size =\s*(?<mib>[\d.]+) MiB/));
  return { weights, modelBuffers, kvCache, compute, output, total: weights + kvCache + compute + output };
}

const within = (estimate: number, actual: number): boolean => Math.abs(estimate - actual) <= tolerance * actual;
const inMib = (bytes: number): string => (bytes / mib).toFixed(1);

function report(label: string, estimate: MemoryEstimate, actual: Allocation): string {
  return (
    `${label}: weights ${inMib(estimate.weightsBytes)} vs ${inMib(actual.weights)} MiB, ` +
    `KV ${inMib(estimate.kvCacheBytes)} vs ${inMib(actual.kvCache)}, ` +
    `compute+output ${inMib(estimate.overheadBytes)} vs ${inMib(actual.compute + actual.output)}, ` +
    `total ${inMib(estimate.totalBytes)} vs ${inMib(actual.total)} MiB ` +
    `(${(((estimate.totalBytes - actual.total) / actual.total) * 100).toFixed(1)} %)`
  );
}

before(async () => {
  modelPath = await cachedModelPath();
  llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.info, logger: (_level, message) => logLines.push(message) });
  model = await llama.loadModel({ modelPath });
  await waitForLine(/model buffer size/);
  modelBuffers = Object.fromEntries(mibValues(/(?<name>\S+) model buffer size =\s*(?<mib>[\d.]+) MiB/).map((b) => [b.name, b.bytes]));
});

after(async () => {
  await model?.dispose();
  await llama?.dispose();
});

// [context, sequences, flash attention (undefined: node-llama-cpp's "auto")]
const cases: ReadonlyArray<readonly [number, number, boolean | undefined]> = [
  [4096, 1, undefined],
  [32768, 1, undefined],
  [32768, 1, false],
  [8192, 2, undefined],
];

for (const [contextSize, sequences, flashAttention] of cases) {
  const label = `context ${contextSize} × ${sequences} seq, flash attention ${flashAttention ?? 'auto'}`;
  test(`${label}: estimates within 10 % of llama.cpp's allocation`, { timeout: 300_000 }, async (t) => {
    const actual = await measure(contextSize, sequences, flashAttention);
    const options = { contextSize, sequences, flashAttention: flashAttention ?? true };
    const fromFile = estimateFromGguf(await readGguf(modelPath), options);
    const fromCatalog = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_0', ...options });
    t.diagnostic(`model buffers: ${Object.entries(actual.modelBuffers).map(([name, bytes]) => `${name} ${inMib(bytes)} MiB`).join(', ')}`);
    t.diagnostic(report('gguf   ', fromFile, actual));
    t.diagnostic(report('catalog', fromCatalog, actual));

    assert.ok(within(fromFile.weightsBytes, actual.weights), 'weights (file)');
    assert.ok(within(fromFile.kvCacheBytes, actual.kvCache), 'KV cache (file)');
    assert.ok(within(fromFile.overheadBytes, actual.compute + actual.output), 'compute + output buffers (file)');
    assert.ok(within(fromFile.totalBytes, actual.total), 'total (file)');
    // The catalog assumes llama-quantize's Q6_K token embedding and a 262144-row vocabulary;
    // the synthetic file has a Q4_0 embedding of 262208 rows. The total must still agree.
    assert.ok(within(fromCatalog.kvCacheBytes, actual.kvCache), 'KV cache (catalog)');
    assert.ok(within(fromCatalog.totalBytes, actual.total), 'total (catalog)');
  });
}
