/**
 * Ceilings a DICOM file must stay under before we spend memory on it. They
 * guard against decompression bombs and hostile headers: declared dimensions
 * are checked before any pixel buffer is allocated, and every decoder's output
 * is checked against them afterwards.
 */
export interface DecodeLimits {
  /** Largest file accepted, and largest inflated data set (deflated syntax). Default 512 MiB. */
  maxBytes: number;
  /** Default 16384. */
  maxRows: number;
  /** Default 16384. */
  maxColumns: number;
  /** Default 2000. */
  maxFrames: number;
  /** rows × columns × samples × frames. Default 2^28 (1 GiB as Float32). */
  maxTotalSamples: number;
  /** Nesting depth of sequences; deeper files are refused rather than recursed into. Default 16. */
  maxSequenceDepth: number;
}

export const defaultLimits: DecodeLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxRows: 16384,
  maxColumns: 16384,
  maxFrames: 2000,
  maxTotalSamples: 2 ** 28,
  maxSequenceDepth: 16,
};
