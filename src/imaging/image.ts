/**
 * The image every imaging path agrees on (issue 7): what DICOM decoding
 * (dicom/) and PNG/JPEG intake produce, and what preprocessing for the vision
 * model (preprocess.ts) consumes.
 *
 * Pixels are in modality units after the Modality LUT (rescale slope and
 * intercept applied: Hounsfield units for CT), one Float32Array per frame,
 * row-major, samples interleaved (RGB: r, g, b per pixel). MONOCHROME1 is
 * NOT inverted here: `photometric` says so and the display step inverts, so
 * windows from the header still apply to the stored values.
 */

export type Photometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';

export interface VoiWindow {
  center: number;
  width: number;
  /** The header's explanation, e.g. "LUNG" (never PHI). */
  explanation?: string;
}

/** A VOI LUT from the header: values below `firstMapped` map to data[0], above the end to the last entry. */
export interface VoiLut {
  firstMapped: number;
  bitsPerEntry: number;
  data: Uint16Array;
}

export interface ModalityImage {
  rows: number;
  columns: number;
  /** 1 for greyscale, 3 for RGB. */
  samplesPerPixel: 1 | 3;
  photometric: Photometric;
  /** One array per frame: rows × columns × samplesPerPixel values. */
  frames: Float32Array[];
  /** Bits stored per sample (8 for PNG/JPEG). */
  bitsStored: number;
  /** Windows from the header (first is the default), if any. */
  windows: VoiWindow[];
  voiLut?: VoiLut;
  /** DICOM modality (CR, DX, CT, MR, US, …) or 'OT' for PNG/JPEG uploads. */
  modality: string;
  /** Pixel spacing in mm [row, column] when known. */
  pixelSpacing?: [number, number];
  /** Non-PHI identifiers of where it came from, for provenance. */
  source: {
    format: 'dicom' | 'png' | 'jpeg';
    transferSyntaxUid?: string;
    sopClassUid?: string;
    studyInstanceUid?: string;
    seriesInstanceUid?: string;
    sopInstanceUid?: string;
    /** SHA-256 of the file's bytes. */
    sha256: string;
  };
}
