/**
 * The API's shapes as the UI reads them. Declared here rather than imported
 * from the server's modules: those import Node APIs, and the browser build
 * (and its type-check, web/tsconfig.json) must not pull them in. The e2e tests
 * run the UI against the real server, so a drift shows there.
 */

export type Role = 'nurse' | 'physician' | 'admin' | 'integration';
export type Language = 'en' | 'fr';
export type DraftStatus = 'draft' | 'signed' | 'amended' | 'entered-in-error';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  language?: Language;
  /** This session re-authenticates at the identity provider (GET /api/me), not with a password. */
  singleSignOn?: boolean;
}

export interface Finding {
  rule: 'definitive-diagnosis' | 'prescriptive-order' | 'ungrounded-claim' | 'injection' | 'phi';
  start: number;
  end: number;
  excerpt: string;
  message: string;
  suggestion?: string;
  /** The content field it indexes (workflow-level findings). */
  field?: string;
}

export interface ModelCardNotice {
  model?: string;
  status?: string;
  displayName?: string;
  intendedUse?: string;
  limitations: readonly string[];
}

export interface Provenance {
  workflow: string;
  model: { id: string; backend: string; quantisation?: string; synthetic: boolean; sha256?: string };
  engine: string;
  createdAt: string;
  timings: { totalMs: number; timeToFirstTokenMs: number; decodeTokensPerSecond: number; promptTokens: number; completionTokens: number };
}

export interface StoredDraft<Content = unknown> {
  id: string;
  encounterId: string;
  patientId: string;
  workflow: string;
  input: unknown;
  aiOutput: { content: Content; findings: Finding[]; limitations: ModelCardNotice };
  provenance: Provenance;
  status: DraftStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  currentContent: Content;
  signature: { id: string; signedBy: string; role: string; signedAt: string; contentHash: string } | null;
  amendments: { id: string; reason: string; signedBy: string; role: string; signedAt: string }[];
}

export interface DraftSummary {
  id: string;
  encounterId: string;
  patientId: string;
  workflow: string;
  status: DraftStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  patient?: { id: string; displayName: string };
}

export interface GroundingSpan {
  start: number;
  end: number;
}

export interface SoapStatement {
  text: string;
  grounding: GroundingSpan[];
  findings: Finding[];
}

export const soapSections = ['subjective', 'objective', 'assessment', 'plan'] as const;
export type SoapSection = (typeof soapSections)[number];

export interface SoapNoteContent {
  chiefComplaint: string;
  sections: Record<SoapSection, SoapStatement[]>;
  medications: { name: string; dose?: string; frequency?: string }[];
  allergies: { substance: string; reaction?: string }[];
  language: Language;
}

export type CtasLevel = 1 | 2 | 3 | 4 | 5;

export interface TriageContent {
  ctas: { suggested: CtasLevel | null; floor: CtasLevel | null; final: CtasLevel; finalFrom: string; reasons: string[]; paediatric: boolean; missing: string[]; notApplicable: string[] };
  flags: string[];
  alerts: { code: string; message: string }[];
  extremes: { field: string; value: number; message: string }[];
  rationale: string | null;
  modelOutput: 'usable' | 'unusable';
}

export interface ImagingReadContent {
  findings: string;
  impression: string;
  question?: string;
  answer?: string;
}

export interface SummaryItem {
  text: string;
  sources: string[];
  date?: string;
  findings: Finding[];
}
