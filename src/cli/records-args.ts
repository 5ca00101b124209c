/**
 * `--db` and `--db-schema`, the same in every command that opens the records
 * database (serve, users, records, audit): a SQLite file, or a PostgreSQL URL
 * whose password comes from PGPASSWORD or ~/.pgpass (never the command line,
 * which other local users can read in `ps`).
 */
import { NorthstationError } from '../core/errors.ts';
import type { RecordsLocation } from '../records/open-store.ts';

export const recordsArgOptions = {
  db: { type: 'string' },
  'db-schema': { type: 'string' },
} as const;

export const recordsArgsHelp = `  --db FILE|URL the records database: a SQLite file (default: <data home>/records.sqlite,
                data home = NORTHSTATION_HOME or ~/.northstation) or postgres://user@host:5432/db
                for several gateways on one PostgreSQL (password from PGPASSWORD or ~/.pgpass)
  --db-schema NAME
                PostgreSQL: the schema holding the tables (created when missing)`;

/** The location the flags name; a password inside a --db URL is refused. */
export function recordsLocationFromArgs(values: { db?: string | undefined; 'db-schema'?: string | undefined }): RecordsLocation {
  const { db } = values;
  const schema = values['db-schema'];
  if (db !== undefined && /^postgres(ql)?:\/\/[^@/?]*:[^@/?]*@/.test(db)) {
    throw new NorthstationError('bad_request', 'put the PostgreSQL password in PGPASSWORD or ~/.pgpass, not in the --db URL: command lines are visible to every local user', { field: 'db' });
  }
  return { ...(db === undefined ? {} : { db }), ...(schema === undefined ? {} : { schema }) };
}
