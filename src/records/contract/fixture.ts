/**
 * What the store contract tests (`*.contract.ts`) run against: a fresh, empty
 * records store on one backend, plus the means to open a second store on the
 * same database (a second gateway process) and to play the attacker with raw
 * SQL. sqlite-store.test.ts runs every contract on SQLite files,
 * postgres-store.int.test.ts on PostgreSQL schemas.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScryptParams } from '../accounts/password.ts';
import { generateDataKey } from '../field-cipher.ts';
import { openPostgresStore } from '../postgres-store.ts';
import type { RecordsStore } from '../records-store.ts';
import { PostgresDatabase } from '../sql/postgres-database.ts';
import { openSqliteStore } from '../sqlite-store.ts';
import { startPrivatePostgres, testPostgresUrlVariable } from '../testing/private-postgres.ts';

export interface StoreSettings {
  key?: Buffer;
  now?: () => Date;
  passwordParams?: ScryptParams;
}

export interface StoreFixture {
  dialect: 'sqlite' | 'postgres';
  store: RecordsStore;
  key: Buffer;
  /** Another store on the same database, as a second gateway would open it (`key: undefined` opens without one). */
  openAnother(settings?: { key?: Buffer | undefined; now?: () => Date; passwordParams?: ScryptParams }): Promise<RecordsStore>;
  /** Removes the append-only triggers of a table, so a test can tamper as someone with direct database access could. */
  dropGuards(table: string, operations: ReadonlyArray<'update' | 'delete' | 'insert'>): Promise<void>;
  /** Closes every store it opened and deletes the database. */
  cleanup(): Promise<void>;
}

export type StoreFactory = (settings?: StoreSettings) => Promise<StoreFixture>;

/** A cheap scrypt cost for tests (production uses `scryptDefaults`). */
export const fastPasswords: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

function pick(settings: StoreSettings | { key?: Buffer | undefined; now?: () => Date; passwordParams?: ScryptParams }, key: Buffer | undefined): { key: Buffer | undefined; now?: () => Date; passwordParams: ScryptParams } {
  return { key, passwordParams: settings.passwordParams ?? fastPasswords, ...(settings.now === undefined ? {} : { now: settings.now }) };
}

export const sqliteFactory: StoreFactory = async (settings = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-records-'));
  const path = join(dir, 'records.sqlite');
  const key = settings.key ?? generateDataKey();
  const opened: RecordsStore[] = [];
  const store = await openSqliteStore({ path, ...pick(settings, key) });
  opened.push(store);
  return {
    dialect: 'sqlite',
    store,
    key,
    openAnother: async (other = {}) => {
      const another = await openSqliteStore({ path, ...pick(other, 'key' in other ? other.key : key) });
      opened.push(another);
      return another;
    },
    dropGuards: async (table, operations) => {
      for (const operation of operations) await store.sql.exec(`DROP TRIGGER IF EXISTS ${table}_no_${operation}`);
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

let sharedServer: Promise<string> | undefined;

/** The test PostgreSQL: the run's (NORTHSTATION_TEST_POSTGRES_URL, set by `./northstation test`), else one started for this process. */
export function testPostgresUrl(): Promise<string> {
  const given = process.env[testPostgresUrlVariable];
  if (given !== undefined && given !== '') return Promise.resolve(given);
  sharedServer ??= startPrivatePostgres().then((server) => {
    // The server must not keep the test process alive; it is stopped as the process exits.
    server.unref();
    process.once('exit', () => server.stopSync());
    return server.url;
  });
  return sharedServer;
}

export const postgresFactory: StoreFactory = async (settings = {}) => {
  const url = await testPostgresUrl();
  // One schema per store: tests are independent and may run side by side on one server.
  const schema = `ns_test_${randomBytes(6).toString('hex')}`;
  const key = settings.key ?? generateDataKey();
  const opened: RecordsStore[] = [];
  const store = await openPostgresStore({ url, schema, ...pick(settings, key) });
  opened.push(store);
  return {
    dialect: 'postgres',
    store,
    key,
    openAnother: async (other = {}) => {
      const another = await openPostgresStore({ url, schema, ...pick(other, 'key' in other ? other.key : key) });
      opened.push(another);
      return another;
    },
    dropGuards: async (table, operations) => {
      for (const operation of operations) await store.sql.exec(`DROP TRIGGER IF EXISTS ${table}_no_${operation} ON ${table}`);
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      const admin = await PostgresDatabase.connect({ url });
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
};
