/**
 * Parts 2 and 3: one 896×896 image through the supervised llama-server
 * (src/engine/llama-server) with a synthetic projector, talked to through the
 * OpenAI-compatible backend exactly as the imaging-read workflow does.
 *
 * Encode time is the time to first token of a request with the image minus the
 * same request without it (prompt evaluation is all a 1-token request does).
 * That difference also holds the text model's prefill of the image tokens
 * (256 at the MedGemma shape), so the text model's per-token prefill is
 * measured too, on text prompts of two lengths, and taken off to leave the
 * vision tower alone; both figures are printed.
 *
 * The second question reuses llama-server's prompt cache: the slot keeps the
 * KV cache of the previous prompt, image chunks included (compared by a hash
 * of the image), so a second request that starts with the same image evaluates
 * only what follows it. That only works when the image comes before the
 * question; the other order is measured on the tiny shape to show what it costs.
 */
import { createLogger, silentLogger } from '../../src/core/log.ts';
import type { ImagePart, UserContent } from '../../src/engine/chat-model.ts';
import { cpuSecondsPerImage } from '../../src/engine/catalog/vision-time.ts';
import { visionFlopsPerImage, type ProjectorShape as CostShape } from '../../src/engine/catalog/vision-cost.ts';
import { startLlamaServer, llamaServerOpenAiOptions } from '../../src/engine/llama-server/index.ts';
import { createOpenAiChatModel } from '../../src/engine/openai/index.ts';
import { imageTokens, projectorShapes, type ProjectorShapeName } from '../../src/engine/synthetic/projector-shapes.ts';
import { fmt, line, median, report } from './stats.ts';

export interface EncodeRunOptions {
  binary: string;
  textModel: string;
  projector: string;
  projectorShape: ProjectorShapeName;
  /** For the printed heading, e.g. "medgemma-4b F16". */
  label: string;
  png: Uint8Array;
  threads: number;
  /** Also measure the question-before-image order (costs two more encodes). */
  textFirst: boolean;
}

export interface EncodeRunResult {
  label: string;
  /** Vision encode alone: Δ(image − text) minus the text model's prefill of the image tokens. */
  encodeMs: number;
  /** The raw difference. */
  deltaMs: number;
  firstTtftMs: number;
  secondTtftMs: number;
}

const questionA = 'Describe this chest radiograph: heart size, mediastinum, lung fields and pleural spaces.';
const questionB = 'Is there a pneumothorax? Answer yes or no, then say on which side.';
const filler = 'The patient is a 67-year-old with two days of productive cough, fever and right-sided pleuritic chest pain. ';

/** The catalog's cost shape for a synthetic projector shape (same numbers, the catalog's names). */
export function costShape(name: ProjectorShapeName): CostShape {
  const s = projectorShapes[name];
  return { imageSize: s.imageSize, patchSize: s.patchSize, tokensPerImage: imageTokens(s), layers: s.layers, hiddenSize: s.width, ffnSize: s.ffn, heads: s.heads, projectsTo: s.textWidth };
}

export async function measureEncode(options: EncodeRunOptions): Promise<EncodeRunResult> {
  const shape = costShape(options.projectorShape);
  const flops = visionFlopsPerImage(shape).total;
  // The supervisor's events (spawn, ready, exit codes; never prompt text) on request.
  const logger = process.env.NORTHSTATION_LOG_LEVEL === undefined ? silentLogger : createLogger();
  const loadStarted = performance.now();
  const server = await startLlamaServer({ binary: options.binary, model: options.textModel, projector: options.projector, contextSize: 4096, threads: options.threads, logger });
  const loadMs = performance.now() - loadStarted;
  // A full-shape encode on 2 cores takes minutes: the backend's first-token
  // timeout (2 min) would cut it off. One retry covers a reset connection;
  // no periodic health checks compete with the encode for the two cores.
  const chat = await createOpenAiChatModel(llamaServerOpenAiOptions(server, {
    firstTokenTimeoutMs: 3_600_000, totalTimeoutMs: 3_600_000, retries: 1, healthCheckIntervalMs: 0, logger,
  }));
  try {
    const image: ImagePart = { type: 'image', data: options.png, mimeType: 'image/png' };
    const ask = async (content: UserContent): Promise<{ ttftMs: number; promptTokens: number; cached: number }> => {
      const result = await chat.generate([{ role: 'user', content }], { maxTokens: 1 });
      return { ttftMs: result.timings.timeToFirstTokenMs, promptTokens: result.usage.promptTokens, cached: result.usage.cachedPromptTokens };
    };

    line(`Part 2 — image encode: ${options.label}, threads ${options.threads}`);
    report('  server start (text model + projector load)', `${fmt(loadMs / 1000, 1)} s`);
    await ask('Warm-up: reply with one word.');

    // The text model's prefill per token, from text prompts of two lengths.
    // Each starts with its own case number, so none reuses another's cache
    // beyond the chat template's first tokens.
    const perToken: number[] = [];
    for (let round = 0; round < 3; round++) {
      const short = await ask(`Case ${round + 1}. ${questionA}`);
      const long = await ask(`Case ${round + 11}. ${filler.repeat(12)}${questionA}`);
      perToken.push((long.ttftMs - short.ttftMs) / (long.promptTokens - short.promptTokens));
    }
    const perTokenMs = median(perToken);

    const text = await ask([{ type: 'text', text: questionA }]);
    const first = await ask([image, { type: 'text', text: questionA }]);
    const second = await ask([image, { type: 'text', text: questionB }]);
    const addedTokens = first.promptTokens - text.promptTokens;
    const deltaMs = first.ttftMs - text.ttftMs;
    const lmMs = perTokenMs * addedTokens;
    const encodeMs = deltaMs - lmMs;

    report('  text-only request (question A), time to first token', `${fmt(text.ttftMs, 0)} ms  (${text.promptTokens} prompt tokens)`);
    report('  image + question A, time to first token', `${fmt(first.ttftMs, 0)} ms  (${first.promptTokens} prompt tokens: +${addedTokens} for the image)`);
    report('  FLOPs per image (vision-cost.ts visionFlopsPerImage)', `${fmt(flops / 1e12, 4)} TFLOP`);
    report('  Δ image − text-only', `${fmt(deltaMs / 1000, 2)} s  → ${fmt(flops / (deltaMs / 1000) / 1e9, 2)} GFLOP/s`);
    report('  text-model prefill per token (median of 3)', `${fmt(perTokenMs, 2)} ms  (${perToken.map((v) => fmt(v, 2)).join(', ')}) × ${addedTokens} = ${fmt(lmMs / 1000, 2)} s`);
    report('  vision encode alone (Δ − that prefill)', `${fmt(encodeMs / 1000, 2)} s  → ${fmt(flops / (encodeMs / 1000) / 1e9, 2)} GFLOP/s (${fmt(flops / (encodeMs / 1000) / 1e9 / options.threads, 2)} per thread)`);
    // vision-time.ts scales its one measurement, which was of this shape; for another shape it does not apply.
    if (options.projectorShape === 'medgemma-4b') {
      const estimate = cpuSecondsPerImage(shape, options.threads);
      report('  catalog CPU estimate (vision-time.ts: 5.7 min on 2 cores)', `${fmt(estimate, 1)} s; measured/estimate ${fmt(encodeMs / 1000 / estimate, 2)}`);
    }

    line(`Part 3 — second question, same image, image before the question (${options.label})`);
    report('  first question, time to first token', `${fmt(first.ttftMs, 0)} ms  (${first.cached} of ${first.promptTokens} prompt tokens cached)`);
    report('  second question, time to first token', `${fmt(second.ttftMs, 0)} ms  (${second.cached} of ${second.promptTokens} prompt tokens cached)`);
    report('  ratio second/first (goal ≤ 0.2)', fmt(second.ttftMs / first.ttftMs, 3));

    if (options.textFirst) {
      // The order imaging-read's prompt uses today: question text, then image.
      const a = await ask([{ type: 'text', text: `Clinical question: ${questionB}` }, image]);
      const b = await ask([{ type: 'text', text: `Clinical question: ${questionA}` }, image]);
      line(`Part 3b — second question, same image, question before the image (for comparison: the image is encoded again; ${options.label})`);
      report('  first question, time to first token', `${fmt(a.ttftMs, 0)} ms  (${a.cached} of ${a.promptTokens} prompt tokens cached)`);
      report('  second question, time to first token', `${fmt(b.ttftMs, 0)} ms  (${b.cached} of ${b.promptTokens} prompt tokens cached)`);
      report('  ratio second/first', fmt(b.ttftMs / a.ttftMs, 3));
    }
    return { label: options.label, encodeMs, deltaMs, firstTtftMs: first.ttftMs, secondTtftMs: second.ttftMs };
  } finally {
    await chat.dispose();
    await server.close();
  }
}

