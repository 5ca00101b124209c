/**
 * bench/engine: decode speed of the embedded engine against raw node-llama-cpp
 * on a synthetic MedGemma-4B-shaped Q4_0 model, all measured in one run (these
 * machines are noisy, so only ratios within a run mean anything).
 *
 *   ./northstation bench engine [--shape medgemma-4b] [--quant q4_0] [--tokens 48] [--rounds 3]
 *
 * Prints: decode tok/s raw / engine / HTTP and their ratios (goal ≥ 0.97);
 * memory bandwidth and decode efficiency; prefill tok/s; time to first token
 * with and without prefix reuse; aggregate tok/s for 1 and 4 concurrent requests.
 */
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../../src/core/log.ts';
import type { ChatModel } from '../../src/engine/chat-model.ts';
import { readGguf } from '../../src/engine/gguf/reader.ts';
import { loadLlamaChatModel } from '../../src/engine/llama/llama-chat-model.ts';
import { detectPhysicalCores } from '../../src/engine/llama/physical-cores.ts';
import type { QuantName, ShapeName } from '../../src/engine/synthetic/shapes.ts';
import { writeSyntheticModel } from '../../src/engine/synthetic/model-writer.ts';
import { buildOpenAiApp } from '../../src/server/app.ts';
import { measureCopyBandwidth } from './memory-bandwidth.ts';
import { RawLlama } from './raw-llama.ts';
import { streamChatCompletion } from './http-client.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    shape: { type: 'string', default: 'medgemma-4b' },
    quant: { type: 'string', default: 'q4_0' },
    tokens: { type: 'string', default: '48' },
    context: { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '3' },
  },
});
const shape = values.shape as ShapeName;
const quant = values.quant as QuantName;
const decodeTokens = Number(values.tokens);
const contextSize = Number(values.context);
const rounds = Number(values.rounds);

const report = (label: string, value: string): void => { process.stdout.write(`${label.padEnd(52)} ${value}\n`); };
const fmt = (n: number, digits = 2): string => n.toFixed(digits);

const modelPath = await ensureBenchModel(shape, quant);
const threads = await detectPhysicalCores();
const file = await readGguf(modelPath);
// Gemma 3 ties the output head to token_embd, so a decoded token reads every tensor once.
const weightBytesPerToken = file.tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0);
report('model', `${shape} ${quant} synthetic (${fmt(file.fileSize / 2 ** 30)} GiB), threads ${threads}, context ${contextSize}`);

const shortPrompt = 'Summarise the encounter: a 54-year-old with two days of productive cough and fever.';
const messages = [{ role: 'user' as const, content: shortPrompt }];

// 1. Decode speed: raw, engine, HTTP, one sequence each so they do the same
// work, loaded side by side, warmed up, then measured in interleaved rounds so
// that drift in the machine's speed falls on all three alike.
const raw = await RawLlama.load({ modelPath, threads, contextSize });
const single = await loadLlamaChatModel({ modelPath, threads, contextSize, sequences: 1, gpu: false, logger: silentLogger });
const samples = { raw: [] as number[], engine: [] as number[], http: [] as number[] };
await withServer(single, async (url) => {
  const measureRaw = async (tokens: number): Promise<number> => (await raw.decode(shortPrompt, tokens)).decodeTokensPerSecond;
  const measureEngine = async (tokens: number): Promise<number> => (await single.generate(messages, { maxTokens: tokens })).timings.decodeTokensPerSecond;
  const measureHttp = async (tokens: number): Promise<number> => (await streamChatCompletion(url, { model: single.info.id, messages, max_tokens: tokens })).decodeTokensPerSecond;
  for (const warmUp of [measureRaw, measureEngine, measureHttp]) await warmUp(4);
  for (let round = 0; round < rounds; round++) {
    samples.raw.push(await measureRaw(decodeTokens));
    samples.engine.push(await measureEngine(decodeTokens));
    samples.http.push(await measureHttp(decodeTokens));
  }
});
await raw.dispose();
await single.dispose();

const rawRate = median(samples.raw);
const engineRate = median(samples.engine);
const httpRate = median(samples.http);
const spread = (values: number[]): string => `median of ${values.length}: ${values.map((v) => fmt(v)).join(', ')}`;
report('decode tok/s raw node-llama-cpp', `${fmt(rawRate)}  (${spread(samples.raw)})`);
report('decode tok/s engine', `${fmt(engineRate)}  ratio ${fmt(engineRate / rawRate, 3)}  (${spread(samples.engine)})`);
report('decode tok/s HTTP /v1/chat/completions', `${fmt(httpRate)}  ratio ${fmt(httpRate / rawRate, 3)}  (${spread(samples.http)})`);

const bandwidth = await measureCopyBandwidth(threads);
const efficiency = (engineRate * weightBytesPerToken) / bandwidth.bytesPerSecond;
report(`memory bandwidth (copy, read+write, ${threads} threads)`, `${fmt(bandwidth.bytesPerSecond / 1e9)} GB/s`);
report('weight bytes read per token', `${fmt(weightBytesPerToken / 1e9, 3)} GB`);
report('engine tok/s × bytes/token ÷ bandwidth', fmt(efficiency, 3));

// 2. Prefill, prefix reuse and concurrency on a 4-sequence engine.
const multi = await loadLlamaChatModel({ modelPath, threads, contextSize, sequences: 4, gpu: false, logger: silentLogger });
const system = longSystemPrompt();
const cold = await multi.generate([{ role: 'system', content: system }, { role: 'user', content: 'First question: cough?' }], { maxTokens: 1 });
const warm = await multi.generate([{ role: 'system', content: system }, { role: 'user', content: 'Second question: fever?' }], { maxTokens: 1 });
report('prefill tok/s', `${fmt(cold.usage.promptTokens / (cold.timings.timeToFirstTokenMs / 1000))}  (${cold.usage.promptTokens}-token prompt)`);
report('time to first token without prefix reuse', `${fmt(cold.timings.timeToFirstTokenMs, 0)} ms`);
report('time to first token with prefix reuse', `${fmt(warm.timings.timeToFirstTokenMs, 0)} ms  (${warm.usage.cachedPromptTokens} tokens reused, ${fmt(cold.timings.timeToFirstTokenMs / warm.timings.timeToFirstTokenMs, 1)}× faster)`);

const concurrentTokens = Math.max(8, Math.floor(decodeTokens / 2));
for (const concurrency of [1, 4]) {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: concurrency }, (_, i) => multi.generate([{ role: 'user', content: `${shortPrompt} Patient ${i + 1}.` }], { maxTokens: concurrentTokens })),
  );
  const seconds = (performance.now() - started) / 1000;
  const total = results.reduce((sum, r) => sum + r.usage.completionTokens, 0);
  report(`aggregate tok/s, ${concurrency} concurrent request${concurrency > 1 ? 's' : ''}`, `${fmt(total / seconds)}  (${total} tokens in ${fmt(seconds, 1)} s)`);
}
await multi.dispose();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function withServer<T>(model: ChatModel, use: (baseUrl: string) => Promise<T>): Promise<T> {
  // The server must not dispose the shared model when it closes: wrap it.
  const view: ChatModel = { info: model.info, capabilities: model.capabilities, generate: (m, o) => model.generate(m, o), dispose: () => Promise.resolve() };
  const app = buildOpenAiApp({ model: view, logger: silentLogger });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await use(address);
  } finally {
    await app.close();
  }
}

async function ensureBenchModel(shapeName: ShapeName, quantName: QuantName): Promise<string> {
  const directory = join(tmpdir(), 'northstation-bench');
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${shapeName}-${quantName}.gguf`);
  if (await stat(path).then(() => true, () => false)) return path;
  let lastPercent = -1;
  await writeSyntheticModel({
    shape: shapeName, quant: quantName, out: path,
    onProgress: (written, total) => {
      const percent = Math.floor((100 * written) / total);
      if (percent % 10 === 0 && percent !== lastPercent) process.stderr.write(`writing synthetic model: ${percent}%\n`);
      lastPercent = percent;
    },
  });
  return path;
}

function longSystemPrompt(): string {
  const sentence = 'You draft clinical documentation for review by a clinician; state uncertainty plainly and never give a definitive diagnosis. ';
  return sentence.repeat(24);
}
