/**
 * Loading, in the order that keeps llama.cpp from ever seeing a bad input:
 * options → model file → LoRA files → memory check → llama.cpp model →
 * context (with the adapters). Each step that acquired something gives it
 * back when a later step fails.
 */
import {
  InsufficientMemoryError,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { NorthstationError } from '../../core/errors.ts';
import { describeQuantisation, type GgufFile } from '../gguf/reader.ts';
import { syntheticKey } from '../synthetic/metadata.ts';
import { resolveModelChatWrapper } from './chat-prompt.ts';
import { acquireLlamaRuntime, type RuntimeLease } from './llama-runtime.ts';
import { defaultLlamaChatModelOptions, resolveLlamaOptions, type LlamaChatModelOptions, type ResolvedLlamaOptions } from './llama-options.ts';
import { assertFitsInMemory, estimateLoadMemory, systemAvailableMemory } from './memory-check.ts';
import { inspectLoraFile, inspectModelFile } from './model-file-check.ts';
import { detectPhysicalCores } from './physical-cores.ts';

export interface LlamaSettings extends ResolvedLlamaOptions {
  contextSize: number;
  threads: number;
}

export interface LlamaResources {
  runtime: RuntimeLease;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  settings: LlamaSettings;
  file: { architecture: string; quantisation: string; synthetic: boolean };
}

export async function loadLlamaResources(options: LlamaChatModelOptions): Promise<LlamaResources> {
  const started = performance.now();
  const resolved = resolveLlamaOptions(options);
  const file = await inspectModelFile(resolved.modelPath);
  for (const adapter of resolved.lora) await inspectLoraFile(adapter.path, file);
  const settings: LlamaSettings = {
    ...resolved,
    contextSize: resolved.contextSize ?? defaultContextSize(file),
    threads: resolved.threads ?? (await detectPhysicalCores()),
  };

  const runtime = await acquireLlamaRuntime(settings.gpu, settings.logger);
  try {
    const { llama } = runtime;
    const availableMemory =
      settings.availableMemory ?? systemAvailableMemory(llama.gpu === false ? undefined : async () => (await llama.getVramState()).free);
    const estimate = estimateLoadMemory({
      file,
      contextSize: settings.contextSize,
      sequences: settings.sequences,
      batchSize: settings.batchSize,
      swaFullCache: settings.swaFullCache,
    });
    assertFitsInMemory(estimate, await availableMemory(), resolved.modelPath);

    const model = await loadModel(llama, settings);
    try {
      const context = await createContext(model, settings);
      const resources: LlamaResources = {
        runtime,
        llama,
        model,
        context,
        chatWrapper: resolveModelChatWrapper(model),
        settings,
        file: {
          architecture: file.architecture,
          quantisation: describeQuantisation(file),
          synthetic: file.metadata[syntheticKey] === true,
        },
      };
      settings.logger.info('llama_model_loaded', {
        model: settings.id,
        architecture: file.architecture,
        contextSize: context.contextSize,
        sequences: context.totalSequences,
        threads: context.idealThreads,
        gpu: llama.gpu,
        gpuLayers: model.gpuLayers,
        loraAdapters: settings.lora.length,
        estimatedBytes: estimate.totalBytes,
        loadMs: Math.round(performance.now() - started),
      });
      return resources;
    } catch (error) {
      await model.dispose();
      throw error;
    }
  } catch (error) {
    await runtime.release();
    throw error;
  }
}

/** The default context size, or the model's training context when that is smaller (more would only degrade output). */
function defaultContextSize(file: GgufFile): number {
  const trained = file.metadata[`${file.architecture}.context_length`];
  const fallback = defaultLlamaChatModelOptions.contextSize;
  return typeof trained === 'number' && trained > 0 ? Math.min(fallback, trained) : fallback;
}

async function loadModel(llama: Llama, settings: LlamaSettings): Promise<LlamaModel> {
  try {
    return await llama.loadModel({
      modelPath: settings.modelPath,
      // Leave VRAM for the KV cache of every sequence, not just one, when choosing how many layers to offload.
      gpuLayers: llama.gpu === false ? 0 : { fitContext: { contextSize: settings.contextSize * settings.sequences } },
    });
  } catch (error) {
    throw llamaCppRefused(error, `llama.cpp could not load ${settings.modelPath}`);
  }
}

async function createContext(model: LlamaModel, settings: LlamaSettings): Promise<LlamaContext> {
  try {
    return await model.createContext({
      contextSize: settings.contextSize,
      sequences: settings.sequences,
      threads: settings.threads,
      batchSize: settings.batchSize,
      swaFullCache: settings.swaFullCache,
      // An exact size or an error: a silently smaller context would fail requests later.
      failedCreationRemedy: false,
      ...(settings.lora.length > 0
        ? { lora: { adapters: settings.lora.map((adapter) => ({ filePath: adapter.path, scale: adapter.scale })) } }
        : {}),
    });
  } catch (error) {
    throw llamaCppRefused(error, `llama.cpp could not create a context for ${settings.modelPath}`);
  }
}

function llamaCppRefused(error: unknown, what: string): NorthstationError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InsufficientMemoryError) {
    return new NorthstationError('model_too_large', `${what}: ${message}`, {}, { cause: error });
  }
  return new NorthstationError('model_invalid', `${what}: ${message}`, {}, { cause: error });
}
