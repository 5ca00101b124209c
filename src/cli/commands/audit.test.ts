import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { testPostgresUrl } from '../../records/contract/fixture.ts';
import { generateDataKey } from '../../records/field-cipher.ts';
import { openPostgresStore } from '../../records/postgres-store.ts';
import { openSqliteStore } from '../../records/sqlite-store.ts';
import { physician, seedDraft, tempStore } from '../../records/test-fixtures.ts';
import { run } from './audit.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function audit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { write: (t) => (out += t), error: (t) => (err += t), env });
  return { code, out, err };
}

async function seeded(): Promise<string> {
  const t = await tempStore();
  dirs.push(t.dir);
  const { draftId } = await seedDraft(t.store);
  await t.store.signDraft(draftId, 1, physician);
  await t.store.close();
  return t.path;
}

test('an intact chain: exit 0 with the count', async () => {
  const path = await seeded();
  const { code, out } = await audit(['verify', '--db', path]);
  assert.equal(code, 0);
  assert.match(out, /audit trail intact: 4 events verified/);
});

test('a tampered row: exit 1 naming the first broken event', async () => {
  const path = await seeded();
  // Raw SQL, as an attacker with the file would: drop the guard, change who signed.
  const db = new DatabaseSync(path);
  db.exec('DROP TRIGGER audit_events_no_update');
  db.prepare("UPDATE audit_events SET user_id = 'mallory' WHERE seq = 3").run();
  db.close();
  const { code, err } = await audit(['verify', `--db=${path}`]);
  assert.equal(code, 1);
  assert.match(err, /BROKEN at event 3: event 3 was altered/);
});

test('the default database is <data home>/records.sqlite', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ns-home-'));
  dirs.push(home);
  assert.equal((await audit(['verify'], { NORTHSTATION_HOME: home })).code, 2, 'missing database: exit 2');
  const store = await openSqliteStore({ path: join(home, 'records.sqlite'), key: generateDataKey() });
  await store.createPatient({ displayName: 'Test Patient' }, physician);
  await store.close();
  const { code, out } = await audit(['verify'], { NORTHSTATION_HOME: home });
  assert.equal(code, 0);
  assert.match(out, /1 events verified/);
});

test('usage errors: exit 2', async () => {
  assert.equal((await audit([])).code, 2);
  assert.equal((await audit(['frobnicate'])).code, 2);
  assert.equal((await audit(['export', '--out'])).code, 2);
  assert.equal((await audit(['verify', '--out', 'x.json'])).code, 2, '--out is for export only');
  assert.equal((await audit(['verify', '--db'])).code, 2);
  assert.equal((await audit(['anchor', '--db', 'x.sqlite'])).code, 2, 'anchor needs --out');
  assert.equal((await audit(['verify', '--db', 'x.sqlite', '--db-schema', 'ns'])).code, 2, 'a schema is for PostgreSQL only');
  assert.equal((await audit(['verify', '--frobnicate'])).code, 2);
  assert.equal((await audit(['--help'])).code, 0);
});

test('export: a FHIR R4 collection Bundle of AuditEvents, one per event, with no PHI', async () => {
  const t = await tempStore();
  dirs.push(t.dir);
  const { patientId, draftId } = await seedDraft(t.store);
  await t.store.getPatient(patientId, physician);
  await t.store.signDraft(draftId, 1, physician);
  await t.store.close();
  const out = join(t.dir, 'audit.json');
  const { code, err } = await audit(['export', '--db', t.path, '--out', out]);
  assert.equal(code, 0, err);
  assert.match(err, /5 AuditEvent resources written/);
  const text = readFileSync(out, 'utf8');
  assert.ok(!text.includes('Margaret') && !text.includes('Thistlewood') && !text.includes('1948-03-02') && !text.includes('Cough'), 'no patient name, birth date or note text');
  interface Detail { type: string; valueString: string }
  interface Ev {
    resourceType: string; subtype: Array<{ code: string }>; action: string; type: unknown; outcome: string; recorded: string;
    agent: Array<{ who: unknown; role: Array<{ coding: Array<{ code: string }> }>; requestor: boolean; network?: unknown }>;
    source: unknown; entity: Array<{ what: { identifier: { value: string } }; detail: Detail[] }>;
  }
  const bundle = JSON.parse(text) as { resourceType: string; type: string; entry: Array<{ fullUrl: string; resource: Ev }> };
  assert.equal(bundle.resourceType, 'Bundle');
  assert.equal(bundle.type, 'collection');
  assert.equal(bundle.entry.length, 5);
  const resources = bundle.entry.map((e) => e.resource);
  assert.deepEqual(resources.map((r) => [r.subtype[0]?.code, r.action]), [
    ['patient.create', 'C'], ['encounter.create', 'C'], ['draft.create', 'C'], ['patient.read', 'R'], ['draft.sign', 'U'],
  ]);
  for (const entry of bundle.entry) assert.match(entry.fullUrl, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const sign = resources[4]!;
  assert.equal(sign.resourceType, 'AuditEvent');
  assert.deepEqual(sign.type, { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' });
  assert.equal(sign.outcome, '0');
  assert.match(sign.recorded, /^\d{4}-\d{2}-\d{2}T/);
  const agent = sign.agent[0]!;
  assert.deepEqual(agent.who, { identifier: { system: 'urn:northstation:user', value: physician.userId } });
  assert.equal(agent.role[0]?.coding[0]?.code, 'physician');
  assert.equal(agent.requestor, true);
  assert.deepEqual(agent.network, { address: physician.ip, type: '2' });
  assert.deepEqual(sign.source, { observer: { display: 'Northstation' } });
  assert.equal(sign.entity[0]?.what.identifier.value, `draft/${draftId}`);
  const details = Object.fromEntries(sign.entity[0].detail.map((d) => [d.type, d.valueString]));
  assert.equal(details['model-id'], 'medgemma-4b-it');
  assert.equal(details['prev-hash'], resources[3]?.entity[0]?.detail.find((d) => d.type === 'hash')?.valueString, 'the chain survives the export');
  // To stdout when no --out is given.
  const stdout = await audit(['export', `--db=${t.path}`]);
  assert.equal(stdout.code, 0);
  assert.equal((JSON.parse(stdout.out) as { entry: unknown[] }).entry.length, 5);
});

test('anchor: a truncated or rebuilt trail passes the chain check alone but fails against the anchor', async () => {
  const path = await seeded();
  const anchorFile = join(dirname(path), 'anchor.json');
  const taken = await audit(['anchor', '--db', path, '--out', anchorFile]);
  assert.equal(taken.code, 0, taken.err);
  const anchor = JSON.parse(readFileSync(anchorFile, 'utf8')) as { kind: string; seq: number; hash: string };
  assert.equal(anchor.kind, 'northstation-audit-anchor');
  assert.equal(anchor.seq, 4);
  assert.match((await audit(['verify', '--db', path, '--anchor', anchorFile])).out, /4 events verified, anchored event 4 present and unchanged/);

  // Someone with the file cuts the last event off: the chain alone still verifies…
  const db = new DatabaseSync(path);
  db.exec('DROP TRIGGER audit_events_no_delete');
  db.prepare('DELETE FROM audit_events WHERE seq = 4').run();
  db.close();
  assert.equal((await audit(['verify', '--db', path])).code, 0);
  // …the anchor does not.
  const truncated = await audit(['verify', '--db', path, '--anchor', anchorFile]);
  assert.equal(truncated.code, 1);
  assert.match(truncated.err, /truncated: anchored event 4 .* is gone; the trail now ends at event 3/);
  // A chain rebuilt with fresh hashes verifies on its own too; event 3's hash then differs from an anchor of it.
  writeFileSync(anchorFile, JSON.stringify({ ...anchor, seq: 3, hash: 'f'.repeat(64) }));
  const rewritten = await audit(['verify', '--db', path, '--anchor', anchorFile]);
  assert.equal(rewritten.code, 1);
  assert.match(rewritten.err, /event 3 differs from the anchor .*: the trail was rewritten/);
});

test('anchor: refused on a broken chain; a file that is not an anchor is a read error', async () => {
  const path = await seeded();
  const db = new DatabaseSync(path);
  db.exec('DROP TRIGGER audit_events_no_update');
  db.prepare("UPDATE audit_events SET action = 'x' WHERE seq = 2").run();
  db.close();
  const out = join(dirname(path), 'anchor.json');
  const refused = await audit(['anchor', '--db', path, '--out', out]);
  assert.equal(refused.code, 1);
  assert.equal(existsSync(out), false, 'no anchor for a broken chain');
  const notAnchor = join(dirname(path), 'not-anchor.json');
  writeFileSync(notAnchor, '{"seq": 1}');
  const bad = await audit(['verify', '--db', path, '--anchor', notAnchor]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /not a Northstation audit anchor/);
  assert.equal((await audit(['verify', '--db', path, '--anchor', join(dirname(path), 'absent.json')])).code, 2);
});

test('PostgreSQL: verify and export by URL and schema, no key needed', async () => {
  const url = await testPostgresUrl();
  const schema = `ns_cli_${process.pid}`;
  const store = await openPostgresStore({ url, schema, key: generateDataKey() });
  const { draftId } = await seedDraft(store);
  await store.signDraft(draftId, 1, physician);
  await store.close();
  const verified = await audit(['verify', '--db', url, '--db-schema', schema]);
  assert.equal(verified.code, 0, verified.err);
  assert.match(verified.out, /4 events verified \(postgres:\/\/.*\(schema ns_cli_/);
  const exported = await audit(['export', '--db', url, '--db-schema', schema]);
  assert.equal((JSON.parse(exported.out) as { entry: unknown[] }).entry.length, 4);
  const missing = await audit(['verify', '--db', url, '--db-schema', 'ns_cli_absent']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /has no audit trail/);
});
