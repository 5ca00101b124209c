/**
 * How many threads llama.cpp should use on the CPU. Matrix work saturates a
 * physical core, so hyper-threads add contention rather than speed, and
 * node-llama-cpp's own default (at least 4) oversubscribes small machines: on
 * a 2-core host that measured 15–30× slower than 2 threads.
 */
import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** Where one logical CPU sits: its package (socket) and core within that package. */
export interface CpuTopology {
  packageId: number;
  coreId: number;
}

/**
 * Physical cores among `cpus` (distinct package/core pairs), capped at the
 * logical CPUs this process may run on (`usableCpus`, which reflects affinity
 * masks). Returns `usableCpus` when the topology is unknown.
 */
export function countPhysicalCores(cpus: readonly CpuTopology[], usableCpus: number): number {
  const usable = Math.max(1, Math.floor(usableCpus));
  if (cpus.length === 0) return usable;
  const cores = new Set(cpus.map((cpu) => `${cpu.packageId}:${cpu.coreId}`));
  return Math.max(1, Math.min(cores.size, usable));
}

const sysCpuDirectory = '/sys/devices/system/cpu';

/** Reads the topology of the online CPUs from Linux sysfs; empty where sysfs is absent (macOS, Windows). */
export async function readCpuTopology(root: string = sysCpuDirectory): Promise<CpuTopology[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const cpuNames = names.filter((name) => /^cpu\d+$/.test(name));
  const topologies = await Promise.all(cpuNames.map((name) => readOneCpu(join(root, name))));
  return topologies.filter((topology) => topology !== undefined);
}

async function readOneCpu(directory: string): Promise<CpuTopology | undefined> {
  // An offline CPU has no topology files (and cpu0 often has no `online` file at all).
  const online = await readNumber(join(directory, 'online'));
  if (online === 0) return undefined;
  const coreId = await readNumber(join(directory, 'topology', 'core_id'));
  const packageId = await readNumber(join(directory, 'topology', 'physical_package_id'));
  if (coreId === undefined) return undefined;
  return { coreId, packageId: packageId ?? 0 };
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const value = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Physical cores this process can use; falls back to `os.availableParallelism()` where topology is unknown. */
export async function detectPhysicalCores(): Promise<number> {
  return countPhysicalCores(await readCpuTopology(), availableParallelism());
}
