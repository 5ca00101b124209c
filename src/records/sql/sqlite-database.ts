/**
 * `SqlDatabase` over one node:sqlite connection.
 *
 * node:sqlite is synchronous, but a store action awaits between statements;
 * on a single connection another action's statements would then land inside
 * the open transaction. So every statement and transaction takes a turn on
 * one queue: outside a transaction each statement waits for the running
 * transaction to finish, and transactions run one after another. (Other
 * processes on the same file are kept apart by SQLite's own lock and the
 * busy timeout.)
 */
import type { DatabaseSync } from 'node:sqlite';
import type { SqlDatabase, SqlExecutor, SqlRow, SqlValue } from './database.ts';

function executorOf(db: DatabaseSync): SqlExecutor {
  return {
    all: (sql, params = []) => Promise.resolve(db.prepare(sql).all(...params) as SqlRow[]),
    get: (sql, params = []) => Promise.resolve(db.prepare(sql).get(...params) as SqlRow | undefined),
    run: (sql, params = []) => Promise.resolve({ changes: Number(db.prepare(sql).run(...params).changes) }),
    exec: (script) => {
      db.exec(script);
      return Promise.resolve();
    },
  };
}

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #executor: SqlExecutor;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#executor = executorOf(db);
  }

  /** The connection itself, for SQLite-only tools and tests; writing through it bypasses the audit trail. */
  get connection(): DatabaseSync {
    return this.#db;
  }

  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(work);
    this.#turn = result.catch(() => undefined);
    return result;
  }

  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#inTurn(() => this.#executor.all(sql, params));
  }

  get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined> {
    return this.#inTurn(() => this.#executor.get(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#inTurn(() => this.#executor.run(sql, params));
  }

  exec(script: string): Promise<void> {
    return this.#inTurn(() => this.#executor.exec(script));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#inTurn(async () => {
      this.#db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await work(this.#executor);
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
      this.#db.exec('COMMIT');
      return result;
    });
  }

  close(): Promise<void> {
    return this.#inTurn(() => {
      if (this.#db.isOpen) this.#db.close();
      return Promise.resolve();
    });
  }
}
