/**
 * One way to name the records database everywhere (serve, users, records,
 * audit): a file path means the embedded SQLite store, a `postgres://` or
 * `postgresql://` URL means PostgreSQL (with an optional schema).
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { NorthstationError } from '../core/errors.ts';
import { describePostgresUrl, isPostgresUrl, openPostgresStore } from './postgres-store.ts';
import type { RecordsStore, RecordsStoreSettings } from './records-store.ts';
import type { SqlDatabase } from './sql/database.ts';
import { PostgresDatabase } from './sql/postgres-database.ts';
import { SqliteDatabase } from './sql/sqlite-database.ts';
import { defaultRecordsPath, openSqliteStore } from './sqlite-store.ts';

export interface RecordsLocation {
  /** A SQLite file path or a PostgreSQL URL. Default: `<data home>/records.sqlite`. */
  db?: string;
  /** PostgreSQL only: the schema holding the tables. */
  schema?: string;
}

function target(location: RecordsLocation, env: NodeJS.ProcessEnv): string {
  if (location.schema !== undefined && !isPostgresUrl(location.db ?? '')) {
    throw new NorthstationError('bad_request', 'a schema is only meaningful with a PostgreSQL database (--db postgres://…)', { field: 'schema' });
  }
  return location.db ?? defaultRecordsPath(env);
}

/** Where the records are, for messages: the file path, or the PostgreSQL server and database without credentials. */
export function describeRecordsLocation(location: RecordsLocation, env: NodeJS.ProcessEnv = process.env): string {
  const where = target(location, env);
  return isPostgresUrl(where) ? describePostgresUrl(where, location.schema) : where;
}

/** Opens the records store (migrating it, checking the data key). */
export function openRecordsStore(location: RecordsLocation & RecordsStoreSettings, env: NodeJS.ProcessEnv = process.env): Promise<RecordsStore> {
  const where = target(location, env);
  const settings: RecordsStoreSettings = {
    key: location.key,
    ...(location.now === undefined ? {} : { now: location.now }),
    ...(location.passwordParams === undefined ? {} : { passwordParams: location.passwordParams }),
  };
  return isPostgresUrl(where)
    ? openPostgresStore({ url: where, ...(location.schema === undefined ? {} : { schema: location.schema }), ...settings })
    : openSqliteStore({ path: where, ...settings });
}

/**
 * The database without the store: no data key, no migrations, SQLite opened
 * read-only. For tools that read only what holds no PHI (the audit trail).
 * A missing file is 'not_found' (opening it would create it).
 */
export async function openRecordsDatabaseReadOnly(location: RecordsLocation, env: NodeJS.ProcessEnv = process.env): Promise<SqlDatabase> {
  const where = target(location, env);
  if (isPostgresUrl(where)) return PostgresDatabase.connect({ url: where, ...(location.schema === undefined ? {} : { schema: location.schema }) });
  if (!existsSync(where)) throw new NorthstationError('not_found', `no records database at ${where}`, { path: where });
  return new SqliteDatabase(new DatabaseSync(where, { readOnly: true }));
}
