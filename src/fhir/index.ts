/** FHIR R4 export: pure mappings from drafts and records to FHIR resources (no I/O). */
export type { Bundle, BundleEntry, Coding, CodeableConcept, Reference, Resource } from './types.ts';
export { aiAssertedLabel, aiDevice, aiDeviceType, aiProvenance, fhirStatus, type Lifecycle } from './ai-transparency.ts';
export { defaultFhirBaseUrl, fhirId, localSystems } from './ids.ts';
export { escapeXhtml } from './narrative.ts';
export { operationOutcome } from './operation-outcome.ts';
export {
  asSoapNoteContent,
  draftSoapNoteBundle,
  soapDocumentType,
  soapNoteBundle,
  soapSectionCodes,
  soapSourceFromDraft,
  soapSourceFromStored,
  storedSoapNoteBundle,
  type FhirExportOptions,
  type SoapDocumentSource,
} from './soap-composition.ts';
export { ctasLevelNames, triageBundle, triageCodes, triageObservations, triageSourceFromStored, type TriageExport, type TriageSource } from './triage-observations.ts';
export {
  asImagingReadContent,
  dicomModalities,
  imagingReport,
  imagingReportBundle,
  imagingReportCodes,
  imagingReportSourceFromDraft,
  imagingReportSourceFromStored,
  storedImagingReportBundle,
  type ImagingReadContent,
  type ImagingReportExport,
  type ImagingReportSource,
  type ImagingStudyInfo,
} from './imaging-report.ts';
export {
  defaultMaxBundleBytes,
  defaultMaxBundleEntries,
  importPatientBundle,
  importPatientBundleValue,
  type ContextItem,
  type ImportBundleOptions,
  type ImportedBundle,
  type PatientContext,
  type PatientSummary,
} from './import-bundle.ts';
