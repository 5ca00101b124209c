/**
 * The records store on PostgreSQL: every store contract (contract/*.contract.ts),
 * the same suite sqlite-store.test.ts runs on SQLite, plus what only a shared
 * server has (schema parity with SQLite, TRUNCATE, several gateways at once,
 * an unreachable server). Needs PostgreSQL: NORTHSTATION_TEST_POSTGRES_URL, or
 * the server binaries to start a private one (testing/private-postgres.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { auditContract } from './contract/audit.contract.ts';
import { draftsContract } from './contract/drafts.contract.ts';
import { encryptionContract } from './contract/encryption.contract.ts';
import { fastPasswords, postgresFactory, testPostgresUrl, type StoreFixture } from './contract/fixture.ts';
import { oidcLoginsContract } from './contract/oidc-logins.contract.ts';
import { sessionsContract } from './contract/sessions.contract.ts';
import { studiesContract } from './contract/studies.contract.ts';
import { uploadsContract } from './contract/uploads.contract.ts';
import { usersContract } from './contract/users.contract.ts';
import { webUiContract } from './contract/web-ui.contract.ts';
import { generateDataKey } from './field-cipher.ts';
import { migrations } from './migrations.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { SqlExecutor } from './sql/database.ts';
import { PostgresDatabase } from './sql/postgres-database.ts';
import { nurse, physician, seedDraft, tempStore } from './test-fixtures.ts';

draftsContract(postgresFactory);
usersContract(postgresFactory);
auditContract(postgresFactory);
encryptionContract(postgresFactory);
sessionsContract(postgresFactory);
oidcLoginsContract(postgresFactory);
studiesContract(postgresFactory);
uploadsContract(postgresFactory);
webUiContract(postgresFactory);

async function fresh(t: TestContext): Promise<StoreFixture> {
  const fixture = await postgresFactory();
  t.after(() => fixture.cleanup());
  return fixture;
}

/** Tables of the store's schema (the connection's search_path), by name. */
async function postgresTables(sql: SqlExecutor): Promise<string[]> {
  const rows = await sql.all("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
  return rows.map((row) => String(row.table_name));
}

test('the PostgreSQL schema matches SQLite’s: migration versions and names, tables and columns', async (t) => {
  assert.deepEqual(postgresMigrations.map((m) => [m.version, m.name]), migrations.map((m) => [m.version, m.name]));
  const pg = await fresh(t);
  const lite = await tempStore();
  t.after(lite.cleanup);
  const applied = async (sql: SqlExecutor): Promise<unknown[]> =>
    (await sql.all('SELECT version, name FROM schema_migrations ORDER BY version')).map((row) => [Number(row.version), row.name]);
  assert.deepEqual(await applied(pg.store.sql), await applied(lite.store.sql));

  const liteTables = (await lite.store.sql.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((row) => String(row.name));
  assert.deepEqual(await postgresTables(pg.store.sql), liteTables);
  assert.ok(liteTables.includes('audit_events') && liteTables.length >= 10, `tables: ${liteTables.join(', ')}`);
  // SQLite's implicit rowid is an explicit column on PostgreSQL (postgres-migrations.ts says why); nothing else differs.
  const explicitRowid = new Set(['drafts', 'amendments']);
  for (const table of liteTables) {
    const liteColumns = (await lite.store.sql.all(`PRAGMA table_info(${table})`)).map((row) => String(row.name));
    const pgColumns = (await pg.store.sql.all('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position', [table])).map((row) => String(row.column_name));
    assert.deepEqual(pgColumns.filter((column) => !(column === 'rowid' && explicitRowid.has(table))), liteColumns, table);
    assert.equal(pgColumns.includes('rowid'), explicitRowid.has(table), `${table}: rowid`);
  }
});

test('TRUNCATE of the clinical record and the audit trail is refused', async (t) => {
  const { store } = await fresh(t);
  await seedDraft(store);
  // CASCADE, or PostgreSQL would refuse drafts for its foreign keys before the guard had a say.
  await assert.rejects(store.sql.exec('TRUNCATE drafts CASCADE'), /TRUNCATE is not allowed/);
  await assert.rejects(store.sql.exec('TRUNCATE audit_events'), /TRUNCATE is not allowed/);
  await assert.rejects(store.sql.exec('TRUNCATE users CASCADE'), /TRUNCATE is not allowed/);
  assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM drafts'))?.n), 1);
  assert.equal(Number((await store.sql.get('SELECT COUNT(*) AS n FROM audit_events'))?.n), 3);
});

test('two gateways opening a new schema at the same moment both start, and the migrations are applied once', async (t) => {
  const url = await testPostgresUrl();
  // A race lost only sometimes: several rounds, each on its own new schema, so a losing interleaving shows up in one run.
  for (let round = 0; round < 8; round += 1) {
    const schema = `ns_test_${randomBytes(6).toString('hex')}`;
    const key = generateDataKey();
    t.after(async () => {
      const admin = await PostgresDatabase.connect({ url });
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    });
    const results = await Promise.allSettled([openPostgresStore({ url, schema, key, passwordParams: fastPasswords }), openPostgresStore({ url, schema, key, passwordParams: fastPasswords })]);
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    t.after(async () => {
      for (const store of opened) await store.close();
    });
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')), ['ok', 'ok'], `round ${round}`);
    const [a, b] = opened;
    assert.ok(a !== undefined && b !== undefined);
    const rows = await a.sql.all('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
    assert.deepEqual(rows.map((row) => [Number(row.version), Number(row.n)]), postgresMigrations.map((m) => [m.version, 1]));
    assert.equal(Number((await a.sql.get("SELECT COUNT(*) AS n FROM store_meta WHERE key = 'data_key_id'"))?.n), 1);
    // Both work on the one store.
    const patient = await a.createPatient({ displayName: 'Margaret Thistlewood' }, nurse);
    assert.equal((await b.getPatient(patient.id, physician)).displayName, 'Margaret Thistlewood');
  }
});

test('a known patient name, birth date and password appear in no column of any table', async (t) => {
  const { store } = await fresh(t);
  const password = 'amber kettle ribbon 42';
  const { draftId } = await seedDraft(store, { subjective: 'Margaret Thistlewood reports cough.' });
  await store.editDraft(draftId, 1, { subjective: 'Margaret Thistlewood reports cough and fever.' }, nurse);
  await store.signDraft(draftId, 2, physician);
  await store.amend(draftId, 'Margaret Thistlewood asked for a correction', { subjective: 'Margaret Thistlewood: corrected.' }, physician);
  await store.withdraw(draftId, 'Margaret Thistlewood is the wrong patient', physician);
  const user = await store.createUser({ username: 'intake', roles: ['integration'], password }, { userId: 'u-admin', role: 'admin' });
  const token = (await store.issueApiToken(user.id, { userId: 'u-admin', role: 'admin' })).token;
  let dump = '';
  const tables = await postgresTables(store.sql);
  for (const table of tables) {
    // A row cast to text holds every column, whatever its type.
    for (const row of await store.sql.all(`SELECT t::text AS row FROM ${table} t`)) dump += String(row.row) + '\n';
  }
  assert.ok(tables.includes('patients') && dump.includes(draftId) && dump.includes(user.id), 'the dump holds the rows (so the checks below are not vacuous)');
  for (const secret of ['Thistlewood', '1948-03-02', password, token.slice(3)]) assert.equal(dump.includes(secret), false, secret);
});

test('two gateways sign one draft at once: exactly one wins, the other gets a conflict, the chain verifies', async (t) => {
  const fixture = await fresh(t);
  const other = await fixture.openAnother();
  const { draftId } = await seedDraft(fixture.store);
  const results = await Promise.allSettled([fixture.store.signDraft(draftId, 1, physician), other.signDraft(draftId, 1, { ...physician, userId: 'u-doc-2' })]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const rejected = results.find((r) => r.status === 'rejected');
  assert.ok(rejected !== undefined && isNorthstationError(rejected.reason, 'conflict'), String(rejected?.reason));
  assert.equal(Number((await fixture.store.sql.get('SELECT COUNT(*) AS n FROM signatures'))?.n), 1);
  const events = await fixture.store.listAuditEvents();
  assert.equal(events.filter((e) => e.action === 'draft.sign').length, 1);
  assert.equal((await fixture.store.verifyAuditChain()).ok, true);
});

test('20 concurrent edits from two gateways: each lands once, on its own version; the chain verifies', async (t) => {
  const fixture = await fresh(t);
  const other = await fixture.openAnother();
  const { draftId } = await seedDraft(fixture.store);
  // First all 20 at the version they read: exactly one may win.
  const racing = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? fixture.store : other).editDraft(draftId, 1, { plan: `race ${i}` }, nurse)));
  assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(racing.every((r) => r.status === 'fulfilled' || isNorthstationError(r.reason, 'conflict')));
  // Then 20 writers that reload and retry on a conflict, as a client would: every edit lands, none twice.
  const edit = async (i: number): Promise<void> => {
    const gateway = i % 2 === 0 ? fixture.store : other;
    for (;;) {
      const { version } = await gateway.getDraft(draftId, nurse);
      try {
        await gateway.editDraft(draftId, version, { plan: `edit ${i}` }, nurse);
        return;
      } catch (error) {
        if (!isNorthstationError(error, 'conflict')) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: 20 }, (_, i) => edit(i)));
  const draft = await other.getDraft(draftId, nurse);
  assert.equal(draft.version, 22);
  assert.deepEqual(draft.revisions.map((r) => r.version), Array.from({ length: 21 }, (_, i) => i + 2));
  const plans = draft.revisions.slice(1).map((r) => (r.content as { plan: string }).plan).sort();
  assert.deepEqual(plans, Array.from({ length: 20 }, (_, i) => `edit ${i}`).sort());
  assert.equal((await fixture.store.verifyAuditChain()).ok, true);
});

test('an unreachable server: config_invalid, and no message gives away a password in the URL', async () => {
  const refusal = (url: string): Promise<unknown> =>
    openPostgresStore({ url, schema: 'ns_unreachable', key: generateDataKey(), connectTimeoutMs: 2000 }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
  const unreachable = await refusal('postgres://northstation@/postgres?host=/nonexistent-socket-dir');
  assert.ok(isNorthstationError(unreachable, 'config_invalid'), String(unreachable));
  assert.match(unreachable.message, /cannot open the PostgreSQL records database/);
  const secret = 'pa55-word-in-url';
  const withPassword = await refusal(`postgres://northstation:${secret}@/postgres?host=/nonexistent-socket-dir`);
  assert.ok(isNorthstationError(withPassword, 'config_invalid'), String(withPassword));
  assert.equal(withPassword.message.includes(secret), false, withPassword.message);
  assert.equal(JSON.stringify(withPassword.details).includes(secret), false);
});
