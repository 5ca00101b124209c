/**
 * The UIDs the storage listener negotiates (PS3.4 annex B, PS3.5 section 10,
 * PS3.6 annex A). Anything not listed here is refused per presentation
 * context, so this file is the listener's conformance statement in code.
 */

export const applicationContextName = '1.2.840.10008.3.1.1.1';
export const verificationSopClass = '1.2.840.10008.1.1';

/**
 * Northstation's implementation class UID: a UUID-derived UID (PS3.5 B.2,
 * root 2.25), because the project has no registered OID root of its own.
 */
export const implementationClassUid = '2.25.298378820691452008003944096983760423368';
/** At most 16 characters (SH). */
export const implementationVersionName = 'NORTHSTATION_1';

/** Image storage SOP classes accepted, single- and multi-frame, by name (PS3.4 B.5). */
export const storageSopClasses: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.1': 'CR Image',
  '1.2.840.10008.5.1.4.1.1.1.1': 'DX Image For Presentation',
  '1.2.840.10008.5.1.4.1.1.1.1.1': 'DX Image For Processing',
  '1.2.840.10008.5.1.4.1.1.1.2': 'Mammography Image For Presentation',
  '1.2.840.10008.5.1.4.1.1.1.2.1': 'Mammography Image For Processing',
  '1.2.840.10008.5.1.4.1.1.1.3': 'Intra-oral Image For Presentation',
  '1.2.840.10008.5.1.4.1.1.1.3.1': 'Intra-oral Image For Processing',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.2.2': 'Legacy Converted Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.3.1': 'US Multi-frame Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.4.3': 'Enhanced MR Color Image',
  '1.2.840.10008.5.1.4.1.1.4.4': 'Legacy Converted Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.6.1': 'US Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.7.1': 'Multi-frame Single Bit Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.7.2': 'Multi-frame Grayscale Byte Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.7.3': 'Multi-frame Grayscale Word Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.7.4': 'Multi-frame True Color Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.12.1': 'X-Ray Angiographic Image',
  '1.2.840.10008.5.1.4.1.1.12.2': 'X-Ray Radiofluoroscopic Image',
  '1.2.840.10008.5.1.4.1.1.20': 'Nuclear Medicine Image',
  '1.2.840.10008.5.1.4.1.1.128': 'Positron Emission Tomography Image',
};

export const implicitVrLittleEndian = '1.2.840.10008.1.2';
export const explicitVrLittleEndian = '1.2.840.10008.1.2.1';

/**
 * Transfer syntaxes accepted for storage. The file is kept as received, so a
 * compressed syntax costs nothing to accept; what is needed is that the
 * dataset's own encoding is little endian and not deflated, because the
 * listener reads the study, series and SOP identifiers out of it
 * (dataset-scan.ts). Explicit VR big endian (retired) and deflate are refused.
 */
export const storageTransferSyntaxes: ReadonlySet<string> = new Set([
  implicitVrLittleEndian,
  explicitVrLittleEndian,
  '1.2.840.10008.1.2.4.50', // JPEG baseline (process 1)
  '1.2.840.10008.1.2.4.51', // JPEG extended (processes 2 and 4)
  '1.2.840.10008.1.2.4.57', // JPEG lossless (process 14)
  '1.2.840.10008.1.2.4.70', // JPEG lossless, first-order prediction
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless only
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.201', // HTJ2K lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K lossless RPCL
  '1.2.840.10008.1.2.4.203', // HTJ2K
  '1.2.840.10008.1.2.5', // RLE lossless
]);

/** Verification needs no dataset: only the two uncompressed syntaxes make sense for it. */
export const verificationTransferSyntaxes: ReadonlySet<string> = new Set([implicitVrLittleEndian, explicitVrLittleEndian]);

/** Whether the dataset is encoded with implicit VR (only the default syntax; every other accepted one is explicit). */
export const isImplicitVr = (transferSyntax: string): boolean => transferSyntax === implicitVrLittleEndian;

/** A syntactically valid UID (PS3.5 9.1): digits and dots, no leading zero in a component, at most 64 characters. */
export function isUid(value: string): boolean {
  return value.length > 0 && value.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(value);
}
