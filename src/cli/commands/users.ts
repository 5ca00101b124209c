/**
 * `northstation users add USERNAME --role ROLE... [--display-name NAME]
 * [--password-stdin] [--db FILE|URL]`: creates a local account in the records
 * database. On the first start this is how the first admin is made.
 * `northstation users set-password USERNAME [--password-stdin] [--db FILE|URL]`:
 * a new password for a local account (a forgotten one, or the demo accounts of
 * `serve --synthetic` whose passwords were shown once); it clears a lockout and
 * signs the user out everywhere.
 *
 * The password comes from stdin with --password-stdin (one line; a trailing
 * newline is dropped), else from a prompt on the terminal, asked twice with
 * echo off. Without a terminal and without --password-stdin it refuses: a
 * password is never an argument. The data key comes from
 * NORTHSTATION_DATA_KEY_FILE / NORTHSTATION_DATA_KEY.
 */
import { userInfo } from 'node:os';
import { isNorthstationError, NorthstationError } from '../../core/errors.ts';
import { parseUsersAddArgs, usersAddUsage } from '../../records/accounts/users-command.ts';
import type { Actor } from '../../records/audit.ts';
import { loadDataKey } from '../../records/field-cipher.ts';
import { openRecordsStore } from '../../records/open-store.ts';
import { recordsArgsHelp, recordsLocationFromArgs } from '../records-args.ts';

const setPasswordUsage = 'usage: northstation users set-password USERNAME [--password-stdin]';

const help = `${usersAddUsage}
${setPasswordUsage}
  --password-stdin  read the password from stdin (otherwise: prompt twice on the terminal)
${recordsArgsHelp}
The data key comes from NORTHSTATION_DATA_KEY_FILE or NORTHSTATION_DATA_KEY.`;

export interface UsersIo {
  write: (text: string) => void;
  error: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** All of stdin, as text. */
  readStdin: () => Promise<string>;
  /** Whether a terminal is attached to ask on. */
  isTty: boolean;
  /** Asks `question` on the terminal with echo off; resolves with the answer. */
  promptHidden: (question: string) => Promise<string>;
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from the terminal in raw mode, echoing nothing. Ctrl-C aborts. */
function promptHiddenTty(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new NorthstationError('aborted', 'cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

const processIo: UsersIo = {
  write: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
  env: process.env,
  readStdin: readAll,
  isTty: process.stdin.isTTY,
  promptHidden: promptHiddenTty,
};

/** Splits `--db` / `--db-schema` (either `--flag VALUE` or `--flag=VALUE`) off the arguments `parseUsersAddArgs` understands. */
function takeDb(args: readonly string[]): { location: { db?: string; 'db-schema'?: string }; rest: string[] } {
  const rest: string[] = [];
  const location: { db?: string; 'db-schema'?: string } = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const flag = (['db', 'db-schema'] as const).find((name) => arg === `--${name}` || arg.startsWith(`--${name}=`));
    if (flag === undefined) {
      rest.push(arg);
      continue;
    }
    const inline = arg.startsWith(`--${flag}=`);
    const value = inline ? arg.slice(flag.length + 3) : args[i + 1];
    if (value === undefined || value === '') throw new NorthstationError('bad_request', `--${flag} needs a value\n${help}`);
    location[flag] = value;
    if (!inline) i += 1;
  }
  return { location, rest };
}

async function readPassword(from: 'stdin' | 'prompt', io: UsersIo): Promise<string> {
  if (from === 'stdin') return (await io.readStdin()).replace(/\r?\n$/, '');
  if (!io.isTty) {
    throw new NorthstationError('bad_request', 'no terminal to ask for the password on: pipe it in with --password-stdin (e.g. from a secrets file), never as an argument');
  }
  const first = await io.promptHidden('Password: ');
  const second = await io.promptHidden('Repeat password: ');
  if (first !== second) throw new NorthstationError('bad_request', 'the passwords do not match');
  return first;
}

function localActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (containers): keep 'unknown'.
  }
  return { userId: `local:${name}`, role: 'admin', client: 'northstation-cli' };
}

export async function run(args: string[], io: UsersIo = processIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.write(help + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'set-password') return setPassword(rest, io);
  if (sub !== 'add') {
    io.error(`users: unknown subcommand "${sub}"\n\n${help}\n`);
    return 2;
  }
  try {
    const { location, rest: addArgs } = takeDb(rest);
    const parsed = parseUsersAddArgs(addArgs);
    const password = await readPassword(parsed.passwordFrom, io);
    const store = await openRecordsStore({ ...recordsLocationFromArgs(location), key: loadDataKey(io.env) }, io.env);
    try {
      const user = await store.createUser({ username: parsed.username, displayName: parsed.displayName, roles: parsed.roles, password }, localActor());
      io.write(`created user ${user.username} (${user.id}) with role${user.roles.length === 1 ? '' : 's'} ${user.roles.join(', ')} in ${store.location}\n`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (isNorthstationError(error)) {
      io.error(`users add: ${error.message}\n`);
      return error.code === 'bad_request' ? 2 : 1;
    }
    throw error;
  }
}

async function setPassword(args: readonly string[], io: UsersIo): Promise<number> {
  try {
    const { location, rest } = takeDb(args);
    const passwordFrom = rest.includes('--password-stdin') ? 'stdin' : 'prompt';
    const positionals = rest.filter((arg) => arg !== '--password-stdin');
    const [username, ...extra] = positionals;
    if (username === undefined || username.startsWith('-') || extra.length > 0) {
      throw new NorthstationError('bad_request', `name one user, and nothing else (a password is never an argument)\n${setPasswordUsage}`);
    }
    const password = await readPassword(passwordFrom, io);
    const store = await openRecordsStore({ ...recordsLocationFromArgs(location), key: loadDataKey(io.env) }, io.env);
    try {
      const user = await store.setPassword(username, password, localActor());
      io.write(`new password set for ${user.username} (${user.id}); their sessions are signed out\n`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (isNorthstationError(error)) {
      io.error(`users set-password: ${error.message}\n`);
      return error.code === 'bad_request' ? 2 : 1;
    }
    throw error;
  }
}
