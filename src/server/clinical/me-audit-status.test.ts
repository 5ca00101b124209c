/**
 * What the web UI adds to the clinical API: GET /api/me and PUT
 * /api/me/preferences, the audit search and GET /api/audit/verify, the
 * worklist's patient names, patient filter and order, and GET /api/status's
 * model and site report.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, DraftSummary } from '../../records/repository.ts';
import { modelCardNotice } from '../../safety/model-card.ts';
import { ScriptedModel } from '../../safety/test-scripted-model.ts';
import type { ServingReport } from './serving-report.ts';
import { call, errorOf, freshHarnesses, password, scriptedRunner, seed } from './test-helpers.ts';

const fresh = freshHarnesses();

interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  language: string;
}

// — the signed-in user —

test('GET /api/me: the caller, with roles and language, for sessions and API tokens alike', async () => {
  const h = await fresh();
  const me = await call(h, 'nurse', { method: 'GET', url: '/api/me' });
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json<PublicUser>(), { id: h.ids.nurse, username: h.usernames.nurse, displayName: h.usernames.nurse, roles: ['nurse'], language: 'en', singleSignOn: false });
  assert.equal((await call(h, 'integration', { method: 'GET', url: '/api/me' })).json<PublicUser>().id, h.ids.integration);
  const anonymous = await h.app.inject({ method: 'GET', url: '/api/me' });
  assert.equal(anonymous.statusCode, 401);
});

test('PUT /api/me/preferences: sets only the caller’s language, seen by /api/me and the next sign-in, audited; anything else is 400', async () => {
  const h = await fresh();
  const set = await call(h, 'nurse', { method: 'PUT', url: '/api/me/preferences', payload: { language: 'fr' } });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json<PublicUser>(), { id: h.ids.nurse, username: h.usernames.nurse, displayName: h.usernames.nurse, roles: ['nurse'], language: 'fr' });
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/me' })).json<PublicUser>().language, 'fr');
  assert.equal((await call(h, 'physician', { method: 'GET', url: '/api/me' })).json<PublicUser>().language, 'en', 'nobody else changed');

  const login = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password } });
  assert.equal(login.statusCode, 201);
  assert.deepEqual(login.json<{ user: PublicUser }>().user, { id: h.ids.nurse, username: h.usernames.nurse, displayName: h.usernames.nurse, roles: ['nurse'], language: 'fr' });

  const events = (await h.store.listAuditEvents({ resourceId: h.ids.nurse })).filter((event) => event.action === 'user.preferences');
  assert.deepEqual(events.map((event) => [event.user, event.role, event.resourceType, event.client]), [[h.ids.nurse, 'nurse', 'user', 'api']]);

  for (const payload of [{ language: 'de' }, { language: 'fr', userId: h.ids.physician }, {}, { language: ['fr'] }]) {
    const refused = await call(h, 'nurse', { method: 'PUT', url: '/api/me/preferences', payload });
    assert.equal(refused.statusCode, 400, JSON.stringify(payload));
    assert.equal(errorOf(refused).code, 'bad_request');
  }
  assert.equal((await call(h, 'physician', { method: 'GET', url: '/api/me' })).json<PublicUser>().language, 'en', 'a userId in the body changes nobody');
  assert.equal((await h.store.verifyAuditChain()).ok, true);
});

// — audit —

test('GET /api/audit: filters by action, user and time (offsets accepted), newest first, limited, paged back with next → before', async () => {
  const h = await fresh();
  h.clock.now = Date.parse('2026-01-01T09:00:00Z');
  const { draftId } = await seed(h, h.ids.nurse);
  h.clock.now = Date.parse('2026-01-01T10:00:00Z');
  assert.equal((await call(h, 'physician', { method: 'GET', url: `/api/drafts/${draftId}` })).statusCode, 200);
  h.clock.now = Date.parse('2026-01-01T11:00:00Z');
  assert.equal((await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${draftId}` })).statusCode, 200);

  const search = async (query: string): Promise<{ events: AuditEvent[]; next?: number }> => {
    const response = await call(h, 'admin', { method: 'GET', url: `/api/audit?${query}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const reads = await search('action=draft.read');
  assert.deepEqual(reads.events.map((event) => event.user), [h.ids.nurse, h.ids.physician], 'newest first');
  assert.equal(reads.next, undefined, 'not a full page: nothing older');
  assert.deepEqual((await search(`action=draft.read&userId=${h.ids.physician}`)).events.map((event) => event.at), ['2026-01-01T10:00:00.000Z']);
  // 10:30 at +01:00 is 09:30Z: from is inclusive, to exclusive.
  const window = await search('from=2026-01-01T09:00:00Z&to=2026-01-01T10:30:00%2B01:00');
  assert.deepEqual(new Set(window.events.map((event) => event.at)), new Set(['2026-01-01T09:00:00.000Z']));
  assert.deepEqual(window.events.map((event) => event.action), ['draft.create', 'encounter.create', 'patient.create']);

  const first = await search('limit=2');
  assert.equal(first.events.length, 2);
  assert.ok((first.events[0]?.seq ?? 0) > (first.events[1]?.seq ?? 0));
  assert.equal(first.next, first.events[1]?.seq);
  const older = await search(`limit=2&before=${String(first.next)}`);
  assert.deepEqual(older.events.map((event) => event.seq), [(first.next ?? 0) - 1, (first.next ?? 0) - 2]);

  const everything = await search('limit=1000');
  assert.ok(everything.events.length > 10);
  for (const url of ['/api/audit?limit=1001', '/api/audit?limit=0', '/api/audit?from=yesterday', '/api/audit?from=2026-01-01', '/api/audit?before=0']) {
    const refused = await call(h, 'admin', { method: 'GET', url });
    assert.equal(refused.statusCode, 400, url);
    assert.match(errorOf(refused).message, /^query\./);
  }
  const reading = (await h.store.listAuditEvents()).at(-1);
  assert.equal(reading?.action, 'audit.read');
  assert.equal(reading.user, h.ids.admin);
});

test('GET /api/audit/verify: the chain verdict for admins; a tampered event is reported by seq', async () => {
  const h = await fresh();
  await seed(h, h.ids.nurse);
  const verdict = await call(h, 'admin', { method: 'GET', url: '/api/audit/verify' });
  assert.equal(verdict.statusCode, 200);
  const ok = verdict.json<{ ok: boolean; checked: number; headHash: string }>();
  const events = await h.store.listAuditEvents();
  assert.deepEqual(ok, { ok: true, checked: events.length, headHash: events.at(-1)?.hash });
  assert.equal((await call(h, 'physician', { method: 'GET', url: '/api/audit/verify' })).statusCode, 403);

  // As someone with write access to the database file would: past the append-only trigger.
  h.store.database.exec('DROP TRIGGER audit_events_no_update');
  h.store.database.prepare("UPDATE audit_events SET action = 'draft.read' WHERE seq = 3").run();
  const broken = (await call(h, 'admin', { method: 'GET', url: '/api/audit/verify' })).json<{ ok: boolean; checked: number; firstBrokenSeq: number; reason: string }>();
  assert.equal(broken.ok, false);
  assert.equal(broken.checked, 2);
  assert.equal(broken.firstBrokenSeq, 3);
  assert.match(broken.reason, /altered/);
});

// — worklist —

test('GET /api/worklist?include=patient: names for patient readers (audited per patient), 403 for others; patientId filters; order turns the list round', async () => {
  const h = await fresh();
  const first = await seed(h, h.ids.nurse);
  h.clock.now += 1000;
  const second = await seed(h, h.ids.nurse);
  const patientOf = async (draftId: string): Promise<string> => (await h.store.getDraft(draftId, { userId: 'system', role: 'admin' })).patientId;
  const firstPatient = await patientOf(first.draftId);
  const secondPatient = await patientOf(second.draftId);

  const before = (await h.store.listAuditEvents()).length;
  const named = await call(h, 'nurse', { method: 'GET', url: '/api/worklist?state=draft&include=patient' });
  assert.equal(named.statusCode, 200, named.body);
  const rows = named.json<{ drafts: DraftSummary[] }>().drafts;
  assert.deepEqual(rows.map((row) => [row.id, row.patient]), [
    [first.draftId, { id: firstPatient, displayName: 'Margaret Thistlewood' }],
    [second.draftId, { id: secondPatient, displayName: 'Margaret Thistlewood' }],
  ]);
  const written = (await h.store.listAuditEvents()).slice(before);
  assert.deepEqual(written.map((event) => [event.action, event.resourceId, event.user]), [
    ['worklist.read', 'state=draft', h.ids.nurse],
    ['patient.read', firstPatient, h.ids.nurse],
    ['patient.read', secondPatient, h.ids.nurse],
  ]);

  const plain = await call(h, 'nurse', { method: 'GET', url: '/api/worklist?state=draft' });
  assert.doesNotMatch(plain.body, /Thistlewood/, 'no names unless asked for');

  // The integration may list its own drafts but reads no patients: refused, not silently stripped.
  await seed(h, h.ids.integration);
  const integration = await call(h, 'integration', { method: 'GET', url: '/api/worklist?include=patient' });
  assert.equal(integration.statusCode, 403);
  assert.equal(errorOf(integration).code, 'forbidden');
  assert.equal((await call(h, 'integration', { method: 'GET', url: '/api/worklist' })).statusCode, 200);

  const one = (await call(h, 'physician', { method: 'GET', url: `/api/worklist?patientId=${secondPatient}` })).json<{ drafts: DraftSummary[] }>().drafts;
  assert.deepEqual(one.map((row) => row.id), [second.draftId]);

  const newest = (await call(h, 'nurse', { method: 'GET', url: '/api/worklist?state=draft&order=newest&limit=1' })).json<{ drafts: DraftSummary[]; next?: string }>();
  assert.notEqual(newest.drafts[0]?.id, first.draftId, 'newest first');
  assert.ok(newest.next !== undefined);
  const nextNewest = (await call(h, 'nurse', { method: 'GET', url: `/api/worklist?state=draft&order=newest&limit=1&after=${encodeURIComponent(newest.next)}` })).json<{ drafts: DraftSummary[] }>();
  assert.equal(nextNewest.drafts.length, 1);
  const mixed = await call(h, 'nurse', { method: 'GET', url: `/api/worklist?state=draft&limit=1&after=${encodeURIComponent(newest.next)}` });
  assert.equal(mixed.statusCode, 400, 'a newest-first cursor does not walk the oldest-first list');
  for (const url of ['/api/worklist?order=random', '/api/worklist?include=content']) assert.equal((await call(h, 'nurse', { method: 'GET', url })).statusCode, 400, url);
});

// — status —

test('GET /api/status: quantisation, file size and hash, memory, conformance, model card limitations and the site', async () => {
  const model = new ScriptedModel([], { id: 'medgemma-4b-it', details: { quantisation: 'Q4_K_M', path: '/models/medgemma-4b-it-Q4_K_M.gguf' }, contextSize: 8192 });
  const report: ServingReport = {
    identity: { id: 'medgemma-4b-it', backend: 'llama', synthetic: false, file: { path: '/models/medgemma-4b-it-Q4_K_M.gguf', sizeBytes: 2_489_757_856, sha256: 'c'.repeat(64), sha256Source: 'computed' } },
    conformance: { outcome: 'overridden', at: '2026-01-01T07:00:00.000Z', overrideReason: 'pilot before validation', refusal: { code: 'no_report', message: 'no conformance report' }, checks: [] },
    memoryEstimateBytes: 3_400_000_000,
    records: 'postgresql',
    imagingListener: { port: 11112, aeTitle: 'NORTHSTATION' },
  };
  const h = await fresh({ runner: scriptedRunner(1, model), model, servingReport: report });
  const response = await call(h, 'nurse', { method: 'GET', url: '/api/status' });
  assert.equal(response.statusCode, 200);
  const status = response.json<Record<string, unknown> & { model: Record<string, unknown>; memory: { processRssBytes: number; estimateBytes: number | null } }>();
  assert.equal(status.model.quantisation, 'Q4_K_M');
  assert.equal(status.model.fileBytes, 2_489_757_856);
  assert.equal(status.model.sha256, 'c'.repeat(64));
  assert.equal(status.model.contextSize, 8192);
  assert.equal(status.memory.estimateBytes, 3_400_000_000);
  assert.ok(status.memory.processRssBytes > 10 * 1024 * 1024, 'the process’s resident memory, measured');
  assert.deepEqual(status.conformance, report.conformance);
  const notice = modelCardNotice(model.info);
  assert.equal(notice.status, 'catalog', 'the fixture names a catalog model (so the next check is not of the unknown notice)');
  assert.deepEqual(status.limitations, { status: 'catalog', displayName: notice.displayName, intendedUse: notice.intendedUse, limitations: notice.limitations, text: notice.text });
  assert.deepEqual(status.site, { records: 'postgresql', imagingListener: { port: 11112, aeTitle: 'NORTHSTATION' } });
  assert.doesNotMatch(response.body, /\/models\//, 'no file paths');

  // A model without a file (an upstream): its facts are null, not guessed.
  const upstream = new ScriptedModel([], { id: 'remote', backend: 'openai', synthetic: true });
  const bare = await fresh({ runner: null, model: upstream });
  const bareStatus = (await call(bare, 'nurse', { method: 'GET', url: '/api/status' })).json<{ model: Record<string, unknown>; conformance: unknown; limitations: { status: string } }>();
  assert.deepEqual([bareStatus.model.quantisation, bareStatus.model.fileBytes, bareStatus.model.sha256], [null, null, null]);
  assert.equal(bareStatus.conformance, null);
  assert.equal(bareStatus.limitations.status, 'synthetic');
});

// — the sign-in screen's facts —

test('GET /api/site: public; says whether the model is synthetic and whether single sign-on is offered, nothing else', async () => {
  const withModel = await fresh({ model: new ScriptedModel([], { synthetic: true }) });
  const site = await withModel.app.inject({ method: 'GET', url: '/api/site' });
  assert.equal(site.statusCode, 200);
  assert.deepEqual(site.json(), { oidc: false, synthetic: true });
  const noModel = await fresh({ runner: null });
  assert.deepEqual((await noModel.app.inject({ method: 'GET', url: '/api/site' })).json(), { oidc: false, synthetic: null });
});
