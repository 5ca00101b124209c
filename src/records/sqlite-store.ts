/**
 * The embedded records store on node:sqlite: one database file in WAL mode,
 * foreign keys on, a busy timeout, migrations at open. Every method runs in
 * one `BEGIN IMMEDIATE … COMMIT` together with its audit event; PHI columns
 * are encrypted with `FieldCipher` before they reach SQLite.
 *
 * The work is synchronous (node:sqlite); methods return promises so the
 * PostgreSQL store can share `RecordsRepository`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { dataHome } from '../core/data-home.ts';
import { NorthstationError, notFound } from '../core/errors.ts';
import type { Provenance } from '../workflows/draft.ts';
import { appendAuditEvent, listAuditEvents, verifyAuditChain } from './audit.ts';
import type { Actor, AuditEvent, AuditEventInput, AuditVerification } from './audit.ts';
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import { FieldCipher } from './field-cipher.ts';
import { runMigrations } from './migrations.ts';
import { diffSummary } from './quality.ts';
import type { DiffSummary } from './quality.ts';
import type { Amendment, DraftListFilter, DraftStatus, DraftSummary, Encounter, ExternalIdentity, IssuedApiToken, LoginContext, NewDraft, NewPatient, NewUser, Patient, RecordsRepository, Revision, StoredDraft, User } from './repository.ts';
import { hashToken, isTokenShaped, issueToken, verifyToken } from './accounts/api-tokens.ts';
import { loginAttempt, loginRefusedMessage } from './accounts/lockout.ts';
import type { LockoutState } from './accounts/lockout.ts';
import { assertAcceptablePassword, hashPassword, needsRehash, scryptDefaults, verifyPassword } from './accounts/password.ts';
import type { ScryptParams } from './accounts/password.ts';
import { isRole } from './accounts/policy.ts';

/** `<data home>/records.sqlite`. */
export function defaultRecordsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataHome(env), 'records.sqlite');
}

export interface SqliteStoreOptions {
  /** The database file (created with its folder when missing). Default: `defaultRecordsPath()`. */
  path?: string;
  /** The 32-byte data key (see `loadDataKey`). Required: the store holds PHI only encrypted. */
  key: Buffer | undefined;
  /** How long a writer waits for another's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Clock, for tests. Default: `new Date()`. */
  now?: () => Date;
  /** scrypt cost for new password hashes. Default: `scryptDefaults` (tests pass a cheaper one). */
  passwordParams?: ScryptParams;
}

/** Every encrypted column, by table: what key rotation re-encrypts. */
const encryptedColumns: ReadonlyArray<{ table: string; key: string; columns: readonly string[] }> = [
  { table: 'patients', key: 'id', columns: ['display_name', 'birth_date'] },
  { table: 'drafts', key: 'id', columns: ['input', 'ai_output', 'withdrawn_reason'] },
  { table: 'revisions', key: 'id', columns: ['content'] },
  { table: 'amendments', key: 'id', columns: ['reason', 'content'] },
];

const signingRole = 'physician';

type Row = Record<string, unknown>;
function str(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new NorthstationError('internal', `records: column ${key} is not text`);
  return value;
}
const optStr = (row: Row, key: string): string | null => (row[key] === null || row[key] === undefined ? null : str(row, key));
const num = (row: Row, key: string): number => Number(row[key]);

/** Who an unidentified login or token attempt is attributed to in the audit trail. */
const unknownPrincipal = 'unknown';

const refused = (): NorthstationError => new NorthstationError('unauthorized', loginRefusedMessage);

const epoch = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function rowToUser(row: Row): User {
  const parsed = JSON.parse(str(row, 'roles')) as unknown;
  return {
    id: str(row, 'id'),
    username: str(row, 'username'),
    displayName: str(row, 'display_name'),
    roles: Array.isArray(parsed) ? parsed.filter(isRole) : [],
    createdAt: str(row, 'created_at'),
  };
}

/** The actor a user is when logging in or presenting a token: all its roles, joined as the policy names them. */
function selfActor(user: User | undefined, context: LoginContext): Actor {
  return {
    userId: user?.id ?? unknownPrincipal,
    role: user === undefined ? unknownPrincipal : user.roles.length === 0 ? 'none' : user.roles.join('+'),
    ...(context.ip === undefined ? {} : { ip: context.ip }),
    ...(context.client === undefined ? {} : { client: context.client }),
  };
}

function conflict(message: string, details: Record<string, unknown>): NorthstationError {
  return new NorthstationError('conflict', message, details);
}

export class SqliteRecordsStore implements RecordsRepository {
  readonly path: string;
  readonly #db: DatabaseSync;
  #cipher: FieldCipher;
  readonly #now: () => Date;
  readonly #passwordParams: ScryptParams;
  #dummyHash: Promise<string> | undefined;

  private constructor(path: string, db: DatabaseSync, cipher: FieldCipher, now: () => Date, passwordParams: ScryptParams) {
    this.path = path;
    this.#db = db;
    this.#cipher = cipher;
    this.#now = now;
    this.#passwordParams = passwordParams;
  }

  /** Opens (creating when missing) and migrates the database; refuses a missing or wrong key. */
  static open(options: SqliteStoreOptions): SqliteRecordsStore {
    const path = options.path ?? defaultRecordsPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA foreign_keys = ON');
      runMigrations(db);
      const stored = db.prepare("SELECT value FROM store_meta WHERE key = 'data_key_id'").get();
      const storedKeyId = stored === undefined ? undefined : str(stored, 'value');
      if (options.key === undefined) {
        throw new NorthstationError(
          'config_invalid',
          storedKeyId === undefined
            ? `the records database ${path} needs a data key to store patient data: set NORTHSTATION_DATA_KEY_FILE (a file with 32 random bytes in base64) or NORTHSTATION_DATA_KEY`
            : `the records database ${path} holds data encrypted under key ${storedKeyId}; it cannot be opened without that key: set NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY`,
          { path, keyId: storedKeyId },
        );
      }
      const cipher = new FieldCipher(options.key);
      if (storedKeyId === undefined) {
        db.prepare("INSERT INTO store_meta (key, value) VALUES ('data_key_id', ?)").run(cipher.keyId);
      } else if (storedKeyId !== cipher.keyId) {
        throw new NorthstationError('config_invalid', `wrong data key for ${path}: its data is encrypted under key ${storedKeyId}, the key given is ${cipher.keyId}`, { path, keyId: storedKeyId, givenKeyId: cipher.keyId });
      }
      return new SqliteRecordsStore(path, db, cipher, options.now ?? (() => new Date()), options.passwordParams ?? scryptDefaults);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The raw database, for audit verification and tools. Writing through it bypasses the audit trail. */
  get database(): DatabaseSync {
    return this.#db;
  }

  get keyId(): string {
    return this.#cipher.keyId;
  }

  // — transactions —

  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = work();
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    this.#db.exec('COMMIT');
    return result;
  }

  #async<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(this.#transaction(work));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #audit(actor: Actor, event: AuditEventInput): void {
    appendAuditEvent(this.#db, actor, event, this.#now());
  }

  #draftAudit(actor: Actor, action: string, draftId: string): void {
    const row = this.#db.prepare('SELECT provenance FROM drafts WHERE id = ?').get(draftId);
    const provenance = row === undefined ? undefined : (JSON.parse(str(row, 'provenance')) as Provenance);
    this.#audit(actor, { action, resourceType: 'draft', resourceId: draftId, modelId: provenance?.model.id, promptSha256: provenance?.promptTemplate.sha256 });
  }

  // — patients and encounters —

  createPatient(patient: NewPatient, actor: Actor): Promise<Patient> {
    return this.#async(() => {
      if (patient.displayName.trim() === '') throw new NorthstationError('bad_request', 'a patient needs a display name');
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      this.#db.prepare('INSERT INTO patients (id, fhir_reference, display_name, birth_date, created_at) VALUES (?, ?, ?, ?, ?)').run(
        id,
        patient.fhirReference ?? null,
        this.#cipher.encrypt(patient.displayName),
        patient.birthDate === undefined ? null : this.#cipher.encrypt(patient.birthDate),
        createdAt,
      );
      this.#audit(actor, { action: 'patient.create', resourceType: 'patient', resourceId: id });
      return { id, displayName: patient.displayName, birthDate: patient.birthDate ?? null, fhirReference: patient.fhirReference ?? null, createdAt };
    });
  }

  getPatient(id: string, actor: Actor): Promise<Patient> {
    return this.#async(() => {
      const row = this.#db.prepare('SELECT * FROM patients WHERE id = ?').get(id);
      if (row === undefined) throw notFound(`no patient ${id}`, { id });
      this.#audit(actor, { action: 'patient.read', resourceType: 'patient', resourceId: id });
      const birthDate = optStr(row, 'birth_date');
      return {
        id,
        displayName: this.#cipher.decrypt(str(row, 'display_name')),
        birthDate: birthDate === null ? null : this.#cipher.decrypt(birthDate),
        fhirReference: optStr(row, 'fhir_reference'),
        createdAt: str(row, 'created_at'),
      };
    });
  }

  createEncounter(encounter: { patientId: string; startedAt?: string }, actor: Actor): Promise<Encounter> {
    return this.#async(() => {
      if (this.#db.prepare('SELECT 1 FROM patients WHERE id = ?').get(encounter.patientId) === undefined) {
        throw notFound(`no patient ${encounter.patientId}`, { patientId: encounter.patientId });
      }
      const id = randomUUID();
      const startedAt = encounter.startedAt ?? this.#now().toISOString();
      this.#db.prepare('INSERT INTO encounters (id, patient_id, started_at) VALUES (?, ?, ?)').run(id, encounter.patientId, startedAt);
      this.#audit(actor, { action: 'encounter.create', resourceType: 'encounter', resourceId: id });
      return { id, patientId: encounter.patientId, startedAt };
    });
  }

  // — drafts —

  createDraft(input: NewDraft, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      if (this.#db.prepare('SELECT 1 FROM encounters WHERE id = ?').get(input.encounterId) === undefined) {
        throw notFound(`no encounter ${input.encounterId}`, { encounterId: input.encounterId });
      }
      const { draft } = input;
      const id = randomUUID();
      this.#db.prepare(
        `INSERT INTO drafts (id, encounter_id, workflow, input, ai_output, provenance, status, version, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?)`,
      ).run(
        id,
        input.encounterId,
        draft.workflow,
        this.#cipher.encryptJson(input.input),
        this.#cipher.encryptJson({ content: draft.content, findings: draft.findings, limitations: draft.limitations }),
        JSON.stringify(draft.provenance),
        actor.userId,
        this.#now().toISOString(),
      );
      this.#draftAudit(actor, 'draft.create', id);
      return this.#loadDraft(id);
    });
  }

  getDraft(id: string, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      const draft = this.#loadDraft(id);
      this.#draftAudit(actor, 'draft.read', id);
      return draft;
    });
  }

  listDrafts(filter: DraftListFilter, actor: Actor): Promise<DraftSummary[]> {
    return this.#async(() => {
      if (!Number.isSafeInteger(filter.limit) || filter.limit < 1 || filter.limit > 500) {
        throw new NorthstationError('bad_request', 'limit must be an integer from 1 to 500', { field: 'limit' });
      }
      const where: string[] = [];
      const params: string[] = [];
      const conditions = [
        ['d.status', filter.state],
        ['d.workflow', filter.workflow],
        ['d.created_by', filter.createdBy],
        ['e.patient_id', filter.patientId],
        ['d.encounter_id', filter.encounterId],
      ] as const;
      for (const [column, value] of conditions) {
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      const order = filter.state === 'draft' ? 'ASC' : 'DESC';
      const rows = this.#db.prepare(
        `SELECT d.id, d.encounter_id, e.patient_id, d.workflow, d.status, d.version, d.created_by, d.created_at
         FROM drafts d JOIN encounters e ON e.id = d.encounter_id
         ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
         ORDER BY d.created_at ${order}, d.rowid ${order} LIMIT ?`,
      ).all(...params, filter.limit);
      const scope = [filter.state === undefined ? 'state=any' : `state=${filter.state}`, ...(filter.workflow === undefined ? [] : [`workflow=${filter.workflow}`]), ...(filter.createdBy === undefined ? [] : [`createdBy=${filter.createdBy}`]), ...(filter.patientId === undefined ? [] : [`patient=${filter.patientId}`]), ...(filter.encounterId === undefined ? [] : [`encounter=${filter.encounterId}`])];
      this.#audit(actor, { action: 'worklist.read', resourceType: 'worklist', resourceId: scope.join('&') });
      return rows.map((row) => ({
        id: str(row, 'id'),
        encounterId: str(row, 'encounter_id'),
        patientId: str(row, 'patient_id'),
        workflow: str(row, 'workflow'),
        status: str(row, 'status') as DraftStatus,
        version: num(row, 'version'),
        createdBy: str(row, 'created_by'),
        createdAt: str(row, 'created_at'),
      }));
    });
  }

  editDraft(id: string, expectedVersion: number, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      const current = this.#lockDraft(id, expectedVersion, 'edit');
      const version = current.version + 1;
      this.#db.prepare('INSERT INTO revisions (id, draft_id, version, content, edited_by, edited_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        randomUUID(), id, version, this.#cipher.encryptJson(content), actor.userId, this.#now().toISOString(),
      );
      this.#bumpVersion(id, current.version, 'draft');
      this.#draftAudit(actor, 'draft.edit', id);
      return this.#loadDraft(id);
    });
  }

  signDraft(id: string, expectedVersion: number, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      this.#requireSigner(actor, 'sign', id);
      const current = this.#lockDraft(id, expectedVersion, 'sign');
      const quality: DiffSummary = diffSummary(current.aiOutput.content, current.currentContent);
      this.#db.prepare('INSERT INTO signatures (id, draft_id, signed_by, role, signed_at, content_hash, quality) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        randomUUID(), id, actor.userId, actor.role, this.#now().toISOString(), sha256Hex(canonicalJson(current.currentContent)), JSON.stringify(quality),
      );
      this.#bumpVersion(id, current.version, 'signed');
      this.#draftAudit(actor, 'draft.sign', id);
      return this.#loadDraft(id);
    });
  }

  amend(id: string, reason: string, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      this.#requireSigner(actor, 'amend', id);
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'an amendment needs a reason', { id });
      const current = this.#loadDraft(id);
      if (current.status !== 'signed' && current.status !== 'amended') {
        throw conflict(
          current.status === 'draft' ? `draft ${id} is not signed yet: edit it instead of amending` : `document ${id} was entered in error and cannot be amended`,
          { id, status: current.status },
        );
      }
      this.#db.prepare('INSERT INTO amendments (id, draft_id, reason, content, content_hash, signed_by, role, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        randomUUID(), id, this.#cipher.encrypt(reason), this.#cipher.encryptJson(content), sha256Hex(canonicalJson(content)), actor.userId, actor.role, this.#now().toISOString(),
      );
      this.#bumpVersion(id, current.version, 'amended');
      this.#draftAudit(actor, 'draft.amend', id);
      return this.#loadDraft(id);
    });
  }

  withdraw(id: string, reason: string, actor: Actor): Promise<StoredDraft> {
    return this.#async(() => {
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'a withdrawal needs a reason', { id });
      const current = this.#loadDraft(id);
      if (current.status === 'entered-in-error') throw conflict(`document ${id} is already entered in error`, { id, status: current.status });
      if (current.status !== 'draft') this.#requireSigner(actor, 'withdraw a signed document', id);
      this.#db.prepare("UPDATE drafts SET status = 'entered-in-error', version = version + 1, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ? AND version = ?").run(
        this.#cipher.encrypt(reason), actor.userId, this.#now().toISOString(), id, current.version,
      );
      this.#draftAudit(actor, 'draft.withdraw', id);
      return this.#loadDraft(id);
    });
  }

  // — users and authentication —

  async createUser(user: NewUser, actor: Actor): Promise<User> {
    const username = user.username.trim();
    if (username === '') throw new NorthstationError('bad_request', 'a user needs a username', { field: 'username' });
    const displayName = (user.displayName ?? username).trim();
    if (displayName === '') throw new NorthstationError('bad_request', 'a user needs a display name', { field: 'displayName' });
    if (user.roles.length === 0) throw new NorthstationError('bad_request', 'a user needs at least one role', { field: 'roles' });
    const unknown = user.roles.filter((role) => !isRole(role));
    if (unknown.length > 0) throw new NorthstationError('bad_request', `unknown role ${unknown.map((role) => JSON.stringify(role)).join(', ')}`, { field: 'roles', unknown });
    const roles = [...new Set(user.roles.filter(isRole))];
    assertAcceptablePassword(user.password, { username });
    if (this.#db.prepare('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined) {
      throw conflict(`a user named ${username} already exists`, { username });
    }
    const passwordHash = await hashPassword(user.password, this.#passwordParams);
    return this.#transaction(() => {
      if (this.#db.prepare('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined) {
        throw conflict(`a user named ${username} already exists`, { username });
      }
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      this.#db.prepare('INSERT INTO users (id, username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id, username, displayName, JSON.stringify(roles), passwordHash, createdAt,
      );
      this.#audit(actor, { action: 'user.create', resourceType: 'user', resourceId: id });
      return { id, username, displayName, roles, createdAt };
    });
  }

  async authenticate(username: string, password: string, context: LoginContext = {}): Promise<User> {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username);
    const storedHash = row === undefined ? null : optStr(row, 'password_hash');
    const now = this.#now().getTime();
    const locked = row !== undefined && (epoch(optStr(row, 'locked_until')) ?? -Infinity) > now;
    let ok = false;
    if (row === undefined || storedHash === null || locked) {
      // Same work as a real check, so timing reveals neither unknown users nor locks.
      await verifyPassword(password, await this.#dummyPasswordHash());
    } else {
      ok = await verifyPassword(password, storedHash);
    }
    const rehash = ok && storedHash !== null && needsRehash(storedHash) && !needsRehash(await this.#dummyPasswordHash())
      ? await hashPassword(password, this.#passwordParams)
      : undefined;
    const outcome = this.#transaction((): User | undefined => {
      if (row === undefined) {
        this.#audit(selfActor(undefined, context), { action: 'login.failure', resourceType: 'user', resourceId: unknownPrincipal });
        return undefined;
      }
      const id = str(row, 'id');
      // Re-read inside the transaction: a concurrent attempt may have moved the counter.
      const fresh = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id);
      if (fresh === undefined) throw notFound(`no user ${id}`, { id });
      const user = rowToUser(fresh);
      const before: LockoutState = {
        failedLogins: num(fresh, 'failed_logins'),
        lockedUntil: epoch(optStr(fresh, 'locked_until')),
        firstFailedAt: epoch(optStr(fresh, 'first_failed_at')),
      };
      const { state, decision } = loginAttempt(before, ok ? 'success' : 'failure', this.#now().getTime());
      this.#db.prepare('UPDATE users SET failed_logins = ?, locked_until = ?, first_failed_at = ? WHERE id = ?').run(
        state.failedLogins, iso(state.lockedUntil), iso(state.firstFailedAt), id,
      );
      if (decision.allowed && rehash !== undefined) {
        this.#db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(rehash, id);
      }
      const action = decision.allowed ? 'login.success' : decision.reason === 'now_locked' ? 'login.lockout' : decision.reason === 'locked' ? 'login.locked' : 'login.failure';
      this.#audit(selfActor(user, context), { action, resourceType: 'user', resourceId: id });
      return decision.allowed ? user : undefined;
    });
    if (outcome === undefined) throw refused();
    return outcome;
  }

  signInExternal(identity: ExternalIdentity, context: LoginContext = {}): Promise<User> {
    const roles = [...new Set(identity.roles.filter(isRole))];
    const username = identity.username.trim();
    const displayName = (identity.displayName ?? username).trim() || username;
    const result = this.#async((): User | NorthstationError => {
      const bound = this.#db.prepare('SELECT user_id FROM external_identities WHERE issuer = ? AND subject = ?').get(identity.issuer, identity.subject);
      const existing = bound === undefined ? undefined : this.#db.prepare('SELECT * FROM users WHERE id = ?').get(str(bound, 'user_id'));
      const known = existing === undefined ? undefined : rowToUser(existing);
      if (roles.length === 0) {
        this.#audit(selfActor(known, context), { action: 'login.failure', resourceType: 'user', resourceId: known?.id ?? unknownPrincipal });
        return new NorthstationError('forbidden', 'your identity provider grants you no Northstation role; ask your administrator', { subject: identity.subject });
      }
      if (known !== undefined) {
        let user = known;
        if (JSON.stringify([...known.roles].sort()) !== JSON.stringify([...roles].sort())) {
          this.#db.prepare('UPDATE users SET roles = ? WHERE id = ?').run(JSON.stringify(roles), known.id);
          user = { ...known, roles };
          this.#audit(selfActor(user, context), { action: 'user.roles-sync', resourceType: 'user', resourceId: user.id });
        }
        this.#audit(selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: user.id });
        return user;
      }
      if (username === '') return new NorthstationError('bad_request', 'the identity provider sent no usable username', { field: 'username' });
      if (this.#db.prepare('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined) {
        this.#audit(selfActor(undefined, context), { action: 'login.failure', resourceType: 'user', resourceId: unknownPrincipal });
        return conflict(`a local account named ${username} already exists; an administrator must resolve the clash`, { username });
      }
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      this.#db.prepare('INSERT INTO users (id, username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, NULL, ?)').run(id, username, displayName, JSON.stringify(roles), createdAt);
      this.#db.prepare('INSERT INTO external_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)').run(identity.issuer, identity.subject, id, createdAt);
      const user: User = { id, username, displayName, roles, createdAt };
      this.#audit(selfActor(user, context), { action: 'user.create', resourceType: 'user', resourceId: id });
      this.#audit(selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: id });
      return user;
    });
    // Refusals are returned, not thrown, so their audit events commit with the transaction.
    return result.then((outcome) => {
      if (outcome instanceof NorthstationError) throw outcome;
      return outcome;
    });
  }

  issueApiToken(userId: string, actor: Actor): Promise<IssuedApiToken> {
    return this.#async(() => {
      if (this.#db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId) === undefined) throw notFound(`no user ${userId}`, { userId });
      const { token, id, hash } = issueToken();
      const createdAt = this.#now().toISOString();
      this.#db.prepare('INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES (?, ?, ?, ?)').run(id, userId, hash, createdAt);
      this.#audit(actor, { action: 'api-token.issue', resourceType: 'api-token', resourceId: id });
      return { id, token, userId, createdAt };
    });
  }

  authenticateToken(token: string, context: LoginContext = {}): Promise<User> {
    const result = this.#async((): User | undefined => {
      const row = isTokenShaped(token) ? this.#db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(hashToken(token)) : undefined;
      const valid = row !== undefined && verifyToken(token, str(row, 'token_hash')) && optStr(row, 'revoked_at') === null;
      const userRow = valid ? this.#db.prepare('SELECT * FROM users WHERE id = ?').get(str(row, 'user_id')) : undefined;
      const user = userRow === undefined ? undefined : rowToUser(userRow);
      this.#audit(selfActor(user, context), {
        action: user === undefined ? 'api-token.refused' : 'api-token.use',
        resourceType: 'api-token',
        resourceId: row === undefined ? unknownPrincipal : str(row, 'id'),
      });
      return user;
    });
    return result.then((user) => {
      if (user === undefined) throw refused();
      return user;
    });
  }

  revokeApiToken(id: string, actor: Actor): Promise<void> {
    return this.#async(() => {
      const row = this.#db.prepare('SELECT revoked_at FROM api_tokens WHERE id = ?').get(id);
      if (row === undefined) throw notFound(`no API token ${id}`, { id });
      if (optStr(row, 'revoked_at') !== null) throw conflict(`API token ${id} is already revoked`, { id });
      this.#db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(this.#now().toISOString(), id);
      this.#audit(actor, { action: 'api-token.revoke', resourceType: 'api-token', resourceId: id });
    });
  }

  /** A hash of a random password at this store's cost: what unknown users and locked accounts are checked against. */
  #dummyPasswordHash(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomUUID(), this.#passwordParams);
    return this.#dummyHash;
  }

  // — audit —

  listAuditEvents(filter: { resourceId?: string } = {}, actor?: Actor): Promise<AuditEvent[]> {
    if (actor === undefined) return Promise.resolve(listAuditEvents(this.#db, filter));
    // Someone reading the trail (who opened which record, from where) is itself an action to record.
    return this.#async(() => {
      const events = listAuditEvents(this.#db, filter);
      this.#audit(actor, { action: 'audit.read', resourceType: 'audit', resourceId: filter.resourceId ?? '*' });
      return events;
    });
  }

  verifyAuditChain(): Promise<AuditVerification> {
    return Promise.resolve(verifyAuditChain(this.#db));
  }

  // — key rotation —

  /** Re-encrypts every encrypted column under `newKey` in one transaction; afterwards only `newKey` opens the store. */
  rotateKey(newKey: Buffer, actor: Actor): Promise<{ keyId: string; values: number }> {
    let next: FieldCipher;
    try {
      next = new FieldCipher(newKey);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const rotated = this.#async(() => {
      let values = 0;
      for (const { table, key, columns } of encryptedColumns) {
        for (const column of columns) {
          const update = this.#db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`);
          for (const row of this.#db.prepare(`SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`).all()) {
            update.run(next.encrypt(this.#cipher.decrypt(str(row, 'v'))), str(row, 'k'));
            values += 1;
          }
        }
      }
      this.#db.prepare("UPDATE store_meta SET value = ? WHERE key = 'data_key_id'").run(next.keyId);
      this.#audit(actor, { action: 'data-key.rotate', resourceType: 'store', resourceId: next.keyId });
      return { keyId: next.keyId, values };
    });
    // Committed: from now on only the new key reads the store.
    return rotated.then((result) => {
      this.#cipher = next;
      return result;
    });
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  // — internals —

  #requireSigner(actor: Actor, what: string, id: string): void {
    if (actor.role !== signingRole) {
      throw new NorthstationError('forbidden', `only a ${signingRole} may ${what} (acting as ${actor.role})`, { id, role: actor.role });
    }
  }

  /** The draft, checked to be editable/signable at `expectedVersion`; a conflict names why otherwise. */
  #lockDraft(id: string, expectedVersion: number, what: 'edit' | 'sign'): StoredDraft {
    const current = this.#loadDraft(id);
    if (current.status === 'signed' || current.status === 'amended') {
      throw conflict(`document ${id} is signed and immutable: it cannot be ${what === 'edit' ? 'edited' : 'signed again'}; correct it with an amendment`, { id, status: current.status });
    }
    if (current.status === 'entered-in-error') {
      throw conflict(`document ${id} was entered in error: it cannot be ${what === 'edit' ? 'edited' : 'signed'}`, { id, status: current.status });
    }
    if (current.version !== expectedVersion) {
      throw conflict(`draft ${id} changed since you read it (version ${current.version}, you had ${expectedVersion}): reload and apply your change again`, { id, version: current.version, expectedVersion });
    }
    return current;
  }

  #bumpVersion(id: string, from: number, status: DraftStatus): void {
    const result = this.#db.prepare('UPDATE drafts SET version = version + 1, status = ? WHERE id = ? AND version = ?').run(status, id, from);
    if (Number(result.changes) !== 1) throw conflict(`draft ${id} changed concurrently`, { id, expectedVersion: from });
  }

  #loadDraft(id: string): StoredDraft {
    const row = this.#db.prepare('SELECT d.*, e.patient_id FROM drafts d JOIN encounters e ON e.id = d.encounter_id WHERE d.id = ?').get(id);
    if (row === undefined) throw notFound(`no draft ${id}`, { id });
    const aiOutput = this.#cipher.decryptJson(str(row, 'ai_output')) as StoredDraft['aiOutput'];
    const revisions: Revision[] = this.#db.prepare('SELECT * FROM revisions WHERE draft_id = ? ORDER BY version').all(id).map((r) => ({
      id: str(r, 'id'), version: num(r, 'version'), content: this.#cipher.decryptJson(str(r, 'content')), editedBy: str(r, 'edited_by'), editedAt: str(r, 'edited_at'),
    }));
    const amendments: Amendment[] = this.#db.prepare('SELECT * FROM amendments WHERE draft_id = ? ORDER BY signed_at, rowid').all(id).map((a) => ({
      id: str(a, 'id'), reason: this.#cipher.decrypt(str(a, 'reason')), content: this.#cipher.decryptJson(str(a, 'content')), contentHash: str(a, 'content_hash'),
      signedBy: str(a, 'signed_by'), role: str(a, 'role'), signedAt: str(a, 'signed_at'),
    }));
    const s = this.#db.prepare('SELECT * FROM signatures WHERE draft_id = ?').get(id);
    const withdrawnReason = optStr(row, 'withdrawn_reason');
    return {
      id,
      encounterId: str(row, 'encounter_id'),
      patientId: str(row, 'patient_id'),
      workflow: str(row, 'workflow'),
      input: this.#cipher.decryptJson(str(row, 'input')),
      aiOutput,
      provenance: JSON.parse(str(row, 'provenance')) as Provenance,
      status: str(row, 'status') as DraftStatus,
      version: num(row, 'version'),
      createdBy: str(row, 'created_by'),
      createdAt: str(row, 'created_at'),
      currentContent: amendments.at(-1)?.content ?? revisions.at(-1)?.content ?? aiOutput.content,
      revisions,
      signature: s === undefined ? null : {
        id: str(s, 'id'), signedBy: str(s, 'signed_by'), role: str(s, 'role'), signedAt: str(s, 'signed_at'), contentHash: str(s, 'content_hash'),
        quality: JSON.parse(str(s, 'quality')) as DiffSummary,
      },
      amendments,
      withdrawal: withdrawnReason === null ? null : { reason: this.#cipher.decrypt(withdrawnReason), by: str(row, 'withdrawn_by'), at: str(row, 'withdrawn_at') },
    };
  }
}

/** Opens the SQLite records store. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteRecordsStore {
  return SqliteRecordsStore.open(options);
}

/** Re-encrypts every encrypted column under `newKey`, in one transaction (see `SqliteRecordsStore.rotateKey`). */
export function rotateKey(store: SqliteRecordsStore, newKey: Buffer, actor: Actor = { userId: 'system', role: 'admin', client: 'key-rotation' }): Promise<{ keyId: string; values: number }> {
  return store.rotateKey(newKey, actor);
}
