/**
 * Which exact model a report is about, and the machine it ran on. For a GGUF
 * file that is its SHA-256: taken from the model registry when the file is
 * registered and unchanged since, else computed (gigabytes: streamed, with
 * progress). For site upstreams it is the model name and the servers' URLs:
 * Northstation cannot see their weights, which the report says by omission.
 */
import { cpus, totalmem } from 'node:os';
import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatModel } from '../../engine/chat-model.ts';
import { openModelRegistry, type RegisteredModel } from '../../engine/models/registry.ts';
import { sha256File } from '../../engine/models/sha256.ts';
import type { Hardware, ModelIdentity } from './report.ts';

export interface IdentityOptions {
  /** Data directory holding the model registry. Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
  /** Hashing progress for files the registry does not vouch for. Default: none. */
  onHashProgress?: (hashedBytes: number, totalBytes: number) => void;
  /** Default: none. */
  signal?: AbortSignal;
}

export async function modelIdentity(model: ChatModel, options: IdentityOptions = {}): Promise<ModelIdentity> {
  const { info } = model;
  const identity: ModelIdentity = { id: info.id, backend: info.backend, synthetic: info.synthetic };
  if (info.backend === 'openai') {
    const baseUrls = String(info.details.upstreams ?? '').split(' ').filter((url) => url !== '').sort();
    identity.upstream = { model: String(info.details.upstreamModel ?? info.id), baseUrls };
    return identity;
  }
  const path = resolve(String(info.details.path));
  identity.file = await fileIdentity(path, options);
  if (typeof info.details.lora === 'string') identity.lora = info.details.lora;
  // The image check passed for this projector; another one (or none) is another model.
  if (typeof info.details.projector === 'string') identity.projector = await fileIdentity(resolve(info.details.projector), options);
  return identity;
}

async function fileIdentity(path: string, options: IdentityOptions): Promise<NonNullable<ModelIdentity['file']>> {
  const stats = await stat(path, { bigint: true });
  const size = Number(stats.size);
  const registry = openModelRegistry(options.home === undefined ? {} : { home: options.home });
  const registered = (await registry.list()).find((entry) => entry.path === path);
  if (registered && registryHashHolds(registered, stats)) {
    return { path, sizeBytes: size, sha256: registered.sha256, sha256Source: 'registry' };
  }
  const sha256 = await sha256File(path, {
    ...(options.onHashProgress ? { onProgress: options.onHashProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { path, sizeBytes: size, sha256, sha256Source: 'computed' };
}

/**
 * The registry's hash holds only while the file is the one it hashed: same device and inode
 * (not another file renamed onto the path), same size, and neither modified nor changed since
 * registration. ctime matters because `utimes` can set mtime back after a write but not ctime,
 * which the kernel sets on every write, chmod or rename. A record without device and inode
 * (written before they were recorded) is never trusted: the file is hashed. Someone who can set
 * the system clock back, or write the block device, is not stopped by this; hashing always is
 * the complete check, which a site can force by removing the registry entry.
 */
function registryHashHolds(registered: RegisteredModel, stats: BigIntStats): boolean {
  if (registered.device === undefined || registered.inode === undefined) return false;
  if (registered.device !== String(stats.dev) || registered.inode !== String(stats.ino)) return false;
  if (BigInt(registered.sizeBytes) !== stats.size) return false;
  const addedAtMs = Date.parse(registered.addedAt);
  if (!Number.isFinite(addedAtMs)) return false;
  const addedAtNs = BigInt(addedAtMs) * 1_000_000n;
  return stats.mtimeNs <= addedAtNs && stats.ctimeNs <= addedAtNs;
}

/** What makes two identities "the same model" for finding its report: never the hash, so a changed file is noticed. */
export function identityKey(identity: ModelIdentity): string {
  if (identity.upstream) return `openai:${identity.upstream.model}@${identity.upstream.baseUrls.join(',')}`;
  const projector = identity.projector === undefined ? '' : `+mmproj:${identity.projector.path}`;
  return `llama:${identity.file?.path ?? identity.id}${identity.lora === undefined ? '' : `+lora:${identity.lora}`}${projector}`;
}

/** "node-llama-cpp 3.21.1 / llama.cpp b1234", or the upstream kind. */
export function engineOf(model: ChatModel): string {
  const { details } = model.info;
  if (model.info.backend === 'openai') return 'openai-compatible upstream (engine not visible)';
  return `${String(details.engine ?? 'unknown engine')} / llama.cpp ${String(details.llamaCpp ?? 'unknown')}`;
}

export function currentHardware(model: ChatModel): Hardware {
  const processors = cpus();
  const gpu = model.info.backend === 'openai' ? 'remote' : model.info.details.gpu;
  return {
    platform: process.platform,
    arch: process.arch,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    totalMemoryBytes: totalmem(),
    gpu: typeof gpu === 'string' && gpu !== '' ? gpu : 'none',
  };
}
