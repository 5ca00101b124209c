/**
 * The PostgreSQL schema: the same versions, tables and columns as the SQLite
 * migrations (migrations.ts), in PostgreSQL's dialect, so one store's SQL runs
 * on both. A test (postgres-store.int.test.ts) checks the two lists agree
 * version by version and table by table.
 *
 * Differences, and why:
 * - `drafts` and `amendments` carry a `rowid BIGSERIAL`: SQLite has an
 *   implicit rowid that the store orders by to keep insertion order among rows
 *   with the same timestamp; PostgreSQL needs it spelt out.
 * - The append-only rules are one trigger function (`ns_refuse_change`), and
 *   TRUNCATE is refused too (SQLite has no TRUNCATE).
 */
import type { Migration } from './migrations.ts';

const refuse = (table: string, what: 'DELETE' | 'UPDATE', columns = ''): string =>
  `CREATE TRIGGER ${table}_no_${what.toLowerCase()} BEFORE ${what}${columns === '' ? '' : ` OF ${columns}`} ON ${table}
     FOR EACH ROW EXECUTE FUNCTION ns_refuse_change();`;
const refuseTruncate = (table: string): string =>
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ns_refuse_change();`;

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'records, audit trail, users',
    sql: `
      CREATE FUNCTION ns_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%: % is not allowed (append-only clinical record)', TG_TABLE_NAME, TG_OP;
      END $$;
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
        rowid BIGSERIAL NOT NULL UNIQUE,
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
        content_hash TEXT NOT NULL,
        quality TEXT NOT NULL
      );
      CREATE TABLE amendments (
        id TEXT PRIMARY KEY,
        rowid BIGSERIAL NOT NULL UNIQUE,
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
        roles TEXT NOT NULL DEFAULT '[]',
        password_hash TEXT,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE audit_events (
        seq BIGINT PRIMARY KEY,
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
      CREATE INDEX audit_events_resource ON audit_events(resource_id);
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
      ${['audit_events', 'signatures', 'patients', 'encounters', 'drafts', 'revisions', 'amendments'].map(refuseTruncate).join('\n')}
    `,
  },
  {
    version: 2,
    name: 'accounts: lockout window, API tokens',
    sql: `
      ALTER TABLE users ADD COLUMN first_failed_at TEXT;
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      ${refuse('api_tokens', 'DELETE')}
      ${refuse('api_tokens', 'UPDATE', 'id, user_id, token_hash, created_at')}
      ${refuse('users', 'DELETE')}
      ${refuseTruncate('api_tokens')}
      ${refuseTruncate('users')}
    `,
  },
  {
    version: 3,
    name: 'accounts: single sign-on identities',
    sql: `
      CREATE TABLE external_identities (
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
      );
      ${refuse('external_identities', 'DELETE')}
      ${refuse('external_identities', 'UPDATE', 'issuer, subject, user_id, created_at')}
      ${refuseTruncate('external_identities')}
    `,
  },
  {
    version: 4,
    name: 'accounts: login sessions',
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,
        seq BIGINT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        external_issuer TEXT,
        external_subject TEXT,
        step_up_purpose TEXT,
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
    sql: `
      CREATE TABLE study_instances (
        sop_instance_uid TEXT PRIMARY KEY,
        study_instance_uid TEXT NOT NULL,
        series_instance_uid TEXT NOT NULL,
        sop_class_uid TEXT NOT NULL,
        transfer_syntax_uid TEXT NOT NULL,
        modality TEXT,
        details TEXT NOT NULL,
        received_at TEXT NOT NULL,
        calling_ae TEXT NOT NULL,
        file_path TEXT NOT NULL,
        file_key TEXT NOT NULL,
        byte_size BIGINT NOT NULL,
        sha256 TEXT NOT NULL
      );
      CREATE INDEX study_instances_study ON study_instances(study_instance_uid);
      CREATE INDEX study_instances_received ON study_instances(received_at);
      ${refuse('study_instances', 'DELETE')}
      ${refuse('study_instances', 'UPDATE', 'sop_instance_uid, study_instance_uid, series_instance_uid, sop_class_uid, transfer_syntax_uid, modality, received_at, calling_ae, file_path, byte_size, sha256')}
      ${refuseTruncate('study_instances')}
    `,
  },
  {
    version: 6,
    name: 'imaging: uploaded images',
    sql: `
      CREATE TABLE image_uploads (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        media_type TEXT NOT NULL,
        byte_size BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        file_key TEXT NOT NULL,
        file_path TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
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
      ${refuseTruncate('draft_uploads')}
    `,
  },
  {
    version: 7,
    name: 'single sign-on: logins in progress',
    sql: `
      CREATE TABLE oidc_logins (
        state_hash TEXT PRIMARY KEY,
        verifier TEXT NOT NULL,
        nonce TEXT NOT NULL,
        browser_binding TEXT NOT NULL,
        step_up TEXT,
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
    sql: `
      ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr'));
      CREATE INDEX audit_events_action ON audit_events(action, seq);
      CREATE INDEX audit_events_user ON audit_events(user_id, seq);
      CREATE INDEX audit_events_at ON audit_events(at);
      ALTER TABLE oidc_logins ADD COLUMN client TEXT;
      CREATE TABLE oidc_exchange_codes (
        code_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        external_issuer TEXT NOT NULL,
        external_subject TEXT NOT NULL,
        browser_binding_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX oidc_exchange_codes_expires ON oidc_exchange_codes(expires_at);
      ${refuse('oidc_exchange_codes', 'UPDATE')}
    `,
  },
];
