/**
 * The baseline: node-llama-cpp used directly, with no Northstation code in the
 * path, on the same file, threads and context as the engine.
 */
import { getLlama, type Token } from 'node-llama-cpp';

export interface RawDecodeResult {
  promptTokens: number;
  timeToFirstTokenMs: number;
  decodeTokensPerSecond: number;
}

export async function measureRawDecode(options: { modelPath: string; threads: number; contextSize: number; prompt: string; tokens: number }): Promise<RawDecodeResult> {
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const context = await model.createContext({ contextSize: options.contextSize, threads: options.threads, sequences: 1 });
  try {
    const sequence = context.getSequence();
    const promptTokens = model.tokenize(options.prompt, true);
    const started = performance.now();
    let firstAt = 0;
    let generated = 0;
    const stop: Token[] = [];
    for await (const token of sequence.evaluate(promptTokens, { temperature: 0 })) {
      generated++;
      if (generated === 1) firstAt = performance.now();
      stop.push(token);
      if (generated >= options.tokens) break;
    }
    const finishedAt = performance.now();
    return {
      promptTokens: promptTokens.length,
      timeToFirstTokenMs: firstAt - started,
      decodeTokensPerSecond: (generated - 1) / ((finishedAt - firstAt) / 1000),
    };
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}
