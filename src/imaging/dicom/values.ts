/** Typed reads of element values (PS3.5 §6.2): strings, decimal strings, US/SS words. */
import { tagOf, type DicomDataset, type DicomElement } from './parse.ts';

const latin1 = new TextDecoder('latin1');

export const tags = {
  sopClassUid: tagOf(0x0008, 0x0016),
  sopInstanceUid: tagOf(0x0008, 0x0018),
  modality: tagOf(0x0008, 0x0060),
  studyInstanceUid: tagOf(0x0020, 0x000d),
  seriesInstanceUid: tagOf(0x0020, 0x000e),
  samplesPerPixel: tagOf(0x0028, 0x0002),
  photometric: tagOf(0x0028, 0x0004),
  planarConfiguration: tagOf(0x0028, 0x0006),
  numberOfFrames: tagOf(0x0028, 0x0008),
  rows: tagOf(0x0028, 0x0010),
  columns: tagOf(0x0028, 0x0011),
  pixelSpacing: tagOf(0x0028, 0x0030),
  bitsAllocated: tagOf(0x0028, 0x0100),
  bitsStored: tagOf(0x0028, 0x0101),
  pixelRepresentation: tagOf(0x0028, 0x0103),
  windowCenter: tagOf(0x0028, 0x1050),
  windowWidth: tagOf(0x0028, 0x1051),
  rescaleIntercept: tagOf(0x0028, 0x1052),
  rescaleSlope: tagOf(0x0028, 0x1053),
  windowExplanation: tagOf(0x0028, 0x1055),
  lutDescriptor: tagOf(0x0028, 0x3002),
  lutData: tagOf(0x0028, 0x3006),
  voiLutSequence: tagOf(0x0028, 0x3010),
  pixelMeasures: tagOf(0x0028, 0x9110),
  frameVoiLut: tagOf(0x0028, 0x9132),
  pixelValueTransformation: tagOf(0x0028, 0x9145),
  sharedFunctionalGroups: tagOf(0x5200, 0x9229),
  perFrameFunctionalGroups: tagOf(0x5200, 0x9230),
  floatPixelData: tagOf(0x7fe0, 0x0008),
  doubleFloatPixelData: tagOf(0x7fe0, 0x0009),
  pixelData: tagOf(0x7fe0, 0x0010),
} as const;

export function element(ds: DicomDataset, tag: number): DicomElement | undefined {
  return ds.elements.get(tag);
}

/** The whole value as text, without the trailing space or NUL padding. */
export function text(ds: DicomDataset, tag: number): string | undefined {
  const found = ds.elements.get(tag);
  if (found === undefined) return undefined;
  const value = latin1.decode(found.value).replace(/[\0 ]+$/, '').trim();
  return value === '' ? undefined : value;
}

export function texts(ds: DicomDataset, tag: number): string[] {
  return text(ds, tag)?.split('\\').map((part) => part.trim()) ?? [];
}

/** DS/IS values as numbers; unparseable ones become NaN so positions still line up. */
export function numbers(ds: DicomDataset, tag: number): number[] {
  return texts(ds, tag).map((part) => (part === '' ? Number.NaN : Number(part)));
}

export function uint16s(ds: DicomDataset, tag: number): number[] {
  const found = ds.elements.get(tag);
  if (found === undefined) return [];
  const view = new DataView(found.value.buffer, found.value.byteOffset, found.value.byteLength);
  const out: number[] = [];
  for (let offset = 0; offset + 2 <= view.byteLength; offset += 2) out.push(view.getUint16(offset, ds.littleEndian));
  return out;
}

export function uint16(ds: DicomDataset, tag: number): number | undefined {
  return uint16s(ds, tag)[0];
}

export function firstItem(ds: DicomDataset | undefined, tag: number): DicomDataset | undefined {
  return ds?.elements.get(tag)?.items?.[0];
}
