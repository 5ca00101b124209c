/**
 * The server for clinical-crash.int.test.ts: the real clinical HTTP API over a
 * SQLite records file, as `serve --clinical-port` runs it, but with a scripted
 * soap-note model so that creating a draft is instant and deterministic.
 *
 * Usage: NS_CRASH_KEY=<base64 data key> clinical-crash-server.ts <db path>
 *
 * It opens (creating and migrating on the first run) the store, adds the
 * physician account when it is missing, listens on 127.0.0.1 port 0 and writes
 * `listening <url>` on stdout. The test kills it with SIGKILL at random moments
 * and starts it again on the same file; sessions live in memory, so each run
 * starts with nobody signed in.
 */
import { writeSync } from 'node:fs';
import { createLogger } from '../src/core/log.ts';
import { openSqliteStore } from '../src/records/sqlite-store.ts';
import { buildClinicalApp } from '../src/server/clinical/app.ts';
import { scriptedRunner } from '../src/server/clinical/test-helpers.ts';
import { startServer } from '../src/server/listen.ts';

/** The account the test signs in (and re-enters the password) with. Exported for the test, which imports nothing else from here. */
export const crashUser = { username: 'paul.physician', password: 'amber kettle ribbon 42' } as const;

/** Cheap scrypt: every sign re-enters the password, and the default cost would dominate the run. */
export const crashPasswordParams = { N: 2 ** 10, r: 8, p: 1 } as const;

// Only when run as the worker: the test imports the constants above.
if (import.meta.main) await serve();

async function serve(): Promise<void> {
  const [path] = process.argv.slice(2);
  const key = process.env.NS_CRASH_KEY;
  if (path === undefined || key === undefined) {
    process.stderr.write('usage: NS_CRASH_KEY=<base64> clinical-crash-server.ts <db path>\n');
    process.exit(2);
  }
  const store = await openSqliteStore({ path, key: Buffer.from(key, 'base64'), passwordParams: crashPasswordParams });
  // First run only. A run killed between the check and the commit leaves no user (createUser is one
  // transaction), so the next run simply creates it then.
  const existing = store.database.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').get(crashUser.username);
  if (Number(existing?.n) === 0) {
    await store.createUser({ username: crashUser.username, roles: ['physician'], password: crashUser.password }, { userId: 'system', role: 'admin', client: 'crash-test' });
  }
  // Warnings and errors only: a 5xx is logged at error level, and the test shows stderr when a run fails.
  const logger = createLogger({ level: 'warn' });
  const app = buildClinicalApp({
    store,
    // One scripted answer per draft; far more than one run can use (the test stops at 1,000 signs in all).
    runner: scriptedRunner(5000),
    logger,
    // One client drives the server as fast as it can: the per-token and sign-in limits would otherwise answer 429.
    limits: { requestsPerMinute: 1_000_000, requestBurst: 1_000_000, loginAttemptsPerMinute: 1_000_000, loginBurst: 1_000_000 },
  });
  const running = await startServer({ app, port: 0, logger });
  writeSync(1, `listening ${running.url}\n`);
}
