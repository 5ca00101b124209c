/**
 * Reading columns out of a `SqlRow`, shared by the store and its per-entity
 * SQL modules: a column that should be text and is not is a broken schema,
 * reported rather than passed on as "undefined".
 */
import { NorthstationError } from '../core/errors.ts';
import type { SqlRow } from './sql/database.ts';

export function str(row: SqlRow, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new NorthstationError('internal', `records: column ${key} is not text`);
  return value;
}

export const optStr = (row: SqlRow, key: string): string | null => (row[key] === null || row[key] === undefined ? null : str(row, key));

export const num = (row: SqlRow, key: string): number => Number(row[key]);
