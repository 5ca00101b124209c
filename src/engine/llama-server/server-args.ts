/**
 * The command line and environment a supervised llama-server starts with.
 * Pure, so the choices are tested without a binary.
 *
 * The API key travels in the environment (LLAMA_API_KEY), not on the command
 * line: any local user can read another process's argv (`ps`), while
 * /proc/PID/environ is readable only by its owner.
 */

export interface ServerLaunch {
  /** GGUF model file (`-m`). */
  model: string;
  /** Vision projector GGUF (`--mmproj`); without it the server is text-only. */
  projector?: string;
  port: number;
  threads: number;
  contextSize: number;
  /** Concurrent sequences (`--parallel`); the context is split among them. */
  parallel: number;
  /** Model name `/v1/models` reports (`--alias`). */
  alias: string;
  /** Long options the binary's `--help` lists; optional hardening flags are added only when present. */
  supported: ReadonlySet<string>;
}

/** Loopback only: the key keeps other local users out, the address keeps the network out. */
export const serverHost = '127.0.0.1';

export function buildServerArgs(launch: ServerLaunch): string[] {
  const args = [
    '--host', serverHost,
    '--port', String(launch.port),
    '-m', launch.model,
    '--alias', launch.alias,
    '--threads', String(launch.threads),
    '--ctx-size', String(launch.contextSize),
    '--parallel', String(launch.parallel),
  ];
  if (launch.projector !== undefined) args.push('--mmproj', launch.projector);
  // Each optional flag narrows what the server exposes or does.
  const optional: [flag: string, extra: string[]][] = [
    ['--no-webui', []], // no browser UI on a clinical inference port
    ['--no-slots', []], // /slots shows each slot's prompt text
    ['--offline', []], // never reach the network for models
    ['--log-colors', ['off']], // plain lines for the log filter
    // Gemma 3 is sliding-window: without the full cache, llama-server can only resume from a
    // context checkpoint, so a second question about the same image re-encodes the image and
    // re-evaluates the whole prompt (measured: 1 of 50 prompt tokens reused, 32 with the flag).
    // Costs the full context's KV for the sliding-window layers too.
    ['--swa-full', []],
  ];
  for (const [flag, extra] of optional) if (launch.supported.has(flag)) args.push(flag, ...extra);
  return args;
}

/**
 * The parent's environment without any LLAMA_* variable (llama.cpp reads
 * LLAMA_ARG_HOST, LLAMA_ARG_ENDPOINT_SLOTS and friends, which could undo the
 * choices above), plus the key.
 */
export function buildServerEnv(apiKey: string, parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (!name.startsWith('LLAMA_')) env[name] = value;
  }
  env.LLAMA_API_KEY = apiKey;
  return env;
}
