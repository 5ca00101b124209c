/**
 * A model with a vision projector, served by a supervised llama-server
 * (node-llama-cpp 3.x cannot take images) and talked to through the
 * OpenAI-compatible backend, presented as a local llama.cpp model: its
 * identity is the GGUF file and the projector file, not the child's random
 * loopback port, so a conformance report and a draft's provenance name the
 * weights and the projector that produced them. Disposing it stops the child.
 */
import { basename, resolve } from 'node:path';
import { silentLogger, type Logger } from '../core/log.ts';
import type { ChatModel, ModelInfo } from '../engine/chat-model.ts';
import { describeQuantisation, readGguf } from '../engine/gguf/reader.ts';
import { createBuildReporter } from '../engine/llama-server/build-progress.ts';
import { buildLlamaServer, checkServerBinary, llamaServerOpenAiOptions, startLlamaServer } from '../engine/llama-server/index.ts';
import { sha256File } from '../engine/models/sha256.ts';
import { createOpenAiChatModel } from '../engine/openai/index.ts';
import { syntheticKey } from '../engine/synthetic/metadata.ts';

export interface LlamaServerModelOptions {
  /** GGUF model file. */
  model: string;
  /** Vision projector GGUF; without it the model is text only. */
  projector?: string | undefined;
  /** A site's own llama-server. Default: the `engine build` result, built first when missing. */
  binary?: string | undefined;
  /** Name clients use. Default: the model file's name without `.gguf`. */
  id?: string | undefined;
  /** Tokens per sequence. Default: 4096. */
  contextSize?: number | undefined;
  /** Requests decoded in parallel (llama-server slots). Default: 1. */
  sequences?: number | undefined;
  /** Default: physical cores. */
  threads?: number | undefined;
  /** Default: silent. */
  logger?: Logger;
  /** Build and hashing progress, one line each. Default: none. */
  progress?: (line: string) => void;
}

export async function openLlamaServerModel(options: LlamaServerModelOptions): Promise<ChatModel> {
  const progress = options.progress ?? (() => undefined);
  const modelPath = resolve(options.model);
  const projectorPath = options.projector === undefined ? undefined : resolve(options.projector);
  const { binary, gpu } = await serverBinary(options.binary, progress);
  const version = await checkServerBinary(binary);
  const modelFile = await readGguf(modelPath);
  const projectorFile = projectorPath === undefined ? undefined : await readGguf(projectorPath);
  // Hashed before the server starts: the projector is part of what a draft was made with.
  if (projectorPath !== undefined) progress(`sha256 of the projector ${basename(projectorPath)}…`);
  const projectorSha256 = projectorPath === undefined ? undefined : await sha256File(projectorPath);
  const sequences = options.sequences ?? 1;
  const perSequence = options.contextSize ?? 4096;
  const logger = options.logger ?? silentLogger;

  const server = await startLlamaServer({
    binary,
    model: modelPath,
    ...(projectorPath === undefined ? {} : { projector: projectorPath }),
    // llama-server splits its context among its slots; --context is per sequence, as in the embedded engine.
    contextSize: perSequence * sequences,
    parallel: sequences,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    logger,
  });
  let chat: ChatModel;
  try {
    chat = await createOpenAiChatModel(llamaServerOpenAiOptions(server, { contextSize: perSequence, logger, ...(options.id === undefined ? {} : { id: options.id }) }));
  } catch (error) {
    await server.close();
    throw error;
  }
  // Random weights on either side make every image answer meaningless.
  const synthetic = modelFile.metadata[syntheticKey] === true || projectorFile?.metadata[syntheticKey] === true;
  const info: ModelInfo = {
    id: options.id ?? server.alias,
    backend: 'llama',
    contextSize: perSequence,
    synthetic,
    details: {
      path: modelPath,
      architecture: modelFile.architecture,
      quantisation: describeQuantisation(modelFile),
      ...(projectorPath === undefined || projectorSha256 === undefined ? {} : { projector: projectorPath, projectorSha256 }),
      contextSize: perSequence,
      sequences,
      gpu,
      engine: `llama-server ${version.replace(/^version:\s*/, '')}`,
      llamaCpp: /commit ([0-9a-f]+)/.exec(version)?.[1] ?? 'unknown',
    },
  };
  return {
    info,
    capabilities: chat.capabilities,
    generate: (messages, generateOptions) => chat.generate(messages, generateOptions),
    health: () => chat.health?.() ?? { ready: server.state() === 'ready' },
    dispose: async () => {
      await chat.dispose();
      await server.close();
    },
  };
}

/** The GPU backend is what the hardware check compares; a site's own binary does not say which it has. */
async function serverBinary(given: string | undefined, progress: (line: string) => void): Promise<{ binary: string; gpu: string }> {
  if (given !== undefined) return { binary: resolve(given), gpu: 'unknown (site llama-server)' };
  const built = await buildLlamaServer({ onEvent: createBuildReporter(progress) });
  if (!built.cached) progress(`llama-server built in ${built.buildSeconds} s`);
  return { binary: built.binary, gpu: built.flags.cuda ? 'cuda' : 'none' };
}
