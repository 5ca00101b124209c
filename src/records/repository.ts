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
import type { Actor, AuditEvent, AuditSearch, AuditVerification } from './audit.ts';
import type { DiffSummary } from './quality.ts';
import type { Role } from './accounts/policy.ts';

export type { Actor, AuditEvent, AuditSearch, AuditVerification } from './audit.ts';

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

/** A worklist row: what a list needs, no PHI (no input, content, patient name or withdrawal reason) unless `patient` was asked for. */
export interface DraftSummary {
  id: string;
  encounterId: string;
  patientId: string;
  workflow: string;
  status: DraftStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  /** Only with `DraftListFilter.withPatients` (an audited patient read). */
  patient?: { id: string; displayName: string };
}


export interface DraftListFilter {
  state?: DraftStatus;
  /**
   * 'oldest' or 'newest' first (by created_at, then insertion). Default: oldest
   * first when listing drafts awaiting review (state 'draft'), newest first otherwise.
   */
  order?: 'oldest' | 'newest';
  /**
   * Adds each row's patient (id and decrypted display name). A read of patient
   * data: one 'patient.read' audit event per patient on the page.
   */
  withPatients?: boolean;
  workflow?: string;
  /** Only drafts this user (or integration) created. */
  createdBy?: string;
  /** Only this patient's drafts. */
  patientId?: string;
  /** Only this encounter's drafts. */
  encounterId?: string;
  /** At most this many rows (1 to 500). */
  limit: number;
  /**
   * Continue after this cursor: the `next` of the previous page of the same
   * listing (`listDraftsPage`). Opaque; anything the store did not issue, or
   * issued for the other order (see `order`), is 'bad_request'.
   */
  after?: string;
}

/** One page of a draft listing; `next` (absent on the last page) is the `after` for the following one. */
export interface DraftPage {
  drafts: DraftSummary[];
  next?: string;
}

export interface NewUser {
  username: string;
  /** Defaults to the username. */
  displayName?: string;
  /** At least one; each must be a known role (`isRole`). */
  roles: readonly string[];
  /** Checked against the password policy, stored only as a scrypt hash. */
  password: string;
}

/** The languages the web UI speaks; a user's choice is kept with the account (migration 8). */
export const userLanguages = ['en', 'fr'] as const;
export type UserLanguage = (typeof userLanguages)[number];

/** A local account, without its password hash or lockout state. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  createdAt: string;
  /** The web UI's language for this user ('en' until they choose). */
  language: UserLanguage;
}

/** Where a login or token use comes from (for the audit trail). */
export interface LoginContext {
  ip?: string;
  client?: string;
}

/** A person signed in by an OpenID provider (single sign-on), as its ID token describes them. */
export interface ExternalIdentity {
  /** The provider's issuer URL. */
  issuer: string;
  /** The ID token's `sub`: what the local user is bound to. */
  subject: string;
  /** The username a first sign-in creates (preferred_username, else sub); taken by another account → 'conflict'. */
  username: string;
  displayName?: string;
  /** Local roles the provider grants now (already mapped); none → 'forbidden'. */
  roles: readonly Role[];
}

export interface IssuedApiToken {
  /** 'tok_' + 16 hex: names the token in audit events and for revocation. */
  id: string;
  /** Shown once; the store keeps only its SHA-256. */
  token: string;
  userId: string;
  createdAt: string;
}

/** A new login session: the caller makes the bearer token and hands over only its hash. */
export interface NewSession {
  userId: string;
  /** SHA-256 (lowercase hex) of the bearer token; the token itself never reaches the store. */
  tokenHash: string;
  /** Lifetime from now (the store's clock). */
  ttlMs: number;
  /** Live sessions per user: opening one more revokes that user's oldest. */
  maxPerUser: number;
  /** Live sessions in all: past it, opening is refused as 'overloaded' (other users are not signed out). */
  maxTotal: number;
  /** The provider identity, for a session opened by single sign-on. */
  external?: { issuer: string; subject: string };
}

/** A step-up grant: a fresh re-authentication for one purpose, usable once until `expiresAt` (ISO). */
export interface SessionStepUp {
  purpose: string;
  expiresAt: string;
}

/** A live login session, with its user as the users table describes them now (roles included). */
export interface StoredSession {
  /** Random, not the token: safe to log and to key rate limits by. */
  id: string;
  user: User;
  createdAt: string;
  expiresAt: string;
  external: { issuer: string; subject: string } | null;
  stepUp: SessionStepUp | null;
}

/** What a single sign-on step-up in progress is for: the session (by id and token hash, never the token) and purpose. */
export interface OidcLoginStepUp {
  sessionId: string;
  /** SHA-256 (hex) of the session's bearer token: what finds the session again at the callback. */
  sessionTokenHash: string;
  purpose: string;
  /** When the step-up started, ms on the provider's clock (the ID token's auth_time must not be earlier). */
  startedAt: number;
}

/** A single sign-on login to keep until the provider's callback. */
export interface NewOidcLogin {
  /** The OAuth `state` sent to the provider; the store keeps only its SHA-256. */
  state: string;
  /** PKCE code verifier. */
  verifier: string;
  nonce: string;
  /** The random value also set as the browser's HttpOnly cookie: the callback must come from that browser. */
  browserBinding: string;
  /** Present for a step-up re-authentication. */
  stepUp?: OidcLoginStepUp;
  /** 'web': started by the web UI, so the callback redirects there with a one-time code (`saveOidcExchange`). */
  client?: 'web';
  /** Lifetime from now (the store's clock). */
  ttlMs: number;
  /** Live logins in progress in all: past it, saving is refused as 'overloaded'. */
  maxPending: number;
}

/** A finished single sign-on, waiting for the web UI to swap its one-time code for a session. */
export interface NewOidcExchange {
  /** The one-time code the browser carries; the store keeps only its SHA-256. */
  code: string;
  userId: string;
  /** The provider identity the session is bound to. */
  external: { issuer: string; subject: string };
  /** The sign-in's browser binding (its HttpOnly cookie); kept only as a SHA-256. */
  browserBinding: string;
  /** Lifetime from now (the store's clock). */
  ttlMs: number;
  /** Live codes in all: past it, saving is refused as 'overloaded'. */
  maxPending: number;
}

export interface TakenOidcExchange {
  /** The user as the users table has them now. */
  user: User;
  external: { issuer: string; subject: string };
}

export interface StoredOidcLogin {
  verifier: string;
  nonce: string;
  browserBinding: string;
  stepUp?: OidcLoginStepUp;
  client?: 'web';
  createdAt: string;
  expiresAt: string;
}

/** What names or dates a patient in a received DICOM instance: stored only encrypted. */
export interface StudyDetails {
  patientName?: string;
  patientId?: string;
  studyDate?: string;
  accessionNumber?: string;
}

/** A DICOM instance the storage listener received, already written (encrypted) under the imaging folder. */
export interface NewStudyInstance {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  modality: string | null;
  details: StudyDetails;
  callingAeTitle: string;
  /** Relative to the imaging folder. */
  filePath: string;
  /** The file's own AES-256-GCM key, base64 (file-cipher.ts); stored encrypted under the data key. */
  fileKey: string;
  /** Size and SHA-256 (hex) of the Part 10 file before encryption. */
  byteSize: number;
  sha256: string;
}

export interface StoredStudyInstance extends NewStudyInstance {
  receivedAt: string;
}

/** A studies worklist row: one study, its instances summed up, and the newest instance's details. */
export interface StudySummary {
  studyInstanceUid: string;
  modalities: string[];
  callingAeTitles: string[];
  seriesCount: number;
  instanceCount: number;
  byteSize: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  details: StudyDetails;
  /** The newest instance received: what a viewer opens first. */
  latestInstance: { sopInstanceUid: string; modality: string | null };
}

export interface StudyListFilter {
  /** Only studies with an instance of this modality. */
  modality?: string;
  /** At most this many studies (1 to 500), newest received first. */
  limit: number;
}

/** An uploaded image, already written (encrypted) under the imaging folder; its owner is the actor recording it. */
export interface NewUpload {
  /** From `newUploadId()` (uploads.ts): random, no key inside. */
  id: string;
  mediaType: string;
  /** Size and SHA-256 (hex) of the file before encryption. */
  byteSize: number;
  sha256: string;
  /** The file's own AES-256-GCM key, base64 (file-cipher.ts); stored encrypted under the data key. */
  fileKey: string;
  /** Relative to the imaging folder. */
  filePath: string;
}

export interface StoredUpload extends NewUpload {
  ownerId: string;
  createdAt: string;
  /** After this an upload no draft names is gone (a draft that names it keeps it). */
  expiresAt: string;
}

export interface RecordsRepository {
  /** A local account; duplicate username → 'conflict', unacceptable password or role → 'bad_request'. Audit: 'user.create'. */
  createUser(user: NewUser, actor: Actor): Promise<User>;
  /**
   * The user when the password is right and the account not locked; otherwise
   * NorthstationError 'unauthorized' with `loginRefusedMessage`, whatever the
   * reason (unknown user, wrong password, locked). Audit: 'login.success' /
   * 'login.failure' / 'login.lockout' / 'login.locked' (never the password).
   */
  authenticate(username: string, password: string, context?: LoginContext): Promise<User>;
  /**
   * The local user bound to a provider's `subject`, created on its first
   * sign-in (no password: it can only sign in through the provider). The
   * roles follow the provider's at each sign-in. An identity with no roles is
   * refused ('forbidden'). A username already taken by another account is
   * 'conflict' (never linked: that would hand a local account to whoever the
   * provider names so). Audit: 'user.create' (first sign-in), 'user.roles-sync'
   * (roles changed), 'login.success' / 'login.failure', with client 'oidc'.
   */
  signInExternal(identity: ExternalIdentity, context?: LoginContext): Promise<User>;
  /** A new API token for `userId` (returned once). Audit: 'api-token.issue' naming the token id. */
  issueApiToken(userId: string, actor: Actor): Promise<IssuedApiToken>;
  /**
   * Sets a new password for the local account `username` (checked against the
   * password policy first: 'bad_request'), clears its failed logins and lock,
   * and revokes its login sessions. No local account of that name (unknown,
   * or single sign-on only) → 'not_found'. Audit: 'user.password', then
   * 'session.revoke' per session.
   */
  setPassword(username: string, password: string, actor: Actor): Promise<User>;
  /** Sets the user's web UI language; unknown user → 'not_found', unknown language → 'bad_request'. Audit: 'user.preferences'. */
  setUserLanguage(userId: string, language: UserLanguage, actor: Actor): Promise<User>;
  /** The token's user, or 'unauthorized' (unknown, malformed, revoked). Audit: 'api-token.use' / 'api-token.refused'. */
  authenticateToken(token: string, context?: LoginContext): Promise<User>;
  /** Revokes a token by id: unknown → 'not_found', already revoked → 'conflict'. Audit: 'api-token.revoke'. */
  revokeApiToken(id: string, actor: Actor): Promise<void>;

  /**
   * Opens a login session for `userId` (unknown → 'not_found'). Past
   * `maxPerUser` live sessions the user's oldest are revoked; past `maxTotal`
   * it is refused ('overloaded') and nothing changes. Expired rows are deleted
   * here. Audit: 'session.open' (and 'session.revoke' per revoked session),
   * naming the session id, never the token.
   */
  openSession(session: NewSession, context?: LoginContext): Promise<StoredSession>;
  /**
   * The live session whose token hashes to `tokenHash`, with the user's roles
   * read now (a role change applies at the next request); undefined when
   * unknown, revoked or expired. A plain read, not audited.
   */
  findSession(tokenHash: string): Promise<StoredSession | undefined>;
  /** Ends a session at once; false when it was unknown, already revoked or expired. Audit: 'session.revoke'. */
  revokeSession(id: string, actor: Actor): Promise<boolean>;
  /** Records a step-up grant on a live session for `ttlMs`, replacing any earlier one; undefined when the session has ended. */
  grantStepUp(sessionId: string, purpose: string, ttlMs: number): Promise<SessionStepUp | undefined>;
  /**
   * Takes (clears) the session's unexpired grant for `purpose` in one
   * conditional UPDATE: of two gateways taking it at once, one gets it.
   */
  takeStepUp(sessionId: string, purpose: string): Promise<SessionStepUp | undefined>;
  /** Gives back a taken grant (its action failed) unless it has expired, the session has ended or another grant replaced it. */
  restoreStepUp(sessionId: string, grant: SessionStepUp): Promise<boolean>;
  /** Live sessions, of one user or in all. */
  countSessions(userId?: string): Promise<number>;
  /**
   * Keeps a single sign-on login (or step-up) in progress until the provider's
   * callback, for `ttlMs` (the store's clock). Stored under the SHA-256 of
   * `state`, never the state; the verifier, nonce, browser binding and step-up
   * are encrypted, bound to the row. Expired rows are deleted here; past
   * `maxPending` live ones it is refused ('overloaded') and nothing changes.
   * Not audited: nobody is signed in yet (the callback audits the outcome).
   */
  saveOidcLogin(login: NewOidcLogin): Promise<{ expiresAt: string }>;
  /**
   * Takes (deletes) the login for `state` in one statement: of two gateways
   * presenting the same callback, exactly one gets it. Undefined when
   * unknown, already taken or expired.
   */
  takeOidcLogin(state: string): Promise<StoredOidcLogin | undefined>;
  /** Unexpired logins in progress. */
  countOidcLogins(): Promise<number>;
  /**
   * Keeps a finished web UI sign-on under the SHA-256 of its one-time code
   * for `ttlMs`. Expired codes are deleted here; past `maxPending` live ones it
   * is refused ('overloaded'). Not audited: the sign-in was (the callback), and
   * opening the session will be.
   */
  saveOidcExchange(exchange: NewOidcExchange): Promise<{ expiresAt: string }>;
  /**
   * Takes (deletes) the code in one statement, so it is redeemed once on any
   * gateway; undefined when unknown, already taken, expired or presented
   * without the browser binding it was issued to (the code is spent anyway).
   */
  takeOidcExchange(code: string, browserBinding: string): Promise<TakenOidcExchange | undefined>;

  createPatient(patient: NewPatient, actor: Actor): Promise<Patient>;
  /** A read of patient data: writes a 'patient.read' audit event. */
  getPatient(id: string, actor: Actor): Promise<Patient>;
  createEncounter(encounter: { patientId: string; startedAt?: string }, actor: Actor): Promise<Encounter>;
  /**
   * An imaging read whose input names `{ upload }` is linked to that upload,
   * which keeps it past its expiry; the upload must be one `actor` may open
   * (else 'not_found', and no draft).
   */
  createDraft(draft: NewDraft, actor: Actor): Promise<StoredDraft>;
  /** A read of patient data: writes a 'draft.read' audit event. */
  getDraft(id: string, actor: Actor): Promise<StoredDraft>;
  /** A human edit: a new revision, version + 1. Stale `expectedVersion` or a non-draft status → 'conflict'. */
  editDraft(id: string, expectedVersion: number, content: unknown, actor: Actor): Promise<StoredDraft>;
  /**
   * Draft summaries (nothing decrypted), oldest first when listing drafts
   * awaiting review (state 'draft'), newest first otherwise. Every list writes
   * one 'worklist.read' audit event.
   */
  listDrafts(filter: DraftListFilter, actor: Actor): Promise<DraftSummary[]>;
  /**
   * `listDrafts` with a keyset cursor: the same rows in the same order (by
   * created_at, then insertion), `next` set while more follow. Pages are keyed
   * on those two values, which never change, so a walk sees each matching row
   * once, never twice, however many rows are inserted meanwhile; only a row
   * whose status changes mid-walk can leave (or join) a listing filtered by
   * state. Each page is one audited 'worklist.read'.
   */
  listDraftsPage(filter: DraftListFilter, actor: Actor): Promise<DraftPage>;
  /** Physician only ('forbidden' otherwise). Signs the current content; stale version or already signed → 'conflict'. */
  signDraft(id: string, expectedVersion: number, actor: Actor): Promise<StoredDraft>;
  /** A correction of a signed document, with its own signature and reason (physician only). */
  amend(id: string, reason: string, content: unknown, actor: Actor): Promise<StoredDraft>;
  /** Marks a document 'entered-in-error', keeping every row. */
  withdraw(id: string, reason: string, actor: Actor): Promise<StoredDraft>;
  /** The audit events (no PHI), optionally for one resource; with an actor, the read itself is audited. */
  listAuditEvents(filter?: { resourceId?: string }, actor?: Actor): Promise<AuditEvent[]>;
  /** Audit events matching `filter`, newest first (highest seq first). The search itself is audited as 'audit.read'. */
  searchAuditEvents(filter: AuditSearch, actor: Actor): Promise<AuditEvent[]>;
  verifyAuditChain(): Promise<AuditVerification>;
  /**
   * Records a received DICOM instance; 'duplicate' (nothing written) when its
   * SOP Instance UID is already recorded: the first copy stays. Audit:
   * 'study.receive' (only when stored), naming the instance.
   */
  recordStudyInstance(instance: NewStudyInstance, actor: Actor): Promise<'stored' | 'duplicate'>;
  /** The studies worklist, newest received first, with patient details decrypted. Audit: one 'study.list' per call. */
  listStudies(filter: StudyListFilter, actor: Actor): Promise<StudySummary[]>;
  /** One instance with its file key (to open the file); unknown → 'not_found'. Audit: 'study.read'. */
  getStudyInstance(sopInstanceUid: string, actor: Actor): Promise<StoredStudyInstance>;
  /** Records an uploaded image, owned by `actor`, expiring 24 h from now unless a draft names it. Audit: 'upload.create'. */
  recordUpload(upload: NewUpload, actor: Actor): Promise<StoredUpload>;
  /**
   * The upload with its file key, for its uploader or whoever may read a
   * draft whose input names it (`canOpenUpload`, with the actor's role);
   * unknown, expired or not theirs → 'not_found', alike. Audit: 'upload.read'.
   */
  getUpload(id: string, actor: Actor): Promise<StoredUpload>;
  /**
   * Deletes the rows of expired uploads no draft names and returns their file
   * paths (the caller deletes the files after). Audit: 'upload.expire' each.
   */
  sweepExpiredUploads(actor: Actor): Promise<string[]>;
  close(): Promise<void>;
}
