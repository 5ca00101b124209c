/**
 * The display step of preprocessing: modality values → display values in
 * [0, 255] (floats; rounding happens once, after resizing). Which mapping a
 * frame gets is decided here and returned as a record, so the draft's
 * provenance says exactly what the model was shown.
 */
import { NorthstationError } from '../core/errors.ts';
import type { ModalityImage, VoiLut, VoiWindow } from './image.ts';

/**
 * MedGemma's CT recipe (REFERENCE.md §7: "three Hounsfield windows mapped to
 * the R, G and B channels"; §7 gives no values). The values are those of
 * Google Health's MedGemma CT notebook (google-health/medgemma,
 * notebooks/high_dimensional_ct_hugging_face.ipynb: window_clips
 * [(-1024, 1024), (-135, 215), (0, 80)], "wide, mediastinum (chest), brain"),
 * read there as clip-then-scale bounds. **verify**: checked only through
 * third-party copies of that notebook, not the notebook itself.
 */
export const medGemmaCtWindows = [
  { channel: 'R', name: 'wide', lower: -1024, upper: 1024 },
  { channel: 'G', name: 'mediastinum / soft tissue', lower: -135, upper: 215 },
  { channel: 'B', name: 'brain', lower: 0, upper: 80 },
] as const;

export const ctWindowSource = 'google-health/medgemma notebooks/high_dimensional_ct_hugging_face.ipynb (window_clips)';

export type DisplayMapping =
  | {
      kind: 'window';
      /** header: the first valid header window; min-max: the frame's own range, as a DICOM viewer does without one. */
      from: 'header' | 'min-max';
      center: number;
      width: number;
      explanation?: string;
      /** The frame's range, for min-max. */
      min?: number;
      max?: number;
      /** DICOM PS3.3 C.11.2.1.2.1 (linear VOI function). */
      function: 'dicom-linear';
    }
  | { kind: 'voi-lut'; firstMapped: number; entries: number; bitsPerEntry: number }
  | { kind: 'ct-windows'; windows: typeof medGemmaCtWindows; source: string }
  | { kind: 'rgb'; bitsStored: number };

/** What the display step did to one frame. */
export interface DisplayRecord {
  mapping: DisplayMapping;
  /** MONOCHROME1: displayed as 255 − value after the VOI step. */
  inverted: boolean;
  /** Display channels per pixel: 1 (greyscale, copied to R, G and B at the end) or 3. */
  channels: 1 | 3;
}

/** Fills `out` (columns × channels values) with row `y`'s display values. */
export type RowReader = (y: number, out: Float32Array) => void;

export interface Display {
  record: DisplayRecord;
  readRow: RowReader;
}

/** DICOM's linear VOI function to [0, 255] (PS3.3 C.11.2.1.2.1); the DICOM formula, so header windows mean what a viewer shows. */
export function dicomWindow(x: number, center: number, width: number): number {
  const c = center - 0.5;
  const w = width - 1;
  if (x <= c - w / 2) return 0;
  if (x > c + w / 2) return 255;
  return ((x - c) / w + 0.5) * 255;
}

/** Clip to [lower, upper] then scale to [0, 255], as the MedGemma CT notebook windows. */
export function clipWindow(x: number, lower: number, upper: number): number {
  if (x <= lower) return 0;
  if (x >= upper) return 255;
  return ((x - lower) / (upper - lower)) * 255;
}

export function voiLutValue(x: number, lut: VoiLut): number {
  const index = Math.min(lut.data.length - 1, Math.max(0, Math.round(x) - lut.firstMapped));
  const maxOut = 2 ** lut.bitsPerEntry - 1;
  return Math.min(255, ((lut.data[index] ?? 0) / maxOut) * 255);
}

/** The display mapping for a frame: CT → three HU windows; RGB → kept; other greyscale → header window, VOI LUT, else min/max. */
export function displayFor(image: ModalityImage, frame: Float32Array): Display {
  const { columns } = image;
  if (image.samplesPerPixel === 3) {
    const scale = 255 / (2 ** image.bitsStored - 1);
    return {
      record: { mapping: { kind: 'rgb', bitsStored: image.bitsStored }, inverted: false, channels: 3 },
      readRow: (y, out) => {
        const base = y * columns * 3;
        for (let i = 0; i < columns * 3; i++) out[i] = clamp255((frame[base + i] ?? 0) * scale);
      },
    };
  }
  if (image.modality === 'CT') {
    // HU windows map higher density to brighter in every channel: MONOCHROME1 does not apply to this recipe.
    const [r, g, b] = medGemmaCtWindows;
    return {
      record: { mapping: { kind: 'ct-windows', windows: medGemmaCtWindows, source: ctWindowSource }, inverted: false, channels: 3 },
      readRow: (y, out) => {
        const base = y * columns;
        for (let x = 0; x < columns; x++) {
          const hu = frame[base + x] ?? 0;
          out[x * 3] = clipWindow(hu, r.lower, r.upper);
          out[x * 3 + 1] = clipWindow(hu, g.lower, g.upper);
          out[x * 3 + 2] = clipWindow(hu, b.lower, b.upper);
        }
      },
    };
  }
  const inverted = image.photometric === 'MONOCHROME1';
  const { mapping, value } = greyMapping(image, frame);
  return {
    record: { mapping, inverted, channels: 1 },
    readRow: (y, out) => {
      const base = y * columns;
      for (let x = 0; x < columns; x++) {
        const shown = value(frame[base + x] ?? 0);
        out[x] = inverted ? 255 - shown : shown;
      }
    },
  };
}

function greyMapping(image: ModalityImage, frame: Float32Array): { mapping: DisplayMapping; value: (x: number) => number } {
  // A header window wider than one value is valid (PS3.3 requires width ≥ 1); a broken one falls through to the next choice.
  const window = image.windows.find(isValidWindow);
  if (window !== undefined) {
    const { center, width } = window;
    return {
      mapping: { kind: 'window', from: 'header', center, width, ...(window.explanation === undefined ? {} : { explanation: window.explanation }), function: 'dicom-linear' },
      value: (x) => dicomWindow(x, center, width),
    };
  }
  const lut = image.voiLut;
  if (lut !== undefined && lut.data.length > 0 && lut.bitsPerEntry >= 1 && lut.bitsPerEntry <= 16) {
    return { mapping: { kind: 'voi-lut', firstMapped: lut.firstMapped, entries: lut.data.length, bitsPerEntry: lut.bitsPerEntry }, value: (x) => voiLutValue(x, lut) };
  }
  const { min, max } = rangeOf(frame);
  // Centre and width chosen so the DICOM formula maps min → 0 and max → 255 exactly.
  const center = (min + max + 1) / 2;
  const width = max - min + 1;
  return { mapping: { kind: 'window', from: 'min-max', center, width, min, max, function: 'dicom-linear' }, value: (x) => dicomWindow(x, center, width) };
}

function isValidWindow(window: VoiWindow): boolean {
  return Number.isFinite(window.center) && Number.isFinite(window.width) && window.width >= 1;
}

function rangeOf(frame: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of frame) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new NorthstationError('bad_request', 'the image has no finite pixel values');
  return { min, max };
}

function clamp255(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : value;
}
