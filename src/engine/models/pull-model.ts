/**
 * `models pull hf:OWNER/REPO:QUANT`: find the GGUF for a quantisation in a
 * Hugging Face repository, download it with resume and SHA-256 verification,
 * vet it as a GGUF and register it. Files land under
 * <home>/models/hf/<owner>/<repo>/.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataHome } from '../../core/data-home.ts';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import { parseHfSpec, pickHubFile } from './hf-spec.ts';
import { createHubClient } from './hub-client.ts';
import { defaultModelId, registerModelFile } from './register-model-file.ts';
import { openModelRegistry, type RegisteredModel } from './registry.ts';
import { downloadVerified, type DownloadEvent } from './resumable-download.ts';
import { sha256File } from './sha256.ts';

export type PullEvent =
  | { type: 'contacting'; host: string; origin: string }
  | { type: 'resolved'; repo: string; file: string; sizeBytes: number | undefined; sha256: string | undefined; destination: string }
  | { type: 'already-downloaded'; path: string }
  | { type: 'hashing'; hashedBytes: number; totalBytes: number }
  | DownloadEvent;

export interface PullModelOptions {
  /** `hf:OWNER/REPO:QUANT`. */
  spec: string;
  /** Exact file in the repository, instead of matching the quant tag. Default: match. */
  file?: string;
  /** Hub base URL. Default: NORTHSTATION_HF_HUB or https://huggingface.co. */
  hub?: string;
  /** Default: HF_TOKEN. */
  token?: string;
  /** Registry id. Default: the file name without `.gguf`, lower-cased. */
  id?: string;
  /** Data directory. Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
  /** Default: none. */
  onEvent?: (event: PullEvent) => void;
  /** Download attempts, each resuming the last. Default: 5. */
  maxAttempts?: number;
  /** Default: 1000. */
  retryDelayMs?: number;
  /** Default: none. */
  signal?: AbortSignal;
}

export async function pullModel(options: PullModelOptions): Promise<RegisteredModel> {
  const spec = parseHfSpec(options.spec);
  const repo = `${spec.owner}/${spec.repo}`;
  const home = options.home ?? dataHome();
  const emit = options.onEvent ?? (() => undefined);
  const client = createHubClient({
    ...(options.hub !== undefined ? { hub: options.hub } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    onContact: (host, origin) => emit({ type: 'contacting', host, origin }),
  });
  const files = await client.listFiles(spec.owner, spec.repo, options.signal);
  const picked = pickHubFile(files, spec, options.file);
  const destination = join(home, 'models', 'hf', spec.owner, spec.repo, ...safeSegments(picked.path));
  emit({ type: 'resolved', repo, file: picked.path, sizeBytes: picked.sizeBytes, sha256: picked.sha256, destination });

  const id = options.id ?? defaultModelId(destination);
  await refuseTakenId(home, id, destination);

  const source = { kind: 'huggingface', hub: client.hubUrl.origin, repo, file: picked.path } as const;
  const register = (sha256: string): Promise<RegisteredModel> =>
    registerModelFile({
      path: destination,
      home,
      knownSha256: sha256,
      source,
      id,
    });

  if (await isFile(destination)) {
    emit({ type: 'already-downloaded', path: destination });
    const registered = (await openModelRegistry({ home }).list()).find((m) => m.path === destination);
    if (registered && (picked.sha256 === undefined || registered.sha256 === picked.sha256)) return registered;
    const sha256 = await sha256File(destination, { onProgress: (hashedBytes, totalBytes) => emit({ type: 'hashing', hashedBytes, totalBytes }) });
    if (picked.sha256 !== undefined && sha256 !== picked.sha256) {
      throw new NorthstationError('conflict', `${destination} exists but differs from ${repo}/${picked.path} (sha256 ${sha256}); delete it to download again`, {
        path: destination,
      });
    }
    return register(sha256);
  }

  const sha256 = await downloadVerified({
    client,
    url: client.fileUrl(spec.owner, spec.repo, picked.path),
    destination,
    onEvent: emit,
    ...(picked.sha256 !== undefined ? { expectedSha256: picked.sha256 } : {}),
    ...(picked.sizeBytes !== undefined ? { expectedBytes: picked.sizeBytes } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    return await register(sha256);
  } catch (error) {
    // The bytes are what the hub published but not a model Northstation can run: do not leave them looking usable.
    if (isNorthstationError(error, 'model_invalid')) {
      await rm(destination, { force: true });
      throw new NorthstationError('model_invalid', `${error.message} (the downloaded file was deleted)`, error.details, { cause: error });
    }
    throw error;
  }
}

/** A clash found after a multi-GB download would waste it: check the id first. */
async function refuseTakenId(home: string, id: string, destination: string): Promise<void> {
  const existing = await openModelRegistry({ home }).find(id);
  if (existing && existing.path !== destination) {
    throw new NorthstationError('conflict', `model id "${id}" is already registered for ${existing.path}; choose another with --id`, {
      id,
      path: existing.path,
    });
  }
}

/** Path segments of a repository file, refusing anything that could climb out of the download directory. */
function safeSegments(path: string): string[] {
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || !/^[A-Za-z0-9._-]+$/.test(segment)) {
      throw new NorthstationError('upstream_error', `the hub listed an unsafe file path "${path}"`, { path });
    }
  }
  return segments;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}
