/**
 * Stored imaging-read drafts as FHIR (fhir/imaging-report.ts) for the FHIR
 * routes: the DiagnosticReport read, the Bundle read and Patient $export.
 *
 * The study comes from the draft's own provenance: the preprocessing record
 * holds the Study Instance UID and modality the decoder read from the very
 * file the model saw (a received instance or an uploaded DICOM file), so no
 * second read of the archive is needed and the report cannot name a study
 * other than the one that was read. A PNG/JPEG upload has no study. A value
 * the export would refuse (a non-DICOM UID, a modality outside its list) is
 * left out rather than failing a whole export.
 */
import { dicomModalities, imagingReport, storedImagingReportBundle, type Bundle, type FhirExportOptions, type ImagingReportExport, type ImagingStudyInfo } from '../../fhir/index.ts';
import { imagingReportSourceFromStored } from '../../fhir/imaging-report.ts';
import type { Patient, StoredDraft } from '../../records/repository.ts';

const uidPattern = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;

export function imagingStudyOf(draft: StoredDraft): ImagingStudyInfo | undefined {
  const source = draft.provenance.image?.source;
  if (source?.format !== 'dicom') return undefined;
  const uid = source.studyInstanceUid;
  const study: ImagingStudyInfo = {
    ...(uid !== undefined && uid.length <= 64 && uidPattern.test(uid) ? { studyInstanceUid: uid } : {}),
    ...(Object.hasOwn(dicomModalities, source.modality) ? { modality: source.modality } : {}),
  };
  return study.studyInstanceUid === undefined && study.modality === undefined ? undefined : study;
}

export function storedImagingReport(draft: StoredDraft, patient: Patient, options: FhirExportOptions = {}): ImagingReportExport {
  return imagingReport(imagingReportSourceFromStored(draft, patient, imagingStudyOf(draft)), options);
}

export function storedImagingBundle(draft: StoredDraft, patient: Patient, options: FhirExportOptions = {}): Bundle {
  return storedImagingReportBundle(draft, patient, imagingStudyOf(draft), options);
}
