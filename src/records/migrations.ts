/**
 * Versioned schema migrations, run at start-up in order, each in its own
 * transaction with its row in `schema_migrations`. A database whose newest
 * migration is newer than this code knows is refused, never touched.
 *
 * Columns marked ENCRYPTED hold `field-cipher.ts` values, never plaintext PHI.
 * Clinical rows are never deleted (withdrawal is status 'entered-in-error'):
 * triggers refuse DELETE on them, and UPDATE of the audit trail, signatures
 * and the identity columns of revisions and amendments.
 */
import { NorthstationError } from '../core/errors.ts';
import type { SqlDatabase } from './sql/database.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const refuse = (table: string, what: 'DELETE' | 'UPDATE', columns = ''): string =>
  `CREATE TRIGGER ${table}_no_${what.toLowerCase()} BEFORE ${what}${columns === '' ? '' : ` OF ${columns}`} ON ${table}
   BEGIN SELECT RAISE(ABORT, '${table}: ${what} is not allowed (append-only clinical record)'); END;`;

/** The SQLite schema (postgres-migrations.ts holds the same versions for PostgreSQL). */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'records, audit trail, users',
    sql: `
      CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE patients (
        id TEXT PRIMARY KEY,
        fhir_reference TEXT,
        display_name TEXT NOT NULL,            -- ENCRYPTED
        birth_date TEXT,                       -- ENCRYPTED
        created_at TEXT NOT NULL
      );
      CREATE TABLE encounters (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES patients(id),
        started_at TEXT NOT NULL
      );
      CREATE INDEX encounters_patient ON encounters(patient_id);
      CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        encounter_id TEXT NOT NULL REFERENCES encounters(id),
        workflow TEXT NOT NULL,
        input TEXT NOT NULL,                   -- ENCRYPTED JSON
        ai_output TEXT NOT NULL,               -- ENCRYPTED JSON {content, findings, limitations}
        provenance TEXT NOT NULL,              -- JSON, no PHI
        status TEXT NOT NULL CHECK (status IN ('draft', 'signed', 'amended', 'entered-in-error')),
        version INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        withdrawn_reason TEXT,                 -- ENCRYPTED
        withdrawn_by TEXT,
        withdrawn_at TEXT
      );
      CREATE INDEX drafts_encounter ON drafts(encounter_id);
      CREATE TABLE revisions (
        id TEXT PRIMARY KEY,
        draft_id TEXT NOT NULL REFERENCES drafts(id),
        version INTEGER NOT NULL,
        content TEXT NOT NULL,                 -- ENCRYPTED JSON
        edited_by TEXT NOT NULL,
        edited_at TEXT NOT NULL,
        UNIQUE (draft_id, version)
      );
      CREATE TABLE signatures (
        id TEXT PRIMARY KEY,
        draft_id TEXT NOT NULL UNIQUE REFERENCES drafts(id),
        signed_by TEXT NOT NULL,
        role TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,            -- SHA-256 of the canonical JSON of the signed content
        quality TEXT NOT NULL                  -- JSON diff summary (AI draft vs signed), no PHI
      );
      CREATE TABLE amendments (
        id TEXT PRIMARY KEY,
        draft_id TEXT NOT NULL REFERENCES drafts(id),
        reason TEXT NOT NULL,                  -- ENCRYPTED
        content TEXT NOT NULL,                 -- ENCRYPTED JSON
        content_hash TEXT NOT NULL,
        signed_by TEXT NOT NULL,
        role TEXT NOT NULL,
        signed_at TEXT NOT NULL
      );
      CREATE INDEX amendments_draft ON amendments(draft_id);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        roles TEXT NOT NULL DEFAULT '[]',      -- JSON array
        password_hash TEXT,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        ip TEXT,
        client TEXT,
        model_id TEXT,
        prompt_sha256 TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      ${refuse('audit_events', 'UPDATE')}
      ${refuse('audit_events', 'DELETE')}
      ${refuse('signatures', 'UPDATE')}
      ${refuse('signatures', 'DELETE')}
      ${refuse('patients', 'DELETE')}
      ${refuse('encounters', 'DELETE')}
      ${refuse('drafts', 'DELETE')}
      ${refuse('revisions', 'DELETE')}
      ${refuse('revisions', 'UPDATE', 'id, draft_id, version, edited_by, edited_at')}
      ${refuse('amendments', 'DELETE')}
      ${refuse('amendments', 'UPDATE', 'id, draft_id, content_hash, signed_by, role, signed_at')}
    `,
  },
  {
    version: 2,
    name: 'accounts: lockout window, API tokens',
    sql: `
      ALTER TABLE users ADD COLUMN first_failed_at TEXT;   -- ISO time of the first failure of the current run (lockout window)
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,                   -- 'tok_' + 16 hex: what audit events and revocation name
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,       -- SHA-256 of the token; the token itself is never stored
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      ${refuse('api_tokens', 'DELETE')}
      ${refuse('api_tokens', 'UPDATE', 'id, user_id, token_hash, created_at')}
      ${refuse('users', 'DELETE')}
    `,
  },
  {
    version: 3,
    name: 'accounts: single sign-on identities',
    sql: `
      CREATE TABLE external_identities (
        issuer TEXT NOT NULL,                  -- the OpenID provider's issuer URL
        subject TEXT NOT NULL,                 -- its 'sub' claim: stable, never reassigned
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
      );
      ${refuse('external_identities', 'DELETE')}
      ${refuse('external_identities', 'UPDATE', 'issuer, subject, user_id, created_at')}
    `,
  },
  {
    version: 4,
    name: 'accounts: login sessions',
    // Not clinical rows: expired sessions are deleted (records-store.ts); the audit trail keeps 'session.open' / 'session.revoke'.
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,                   -- random, not the token: what audit events and logs name
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,       -- SHA-256 of the bearer token; the token itself is never stored
        seq INTEGER NOT NULL UNIQUE,           -- issue order (MAX + 1 in the serialised transaction): which is oldest, even within one millisecond
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        external_issuer TEXT,                  -- set when opened by single sign-on: the provider identity it is bound to
        external_subject TEXT,
        step_up_purpose TEXT,                  -- an unused step-up grant (oidc.ts), taken by one UPDATE
        step_up_expires_at TEXT
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE INDEX sessions_expires ON sessions(expires_at);
      ${refuse('sessions', 'UPDATE', 'id, user_id, token_hash, seq, created_at, expires_at, external_issuer, external_subject')}
    `,
  },
  {
    version: 5,
    name: 'imaging: received study instances',
    // One row per DICOM instance the storage listener kept; the file itself is encrypted on disk (study-archive.ts).
    sql: `
      CREATE TABLE study_instances (
        sop_instance_uid TEXT PRIMARY KEY,     -- a duplicate is refused here: the first copy stays
        study_instance_uid TEXT NOT NULL,
        series_instance_uid TEXT NOT NULL,
        sop_class_uid TEXT NOT NULL,
        transfer_syntax_uid TEXT NOT NULL,
        modality TEXT,
        details TEXT NOT NULL,                 -- ENCRYPTED JSON {patientName, patientId, studyDate, accessionNumber}
        received_at TEXT NOT NULL,
        calling_ae TEXT NOT NULL,
        file_path TEXT NOT NULL,               -- relative to the imaging folder of the data home
        file_key TEXT NOT NULL,                -- ENCRYPTED: the file's own AES-256-GCM key (rotation rewraps it, the file stays)
        byte_size INTEGER NOT NULL,            -- of the Part 10 file before encryption
        sha256 TEXT NOT NULL                   -- of the Part 10 file before encryption
      );
      CREATE INDEX study_instances_study ON study_instances(study_instance_uid);
      CREATE INDEX study_instances_received ON study_instances(received_at);
      ${refuse('study_instances', 'DELETE')}
      ${refuse('study_instances', 'UPDATE', 'sop_instance_uid, study_instance_uid, series_instance_uid, sop_class_uid, transfer_syntax_uid, modality, received_at, calling_ae, file_path, byte_size, sha256')}
    `,
  },
  {
    version: 6,
    name: 'imaging: uploaded images',
    // Uploads are not clinical rows until a draft names one: an unreferenced upload past expires_at is deleted
    // (uploads.ts); the foreign key from draft_uploads keeps every referenced one as long as its draft.
    sql: `
      CREATE TABLE image_uploads (
        id TEXT PRIMARY KEY,                   -- random ('img_' + 128 bits); holds no key, safe in audit events
        owner_id TEXT NOT NULL,                -- the uploader's user id
        media_type TEXT NOT NULL,              -- application/dicom, image/png or image/jpeg
        byte_size INTEGER NOT NULL,            -- of the file before encryption
        sha256 TEXT NOT NULL,                  -- of the file before encryption
        file_key TEXT NOT NULL,                -- ENCRYPTED: the file's own AES-256-GCM key (rotation rewraps it, the file stays)
        file_path TEXT NOT NULL,               -- relative to the imaging folder
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL               -- deleted after this unless a draft names it
      );
      CREATE INDEX image_uploads_expires ON image_uploads(expires_at);
      CREATE TABLE draft_uploads (
        draft_id TEXT NOT NULL REFERENCES drafts(id),
        upload_id TEXT NOT NULL REFERENCES image_uploads(id),
        PRIMARY KEY (draft_id, upload_id)
      );
      CREATE INDEX draft_uploads_upload ON draft_uploads(upload_id);
      ${refuse('image_uploads', 'UPDATE', 'id, owner_id, media_type, byte_size, sha256, file_path, created_at, expires_at')}
      ${refuse('draft_uploads', 'DELETE')}
      ${refuse('draft_uploads', 'UPDATE')}
    `,
  },
  {
    version: 7,
    name: 'single sign-on: logins in progress',
    // A sign-in started through one gateway may come back to another: what the callback needs is kept here
    // (oidc-logins.ts), not in a gateway's memory. Rows live minutes; taking one deletes it (single use).
    sql: `
      CREATE TABLE oidc_logins (
        state_hash TEXT PRIMARY KEY,           -- SHA-256 (hex) of the OAuth state; the state itself is never stored
        verifier TEXT NOT NULL,                -- ENCRYPTED: the PKCE code verifier
        nonce TEXT NOT NULL,                   -- ENCRYPTED: the ID token nonce
        browser_binding TEXT NOT NULL,         -- ENCRYPTED: the random value also set as the browser's HttpOnly cookie
        step_up TEXT,                          -- ENCRYPTED JSON {sessionId, sessionTokenHash, purpose, startedAt}; NULL for a sign-in
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX oidc_logins_expires ON oidc_logins(expires_at);
      ${refuse('oidc_logins', 'UPDATE', 'state_hash, created_at, expires_at')}
    `,
  },
  {
    version: 8,
    name: 'web UI: user language, audit search, single sign-on codes',
    // The language the web UI shows a user (users.ts setUserLanguage); the indexes serve the audit search
    // (audit.ts searchAuditEvents: by action or user, newest first, and by time). A sign-in started by the
    // web UI (oidc_logins.client 'web') ends in a redirect carrying a one-time code, not the session token;
    // the code is kept here (oidc-exchanges.ts) until the browser swaps it for a session, on any gateway.
    sql: `
      ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr'));
      CREATE INDEX audit_events_action ON audit_events(action, seq);
      CREATE INDEX audit_events_user ON audit_events(user_id, seq);
      CREATE INDEX audit_events_at ON audit_events(at);
      ALTER TABLE oidc_logins ADD COLUMN client TEXT;   -- 'web': the callback redirects to the web UI with a one-time code
      CREATE TABLE oidc_exchange_codes (
        code_hash TEXT PRIMARY KEY,            -- SHA-256 (hex) of the one-time code; the code itself is never stored
        user_id TEXT NOT NULL REFERENCES users(id),
        external_issuer TEXT NOT NULL,         -- the provider identity the session will be bound to
        external_subject TEXT NOT NULL,
        browser_binding_hash TEXT NOT NULL,    -- SHA-256 (hex) of the sign-in's browser cookie: only that browser redeems it
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX oidc_exchange_codes_expires ON oidc_exchange_codes(expires_at);
      ${refuse('oidc_exchange_codes', 'UPDATE')}
    `,
  },
];

/** The newest schema version a migration list reaches. */
export function latestVersion(list: readonly Migration[] = migrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Applies every migration newer than the database, in order, each in its own
 * transaction (serialised with other writers, so two gateways starting
 * together cannot both apply one); returns the versions applied.
 */
export async function runMigrations(db: SqlDatabase, list: readonly Migration[]): Promise<number[]> {
  const known = latestVersion(list);
  const applied: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction(async (tx) => {
      await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const current = Number((await tx.get('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations'))?.version ?? 0);
      if (current > known) {
        throw new NorthstationError('config_invalid', `the records database is at schema version ${current}, newer than this Northstation knows (${known}); upgrade Northstation, do not downgrade the database`, { databaseVersion: current, codeVersion: known });
      }
      if (migration.version <= current) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new NorthstationError('internal', `migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : String(error)}`, { version: migration.version }, { cause: error });
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date().toISOString()]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
