/**
 * The records store: `RecordsRepository` over a `SqlDatabase`, the same code
 * for the embedded SQLite file (sqlite-store.ts) and PostgreSQL
 * (postgres-store.ts).
 *
 * Every method runs in one transaction together with its audit event; PHI
 * columns are encrypted with `FieldCipher` before they reach the database,
 * each value bound to its table, column and row.
 */
import { randomUUID } from 'node:crypto';
import { NorthstationError, notFound } from '../core/errors.ts';
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import type { Provenance } from '../workflows/draft.ts';
import { appendAuditEvent, listAuditEvents, verifyAuditChain } from './audit.ts';
import type { Actor, AuditEvent, AuditEventInput, AuditVerification } from './audit.ts';
import { FieldCipher } from './field-cipher.ts';
import { migrations, runMigrations } from './migrations.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import { diffSummary } from './quality.ts';
import type { DiffSummary } from './quality.ts';
import type { NewStudyInstance, NewUpload, StoredStudyInstance, StoredUpload, StudyListFilter, StudySummary } from './repository.ts';
import { insertStudyInstance, selectStudies, selectStudyInstance } from './studies.ts';
import { countOidcLogins, deleteOidcLogin, insertOidcLogin } from './oidc-logins.ts';
import type { NewOidcLogin, StoredOidcLogin } from './repository.ts';
import { deleteExpiredUploads, insertUpload, linkDraftUpload, selectUpload, uploadNamedBy } from './uploads.ts';
import type { Amendment, DraftListFilter, DraftStatus, DraftSummary, Encounter, ExternalIdentity, IssuedApiToken, LoginContext, NewDraft, NewPatient, NewSession, NewUser, Patient, RecordsRepository, Revision, SessionStepUp, StoredDraft, StoredSession, User } from './repository.ts';
import { hashToken, isTokenShaped, issueToken, verifyToken } from './accounts/api-tokens.ts';
import { loginAttempt, loginRefusedMessage } from './accounts/lockout.ts';
import type { LockoutState } from './accounts/lockout.ts';
import { assertAcceptablePassword, hashPassword, needsRehash, scryptDefaults, verifyPassword } from './accounts/password.ts';
import type { ScryptParams } from './accounts/password.ts';
import { isRole } from './accounts/policy.ts';
import type { DraftPage } from './repository.ts';
import type { SqlDatabase, SqlExecutor, SqlRow, SqlValue } from './sql/database.ts';

export interface RecordsStoreSettings {
  /** The 32-byte data key (see `loadDataKey`). Required: the store holds PHI only encrypted. */
  key: Buffer | undefined;
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
  { table: 'study_instances', key: 'sop_instance_uid', columns: ['details', 'file_key'] },
  { table: 'image_uploads', key: 'id', columns: ['file_key'] },
  { table: 'oidc_logins', key: 'state_hash', columns: ['verifier', 'nonce', 'browser_binding', 'step_up'] },
];

/** Where an encrypted value lives: authenticated with it, so it cannot be moved to another row or column. */
const binding = (table: string, column: string, id: string): string => `${table}.${column}:${id}`;

const signingRole = 'physician';

function str(row: SqlRow, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new NorthstationError('internal', `records: column ${key} is not text`);
  return value;
}
const optStr = (row: SqlRow, key: string): string | null => (row[key] === null || row[key] === undefined ? null : str(row, key));
const num = (row: SqlRow, key: string): number => Number(row[key]);

/** A session token's SHA-256, lowercase hex: anything else cannot name a session. */
const sessionHashPattern = /^[0-9a-f]{64}$/;

/** Who an unidentified login or token attempt is attributed to in the audit trail. */
const unknownPrincipal = 'unknown';

const refused = (): NorthstationError => new NorthstationError('unauthorized', loginRefusedMessage);

const epoch = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function rowToUser(row: SqlRow): User {
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

/**
 * Migrates the database, then checks the data key against the one the store
 * was first opened with (a missing or wrong key is refused before any PHI is
 * touched); returns the cipher for that key.
 */
export async function prepareDatabase(db: SqlDatabase, key: Buffer | undefined, location: string): Promise<FieldCipher> {
  await runMigrations(db, db.dialect === 'postgres' ? postgresMigrations : migrations);
  const stored = await db.get("SELECT value FROM store_meta WHERE key = 'data_key_id'");
  const storedKeyId = stored === undefined ? undefined : str(stored, 'value');
  if (key === undefined) {
    throw new NorthstationError(
      'config_invalid',
      storedKeyId === undefined
        ? `the records database ${location} needs a data key to store patient data: set NORTHSTATION_DATA_KEY_FILE (a file with 32 random bytes in base64) or NORTHSTATION_DATA_KEY`
        : `the records database ${location} holds data encrypted under key ${storedKeyId}; it cannot be opened without that key: set NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY`,
      { location, keyId: storedKeyId },
    );
  }
  const cipher = new FieldCipher(key);
  if (storedKeyId === undefined) {
    // Two gateways opening a new database together: the first key wins, the other is checked against it below.
    await db.transaction(async (tx) => {
      if ((await tx.get("SELECT 1 AS one FROM store_meta WHERE key = 'data_key_id'")) === undefined) {
        await tx.run("INSERT INTO store_meta (key, value) VALUES ('data_key_id', ?)", [cipher.keyId]);
      }
    });
    return prepareDatabase(db, key, location);
  }
  if (storedKeyId !== cipher.keyId) {
    throw new NorthstationError('config_invalid', `wrong data key for ${location}: its data is encrypted under key ${storedKeyId}, the key given is ${cipher.keyId}`, { location, keyId: storedKeyId, givenKeyId: cipher.keyId });
  }
  return cipher;
}

export class RecordsStore implements RecordsRepository {
  /** Where the records are (a file path, or a PostgreSQL server and database without credentials). */
  readonly location: string;
  /** The database, for tools and tests. Writing through it bypasses the audit trail. */
  readonly sql: SqlDatabase;
  #cipher: FieldCipher;
  readonly #now: () => Date;
  readonly #passwordParams: ScryptParams;
  #dummyHash: Promise<string> | undefined;

  /** Use `openSqliteStore` or `openPostgresStore`: they migrate the database and check the key first. */
  constructor(sql: SqlDatabase, cipher: FieldCipher, location: string, settings: Omit<RecordsStoreSettings, 'key'> = {}) {
    this.sql = sql;
    this.#cipher = cipher;
    this.location = location;
    this.#now = settings.now ?? (() => new Date());
    this.#passwordParams = settings.passwordParams ?? scryptDefaults;
  }

  get keyId(): string {
    return this.#cipher.keyId;
  }

  // — helpers —

  #audit(tx: SqlExecutor, actor: Actor, event: AuditEventInput): Promise<AuditEvent> {
    return appendAuditEvent(tx, actor, event, this.#now());
  }

  async #draftAudit(tx: SqlExecutor, actor: Actor, action: string, draftId: string): Promise<void> {
    const row = await tx.get('SELECT provenance FROM drafts WHERE id = ?', [draftId]);
    const provenance = row === undefined ? undefined : (JSON.parse(str(row, 'provenance')) as Provenance);
    await this.#audit(tx, actor, { action, resourceType: 'draft', resourceId: draftId, modelId: provenance?.model.id, promptSha256: provenance?.promptTemplate.sha256 });
  }

  #encrypt(value: string, table: string, column: string, id: string): string {
    return this.#cipher.encrypt(value, binding(table, column, id));
  }

  #encryptJson(value: unknown, table: string, column: string, id: string): string {
    return this.#cipher.encryptJson(value, binding(table, column, id));
  }

  // — patients and encounters —

  createPatient(patient: NewPatient, actor: Actor): Promise<Patient> {
    return this.sql.transaction(async (tx) => {
      if (patient.displayName.trim() === '') throw new NorthstationError('bad_request', 'a patient needs a display name');
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      await tx.run('INSERT INTO patients (id, fhir_reference, display_name, birth_date, created_at) VALUES (?, ?, ?, ?, ?)', [
        id,
        patient.fhirReference ?? null,
        this.#encrypt(patient.displayName, 'patients', 'display_name', id),
        patient.birthDate === undefined ? null : this.#encrypt(patient.birthDate, 'patients', 'birth_date', id),
        createdAt,
      ]);
      await this.#audit(tx, actor, { action: 'patient.create', resourceType: 'patient', resourceId: id });
      return { id, displayName: patient.displayName, birthDate: patient.birthDate ?? null, fhirReference: patient.fhirReference ?? null, createdAt };
    });
  }

  getPatient(id: string, actor: Actor): Promise<Patient> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.get('SELECT * FROM patients WHERE id = ?', [id]);
      if (row === undefined) throw notFound(`no patient ${id}`, { id });
      await this.#audit(tx, actor, { action: 'patient.read', resourceType: 'patient', resourceId: id });
      const birthDate = optStr(row, 'birth_date');
      return {
        id,
        displayName: this.#cipher.decrypt(str(row, 'display_name'), binding('patients', 'display_name', id)),
        birthDate: birthDate === null ? null : this.#cipher.decrypt(birthDate, binding('patients', 'birth_date', id)),
        fhirReference: optStr(row, 'fhir_reference'),
        createdAt: str(row, 'created_at'),
      };
    });
  }

  createEncounter(encounter: { patientId: string; startedAt?: string }, actor: Actor): Promise<Encounter> {
    return this.sql.transaction(async (tx) => {
      if ((await tx.get('SELECT 1 AS one FROM patients WHERE id = ?', [encounter.patientId])) === undefined) {
        throw notFound(`no patient ${encounter.patientId}`, { patientId: encounter.patientId });
      }
      const id = randomUUID();
      const startedAt = encounter.startedAt ?? this.#now().toISOString();
      await tx.run('INSERT INTO encounters (id, patient_id, started_at) VALUES (?, ?, ?)', [id, encounter.patientId, startedAt]);
      await this.#audit(tx, actor, { action: 'encounter.create', resourceType: 'encounter', resourceId: id });
      return { id, patientId: encounter.patientId, startedAt };
    });
  }

  // — drafts —

  createDraft(input: NewDraft, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      if ((await tx.get('SELECT 1 AS one FROM encounters WHERE id = ?', [input.encounterId])) === undefined) {
        throw notFound(`no encounter ${input.encounterId}`, { encounterId: input.encounterId });
      }
      const { draft } = input;
      const id = randomUUID();
      await tx.run(
        `INSERT INTO drafts (id, encounter_id, workflow, input, ai_output, provenance, status, version, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?)`,
        [
          id,
          input.encounterId,
          draft.workflow,
          this.#encryptJson(input.input, 'drafts', 'input', id),
          this.#encryptJson({ content: draft.content, findings: draft.findings, limitations: draft.limitations }, 'drafts', 'ai_output', id),
          JSON.stringify(draft.provenance),
          actor.userId,
          this.#now().toISOString(),
        ],
      );
      const upload = uploadNamedBy(draft.workflow, input.input);
      if (upload !== undefined) await linkDraftUpload(tx, this.#cipher, id, upload, actor, this.#now());
      await this.#draftAudit(tx, actor, 'draft.create', id);
      return this.#loadDraft(tx, id);
    });
  }

  getDraft(id: string, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      const draft = await this.#loadDraft(tx, id);
      await this.#draftAudit(tx, actor, 'draft.read', id);
      return draft;
    });
  }

  async listDrafts(filter: DraftListFilter, actor: Actor): Promise<DraftSummary[]> {
    return (await this.listDraftsPage(filter, actor)).drafts;
  }

  listDraftsPage(filter: DraftListFilter, actor: Actor): Promise<DraftPage> {
    return this.sql.transaction(async (tx) => {
      if (!Number.isSafeInteger(filter.limit) || filter.limit < 1 || filter.limit > 500) {
        throw new NorthstationError('bad_request', 'limit must be an integer from 1 to 500', { field: 'limit' });
      }
      const order = filter.state === 'draft' ? 'ASC' : 'DESC';
      const where: string[] = [];
      const params: SqlValue[] = [];
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
      if (filter.after !== undefined) {
        const key = decodeDraftCursor(filter.after, order);
        // Strictly past the last row of the previous page in this order; written out rather than as a row value so both databases plan it plainly.
        const past = order === 'ASC' ? '>' : '<';
        where.push(`(d.created_at ${past} ? OR (d.created_at = ? AND d.rowid ${past} ?))`);
        params.push(key.createdAt, key.createdAt, key.rowid);
      }
      // rowid keeps insertion order among drafts created in the same millisecond (an explicit column on PostgreSQL);
      // one row more than the page tells whether another page follows, so the last page carries no cursor.
      const rows = await tx.all(
        `SELECT d.id, d.encounter_id, e.patient_id, d.workflow, d.status, d.version, d.created_by, d.created_at, d.rowid AS row_key
         FROM drafts d JOIN encounters e ON e.id = d.encounter_id
         ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
         ORDER BY d.created_at ${order}, d.rowid ${order} LIMIT ?`,
        [...params, filter.limit + 1],
      );
      const scope = [filter.state === undefined ? 'state=any' : `state=${filter.state}`, ...(filter.workflow === undefined ? [] : [`workflow=${filter.workflow}`]), ...(filter.createdBy === undefined ? [] : [`createdBy=${filter.createdBy}`]), ...(filter.patientId === undefined ? [] : [`patient=${filter.patientId}`]), ...(filter.encounterId === undefined ? [] : [`encounter=${filter.encounterId}`])];
      await this.#audit(tx, actor, { action: 'worklist.read', resourceType: 'worklist', resourceId: scope.join('&') });
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      const drafts = page.map((row) => ({
        id: str(row, 'id'),
        encounterId: str(row, 'encounter_id'),
        patientId: str(row, 'patient_id'),
        workflow: str(row, 'workflow'),
        status: str(row, 'status') as DraftStatus,
        version: num(row, 'version'),
        createdBy: str(row, 'created_by'),
        createdAt: str(row, 'created_at'),
      }));
      return rows.length > filter.limit && last !== undefined
        ? { drafts, next: encodeDraftCursor(order, str(last, 'created_at'), num(last, 'row_key')) }
        : { drafts };
    });
  }

  editDraft(id: string, expectedVersion: number, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      const current = await this.#lockDraft(tx, id, expectedVersion, 'edit');
      const revisionId = randomUUID();
      await tx.run('INSERT INTO revisions (id, draft_id, version, content, edited_by, edited_at) VALUES (?, ?, ?, ?, ?, ?)', [
        revisionId, id, current.version + 1, this.#encryptJson(content, 'revisions', 'content', revisionId), actor.userId, this.#now().toISOString(),
      ]);
      await this.#bumpVersion(tx, id, current.version, 'draft');
      await this.#draftAudit(tx, actor, 'draft.edit', id);
      return this.#loadDraft(tx, id);
    });
  }

  signDraft(id: string, expectedVersion: number, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      this.#requireSigner(actor, 'sign', id);
      const current = await this.#lockDraft(tx, id, expectedVersion, 'sign');
      const quality: DiffSummary = diffSummary(current.aiOutput.content, current.currentContent);
      await tx.run('INSERT INTO signatures (id, draft_id, signed_by, role, signed_at, content_hash, quality) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(), id, actor.userId, actor.role, this.#now().toISOString(), sha256Hex(canonicalJson(current.currentContent)), JSON.stringify(quality),
      ]);
      await this.#bumpVersion(tx, id, current.version, 'signed');
      await this.#draftAudit(tx, actor, 'draft.sign', id);
      return this.#loadDraft(tx, id);
    });
  }

  amend(id: string, reason: string, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      this.#requireSigner(actor, 'amend', id);
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'an amendment needs a reason', { id });
      const current = await this.#loadDraft(tx, id);
      if (current.status !== 'signed' && current.status !== 'amended') {
        throw conflict(
          current.status === 'draft' ? `draft ${id} is not signed yet: edit it instead of amending` : `document ${id} was entered in error and cannot be amended`,
          { id, status: current.status },
        );
      }
      const amendmentId = randomUUID();
      await tx.run('INSERT INTO amendments (id, draft_id, reason, content, content_hash, signed_by, role, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        amendmentId,
        id,
        this.#encrypt(reason, 'amendments', 'reason', amendmentId),
        this.#encryptJson(content, 'amendments', 'content', amendmentId),
        sha256Hex(canonicalJson(content)),
        actor.userId,
        actor.role,
        this.#now().toISOString(),
      ]);
      await this.#bumpVersion(tx, id, current.version, 'amended');
      await this.#draftAudit(tx, actor, 'draft.amend', id);
      return this.#loadDraft(tx, id);
    });
  }

  withdraw(id: string, reason: string, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'a withdrawal needs a reason', { id });
      const current = await this.#loadDraft(tx, id);
      if (current.status === 'entered-in-error') throw conflict(`document ${id} is already entered in error`, { id, status: current.status });
      if (current.status !== 'draft') this.#requireSigner(actor, 'withdraw a signed document', id);
      await tx.run("UPDATE drafts SET status = 'entered-in-error', version = version + 1, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ? AND version = ?", [
        this.#encrypt(reason, 'drafts', 'withdrawn_reason', id), actor.userId, this.#now().toISOString(), id, current.version,
      ]);
      await this.#draftAudit(tx, actor, 'draft.withdraw', id);
      return this.#loadDraft(tx, id);
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
    const taken = async (db: SqlExecutor): Promise<void> => {
      if ((await db.get('SELECT 1 AS one FROM users WHERE username = ?', [username])) !== undefined) throw conflict(`a user named ${username} already exists`, { username });
    };
    await taken(this.sql);
    // Hashing takes a while: outside the transaction, then the name is checked again inside it.
    const passwordHash = await hashPassword(user.password, this.#passwordParams);
    return this.sql.transaction(async (tx) => {
      await taken(tx);
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      await tx.run('INSERT INTO users (id, username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', [id, username, displayName, JSON.stringify(roles), passwordHash, createdAt]);
      await this.#audit(tx, actor, { action: 'user.create', resourceType: 'user', resourceId: id });
      return { id, username, displayName, roles, createdAt };
    });
  }

  async authenticate(username: string, password: string, context: LoginContext = {}): Promise<User> {
    const row = await this.sql.get('SELECT * FROM users WHERE username = ?', [username]);
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
    const outcome = await this.sql.transaction(async (tx): Promise<User | undefined> => {
      if (row === undefined) {
        await this.#audit(tx, selfActor(undefined, context), { action: 'login.failure', resourceType: 'user', resourceId: unknownPrincipal });
        return undefined;
      }
      const id = str(row, 'id');
      // Re-read inside the transaction: a concurrent attempt may have moved the counter.
      const fresh = await tx.get('SELECT * FROM users WHERE id = ?', [id]);
      if (fresh === undefined) throw notFound(`no user ${id}`, { id });
      const user = rowToUser(fresh);
      const before: LockoutState = {
        failedLogins: num(fresh, 'failed_logins'),
        lockedUntil: epoch(optStr(fresh, 'locked_until')),
        firstFailedAt: epoch(optStr(fresh, 'first_failed_at')),
      };
      const { state, decision } = loginAttempt(before, ok ? 'success' : 'failure', this.#now().getTime());
      await tx.run('UPDATE users SET failed_logins = ?, locked_until = ?, first_failed_at = ? WHERE id = ?', [state.failedLogins, iso(state.lockedUntil), iso(state.firstFailedAt), id]);
      if (decision.allowed && rehash !== undefined) {
        await tx.run('UPDATE users SET password_hash = ? WHERE id = ?', [rehash, id]);
      }
      const action = decision.allowed ? 'login.success' : decision.reason === 'now_locked' ? 'login.lockout' : decision.reason === 'locked' ? 'login.locked' : 'login.failure';
      await this.#audit(tx, selfActor(user, context), { action, resourceType: 'user', resourceId: id });
      return decision.allowed ? user : undefined;
    });
    if (outcome === undefined) throw refused();
    return outcome;
  }

  async signInExternal(identity: ExternalIdentity, context: LoginContext = {}): Promise<User> {
    const roles = [...new Set(identity.roles.filter(isRole))];
    const username = identity.username.trim();
    const displayName = (identity.displayName ?? username).trim() || username;
    // Refusals are returned, not thrown, so their audit events commit with the transaction.
    const outcome = await this.sql.transaction(async (tx): Promise<User | NorthstationError> => {
      const bound = await tx.get('SELECT user_id FROM external_identities WHERE issuer = ? AND subject = ?', [identity.issuer, identity.subject]);
      const existing = bound === undefined ? undefined : await tx.get('SELECT * FROM users WHERE id = ?', [str(bound, 'user_id')]);
      const known = existing === undefined ? undefined : rowToUser(existing);
      if (roles.length === 0) {
        await this.#audit(tx, selfActor(known, context), { action: 'login.failure', resourceType: 'user', resourceId: known?.id ?? unknownPrincipal });
        return new NorthstationError('forbidden', 'your identity provider grants you no Northstation role; ask your administrator', { subject: identity.subject });
      }
      if (known !== undefined) {
        let user = known;
        if (JSON.stringify([...known.roles].sort()) !== JSON.stringify([...roles].sort())) {
          await tx.run('UPDATE users SET roles = ? WHERE id = ?', [JSON.stringify(roles), known.id]);
          user = { ...known, roles };
          await this.#audit(tx, selfActor(user, context), { action: 'user.roles-sync', resourceType: 'user', resourceId: user.id });
        }
        await this.#audit(tx, selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: user.id });
        return user;
      }
      if (username === '') return new NorthstationError('bad_request', 'the identity provider sent no usable username', { field: 'username' });
      if ((await tx.get('SELECT 1 AS one FROM users WHERE username = ?', [username])) !== undefined) {
        await this.#audit(tx, selfActor(undefined, context), { action: 'login.failure', resourceType: 'user', resourceId: unknownPrincipal });
        return conflict(`a local account named ${username} already exists; an administrator must resolve the clash`, { username });
      }
      const id = randomUUID();
      const createdAt = this.#now().toISOString();
      await tx.run('INSERT INTO users (id, username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, NULL, ?)', [id, username, displayName, JSON.stringify(roles), createdAt]);
      await tx.run('INSERT INTO external_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)', [identity.issuer, identity.subject, id, createdAt]);
      const user: User = { id, username, displayName, roles, createdAt };
      await this.#audit(tx, selfActor(user, context), { action: 'user.create', resourceType: 'user', resourceId: id });
      await this.#audit(tx, selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: id });
      return user;
    });
    if (outcome instanceof NorthstationError) throw outcome;
    return outcome;
  }

  issueApiToken(userId: string, actor: Actor): Promise<IssuedApiToken> {
    return this.sql.transaction(async (tx) => {
      if ((await tx.get('SELECT 1 AS one FROM users WHERE id = ?', [userId])) === undefined) throw notFound(`no user ${userId}`, { userId });
      const { token, id, hash } = issueToken();
      const createdAt = this.#now().toISOString();
      await tx.run('INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES (?, ?, ?, ?)', [id, userId, hash, createdAt]);
      await this.#audit(tx, actor, { action: 'api-token.issue', resourceType: 'api-token', resourceId: id });
      return { id, token, userId, createdAt };
    });
  }

  async authenticateToken(token: string, context: LoginContext = {}): Promise<User> {
    const user = await this.sql.transaction(async (tx): Promise<User | undefined> => {
      const row = isTokenShaped(token) ? await tx.get('SELECT * FROM api_tokens WHERE token_hash = ?', [hashToken(token)]) : undefined;
      const valid = row !== undefined && verifyToken(token, str(row, 'token_hash')) && optStr(row, 'revoked_at') === null;
      const userRow = valid ? await tx.get('SELECT * FROM users WHERE id = ?', [str(row, 'user_id')]) : undefined;
      const found = userRow === undefined ? undefined : rowToUser(userRow);
      await this.#audit(tx, selfActor(found, context), {
        action: found === undefined ? 'api-token.refused' : 'api-token.use',
        resourceType: 'api-token',
        resourceId: row === undefined ? unknownPrincipal : str(row, 'id'),
      });
      return found;
    });
    if (user === undefined) throw refused();
    return user;
  }

  revokeApiToken(id: string, actor: Actor): Promise<void> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.get('SELECT revoked_at FROM api_tokens WHERE id = ?', [id]);
      if (row === undefined) throw notFound(`no API token ${id}`, { id });
      if (optStr(row, 'revoked_at') !== null) throw conflict(`API token ${id} is already revoked`, { id });
      await tx.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ?', [this.#now().toISOString(), id]);
      await this.#audit(tx, actor, { action: 'api-token.revoke', resourceType: 'api-token', resourceId: id });
    });
  }

  // — login sessions —

  async openSession(session: NewSession, context: LoginContext = {}): Promise<StoredSession> {
    if (!sessionHashPattern.test(session.tokenHash)) throw new NorthstationError('bad_request', 'a session token hash is 64 lowercase hex characters (SHA-256)', { field: 'tokenHash' });
    for (const field of ['ttlMs', 'maxPerUser', 'maxTotal'] as const) {
      if (!Number.isSafeInteger(session[field]) || session[field] < 1) throw new NorthstationError('bad_request', `${field} must be a positive integer`, { field });
    }
    // Refusals are thrown: a refused open rolls back the revocations it made on the way.
    return this.sql.transaction(async (tx) => {
      const userRow = await tx.get('SELECT * FROM users WHERE id = ?', [session.userId]);
      if (userRow === undefined) throw notFound(`no user ${session.userId}`, { userId: session.userId });
      const user = rowToUser(userRow);
      const actor = selfActor(user, context);
      const now = this.#now();
      const at = now.toISOString();
      // Expired rows are dead weight (the audit trail keeps their story); deleting them here bounds the table.
      await tx.run('DELETE FROM sessions WHERE expires_at <= ?', [at]);
      const own = await tx.all('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY seq', [user.id]);
      for (const row of own.slice(0, Math.max(0, own.length - session.maxPerUser + 1))) {
        await tx.run('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, str(row, 'id')]);
        await this.#audit(tx, actor, { action: 'session.revoke', resourceType: 'session', resourceId: str(row, 'id') });
      }
      const live = num((await tx.get('SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL')) ?? { n: 0 }, 'n');
      if (live >= session.maxTotal) {
        throw new NorthstationError('overloaded', 'too many sessions are open on this server; try again later', { maxSessions: session.maxTotal });
      }
      // Transactions are serialised across gateways, so MAX + 1 cannot be taken twice.
      const seq = num((await tx.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM sessions')) ?? { seq: 0 }, 'seq') + 1;
      const id = randomUUID();
      const expiresAt = new Date(now.getTime() + session.ttlMs).toISOString();
      const external = session.external ?? null;
      await tx.run(
        'INSERT INTO sessions (id, user_id, token_hash, seq, created_at, expires_at, external_issuer, external_subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [id, user.id, session.tokenHash, seq, at, expiresAt, external?.issuer ?? null, external?.subject ?? null],
      );
      await this.#audit(tx, actor, { action: 'session.open', resourceType: 'session', resourceId: id });
      return { id, user, createdAt: at, expiresAt, external: external === null ? null : { issuer: external.issuer, subject: external.subject }, stepUp: null };
    });
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    if (!sessionHashPattern.test(tokenHash)) return undefined;
    const at = this.#now().toISOString();
    // The user's columns are read with the session, every time: roles changed since sign-in apply now.
    const row = await this.sql.get(
      `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.external_issuer, s.external_subject, s.step_up_purpose, s.step_up_expires_at,
              u.username, u.display_name, u.roles, u.created_at AS user_created_at
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`,
      [tokenHash, at],
    );
    if (row === undefined) return undefined;
    const issuer = optStr(row, 'external_issuer');
    const subject = optStr(row, 'external_subject');
    const purpose = optStr(row, 'step_up_purpose');
    const stepUpExpiresAt = optStr(row, 'step_up_expires_at');
    return {
      id: str(row, 'id'),
      user: rowToUser({ id: row.user_id, username: row.username, display_name: row.display_name, roles: row.roles, created_at: row.user_created_at }),
      createdAt: str(row, 'created_at'),
      expiresAt: str(row, 'expires_at'),
      external: issuer === null || subject === null ? null : { issuer, subject },
      stepUp: purpose === null || stepUpExpiresAt === null || stepUpExpiresAt <= at ? null : { purpose, expiresAt: stepUpExpiresAt },
    };
  }

  revokeSession(id: string, actor: Actor): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const at = this.#now().toISOString();
      const result = await tx.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ?', [at, id, at]);
      if (result.changes !== 1) return false;
      await this.#audit(tx, actor, { action: 'session.revoke', resourceType: 'session', resourceId: id });
      return true;
    });
  }

  async grantStepUp(sessionId: string, purpose: string, ttlMs: number): Promise<SessionStepUp | undefined> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new NorthstationError('bad_request', 'ttlMs must be a positive integer', { field: 'ttlMs' });
    const now = this.#now();
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const result = await this.sql.run(
      'UPDATE sessions SET step_up_purpose = ?, step_up_expires_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ?',
      [purpose, expiresAt, sessionId, at],
    );
    return result.changes === 1 ? { purpose, expiresAt } : undefined;
  }

  async takeStepUp(sessionId: string, purpose: string): Promise<SessionStepUp | undefined> {
    const at = this.#now().toISOString();
    const row = await this.sql.get('SELECT step_up_expires_at FROM sessions WHERE id = ? AND step_up_purpose = ?', [sessionId, purpose]);
    const expiresAt = row === undefined ? null : optStr(row, 'step_up_expires_at');
    if (expiresAt === null) return undefined;
    // The conditional UPDATE is the claim: of two gateways taking one grant, exactly one changes the row.
    const result = await this.sql.run(
      `UPDATE sessions SET step_up_purpose = NULL, step_up_expires_at = NULL
       WHERE id = ? AND step_up_purpose = ? AND step_up_expires_at = ? AND step_up_expires_at > ? AND revoked_at IS NULL AND expires_at > ?`,
      [sessionId, purpose, expiresAt, at, at],
    );
    return result.changes === 1 ? { purpose, expiresAt } : undefined;
  }

  async restoreStepUp(sessionId: string, grant: SessionStepUp): Promise<boolean> {
    const at = this.#now().toISOString();
    if (grant.expiresAt <= at) return false;
    const result = await this.sql.run(
      'UPDATE sessions SET step_up_purpose = ?, step_up_expires_at = ? WHERE id = ? AND step_up_purpose IS NULL AND revoked_at IS NULL AND expires_at > ?',
      [grant.purpose, grant.expiresAt, sessionId, at],
    );
    return result.changes === 1;
  }

  async countSessions(userId?: string): Promise<number> {
    const at = this.#now().toISOString();
    const row = userId === undefined
      ? await this.sql.get('SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > ?', [at])
      : await this.sql.get('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?', [userId, at]);
    return row === undefined ? 0 : num(row, 'n');
  }

  // — single sign-on logins in progress (oidc-logins.ts) —

  saveOidcLogin(login: NewOidcLogin): Promise<{ expiresAt: string }> {
    // A transaction: the sweep, the count against the cap and the insert must not interleave with another gateway's.
    return this.sql.transaction((tx) => insertOidcLogin(tx, this.#cipher, login, this.#now()));
  }

  takeOidcLogin(state: string): Promise<StoredOidcLogin | undefined> {
    return deleteOidcLogin(this.sql, this.#cipher, state, this.#now());
  }

  countOidcLogins(): Promise<number> {
    return countOidcLogins(this.sql, this.#now());
  }

  /** A hash of a random password at this store's cost: what unknown users and locked accounts are checked against. */
  #dummyPasswordHash(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomUUID(), this.#passwordParams);
    return this.#dummyHash;
  }

  // — audit —

  listAuditEvents(filter: { resourceId?: string } = {}, actor?: Actor): Promise<AuditEvent[]> {
    if (actor === undefined) return listAuditEvents(this.sql, filter);
    // Someone reading the trail (who opened which record, from where) is itself an action to record.
    return this.sql.transaction(async (tx) => {
      const events = await listAuditEvents(tx, filter);
      await this.#audit(tx, actor, { action: 'audit.read', resourceType: 'audit', resourceId: filter.resourceId ?? '*' });
      return events;
    });
  }

  verifyAuditChain(): Promise<AuditVerification> {
    return verifyAuditChain(this.sql);
  }

  // — imaging (studies.ts) —

  recordStudyInstance(instance: NewStudyInstance, actor: Actor): Promise<'stored' | 'duplicate'> {
    return this.sql.transaction(async (tx) => {
      const outcome = await insertStudyInstance(tx, this.#cipher, instance, this.#now().toISOString());
      if (outcome === 'stored') await this.#audit(tx, actor, { action: 'study.receive', resourceType: 'study-instance', resourceId: instance.sopInstanceUid });
      return outcome;
    });
  }

  listStudies(filter: StudyListFilter, actor: Actor): Promise<StudySummary[]> {
    return this.sql.transaction(async (tx) => {
      const studies = await selectStudies(tx, this.#cipher, filter);
      await this.#audit(tx, actor, { action: 'study.list', resourceType: 'worklist', resourceId: filter.modality === undefined ? 'studies' : `studies&modality=${filter.modality}` });
      return studies;
    });
  }

  getStudyInstance(sopInstanceUid: string, actor: Actor): Promise<StoredStudyInstance> {
    return this.sql.transaction(async (tx) => {
      const instance = await selectStudyInstance(tx, this.#cipher, sopInstanceUid);
      await this.#audit(tx, actor, { action: 'study.read', resourceType: 'study-instance', resourceId: sopInstanceUid });
      return instance;
    });
  }

  // — uploaded images (uploads.ts) —

  recordUpload(upload: NewUpload, actor: Actor): Promise<StoredUpload> {
    return this.sql.transaction(async (tx) => {
      const stored = await insertUpload(tx, this.#cipher, upload, actor.userId, this.#now());
      await this.#audit(tx, actor, { action: 'upload.create', resourceType: 'upload', resourceId: upload.id });
      return stored;
    });
  }

  getUpload(id: string, actor: Actor): Promise<StoredUpload> {
    return this.sql.transaction(async (tx) => {
      const upload = await selectUpload(tx, this.#cipher, id, actor, this.#now());
      await this.#audit(tx, actor, { action: 'upload.read', resourceType: 'upload', resourceId: id });
      return upload;
    });
  }

  sweepExpiredUploads(actor: Actor): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const expired = await deleteExpiredUploads(tx, this.#now());
      for (const { id } of expired) await this.#audit(tx, actor, { action: 'upload.expire', resourceType: 'upload', resourceId: id });
      return expired.map(({ filePath }) => filePath);
    });
  }

  // — key rotation —

  /** Re-encrypts every encrypted column under `newKey` in one transaction; afterwards only `newKey` opens the store. */
  async rotateKey(newKey: Buffer, actor: Actor): Promise<{ keyId: string; values: number }> {
    const next = new FieldCipher(newKey);
    const result = await this.sql.transaction(async (tx) => {
      let values = 0;
      for (const { table, key, columns } of encryptedColumns) {
        for (const column of columns) {
          for (const row of await tx.all(`SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`)) {
            const where = binding(table, column, str(row, 'k'));
            await tx.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [next.encrypt(this.#cipher.decrypt(str(row, 'v'), where), where), str(row, 'k')]);
            values += 1;
          }
        }
      }
      await tx.run("UPDATE store_meta SET value = ? WHERE key = 'data_key_id'", [next.keyId]);
      await this.#audit(tx, actor, { action: 'data-key.rotate', resourceType: 'store', resourceId: next.keyId });
      return { keyId: next.keyId, values };
    });
    // Committed: from now on only the new key reads the store.
    this.#cipher = next;
    return result;
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  // — internals —

  #requireSigner(actor: Actor, what: string, id: string): void {
    if (actor.role !== signingRole) {
      throw new NorthstationError('forbidden', `only a ${signingRole} may ${what} (acting as ${actor.role})`, { id, role: actor.role });
    }
  }

  /** The draft, checked to be editable/signable at `expectedVersion`; a conflict names why otherwise. */
  async #lockDraft(tx: SqlExecutor, id: string, expectedVersion: number, what: 'edit' | 'sign'): Promise<StoredDraft> {
    const current = await this.#loadDraft(tx, id);
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

  async #bumpVersion(tx: SqlExecutor, id: string, from: number, status: DraftStatus): Promise<void> {
    const result = await tx.run('UPDATE drafts SET version = version + 1, status = ? WHERE id = ? AND version = ?', [status, id, from]);
    if (result.changes !== 1) throw conflict(`draft ${id} changed concurrently`, { id, expectedVersion: from });
  }

  async #loadDraft(tx: SqlExecutor, id: string): Promise<StoredDraft> {
    const row = await tx.get('SELECT d.*, e.patient_id FROM drafts d JOIN encounters e ON e.id = d.encounter_id WHERE d.id = ?', [id]);
    if (row === undefined) throw notFound(`no draft ${id}`, { id });
    const aiOutput = this.#cipher.decryptJson(str(row, 'ai_output'), binding('drafts', 'ai_output', id)) as StoredDraft['aiOutput'];
    const revisions: Revision[] = (await tx.all('SELECT * FROM revisions WHERE draft_id = ? ORDER BY version', [id])).map((r) => ({
      id: str(r, 'id'), version: num(r, 'version'), content: this.#cipher.decryptJson(str(r, 'content'), binding('revisions', 'content', str(r, 'id'))), editedBy: str(r, 'edited_by'), editedAt: str(r, 'edited_at'),
    }));
    const amendments: Amendment[] = (await tx.all('SELECT * FROM amendments WHERE draft_id = ? ORDER BY signed_at, rowid', [id])).map((a) => ({
      id: str(a, 'id'),
      reason: this.#cipher.decrypt(str(a, 'reason'), binding('amendments', 'reason', str(a, 'id'))),
      content: this.#cipher.decryptJson(str(a, 'content'), binding('amendments', 'content', str(a, 'id'))),
      contentHash: str(a, 'content_hash'),
      signedBy: str(a, 'signed_by'),
      role: str(a, 'role'),
      signedAt: str(a, 'signed_at'),
    }));
    const s = await tx.get('SELECT * FROM signatures WHERE draft_id = ?', [id]);
    const withdrawnReason = optStr(row, 'withdrawn_reason');
    return {
      id,
      encounterId: str(row, 'encounter_id'),
      patientId: str(row, 'patient_id'),
      workflow: str(row, 'workflow'),
      input: this.#cipher.decryptJson(str(row, 'input'), binding('drafts', 'input', id)),
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
      withdrawal: withdrawnReason === null ? null : { reason: this.#cipher.decrypt(withdrawnReason, binding('drafts', 'withdrawn_reason', id)), by: str(row, 'withdrawn_by'), at: str(row, 'withdrawn_at') },
    };
  }
}

/**
 * A draft listing's cursor: the order it was issued for and the last row's
 * (created_at, rowid), as base64url JSON. Opaque to callers so the key can
 * change; checked in full on the way back in, since it reaches SQL parameters
 * and a cursor of the other order would silently skip rows.
 */
function encodeDraftCursor(order: 'ASC' | 'DESC', createdAt: string, rowid: number): string {
  return Buffer.from(JSON.stringify([order === 'ASC' ? 'a' : 'd', createdAt, rowid])).toString('base64url');
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function decodeDraftCursor(cursor: string, order: 'ASC' | 'DESC'): { createdAt: string; rowid: number } {
  const refuse = (why: string): NorthstationError => new NorthstationError('bad_request', `after is not a cursor of this listing: ${why}`, { field: 'after' });
  // Node's base64url decoder skips characters it does not know; checking the alphabet first keeps a cursor with anything appended from passing.
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse('not base64url');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not a cursor the store issued');
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw refuse('not a cursor the store issued');
  const [direction, createdAt, rowid] = decoded as unknown[];
  if (direction !== 'a' && direction !== 'd') throw refuse('not a cursor the store issued');
  if (direction !== (order === 'ASC' ? 'a' : 'd')) throw refuse('issued for the other order (state=draft lists oldest first)');
  if (typeof createdAt !== 'string' || !isoInstant.test(createdAt)) throw refuse('not a cursor the store issued');
  if (typeof rowid !== 'number' || !Number.isSafeInteger(rowid) || rowid < 1) throw refuse('not a cursor the store issued');
  return { createdAt, rowid };
}
