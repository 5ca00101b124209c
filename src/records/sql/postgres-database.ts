/**
 * `SqlDatabase` over a PostgreSQL connection pool (`pg`), for sites that run
 * several Northstation gateways against one database.
 *
 * Transactions take a transaction-scoped advisory lock first (one per schema),
 * the PostgreSQL counterpart of SQLite's BEGIN IMMEDIATE: the audit trail is
 * one hash chain, so writers take turns, and taking the turn before touching
 * any row means two gateways can never deadlock. Reads outside a transaction
 * do not wait.
 *
 * Connection settings come from the URL (and libpq's usual PG* variables,
 * e.g. PGPASSWORD, so no password need be on a command line). Messages and
 * details never carry the URL: it may hold a password.
 */
import pg from 'pg';
import { NorthstationError } from '../../core/errors.ts';
import type { SqlDatabase, SqlExecutor, SqlRow, SqlValue } from './database.ts';

export interface PostgresConnectionOptions {
  /** `postgres://user@host:port/database` (or `postgresql://`); `?host=/run/postgresql` for a Unix socket. */
  url: string;
  /** Tables live in this schema; default: the server's search_path. Lets one database hold several stores (tests, sites). */
  schema?: string;
  /** Create the schema when missing (the store does; read-only tools do not). Default false. */
  createSchema?: boolean;
  /** Connections in the pool. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in ms. Default 5000. */
  connectTimeoutMs?: number;
}

/** 'NSTR': the first half of every advisory lock key this store takes (the second is the schema's hash). */
const advisoryLockClass = 0x4e535452;
const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** `?` placeholders (outside quoted literals) → `$1, $2, …`. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    if (ch === '?' && !quoted) {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Errors that mean the database cannot be reached (not that a statement was wrong). */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
  return ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code) || code.startsWith('08') || code === '57P01' || code === '57P03';
}

function translate(error: unknown): unknown {
  if (isUnavailable(error)) {
    const code = (error as { code?: unknown }).code;
    return new NorthstationError('overloaded', 'the records database (PostgreSQL) is unavailable; try again shortly', typeof code === 'string' ? { reason: code } : {}, { cause: error });
  }
  return error;
}

interface Queryable {
  query(text: string, values?: SqlValue[]): Promise<{ rows: SqlRow[]; rowCount: number | null }>;
}

function executorOf(target: Queryable): SqlExecutor {
  const query = async (sql: string, params: readonly SqlValue[] = []): Promise<{ rows: SqlRow[]; rowCount: number | null }> => {
    try {
      return await target.query(numberPlaceholders(sql), [...params]);
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    all: async (sql, params) => (await query(sql, params)).rows,
    get: async (sql, params) => (await query(sql, params)).rows[0],
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (script) => {
      // No parameters: pg sends it with the simple protocol, which runs several statements. Not renumbered: scripts hold no placeholders.
      try {
        await target.query(script);
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  readonly schema: string | undefined;
  readonly #pool: pg.Pool;
  readonly #executor: SqlExecutor;

  private constructor(pool: pg.Pool, schema: string | undefined) {
    this.#pool = pool;
    this.schema = schema;
    this.#executor = executorOf(pool);
  }

  /** Connects (once, to fail early with a clear error), creating the schema when asked to. */
  static async connect(options: PostgresConnectionOptions): Promise<PostgresDatabase> {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new NorthstationError('config_invalid', 'a PostgreSQL records database is named by a postgres:// or postgresql:// URL');
    }
    if (options.schema !== undefined && !schemaPattern.test(options.schema)) {
      throw new NorthstationError('config_invalid', 'the PostgreSQL schema name must be lower-case letters, digits and underscores (at most 63)', { field: 'schema' });
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      application_name: 'northstation',
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    // An idle connection the server dropped is replaced at the next checkout; without a listener it would crash the process.
    pool.on('error', () => undefined);
    const database = new PostgresDatabase(pool, options.schema);
    try {
      if (options.schema !== undefined && options.createSchema === true) await database.#createSchema(options.schema);
      else await database.get('SELECT 1 AS one');
    } catch (error) {
      await pool.end();
      const reason = error instanceof NorthstationError ? error.message : error instanceof Error ? error.message : String(error);
      throw new NorthstationError('config_invalid', `cannot open the PostgreSQL records database: ${reason}`, {}, { cause: error });
    }
    return database;
  }

  /**
   * IF NOT EXISTS is not safe against a concurrent create (two gateways
   * opening a new database together): the loser gets a unique violation on
   * the catalogue, which means the schema now exists — the wanted outcome.
   */
  async #createSchema(schema: string): Promise<void> {
    try {
      await this.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw error;
    }
  }

  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#executor.all(sql, params);
  }

  get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined> {
    return this.#executor.get(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#executor.run(sql, params);
  }

  exec(script: string): Promise<void> {
    return this.#executor.exec(script);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    const tx = executorOf(client);
    let broken = false;
    try {
      await tx.run('BEGIN');
      await tx.run('SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))', [advisoryLockClass]);
      const result = await work(tx);
      await tx.run('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
