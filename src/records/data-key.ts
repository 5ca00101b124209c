/**
 * The data key of a records database (records-store.ts): which key a
 * database is encrypted under (`store_meta.data_key_id`), checked on every
 * open, and the re-encryption of every encrypted column when the key is
 * rotated. The store opens the rotation's transaction and writes its audit
 * event.
 */
import { NorthstationError } from '../core/errors.ts';
import { FieldCipher } from './field-cipher.ts';
import { migrations, runMigrations } from './migrations.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import { str } from './rows.ts';
import type { SqlDatabase, SqlExecutor } from './sql/database.ts';

/** Every encrypted column, by table: what key rotation re-encrypts. */
const encryptedColumns: ReadonlyArray<{ table: string; key: string; columns: readonly string[] }> = [
  { table: 'patients', key: 'id', columns: ['display_name', 'birth_date'] },
  { table: 'drafts', key: 'id', columns: ['input', 'ai_output', 'withdrawn_reason'] },
  { table: 'revisions', key: 'id', columns: ['content'] },
  { table: 'amendments', key: 'id', columns: ['reason', 'content'] },
  { table: 'study_instances', key: 'sop_instance_uid', columns: ['details', 'file_key'] },
  { table: 'image_uploads', key: 'id', columns: ['file_key'] },
  { table: 'oidc_logins', key: 'state_hash', columns: ['verifier', 'nonce', 'browser_binding', 'step_up'] },
];

/** Where an encrypted value lives (the store's `table.column:id` binding). */
const binding = (table: string, column: string, id: string): string => `${table}.${column}:${id}`;

/**
 * Migrates the database, then checks the data key against the one the store
 * was first opened with (a missing or wrong key is refused before any PHI is
 * touched); returns the cipher for that key.
 */
export async function prepareDatabase(db: SqlDatabase, key: Buffer | undefined, location: string): Promise<FieldCipher> {
  await runMigrations(db, db.dialect === 'postgres' ? postgresMigrations : migrations);
  const stored = await db.get("SELECT value FROM store_meta WHERE key = 'data_key_id'");
  const storedKeyId = stored === undefined ? undefined : str(stored, 'value');
  if (key === undefined) {
    throw new NorthstationError(
      'config_invalid',
      storedKeyId === undefined
        ? `the records database ${location} needs a data key to store patient data: set NORTHSTATION_DATA_KEY_FILE (a file with 32 random bytes in base64) or NORTHSTATION_DATA_KEY`
        : `the records database ${location} holds data encrypted under key ${storedKeyId}; it cannot be opened without that key: set NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY`,
      { location, keyId: storedKeyId },
    );
  }
  const cipher = new FieldCipher(key);
  if (storedKeyId === undefined) {
    // Two gateways opening a new database together: the first key wins, the other is checked against it below.
    await db.transaction(async (tx) => {
      if ((await tx.get("SELECT 1 AS one FROM store_meta WHERE key = 'data_key_id'")) === undefined) {
        await tx.run("INSERT INTO store_meta (key, value) VALUES ('data_key_id', ?)", [cipher.keyId]);
      }
    });
    return prepareDatabase(db, key, location);
  }
  if (storedKeyId !== cipher.keyId) {
    throw new NorthstationError('config_invalid', `wrong data key for ${location}: its data is encrypted under key ${storedKeyId}, the key given is ${cipher.keyId}`, { location, keyId: storedKeyId, givenKeyId: cipher.keyId });
  }
  return cipher;
}

/** Re-encrypts every encrypted column from `current` to `next` and records `next` as the store's key; returns how many values changed. */
export async function reencryptColumns(tx: SqlExecutor, current: FieldCipher, next: FieldCipher): Promise<number> {
  let values = 0;
  for (const { table, key, columns } of encryptedColumns) {
    for (const column of columns) {
      for (const row of await tx.all(`SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`)) {
        const where = binding(table, column, str(row, 'k'));
        await tx.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [next.encrypt(current.decrypt(str(row, 'v'), where), where), str(row, 'k')]);
        values += 1;
      }
    }
  }
  await tx.run("UPDATE store_meta SET value = ? WHERE key = 'data_key_id'", [next.keyId]);
  return values;
}
