/**
 * Does an estimate fit? Against this machine's RAM or a named class of GPU or
 * laptop. Memory classes are the sizes vendors sell (GiB); the reserve is what
 * the runtime itself takes before the model gets any.
 */
import { totalmem } from 'node:os';
import { badRequest } from '../../core/errors.ts';
import type { MemoryEstimate } from './sizing.ts';

const gib = 1024 ** 3;

export interface HardwareClass {
  description: string;
  kind: 'gpu' | 'ram';
  memoryBytes: number;
}

// VRAM per card as sold (NVIDIA data sheets); laptops by installed RAM.
export const hardwareClasses = {
  'rtx-3090': { description: 'NVIDIA RTX 3090, 24 GiB', kind: 'gpu', memoryBytes: 24 * gib },
  'rtx-4090': { description: 'NVIDIA RTX 4090, 24 GiB', kind: 'gpu', memoryBytes: 24 * gib },
  'rtx-5090': { description: 'NVIDIA RTX 5090, 32 GiB', kind: 'gpu', memoryBytes: 32 * gib },
  'rtx-6000-ada': { description: 'NVIDIA RTX 6000 Ada, 48 GiB', kind: 'gpu', memoryBytes: 48 * gib },
  l4: { description: 'NVIDIA L4, 24 GiB', kind: 'gpu', memoryBytes: 24 * gib },
  a10: { description: 'NVIDIA A10, 24 GiB', kind: 'gpu', memoryBytes: 24 * gib },
  l40s: { description: 'NVIDIA L40S, 48 GiB', kind: 'gpu', memoryBytes: 48 * gib },
  'a100-40': { description: 'NVIDIA A100 40 GB', kind: 'gpu', memoryBytes: 40 * gib },
  'a100-80': { description: 'NVIDIA A100 80 GB', kind: 'gpu', memoryBytes: 80 * gib },
  'h100-80': { description: 'NVIDIA H100 80 GB', kind: 'gpu', memoryBytes: 80 * gib },
  h200: { description: 'NVIDIA H200, 141 GB', kind: 'gpu', memoryBytes: 141 * gib },
  'laptop-8': { description: 'laptop with 8 GiB RAM, CPU only', kind: 'ram', memoryBytes: 8 * gib },
  'laptop-16': { description: 'laptop with 16 GiB RAM, CPU only', kind: 'ram', memoryBytes: 16 * gib },
  'laptop-32': { description: 'laptop with 32 GiB RAM, CPU only', kind: 'ram', memoryBytes: 32 * gib },
} as const satisfies Record<string, HardwareClass>;

export type HardwareClassName = keyof typeof hardwareClasses;

export const hardwareClassNames = Object.keys(hardwareClasses) as HardwareClassName[];

export function findHardwareClass(name: string): HardwareClass & { name: HardwareClassName } {
  const lower = name.toLowerCase();
  if (!Object.hasOwn(hardwareClasses, lower)) {
    throw badRequest(`unknown hardware class "${name}"; known: ${hardwareClassNames.join(', ')}`, { name, known: hardwareClassNames });
  }
  const key = lower as HardwareClassName;
  return { name: key, ...hardwareClasses[key] };
}

export interface FitOptions {
  /** Share of the memory kept free for fragmentation and estimate error. Default: 0.1. */
  headroomFraction?: number;
  /**
   * Memory the runtime takes first. Default: 0.5 GiB on a GPU (CUDA context and
   * cuBLAS workspace), 2 GiB of RAM (operating system, Node, the web UI).
   */
  reserveBytes?: number;
}

export const defaultFitOptions = { headroomFraction: 0.1, gpuReserveBytes: 0.5 * gib, ramReserveBytes: 2 * gib } as const;

export interface FitResult {
  fits: boolean;
  target: string;
  /** Memory the target has. */
  capacityBytes: number;
  /** Capacity minus headroom and reserve: what the model may use. */
  usableBytes: number;
  requiredBytes: number;
  /** This machine only: whether it also fits in the memory available right now. */
  fitsFreeNow?: boolean;
  freeBytes?: number;
}

/** Whether `estimate` fits a named hardware class, or this machine's RAM when `target` is `this-machine`. */
export function fitsOn(estimate: MemoryEstimate, target: HardwareClassName | 'this-machine', options: FitOptions = {}): FitResult {
  const headroom = options.headroomFraction ?? defaultFitOptions.headroomFraction;
  if (target === 'this-machine') {
    const capacityBytes = totalmem();
    const reserve = options.reserveBytes ?? defaultFitOptions.ramReserveBytes;
    const usableBytes = Math.max(0, capacityBytes * (1 - headroom) - reserve);
    // Cgroup-aware and counts reclaimable cache, unlike os.freemem().
    const freeBytes = process.availableMemory();
    return {
      fits: estimate.totalBytes <= usableBytes,
      target: `this machine (${(capacityBytes / gib).toFixed(1)} GiB RAM, CPU only)`,
      capacityBytes,
      usableBytes,
      requiredBytes: estimate.totalBytes,
      fitsFreeNow: estimate.totalBytes <= freeBytes * (1 - headroom),
      freeBytes,
    };
  }
  const hardware = findHardwareClass(target);
  const reserve = options.reserveBytes ?? (hardware.kind === 'gpu' ? defaultFitOptions.gpuReserveBytes : defaultFitOptions.ramReserveBytes);
  const usableBytes = Math.max(0, hardware.memoryBytes * (1 - headroom) - reserve);
  return {
    fits: estimate.totalBytes <= usableBytes,
    target: `${hardware.name} (${hardware.description})`,
    capacityBytes: hardware.memoryBytes,
    usableBytes,
    requiredBytes: estimate.totalBytes,
  };
}
