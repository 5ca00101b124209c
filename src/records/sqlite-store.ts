/**
 * The embedded records store: one node:sqlite database file in WAL mode,
 * foreign keys on, a busy timeout for other processes on the same file, the
 * schema migrated at open. The store itself (records-store.ts) is shared with
 * PostgreSQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { dataHome } from '../core/data-home.ts';
import type { Actor } from './audit.ts';
import type { FieldCipher } from './field-cipher.ts';
import { prepareDatabase, RecordsStore, type RecordsStoreSettings } from './records-store.ts';
import { SqliteDatabase } from './sql/sqlite-database.ts';

/** `<data home>/records.sqlite`. */
export function defaultRecordsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataHome(env), 'records.sqlite');
}

export interface SqliteStoreOptions extends RecordsStoreSettings {
  /** The database file (created with its folder when missing). Default: `defaultRecordsPath()`. */
  path?: string;
  /** How long a writer waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** The records store on a SQLite file, with the raw connection for SQLite-only tools and tests. */
export class SqliteRecordsStore extends RecordsStore {
  readonly path: string;
  readonly #connection: SqliteDatabase;

  constructor(connection: SqliteDatabase, cipher: FieldCipher, path: string, settings: Omit<RecordsStoreSettings, 'key'>) {
    super(connection, cipher, path, settings);
    this.#connection = connection;
    this.path = path;
  }

  /** The raw connection. Writing through it bypasses the audit trail. */
  get database(): DatabaseSync {
    return this.#connection.connection;
  }
}

/** Opens (creating when missing) and migrates the database; refuses a missing or wrong key. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteRecordsStore> {
  const path = options.path ?? defaultRecordsPath();
  mkdirSync(dirname(path), { recursive: true });
  const connection = new DatabaseSync(path);
  const db = new SqliteDatabase(connection);
  try {
    connection.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    connection.exec('PRAGMA journal_mode = WAL');
    connection.exec('PRAGMA foreign_keys = ON');
    const cipher = await prepareDatabase(db, options.key, path);
    return new SqliteRecordsStore(db, cipher, path, {
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.passwordParams === undefined ? {} : { passwordParams: options.passwordParams }),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Re-encrypts every encrypted column under `newKey`, in one transaction (see `RecordsStore.rotateKey`). */
export function rotateKey(store: RecordsStore, newKey: Buffer, actor: Actor = { userId: 'system', role: 'admin', client: 'key-rotation' }): Promise<{ keyId: string; values: number }> {
  return store.rotateKey(newKey, actor);
}
