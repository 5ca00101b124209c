/**
 * What every check receives: the model (wrapped so that every raw output is
 * kept for the hygiene check), the abort signal and a progress callback.
 */
import { isNorthstationError } from '../../core/errors.ts';
import type { ChatModel } from '../../engine/chat-model.ts';

export interface ConformanceProgress {
  /** Check id, or `hash` while the model file is hashed. */
  check: string;
  done: number;
  total: number;
}

export interface RawOutput {
  check: string;
  /** Exactly what the backend returned, before any cleaning. */
  text: string;
}

export interface CheckContext {
  /** The model as `check` sees it: its outputs are recorded in `rawOutputs`. */
  modelFor(check: string): ChatModel;
  readonly rawOutputs: RawOutput[];
  readonly signal: AbortSignal | undefined;
  progress(check: string, done: number, total: number): void;
}

export function createCheckContext(
  model: ChatModel,
  options: { signal?: AbortSignal | undefined; onProgress?: ((progress: ConformanceProgress) => void) | undefined },
): CheckContext {
  const rawOutputs: RawOutput[] = [];
  return {
    rawOutputs,
    signal: options.signal,
    progress: (check, done, total) => options.onProgress?.({ check, done, total }),
    modelFor: (check) => ({
      info: model.info,
      capabilities: model.capabilities,
      generate: async (messages, generateOptions) => {
        try {
          const result = await model.generate(messages, { ...generateOptions, signal: generateOptions?.signal ?? options.signal });
          rawOutputs.push({ check, text: result.text });
          return result;
        } catch (error) {
          // A backend refuses schema-invalid output with the raw text attached: that text was produced too.
          if (isNorthstationError(error, 'schema_violation') && typeof error.details.rawText === 'string') rawOutputs.push({ check, text: error.details.rawText });
          throw error;
        }
      },
      dispose: () => Promise.resolve(), // the caller owns the model
    }),
  };
}

/** The start of a model output for a report: enough to see what went wrong, short enough to read. */
export function excerpt(text: string, length = 160): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
