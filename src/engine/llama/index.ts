/** The embedded llama.cpp backend (node-llama-cpp): a GGUF model on this machine's CPU or GPU. */
export { loadLlamaChatModel, LlamaChatModel } from './llama-chat-model.ts';
export { defaultLlamaChatModelOptions, type LlamaChatModelOptions, type LoraAdapterOptions } from './llama-options.ts';
export type { AvailableMemory, AvailableMemorySource } from './memory-check.ts';
export type { GpuMode } from './llama-runtime.ts';
export { detectPhysicalCores } from './physical-cores.ts';
export { supportedArchitectures } from './model-file-check.ts';
