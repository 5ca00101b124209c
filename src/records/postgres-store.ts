/**
 * The records store on PostgreSQL, for sites that run several Northstation
 * gateways against one database. Same store, same rules and same tests as the
 * embedded SQLite file (records-store.ts); see sql/postgres-database.ts for
 * how transactions are serialised.
 */
import { prepareDatabase, RecordsStore, type RecordsStoreSettings } from './records-store.ts';
import { PostgresDatabase, type PostgresConnectionOptions } from './sql/postgres-database.ts';

export interface PostgresStoreOptions extends RecordsStoreSettings, PostgresConnectionOptions {}

/** `postgres://user:pw@host:5432/db?…` → `postgres://host:5432/db` (schema s): names the database without its credentials. */
export function describePostgresUrl(url: string, schema?: string): string {
  const match = /^postgres(?:ql)?:\/\/(?:[^@/?]*@)?([^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  let where = 'postgres://(unparsable URL)';
  if (match !== null) {
    const socket = new URLSearchParams(match[3] ?? '').get('host');
    where = `postgres://${match[1] === '' || match[1] === undefined ? (socket ?? 'localhost') : match[1]}${match[2] ?? ''}`;
  }
  return schema === undefined ? where : `${where} (schema ${schema})`;
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

/** Connects, migrates (under the store's lock, so gateways may start together) and checks the data key. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<RecordsStore> {
  const db = await PostgresDatabase.connect({ ...options, createSchema: true });
  const location = describePostgresUrl(options.url, options.schema);
  try {
    const cipher = await prepareDatabase(db, options.key, location);
    return new RecordsStore(db, cipher, location, {
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.passwordParams === undefined ? {} : { passwordParams: options.passwordParams }),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
}
