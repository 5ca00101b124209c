/**
 * The image pixel module (PS3.3 C.7.6.3) and the presentation attributes the
 * contract carries, read and checked against the limits before any pixel
 * buffer is allocated. Enhanced multi-frame objects keep rescale, window and
 * spacing in functional groups (C.7.6.16): the per-frame group wins over the
 * shared one, which wins over nothing at the top level.
 */
import { NorthstationError, badRequest } from '../../core/errors.ts';
import type { VoiLut, VoiWindow } from '../image.ts';
import type { DecodeLimits } from './limits.ts';
import type { DicomDataset } from './parse.ts';
import { element, firstItem, numbers, tags, text, texts, uint16, uint16s } from './values.ts';

export type StoredPhotometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB' | 'YBR_FULL' | 'YBR_FULL_422' | 'YBR_RCT' | 'YBR_ICT';

export interface PixelHeader {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  photometric: StoredPhotometric;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  planar: boolean;
  frameCount: number;
}

const photometrics = new Set<string>(['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT']);

function required(ds: DicomDataset, tag: number, name: string): number {
  const value = uint16(ds, tag);
  if (value === undefined) throw badRequest(`DICOM image has no ${name}`);
  return value;
}

export function readPixelHeader(ds: DicomDataset, limits: DecodeLimits): PixelHeader {
  const rows = required(ds, tags.rows, 'Rows (0028,0010)');
  const columns = required(ds, tags.columns, 'Columns (0028,0011)');
  const bitsAllocated = required(ds, tags.bitsAllocated, 'Bits Allocated (0028,0100)');
  const bitsStored = uint16(ds, tags.bitsStored) ?? bitsAllocated;
  const samples = uint16(ds, tags.samplesPerPixel) ?? 1;
  const photometric = text(ds, tags.photometric) ?? (samples === 1 ? 'MONOCHROME2' : '');
  const frameCount = element(ds, tags.numberOfFrames) === undefined ? 1 : (numbers(ds, tags.numberOfFrames)[0] ?? Number.NaN);
  if (!Number.isInteger(frameCount) || frameCount < 1) throw badRequest(`Number of Frames ${frameCount} is invalid`);
  if (rows < 1 || columns < 1) throw badRequest(`image dimensions ${rows}×${columns} are invalid`);
  if (rows > limits.maxRows || columns > limits.maxColumns) {
    throw new NorthstationError('payload_too_large', `image is ${rows}×${columns}, over the limit of ${limits.maxRows}×${limits.maxColumns}`);
  }
  if (frameCount > limits.maxFrames) throw new NorthstationError('payload_too_large', `image has ${frameCount} frames, over the limit of ${limits.maxFrames}`);
  if (rows * columns * samples * frameCount > limits.maxTotalSamples) {
    throw new NorthstationError('payload_too_large', `image holds ${rows * columns * samples * frameCount} samples, over the limit of ${limits.maxTotalSamples}`);
  }
  if (samples !== 1 && samples !== 3) throw badRequest(`Samples per Pixel ${samples} is invalid`);
  if (!photometrics.has(photometric)) {
    throw new NorthstationError('unsupported', `Photometric Interpretation "${photometric}" is not supported`, { photometric });
  }
  if ((samples === 1) !== photometric.startsWith('MONOCHROME')) throw badRequest(`Photometric Interpretation ${photometric} does not fit ${samples} sample(s) per pixel`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new NorthstationError('unsupported', `Bits Allocated ${bitsAllocated} is not supported (8 or 16)`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw badRequest(`Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  return {
    rows, columns, samplesPerPixel: samples, photometric: photometric as StoredPhotometric, bitsAllocated, bitsStored,
    signed: uint16(ds, tags.pixelRepresentation) === 1, planar: uint16(ds, tags.planarConfiguration) === 1, frameCount,
  };
}

/** The functional group items for frame `index`: per-frame first, then shared, then the top level. */
function sources(ds: DicomDataset, index: number, sequence: number): DicomDataset[] {
  const perFrame = ds.elements.get(tags.perFrameFunctionalGroups)?.items?.[index];
  const shared = firstItem(ds, tags.sharedFunctionalGroups);
  const found = [firstItem(perFrame, sequence), firstItem(shared, sequence)].filter((item) => item !== undefined);
  return [ds, ...found];
}

export function rescaleFor(ds: DicomDataset, index: number): { slope: number; intercept: number } {
  for (const source of sources(ds, index, tags.pixelValueTransformation)) {
    const slope = numbers(source, tags.rescaleSlope)[0];
    const intercept = numbers(source, tags.rescaleIntercept)[0];
    if (slope !== undefined && Number.isFinite(slope) && slope !== 0) return { slope, intercept: intercept !== undefined && Number.isFinite(intercept) ? intercept : 0 };
  }
  return { slope: 1, intercept: 0 };
}

export function windowsOf(ds: DicomDataset): VoiWindow[] {
  for (const source of sources(ds, 0, tags.frameVoiLut)) {
    const centers = numbers(source, tags.windowCenter);
    const widths = numbers(source, tags.windowWidth);
    const explanations = texts(source, tags.windowExplanation);
    const windows: VoiWindow[] = [];
    centers.forEach((center, i) => {
      const width = widths[i];
      // PS3.3 C.11.2.1.2: Window Width shall be ≥ 1; anything else cannot be applied.
      if (!Number.isFinite(center) || width === undefined || !Number.isFinite(width) || width < 1) return;
      const explanation = explanations[i];
      windows.push(explanation === undefined || explanation === '' ? { center, width } : { center, width, explanation });
    });
    if (windows.length > 0) return windows;
  }
  return [];
}

export function voiLutOf(ds: DicomDataset, signed: boolean): VoiLut | undefined {
  const item = firstItem(ds, tags.voiLutSequence);
  if (item === undefined) return undefined;
  const descriptor = uint16s(item, tags.lutDescriptor);
  const data = uint16s(item, tags.lutData);
  const [entries = 0, first = 0, bits = 16] = descriptor;
  const count = entries === 0 ? 65536 : entries;
  // A LUT that is shorter than it declares, or of odd depth, is left out rather than guessed at.
  if (descriptor.length < 3 || data.length < count || bits < 8 || bits > 16) return undefined;
  const descriptorVr = item.elements.get(tags.lutDescriptor)?.vr;
  const firstMapped = (descriptorVr === 'SS' || signed) && first >= 0x8000 ? first - 0x10000 : first;
  return { firstMapped, bitsPerEntry: bits, data: Uint16Array.from(data.slice(0, count)) };
}

export function pixelSpacingOf(ds: DicomDataset): [number, number] | undefined {
  for (const source of sources(ds, 0, tags.pixelMeasures)) {
    const [row, column] = numbers(source, tags.pixelSpacing);
    if (row !== undefined && column !== undefined && row > 0 && column > 0 && Number.isFinite(row) && Number.isFinite(column)) return [row, column];
  }
  return undefined;
}
