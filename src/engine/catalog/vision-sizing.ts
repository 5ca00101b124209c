/**
 * The vision tower's share of a sizing: memory for image input (projector
 * weights and the encode buffer) and time per image on this machine's CPU and
 * on each GPU class. `sizing` shows it for every multimodal catalog entry.
 */
import type { MemoryEstimate } from './sizing.ts';
import { projectorWeightBytes, visionEncodeBufferBytes, visionFlopsPerImage, type ProjectorShape, type VisionFlops } from './vision-cost.ts';
import { cpuGflopsPerCore, cpuMeasurement, cpuSecondsPerImage, gpuClassNames, gpuEfficiency, gpuFp16Tflops, gpuSecondsPerImage, type GpuClassName } from './vision-time.ts';

export interface GpuImageTime {
  gpu: GpuClassName;
  fp16Tflops: number;
  efficiency: number;
  secondsPerImage: number;
}

export interface VisionSizing {
  /** Projector weights as llama.cpp's converter writes them at each type. */
  projectorBytes: { F16: number; Q8_0: number };
  /** clip.cpp's compute buffer for one 896×896 encode (flash attention as for the text model). */
  encodeBufferBytes: number;
  /** Projector F16 + encode buffer: what image input adds to a text-only total. */
  imageInputBytes: number;
  /** The text-only total plus imageInputBytes. */
  totalWithImagesBytes: number;
  flopsPerImage: VisionFlops;
  cpu: { physicalCores: number; gflopsPerCore: number; secondsPerImage: number; assumption: string };
  gpus: GpuImageTime[];
}

export interface VisionSizingOptions {
  /** Physical cores of the CPU the encode would run on. */
  physicalCores: number;
  /** Default: true, as clip.cpp's auto setting picks on CPU and CUDA. */
  flashAttention?: boolean;
}

export function visionSizing(shape: ProjectorShape, estimate: MemoryEstimate, options: VisionSizingOptions): VisionSizing {
  const projectorBytes = { F16: projectorWeightBytes(shape, 'F16'), Q8_0: projectorWeightBytes(shape, 'Q8_0') };
  const encodeBufferBytes = visionEncodeBufferBytes(shape, { flashAttention: options.flashAttention ?? true });
  const imageInputBytes = projectorBytes.F16 + encodeBufferBytes;
  // With --vision the estimate already counts the projector; count it once.
  const textOnly = estimate.totalBytes - estimate.visionBytes;
  const { seconds, physicalCores: measuredCores, weightType } = cpuMeasurement;
  return {
    projectorBytes,
    encodeBufferBytes,
    imageInputBytes,
    totalWithImagesBytes: textOnly + imageInputBytes,
    flopsPerImage: visionFlopsPerImage(shape),
    cpu: {
      physicalCores: options.physicalCores,
      gflopsPerCore: cpuGflopsPerCore(),
      secondsPerImage: cpuSecondsPerImage(shape, options.physicalCores),
      assumption: `${weightType} projector, ${seconds} s per image measured on ${measuredCores} physical cores, scaled linearly by physical cores of the same class`,
    },
    gpus: gpuClassNames.map((gpu) => ({
      gpu,
      fp16Tflops: gpuFp16Tflops[gpu],
      efficiency: gpuEfficiency,
      secondsPerImage: gpuSecondsPerImage(shape, gpu),
    })),
  };
}
