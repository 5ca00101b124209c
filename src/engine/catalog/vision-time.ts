/**
 * Seconds per image for the vision tower: the encode's FLOPs (vision-cost.ts)
 * over a sustained throughput. A CPU's throughput comes from one measurement
 * here; a GPU's from its published FP16 tensor peak times an efficiency that
 * is assumed, not measured. Both are planning figures, not promises.
 */
import type { HardwareClassName } from './hardware.ts';
import { visionFlopsPerImage, type ProjectorShape } from './vision-cost.ts';
import { gemma3VisionTower } from './vision-tower.ts';

/**
 * The measurement the CPU figure rests on: a native llama.cpp build encoding
 * one 896×896 image with the F16 MedGemma 4B projector took 5.7 min on the
 * 2-core development machine (AMD EPYC, 2 threads), about 11.5 s per layer.
 */
export const cpuMeasurement = { seconds: 5.7 * 60, physicalCores: 2, weightType: 'F16', tower: gemma3VisionTower(2560) } as const;

/**
 * Sustained GFLOP/s per physical core on that machine: the measured tower's
 * FLOPs over the measured time, split evenly between the two cores. Always
 * the measured (MedGemma 4B) tower: another shape's time then follows from
 * its own FLOPs at this throughput.
 */
export function cpuGflopsPerCore(): number {
  return visionFlopsPerImage(cpuMeasurement.tower).total / cpuMeasurement.seconds / cpuMeasurement.physicalCores / 1e9;
}

/**
 * Seconds per image on `physicalCores` cores of the same class as the measured
 * one. Assumes linear scaling with physical cores (the encode is large,
 * compute-bound matrix work; hyper-threads add nothing) and the same vector
 * units (AVX2-class x86): a faster or AVX-512 core will beat it, a laptop core
 * under thermal limits may not reach it.
 */
export function cpuSecondsPerImage(shape: ProjectorShape, physicalCores: number): number {
  return visionFlopsPerImage(shape).total / (cpuGflopsPerCore() * 1e9 * Math.max(1, physicalCores));
}

/**
 * Dense FP16 tensor-core peak, TFLOP/s (no structured sparsity: half the
 * "with sparsity" figure where a data sheet gives only that). GeForce cards
 * use the FP16-accumulate rate, which cuBLAS runs for llama.cpp's F16 matmuls.
 * Sources: NVIDIA data sheets (L4, A10, L40S, RTX 6000 Ada, A100, H100, H200)
 * and architecture whitepapers (GA102, AD102, GB202). H100 and H200 are the
 * SXM figures; an H100 PCIe is about 756.
 */
export const gpuFp16Tflops = {
  'rtx-3090': 142,
  'rtx-4090': 330,
  'rtx-5090': 419,
  'rtx-6000-ada': 364,
  l4: 121,
  a10: 125,
  l40s: 362,
  'a100-40': 312,
  'a100-80': 312,
  'h100-80': 989,
  h200: 989,
} as const satisfies Partial<Record<HardwareClassName, number>>;

export type GpuClassName = keyof typeof gpuFp16Tflops;

export const gpuClassNames = Object.keys(gpuFp16Tflops) as GpuClassName[];

/**
 * Share of the peak a vision encode sustains on a GPU. An assumption: the big
 * matmuls (4096 tokens) run near cuBLAS's usual 50–70 %, but attention with a
 * 72-wide head, the f32 elementwise ops and kernel launches pull the average
 * down. To be replaced by a measurement.
 */
export const gpuEfficiency = 0.3;

export function gpuSecondsPerImage(shape: ProjectorShape, gpu: GpuClassName): number {
  return visionFlopsPerImage(shape).total / (gpuFp16Tflops[gpu] * 1e12 * gpuEfficiency);
}

export function isGpuClass(name: string): name is GpuClassName {
  return Object.hasOwn(gpuFp16Tflops, name);
}
