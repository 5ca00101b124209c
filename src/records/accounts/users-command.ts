/**
 * Argument parsing for `./northstation users add USERNAME --role ROLE...`.
 * Pure: the CLI reads the password afterwards (from stdin with
 * --password-stdin, else an interactive prompt) and hands everything to the
 * store. A password is never accepted as an argument: it would sit in the shell
 * history and in `ps` for every local user to read.
 */
import { parseArgs } from 'node:util';
import { NorthstationError } from '../../core/errors.ts';
import { isRole, roles } from './policy.ts';
import type { Role } from './policy.ts';

/** Lowercase letter first, then lowercase letters, digits, '.', '_' or '-'; 2–64 characters. */
export const usernamePattern = /^[a-z][a-z0-9._-]{1,63}$/;

export interface UsersAddArgs {
  username: string;
  /** At least one, each once, in the order given. */
  roles: Role[];
  /** Defaults to the username. */
  displayName: string;
  /** Where the CLI should read the password from. */
  passwordFrom: 'stdin' | 'prompt';
}

export const usersAddUsage =
  `usage: northstation users add USERNAME --role ROLE [--role ROLE...] [--display-name NAME] [--password-stdin]\n` +
  `  ROLE is one of ${roles.join(', ')} (repeat --role, or separate with commas)`;

const bad = (message: string, details: Record<string, unknown> = {}): NorthstationError =>
  new NorthstationError('bad_request', `${message}\n${usersAddUsage}`, details);

export function parseUsersAddArgs(args: readonly string[]): UsersAddArgs {
  const passwordFlag = args.find((arg) => arg === '--password' || arg.startsWith('--password='));
  if (passwordFlag !== undefined) {
    throw bad('a password is never given on the command line; use --password-stdin or answer the prompt', { field: 'password' });
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        role: { type: 'string', multiple: true },
        'display-name': { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw bad(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;

  if (positionals.length === 0) throw bad('missing USERNAME', { field: 'username' });
  if (positionals.length > 1) throw bad(`expected one USERNAME, got ${positionals.length}`, { field: 'username' });
  const username = positionals[0] ?? '';
  if (!usernamePattern.test(username)) {
    throw bad('USERNAME must be 2–64 characters: a lowercase letter, then lowercase letters, digits, ".", "_" or "-"', { field: 'username' });
  }

  const requested = (values.role ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  if (requested.length === 0) throw bad('at least one --role is required', { field: 'role' });
  const unknown = requested.filter((value) => !isRole(value));
  if (unknown.length > 0) throw bad(`unknown role ${unknown.map((value) => JSON.stringify(value)).join(', ')}`, { field: 'role', unknown });
  const chosen = [...new Set(requested.filter(isRole))];

  const displayName = (values['display-name'] ?? username).trim();
  if (displayName === '' || displayName.length > 200 || /\p{Cc}/u.test(displayName)) {
    throw bad('--display-name must be 1–200 characters without control characters', { field: 'displayName' });
  }

  return { username, roles: chosen, displayName, passwordFrom: values['password-stdin'] === true ? 'stdin' : 'prompt' };
}
