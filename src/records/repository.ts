/**
 * The records store, as one async interface: the embedded SQLite store
 * (sqlite-store.ts) implements it now, a PostgreSQL store will mirror it.
 *
 * Rules every implementation keeps:
 * - every mutation, and every read of patient data, writes its audit event
 *   in the same transaction as the change (a failed action leaves neither);
 * - a signed document is immutable: corrections are amendments, withdrawal is
 *   status 'entered-in-error', nothing is ever deleted;
 * - edits and signatures carry the version the caller saw (optimistic
 *   locking): a stale version is a NorthstationError 'conflict'.
 */
import type { Draft, Provenance } from '../workflows/draft.ts';
import type { Actor, AuditEvent, AuditVerification } from './audit.ts';
import type { DiffSummary } from './quality.ts';

export type { Actor, AuditEvent, AuditVerification } from './audit.ts';

export type DraftStatus = 'draft' | 'signed' | 'amended' | 'entered-in-error';

export interface NewPatient {
  displayName: string;
  /** ISO date (YYYY-MM-DD), when known. */
  birthDate?: string;
  /** A FHIR Patient reference (e.g. "Patient/123") when the patient lives in another system. */
  fhirReference?: string;
}

export interface Patient {
  id: string;
  displayName: string;
  birthDate: string | null;
  fhirReference: string | null;
  createdAt: string;
}

export interface Encounter {
  id: string;
  patientId: string;
  startedAt: string;
}

export interface NewDraft {
  encounterId: string;
  /** The workflow's validated input (stored encrypted). */
  input: unknown;
  /** The workflow's result: content, findings and limitations are stored encrypted; provenance (no PHI) in clear. */
  draft: Draft<unknown>;
}

export interface Revision {
  id: string;
  /** The draft version this edit produced. */
  version: number;
  content: unknown;
  editedBy: string;
  editedAt: string;
}

export interface Signature {
  id: string;
  signedBy: string;
  role: string;
  signedAt: string;
  /** SHA-256 (hex) of the canonical JSON of the signed content. */
  contentHash: string;
  /** The AI draft against the signed content, for quality monitoring. */
  quality: DiffSummary;
}

export interface Amendment {
  id: string;
  reason: string;
  content: unknown;
  contentHash: string;
  signedBy: string;
  role: string;
  signedAt: string;
}

export interface StoredDraft {
  id: string;
  encounterId: string;
  patientId: string;
  workflow: string;
  input: unknown;
  /** What the model produced, untouched by edits. */
  aiOutput: { content: unknown; findings: Draft<unknown>['findings']; limitations: Draft<unknown>['limitations'] };
  provenance: Provenance;
  status: DraftStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  /** The current text: the latest amendment, else the latest revision, else the AI content. */
  currentContent: unknown;
  revisions: Revision[];
  signature: Signature | null;
  amendments: Amendment[];
  withdrawal: { reason: string; by: string; at: string } | null;
}

export interface RecordsRepository {
  createPatient(patient: NewPatient, actor: Actor): Promise<Patient>;
  /** A read of patient data: writes a 'patient.read' audit event. */
  getPatient(id: string, actor: Actor): Promise<Patient>;
  createEncounter(encounter: { patientId: string; startedAt?: string }, actor: Actor): Promise<Encounter>;
  createDraft(draft: NewDraft, actor: Actor): Promise<StoredDraft>;
  /** A read of patient data: writes a 'draft.read' audit event. */
  getDraft(id: string, actor: Actor): Promise<StoredDraft>;
  /** A human edit: a new revision, version + 1. Stale `expectedVersion` or a non-draft status → 'conflict'. */
  editDraft(id: string, expectedVersion: number, content: unknown, actor: Actor): Promise<StoredDraft>;
  /** Physician only ('forbidden' otherwise). Signs the current content; stale version or already signed → 'conflict'. */
  signDraft(id: string, expectedVersion: number, actor: Actor): Promise<StoredDraft>;
  /** A correction of a signed document, with its own signature and reason (physician only). */
  amend(id: string, reason: string, content: unknown, actor: Actor): Promise<StoredDraft>;
  /** Marks a document 'entered-in-error', keeping every row. */
  withdraw(id: string, reason: string, actor: Actor): Promise<StoredDraft>;
  /** The audit events (no PHI), optionally for one resource. */
  listAuditEvents(filter?: { resourceId?: string }): Promise<AuditEvent[]>;
  verifyAuditChain(): Promise<AuditVerification>;
  close(): Promise<void>;
}
