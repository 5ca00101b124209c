/**
 * `northstation records rotate-key --new-key-file FILE [--db FILE]`:
 * re-encrypts every PHI column of the records database under a new data key,
 * in one transaction. The current key comes from NORTHSTATION_DATA_KEY_FILE /
 * NORTHSTATION_DATA_KEY; afterwards only the new key opens the database, so
 * point NORTHSTATION_DATA_KEY_FILE at FILE before the next start.
 */
import { userInfo } from 'node:os';
import { isNorthstationError, NorthstationError } from '../../core/errors.ts';
import { FieldCipher, loadDataKey } from '../../records/field-cipher.ts';
import { defaultRecordsPath, openSqliteStore, rotateKey } from '../../records/sqlite-store.ts';

const help = `usage: northstation records rotate-key --new-key-file FILE [--db FILE]

Re-encrypts every encrypted column under the key in FILE (32 random bytes in
base64; make one with: head -c 32 /dev/urandom | base64), in one transaction.
The current key comes from NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY.
Afterwards set NORTHSTATION_DATA_KEY_FILE=FILE: the old key no longer opens it.
  --db FILE   the records database (default: <data home>/records.sqlite)`;

export interface RecordsIo {
  write: (text: string) => void;
  error: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo: RecordsIo = {
  write: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
  env: process.env,
};

function operator(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
}

export async function run(args: string[], io: RecordsIo = processIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.write(help + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'rotate-key') {
    io.error(`records: unknown subcommand "${sub}"\n\n${help}\n`);
    return 2;
  }
  let db = defaultRecordsPath(io.env);
  let newKeyFile: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag !== '--db' && flag !== '--new-key-file') {
      io.error(`records rotate-key: unknown argument "${arg}"\n\n${help}\n`);
      return 2;
    }
    const value = eq === -1 ? rest[i + 1] : arg.slice(eq + 1);
    if (value === undefined || value === '') {
      io.error(`records rotate-key: ${flag} needs a file\n`);
      return 2;
    }
    if (eq === -1) i += 1;
    if (flag === '--db') db = value;
    else newKeyFile = value;
  }
  if (newKeyFile === undefined) {
    io.error(`records rotate-key: --new-key-file is required\n\n${help}\n`);
    return 2;
  }
  try {
    const newKey = loadDataKey({ NORTHSTATION_DATA_KEY_FILE: newKeyFile });
    if (newKey === undefined) throw new NorthstationError('config_invalid', `cannot read the new key file ${newKeyFile}`);
    const store = openSqliteStore({ path: db, key: loadDataKey(io.env) });
    try {
      const oldKeyId = store.keyId;
      if (oldKeyId === new FieldCipher(newKey).keyId) {
        throw new NorthstationError('bad_request', 'the new key is the key already in use');
      }
      const { keyId, values } = await rotateKey(store, newKey, { userId: operator(), role: 'admin', client: 'northstation-cli' });
      io.write(`re-encrypted ${values} values in ${store.path}: data key ${oldKeyId} → ${keyId}\nset NORTHSTATION_DATA_KEY_FILE=${newKeyFile} before the next start; the old key no longer opens this database\n`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (isNorthstationError(error)) {
      io.error(`records rotate-key: ${error.message}\n`);
      return error.code === 'bad_request' ? 2 : 1;
    }
    throw error;
  }
}
