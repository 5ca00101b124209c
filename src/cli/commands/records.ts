/**
 * `northstation records rotate-key --new-key-file FILE [--db FILE|URL]`:
 * re-encrypts every PHI column of the records database under a new data key,
 * in one transaction. The current key comes from NORTHSTATION_DATA_KEY_FILE /
 * NORTHSTATION_DATA_KEY; afterwards only the new key opens the database, so
 * point NORTHSTATION_DATA_KEY_FILE at FILE before the next start.
 */
import { userInfo } from 'node:os';
import { isNorthstationError, NorthstationError } from '../../core/errors.ts';
import { parseArgs } from 'node:util';
import { FieldCipher, loadDataKey } from '../../records/field-cipher.ts';
import { openRecordsStore } from '../../records/open-store.ts';
import { recordsArgOptions, recordsArgsHelp, recordsLocationFromArgs } from '../records-args.ts';

const help = `usage: northstation records rotate-key --new-key-file FILE [--db FILE|URL] [--db-schema NAME]

Re-encrypts every encrypted column under the key in FILE (32 random bytes in
base64; make one with: head -c 32 /dev/urandom | base64), in one transaction.
The current key comes from NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY.
Afterwards set NORTHSTATION_DATA_KEY_FILE=FILE: the old key no longer opens it.
${recordsArgsHelp}`;

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
  let values: { db?: string | undefined; 'db-schema'?: string | undefined; 'new-key-file'?: string | undefined };
  try {
    ({ values } = parseArgs({ args: rest, options: { ...recordsArgOptions, 'new-key-file': { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    io.error(`records rotate-key: ${error instanceof Error ? error.message : String(error)}\n\n${help}\n`);
    return 2;
  }
  const newKeyFile = values['new-key-file'];
  if (newKeyFile === undefined || newKeyFile === '') {
    io.error(`records rotate-key: --new-key-file is required\n\n${help}\n`);
    return 2;
  }
  try {
    const newKey = loadDataKey({ NORTHSTATION_DATA_KEY_FILE: newKeyFile });
    if (newKey === undefined) throw new NorthstationError('config_invalid', `cannot read the new key file ${newKeyFile}`);
    const store = await openRecordsStore({ ...recordsLocationFromArgs(values), key: loadDataKey(io.env) }, io.env);
    try {
      const oldKeyId = store.keyId;
      if (oldKeyId === new FieldCipher(newKey).keyId) {
        throw new NorthstationError('bad_request', 'the new key is the key already in use');
      }
      const { keyId, values: count } = await store.rotateKey(newKey, { userId: operator(), role: 'admin', client: 'northstation-cli' });
      io.write(`re-encrypted ${count} values in ${store.location}: data key ${oldKeyId} → ${keyId}\nset NORTHSTATION_DATA_KEY_FILE=${newKeyFile} before the next start; the old key no longer opens this database\n`);
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
