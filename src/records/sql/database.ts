/**
 * The little SQL surface the records store needs, so one store
 * (records-store.ts) runs on both databases: node:sqlite (sqlite-database.ts)
 * and PostgreSQL (postgres-database.ts).
 *
 * Statements are written once, with `?` placeholders and the SQL both
 * databases share; the PostgreSQL side numbers the placeholders. Values are
 * text, numbers and NULL only: the store keeps times as ISO text and JSON as
 * text, so rows look the same whichever database they come from.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** The first row, or undefined. */
  get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined>;
  /** How many rows the statement changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** A script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction that is serialised with every other
   * transaction on this database (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
   * transaction-scoped advisory lock). Every store action appends to the one
   * hash chain of the audit trail, so its writers must take turns anyway;
   * taking the turn at BEGIN also means two actions can never deadlock.
   * A throw rolls back everything `work` did.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
