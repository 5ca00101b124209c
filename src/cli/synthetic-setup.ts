/**
 * What `serve --synthetic` sets up so that a fresh machine sees the whole
 * path (the OpenAI API, the clinical API and the web UI) with no preparation:
 *
 * - a data key, only for a synthetic model: when neither
 *   NORTHSTATION_DATA_KEY_FILE nor NORTHSTATION_DATA_KEY is set, the key in
 *   `<data home>/data.key` (32 random bytes, base64, mode 0600), created when
 *   missing. A real model keeps requiring a configured key: a site chooses
 *   where its key lives.
 * - demo accounts, only on a records database with no accounts yet (no
 *   'user.create' in its audit trail): `nurse`, `physician` and `admin`, each
 *   with a random password shown once on stderr. Never a fixed password.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataHome } from '../core/data-home.ts';
import type { Actor } from '../records/audit.ts';
import { loadDataKey } from '../records/field-cipher.ts';
import type { RecordsRepository } from '../records/repository.ts';

/** The demo accounts `serve --synthetic` makes on an empty database: username = role. */
export const demoAccountRoles = ['nurse', 'physician', 'admin'] as const;
export type DemoAccountRole = (typeof demoAccountRoles)[number];

const setupActor: Actor = { userId: 'system', role: 'admin', client: 'northstation-serve-synthetic' };

export interface SyntheticDataKey {
  key: Buffer;
  /** Where the key came from: the configured variable, or the file this created or reused. */
  source: 'configured' | 'created' | 'existing';
  /** The key file under the data home (absent when configured). */
  file?: string;
}

/**
 * The configured data key (NORTHSTATION_DATA_KEY_FILE / NORTHSTATION_DATA_KEY),
 * else `<data home>/data.key`, created (0600) when missing. Only for a
 * synthetic model: the caller checks.
 */
export async function syntheticDataKey(env: NodeJS.ProcessEnv = process.env): Promise<SyntheticDataKey> {
  const configured = loadDataKey(env);
  if (configured !== undefined) return { key: configured, source: 'configured' };
  const home = dataHome(env);
  const file = join(home, 'data.key');
  await mkdir(home, { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a key another process (or an earlier run) wrote; its data would become unreadable.
    await writeFile(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    const key = loadDataKey({ NORTHSTATION_DATA_KEY_FILE: file });
    if (key === undefined) throw new Error(`the data key just written to ${file} does not read back`);
    return { key, source: 'created', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = loadDataKey({ NORTHSTATION_DATA_KEY_FILE: file });
  if (key === undefined) throw new Error(`the data key file ${file} is empty`);
  return { key, source: 'existing', file };
}

/** A random password for a demo account: 18 characters of base64url (108 bits), well past the 12-character minimum. */
export function randomDemoPassword(): string {
  return randomBytes(18).toString('base64url').slice(0, 18);
}

/** True when the database has never had an account (no 'user.create' in the audit trail: accounts are never deleted). */
export async function hasNoAccounts(store: RecordsRepository): Promise<boolean> {
  const created = await store.searchAuditEvents({ action: 'user.create', limit: 1 }, setupActor);
  return created.length === 0;
}

/**
 * On a database with no accounts, creates `nurse`, `physician` and `admin`
 * with random passwords and returns them (to show once); otherwise creates
 * nothing and returns undefined.
 */
export async function createDemoAccounts(store: RecordsRepository, password: () => string = randomDemoPassword): Promise<Record<DemoAccountRole, string> | undefined> {
  if (!(await hasNoAccounts(store))) return undefined;
  const passwords = {} as Record<DemoAccountRole, string>;
  for (const role of demoAccountRoles) {
    // The password policy refuses one containing the username: a random one does only by a (remote) chance.
    do passwords[role] = password();
    while (passwords[role].toLowerCase().includes(role));
    await store.createUser({ username: role, displayName: `Demo ${role}`, roles: [role], password: passwords[role] }, setupActor);
  }
  return passwords;
}

/** The lines that show the demo accounts once. */
export function describeDemoAccounts(passwords: Record<DemoAccountRole, string>, webUrl: string): string {
  const rows = demoAccountRoles.map((role) => `  ${role.padEnd(10)} ${passwords[role]}`).join('\n');
  return `Demo accounts (synthetic mode), created now; the passwords are shown this once:\n${rows}\nSign in at ${webUrl}\n`;
}
