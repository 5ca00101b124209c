/**
 * The baseline: node-llama-cpp used directly, with no Northstation code in the
 * path, on the same file, threads and context size as the engine.
 */
import { getLlama, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';

export interface DecodeMeasurement {
  timeToFirstTokenMs: number;
  decodeTokensPerSecond: number;
}

export class RawLlama {
  readonly #llama: Llama;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;

  private constructor(llama: Llama, model: LlamaModel, context: LlamaContext) {
    this.#llama = llama;
    this.#model = model;
    this.#context = context;
  }

  static async load(options: { modelPath: string; threads: number; contextSize: number }): Promise<RawLlama> {
    const llama = await getLlama({ gpu: false });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const context = await model.createContext({ contextSize: options.contextSize, threads: options.threads, sequences: 1 });
    return new RawLlama(llama, model, context);
  }

  /** Greedy decoding of `tokens` tokens after `prompt`, on a cleared sequence. */
  async decode(prompt: string, tokens: number): Promise<DecodeMeasurement> {
    const sequence = this.#context.getSequence();
    try {
      const promptTokens = this.#model.tokenize(prompt, true);
      const started = performance.now();
      let firstAt = 0;
      let generated = 0;
      const evaluation = sequence.evaluate(promptTokens, { temperature: 0 });
      while (!(await evaluation.next()).done) {
        generated++;
        if (generated === 1) firstAt = performance.now();
        if (generated >= tokens) break;
      }
      const finishedAt = performance.now();
      return { timeToFirstTokenMs: firstAt - started, decodeTokensPerSecond: (generated - 1) / ((finishedAt - firstAt) / 1000) };
    } finally {
      sequence.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.#context.dispose();
    await this.#model.dispose();
    await this.#llama.dispose();
  }
}
