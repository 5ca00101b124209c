/**
 * The records store: `RecordsRepository` over a `SqlDatabase`, the same code
 * for the embedded SQLite file (sqlite-store.ts) and PostgreSQL
 * (postgres-store.ts).
 *
 * Every method runs in one transaction together with its audit event; PHI
 * columns are encrypted with `FieldCipher` before they reach the database,
 * each value bound to its table, column and row.
 *
 * The class opens every transaction and writes every audit event; the SQL of
 * each entity lives in its own module (drafts.ts, users.ts, login-sessions.ts,
 * oidc-logins.ts, studies.ts, uploads.ts, data-key.ts).
 */
import { randomUUID } from 'node:crypto';
import { NorthstationError, notFound } from '../core/errors.ts';
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import type { Provenance } from '../workflows/draft.ts';
import { appendAuditEvent, listAuditEvents, searchAuditEvents, verifyAuditChain } from './audit.ts';
import type { Actor, AuditEvent, AuditEventInput, AuditVerification } from './audit.ts';
import { FieldCipher } from './field-cipher.ts';
import { prepareDatabase, reencryptColumns } from './data-key.ts';
import { diffSummary } from './quality.ts';
import type { DiffSummary } from './quality.ts';
import type { NewStudyInstance, NewUpload, StoredStudyInstance, StoredUpload, StudyListFilter, StudySummary } from './repository.ts';
import { insertStudyInstance, selectStudies, selectStudyInstance } from './studies.ts';
import { countOidcLogins, deleteOidcLogin, insertOidcLogin } from './oidc-logins.ts';
import type { NewOidcExchange, NewOidcLogin, StoredOidcLogin, TakenOidcExchange } from './repository.ts';
import { deleteOidcExchange, insertOidcExchange } from './oidc-exchanges.ts';
import { deleteExpiredUploads, insertUpload, linkDraftUpload, selectUpload, uploadNamedBy } from './uploads.ts';
import type { AuditSearch, DraftListFilter, DraftPage, DraftSummary, Encounter, ExternalIdentity, IssuedApiToken, LoginContext, NewDraft, NewPatient, NewSession, NewUser, Patient, RecordsRepository, SessionStepUp, StoredDraft, StoredSession, User, UserLanguage } from './repository.ts';
import { assertAcceptablePassword, hashPassword, needsRehash, scryptDefaults, verifyPassword } from './accounts/password.ts';
import type { ScryptParams } from './accounts/password.ts';
import { isRole } from './accounts/policy.ts';
import { checkableHash, checkNewUser, insertApiToken, insertExternalUser, insertUser, markApiTokenRevoked, recordLoginAttempt, refused, selectExternalUser, selectTokenUser, selectUser, selfActor, unknownPrincipal, updateUserLanguage, updateUserPassword, updateUserRoles, usernameExists } from './users.ts';
import { checkNewSession, countLiveSessions, grantSessionStepUp, insertSession, markSessionRevoked, restoreSessionStepUp, revokeAllSessions, revokeOldestSessions, selectSession, takeSessionStepUp } from './login-sessions.ts';
import { optStr, str } from './rows.ts';
import { bumpDraftVersion, lockDraft, selectDraft, selectDraftPage } from './drafts.ts';
import type { SqlDatabase, SqlExecutor } from './sql/database.ts';

/** Where the store gets its cipher; re-exported so sqlite-store.ts and postgres-store.ts open it as before. */
export { prepareDatabase };

export interface RecordsStoreSettings {
  /** The 32-byte data key (see `loadDataKey`). Required: the store holds PHI only encrypted. */
  key: Buffer | undefined;
  /** Clock, for tests. Default: `new Date()`. */
  now?: () => Date;
  /** scrypt cost for new password hashes. Default: `scryptDefaults` (tests pass a cheaper one). */
  passwordParams?: ScryptParams;
}

/** Where an encrypted value lives: authenticated with it, so it cannot be moved to another row or column. */
const binding = (table: string, column: string, id: string): string => `${table}.${column}:${id}`;

const signingRole = 'physician';

function conflict(message: string, details: Record<string, unknown>): NorthstationError {
  return new NorthstationError('conflict', message, details);
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
      return selectDraft(tx, this.#cipher, id);
    });
  }

  getDraft(id: string, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      const draft = await selectDraft(tx, this.#cipher, id);
      await this.#draftAudit(tx, actor, 'draft.read', id);
      return draft;
    });
  }

  async listDrafts(filter: DraftListFilter, actor: Actor): Promise<DraftSummary[]> {
    return (await this.listDraftsPage(filter, actor)).drafts;
  }

  listDraftsPage(filter: DraftListFilter, actor: Actor): Promise<DraftPage> {
    return this.sql.transaction(async (tx) => {
      const { page, scope } = await selectDraftPage(tx, this.#cipher, filter);
      await this.#audit(tx, actor, { action: 'worklist.read', resourceType: 'worklist', resourceId: scope });
      if (filter.withPatients === true) {
        // Names on the page are patient data read: one event per patient shown, as getPatient records.
        for (const patientId of new Set(page.drafts.map((draft) => draft.patientId))) {
          await this.#audit(tx, actor, { action: 'patient.read', resourceType: 'patient', resourceId: patientId });
        }
      }
      return page;
    });
  }

  editDraft(id: string, expectedVersion: number, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      const current = await lockDraft(tx, this.#cipher, id, expectedVersion, 'edit');
      const revisionId = randomUUID();
      await tx.run('INSERT INTO revisions (id, draft_id, version, content, edited_by, edited_at) VALUES (?, ?, ?, ?, ?, ?)', [
        revisionId, id, current.version + 1, this.#encryptJson(content, 'revisions', 'content', revisionId), actor.userId, this.#now().toISOString(),
      ]);
      await bumpDraftVersion(tx, id, current.version, 'draft');
      await this.#draftAudit(tx, actor, 'draft.edit', id);
      return selectDraft(tx, this.#cipher, id);
    });
  }

  signDraft(id: string, expectedVersion: number, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      this.#requireSigner(actor, 'sign', id);
      const current = await lockDraft(tx, this.#cipher, id, expectedVersion, 'sign');
      const quality: DiffSummary = diffSummary(current.aiOutput.content, current.currentContent);
      await tx.run('INSERT INTO signatures (id, draft_id, signed_by, role, signed_at, content_hash, quality) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(), id, actor.userId, actor.role, this.#now().toISOString(), sha256Hex(canonicalJson(current.currentContent)), JSON.stringify(quality),
      ]);
      await bumpDraftVersion(tx, id, current.version, 'signed');
      await this.#draftAudit(tx, actor, 'draft.sign', id);
      return selectDraft(tx, this.#cipher, id);
    });
  }

  amend(id: string, reason: string, content: unknown, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      this.#requireSigner(actor, 'amend', id);
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'an amendment needs a reason', { id });
      const current = await selectDraft(tx, this.#cipher, id);
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
      await bumpDraftVersion(tx, id, current.version, 'amended');
      await this.#draftAudit(tx, actor, 'draft.amend', id);
      return selectDraft(tx, this.#cipher, id);
    });
  }

  withdraw(id: string, reason: string, actor: Actor): Promise<StoredDraft> {
    return this.sql.transaction(async (tx) => {
      if (reason.trim() === '') throw new NorthstationError('bad_request', 'a withdrawal needs a reason', { id });
      const current = await selectDraft(tx, this.#cipher, id);
      if (current.status === 'entered-in-error') throw conflict(`document ${id} is already entered in error`, { id, status: current.status });
      if (current.status !== 'draft') this.#requireSigner(actor, 'withdraw a signed document', id);
      await tx.run("UPDATE drafts SET status = 'entered-in-error', version = version + 1, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ? AND version = ?", [
        this.#encrypt(reason, 'drafts', 'withdrawn_reason', id), actor.userId, this.#now().toISOString(), id, current.version,
      ]);
      await this.#draftAudit(tx, actor, 'draft.withdraw', id);
      return selectDraft(tx, this.#cipher, id);
    });
  }

  // — users and authentication (users.ts) —

  async createUser(user: NewUser, actor: Actor): Promise<User> {
    const { username, displayName, roles } = checkNewUser(user);
    const taken = async (db: SqlExecutor): Promise<void> => {
      if (await usernameExists(db, username)) throw conflict(`a user named ${username} already exists`, { username });
    };
    await taken(this.sql);
    // Hashing takes a while: outside the transaction, then the name is checked again inside it.
    const passwordHash = await hashPassword(user.password, this.#passwordParams);
    return this.sql.transaction(async (tx) => {
      await taken(tx);
      const created: User = { id: randomUUID(), username, displayName, roles, createdAt: this.#now().toISOString(), language: 'en' };
      await insertUser(tx, created, passwordHash);
      await this.#audit(tx, actor, { action: 'user.create', resourceType: 'user', resourceId: created.id });
      return created;
    });
  }

  async authenticate(username: string, password: string, context: LoginContext = {}): Promise<User> {
    const row = await this.sql.get('SELECT * FROM users WHERE username = ?', [username]);
    const storedHash = checkableHash(row, this.#now().getTime());
    let ok = false;
    if (storedHash === null) {
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
      const { user, allowed, action } = await recordLoginAttempt(tx, id, ok, rehash, this.#now().getTime());
      await this.#audit(tx, selfActor(user, context), { action, resourceType: 'user', resourceId: id });
      return allowed ? user : undefined;
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
      const known = await selectExternalUser(tx, identity);
      if (roles.length === 0) {
        await this.#audit(tx, selfActor(known, context), { action: 'login.failure', resourceType: 'user', resourceId: known?.id ?? unknownPrincipal });
        return new NorthstationError('forbidden', 'your identity provider grants you no Northstation role; ask your administrator', { subject: identity.subject });
      }
      if (known !== undefined) {
        let user = known;
        if (JSON.stringify([...known.roles].sort()) !== JSON.stringify([...roles].sort())) {
          await updateUserRoles(tx, known.id, roles);
          user = { ...known, roles };
          await this.#audit(tx, selfActor(user, context), { action: 'user.roles-sync', resourceType: 'user', resourceId: user.id });
        }
        await this.#audit(tx, selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: user.id });
        return user;
      }
      if (username === '') return new NorthstationError('bad_request', 'the identity provider sent no usable username', { field: 'username' });
      if (await usernameExists(tx, username)) {
        await this.#audit(tx, selfActor(undefined, context), { action: 'login.failure', resourceType: 'user', resourceId: unknownPrincipal });
        return conflict(`a local account named ${username} already exists; an administrator must resolve the clash`, { username });
      }
      const user: User = { id: randomUUID(), username, displayName, roles, createdAt: this.#now().toISOString(), language: 'en' };
      await insertExternalUser(tx, identity, user);
      await this.#audit(tx, selfActor(user, context), { action: 'user.create', resourceType: 'user', resourceId: user.id });
      await this.#audit(tx, selfActor(user, context), { action: 'login.success', resourceType: 'user', resourceId: user.id });
      return user;
    });
    if (outcome instanceof NorthstationError) throw outcome;
    return outcome;
  }

  async setPassword(username: string, password: string, actor: Actor): Promise<User> {
    assertAcceptablePassword(password, { username });
    // Hashing takes a while: outside the transaction, as for createUser.
    const passwordHash = await hashPassword(password, this.#passwordParams);
    return this.sql.transaction(async (tx) => {
      const user = await updateUserPassword(tx, username, passwordHash);
      if (user === undefined) throw notFound(`no local account named ${username} (an account that signs in by single sign-on has no password here)`, { username });
      await this.#audit(tx, actor, { action: 'user.password', resourceType: 'user', resourceId: user.id });
      for (const id of await revokeAllSessions(tx, user.id, this.#now().toISOString())) {
        await this.#audit(tx, actor, { action: 'session.revoke', resourceType: 'session', resourceId: id });
      }
      return user;
    });
  }

  setUserLanguage(userId: string, language: UserLanguage, actor: Actor): Promise<User> {
    return this.sql.transaction(async (tx) => {
      const user = await updateUserLanguage(tx, userId, language);
      await this.#audit(tx, actor, { action: 'user.preferences', resourceType: 'user', resourceId: userId });
      return user;
    });
  }

  issueApiToken(userId: string, actor: Actor): Promise<IssuedApiToken> {
    return this.sql.transaction(async (tx) => {
      const issued = await insertApiToken(tx, userId, this.#now().toISOString());
      await this.#audit(tx, actor, { action: 'api-token.issue', resourceType: 'api-token', resourceId: issued.id });
      return issued;
    });
  }

  async authenticateToken(token: string, context: LoginContext = {}): Promise<User> {
    const user = await this.sql.transaction(async (tx): Promise<User | undefined> => {
      const { tokenId, user: found } = await selectTokenUser(tx, token);
      await this.#audit(tx, selfActor(found, context), { action: found === undefined ? 'api-token.refused' : 'api-token.use', resourceType: 'api-token', resourceId: tokenId });
      return found;
    });
    if (user === undefined) throw refused();
    return user;
  }

  revokeApiToken(id: string, actor: Actor): Promise<void> {
    return this.sql.transaction(async (tx) => {
      await markApiTokenRevoked(tx, id, this.#now().toISOString());
      await this.#audit(tx, actor, { action: 'api-token.revoke', resourceType: 'api-token', resourceId: id });
    });
  }

  // — login sessions (login-sessions.ts) —

  async openSession(session: NewSession, context: LoginContext = {}): Promise<StoredSession> {
    checkNewSession(session);
    // Refusals are thrown: a refused open rolls back the revocations it made on the way.
    return this.sql.transaction(async (tx) => {
      const user = await selectUser(tx, session.userId);
      if (user === undefined) throw notFound(`no user ${session.userId}`, { userId: session.userId });
      const actor = selfActor(user, context);
      const now = this.#now();
      for (const id of await revokeOldestSessions(tx, user.id, session.maxPerUser, now.toISOString())) {
        await this.#audit(tx, actor, { action: 'session.revoke', resourceType: 'session', resourceId: id });
      }
      const opened = await insertSession(tx, session, user, now);
      await this.#audit(tx, actor, { action: 'session.open', resourceType: 'session', resourceId: opened.id });
      return opened;
    });
  }

  findSession(tokenHash: string): Promise<StoredSession | undefined> {
    return selectSession(this.sql, tokenHash, this.#now());
  }

  revokeSession(id: string, actor: Actor): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      if (!(await markSessionRevoked(tx, id, this.#now().toISOString()))) return false;
      await this.#audit(tx, actor, { action: 'session.revoke', resourceType: 'session', resourceId: id });
      return true;
    });
  }

  grantStepUp(sessionId: string, purpose: string, ttlMs: number): Promise<SessionStepUp | undefined> {
    return grantSessionStepUp(this.sql, sessionId, purpose, ttlMs, this.#now());
  }

  takeStepUp(sessionId: string, purpose: string): Promise<SessionStepUp | undefined> {
    return takeSessionStepUp(this.sql, sessionId, purpose, this.#now());
  }

  restoreStepUp(sessionId: string, grant: SessionStepUp): Promise<boolean> {
    return restoreSessionStepUp(this.sql, sessionId, grant, this.#now());
  }

  countSessions(userId?: string): Promise<number> {
    return countLiveSessions(this.sql, userId, this.#now());
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

  saveOidcExchange(exchange: NewOidcExchange): Promise<{ expiresAt: string }> {
    // A transaction: the sweep, the count against the cap and the insert must not interleave with another gateway's.
    return this.sql.transaction((tx) => insertOidcExchange(tx, exchange, this.#now()));
  }

  takeOidcExchange(code: string, browserBinding: string): Promise<TakenOidcExchange | undefined> {
    // No transaction: the DELETE … RETURNING alone claims the code (as takeOidcLogin does), and holding a write lock
    // across awaits would make two SQLite gateways redeeming at once wait on each other.
    return deleteOidcExchange(this.sql, code, browserBinding, this.#now());
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

  searchAuditEvents(filter: AuditSearch, actor: Actor): Promise<AuditEvent[]> {
    return this.sql.transaction(async (tx) => {
      const events = await searchAuditEvents(tx, filter);
      // Written after the read: the search never finds itself.
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
      const values = await reencryptColumns(tx, this.#cipher, next);
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
}
