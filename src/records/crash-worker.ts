/**
 * The worker for crash-safety.int.test.ts: opens the store at argv[2] (key in
 * NS_CRASH_KEY, base64), finishes any draft a killed run left unsigned, then
 * creates, edits and signs drafts one by one until the store holds argv[3]
 * signatures (writing `resume <draftId> <version>` for each leftover). After each COMMITTED sign it writes `signed <draftId>` to stdout
 * synchronously, so a reported sign is always a committed one. The test kills
 * it with SIGKILL at random moments and starts it again.
 */
import { writeSync } from 'node:fs';
import { openSqliteStore } from './sqlite-store.ts';
import { nurse, physician, soapContent, soapDraft } from './test-fixtures.ts';

const [path, targetArg] = process.argv.slice(2);
const key = process.env.NS_CRASH_KEY;
if (path === undefined || targetArg === undefined || key === undefined) {
  process.stderr.write('usage: NS_CRASH_KEY=<base64> crash-worker.ts <db path> <target signatures>\n');
  process.exit(2);
}
const target = Number(targetArg);
const store = await openSqliteStore({ path, key: Buffer.from(key, 'base64') });
const db = store.database;
const say = (line: string): void => {
  writeSync(1, line + '\n');
};

const count = (sql: string): number => Number(db.prepare(sql).get()?.n ?? 0);
const edited = (n: number): unknown => ({ ...soapContent, plan: `Rest and fluids; review in ${n} days (note ${n}).` });

async function finish(id: string, version: number, n: number): Promise<void> {
  let v = version;
  if (v === 1) v = (await store.editDraft(id, 1, edited(n), physician)).version;
  await store.signDraft(id, v, physician);
  say(`signed ${id}`);
}

let encounterId = db.prepare('SELECT id FROM encounters LIMIT 1').get()?.id as string | undefined;
if (encounterId === undefined) {
  const patient = await store.createPatient({ displayName: 'Crash Test Patient', birthDate: '1950-01-01' }, nurse);
  encounterId = (await store.createEncounter({ patientId: patient.id }, nurse)).id;
}
say('ready');

// Drafts a killed run created (and perhaps edited) but did not sign.
for (const row of db.prepare("SELECT id, version FROM drafts WHERE status = 'draft' ORDER BY rowid").all()) {
  if (count('SELECT COUNT(*) AS n FROM signatures') >= target) break;
  say(`resume ${String(row.id)} ${Number(row.version)}`);
  await finish(String(row.id), Number(row.version), count('SELECT COUNT(*) AS n FROM drafts'));
}

while (count('SELECT COUNT(*) AS n FROM signatures') < target) {
  const n = count('SELECT COUNT(*) AS n FROM drafts') + 1;
  const draft = await store.createDraft({ encounterId, input: { transcript: `Visit ${n}: cough.` }, draft: soapDraft() }, nurse);
  await finish(draft.id, draft.version, n);
}
await store.close();
say('done');
