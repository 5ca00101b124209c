/**
 * The llama.cpp binding, shared by the models loaded in this process and
 * released when the last of them is disposed. Binaries are the prebuilt ones
 * node-llama-cpp ships: nothing is downloaded or compiled at run time (sites
 * are often offline, and a silent build would take many minutes).
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import type { Logger } from '../../core/log.ts';

export type GpuMode = 'auto' | false;

interface SharedRuntime {
  llama: Promise<Llama>;
  users: number;
}

const runtimes = new Map<string, SharedRuntime>();
const logSinks = new Set<Logger>();

/** llama.cpp's warnings and errors go to every live model's logger. Messages are llama.cpp's own (no prompt text at these levels). */
function forwardLlamaCppLog(level: LlamaLogLevel, message: string): void {
  const text = message.trim().slice(0, 300);
  if (text === '') return;
  const isError = level === LlamaLogLevel.error || level === LlamaLogLevel.fatal;
  for (const sink of logSinks) {
    if (isError) sink.error('llama_cpp_log', { level, message: text });
    else sink.warn('llama_cpp_log', { level, message: text });
  }
}

export interface RuntimeLease {
  llama: Llama;
  /** Gives the runtime back; the last release disposes it. */
  release(): Promise<void>;
}

export async function acquireLlamaRuntime(gpu: GpuMode, logger: Logger): Promise<RuntimeLease> {
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (!runtime) {
    const created: SharedRuntime = {
      users: 0,
      llama: getLlama({
        gpu,
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        // Threads are set per context; no process-wide cap that would silently lower them.
        maxThreads: 0,
        logLevel: LlamaLogLevel.warn,
        logger: forwardLlamaCppLog,
      }),
    };
    created.llama.catch(() => runtimes.delete(key));
    runtimes.set(key, created);
    runtime = created;
  }
  runtime.users++;
  let llama: Llama;
  try {
    llama = await runtime.llama;
  } catch (error) {
    runtime.users--;
    throw error;
  }
  // A sink per lease: two models sharing one logger must not unregister each other.
  const sink = logger.child({});
  logSinks.add(sink);
  const shared = runtime;
  let released = false;
  return {
    llama,
    release: async () => {
      if (released) return;
      released = true;
      logSinks.delete(sink);
      shared.users--;
      if (shared.users > 0) return;
      runtimes.delete(key);
      await llama.dispose();
    },
  };
}
