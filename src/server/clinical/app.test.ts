import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredDraft } from '../../records/repository.ts';
import { contentSamples } from './content-samples.test-support.ts';
import { call, errorOf, freshHarnesses, password, seed, transcript } from './test-helpers.ts';

const fresh = freshHarnesses();

test('sign-in: a wrong password is 401 in the error shape; the session token works until it expires', async () => {
  const h = await fresh();
  const wrong = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password: 'not the password 1' } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(errorOf(wrong).code, 'unauthorized');

  const login = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames.nurse, password } });
  assert.equal(login.statusCode, 201);
  const session = login.json<{ token: string; tokenType: string; user: { roles: string[] } }>();
  assert.match(session.token, /^nss_[A-Za-z0-9_-]{43}$/);
  assert.equal(session.tokenType, 'Bearer');
  assert.deepEqual(session.user.roles, ['nurse']);
  const { draftId } = await seed(h, h.ids.nurse);
  const read = () => h.app.inject({ method: 'GET', url: `/api/drafts/${draftId}`, headers: { authorization: `Bearer ${session.token}` } });
  assert.equal((await read()).statusCode, 200);

  h.clock.now += 8 * 60 * 60 * 1000;
  const expired = await read();
  assert.equal(expired.statusCode, 401);
  assert.match(errorOf(expired).message, /expired/);
});

test('unknown, malformed and revoked tokens are 401', async () => {
  const h = await fresh();
  for (const authorization of ['Bearer nss_nope', 'Bearer ns_' + 'a'.repeat(43), 'Basic dXNlcjpwYXNz', 'Bearer', '']) {
    const response = await h.app.inject({ method: 'GET', url: '/api/audit', headers: { authorization } });
    assert.equal(response.statusCode, 401, authorization);
    assert.equal(errorOf(response).code, 'unauthorized');
  }
  const issued = await h.store.issueApiToken(h.ids.integration, { userId: 'system', role: 'admin' });
  const use = () => h.app.inject({ method: 'POST', url: '/api/encounters', headers: { authorization: `Bearer ${issued.token}` }, payload: { patient: { displayName: 'A' } } });
  assert.equal((await use()).statusCode, 201);
  await h.store.revokeApiToken(issued.id, { userId: 'system', role: 'admin' });
  assert.equal((await use()).statusCode, 401);
});

test('POST /api/encounters creates the patient and the encounter', async () => {
  const h = await fresh();
  const response = await call(h, 'nurse', { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'Ada Example' } } });
  assert.equal(response.statusCode, 201);
  const { patient, encounter } = response.json<{ patient: { id: string; birthDate: string | null }; encounter: { patientId: string } }>();
  assert.equal(encounter.patientId, patient.id);
  assert.equal(patient.birthDate, null);
});

test('POST /api/drafts runs the workflow and stores its draft; a fresh draft reads back with its version as ETag', async () => {
  const h = await fresh();
  const encounter = await call(h, 'nurse', { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'Ada Example' } } });
  const encounterId = encounter.json<{ encounter: { id: string } }>().encounter.id;
  const created = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript } } });
  assert.equal(created.statusCode, 201, created.body);
  const draft = created.json<StoredDraft>();
  assert.equal(draft.workflow, 'soap-note');
  assert.equal(draft.status, 'draft');
  assert.equal(draft.version, 1);
  assert.equal(draft.createdBy, h.ids.nurse);
  assert.equal(draft.provenance.model.id, 'scripted-safety-model');
  assert.equal(created.headers.etag, '"1"');

  const read = await call(h, 'physician', { method: 'GET', url: `/api/drafts/${draft.id}` });
  assert.equal(read.statusCode, 200);
  assert.deepEqual(read.json<StoredDraft>().aiOutput, draft.aiOutput);
});

test('POST /api/drafts: unknown workflow 404, bad workflow input 400 naming the field, unknown encounter 404', async () => {
  const h = await fresh();
  const { encounterId } = await seed(h, h.ids.nurse);
  const unknownWorkflow = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'horoscope', input: {} } });
  assert.equal(unknownWorkflow.statusCode, 404);
  const badInput = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript: 42 } } });
  assert.equal(badInput.statusCode, 400);
  assert.match(errorOf(badInput).message, /transcript/);
  const noEncounter = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId: 'missing', workflow: 'soap-note', input: { transcript } } });
  assert.equal(noEncounter.statusCode, 404);
});

test('POST /api/drafts without a runner is 503 overloaded with a clear message and Retry-After', async () => {
  const h = await fresh({ runner: null });
  const { encounterId } = await seed(h, h.ids.nurse);
  const response = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript } } });
  assert.equal(response.statusCode, 503);
  assert.equal(errorOf(response).code, 'overloaded');
  assert.match(errorOf(response).message, /no model is loaded/);
  assert.ok(response.headers['retry-after']);
});

test('concurrent edits: the second PATCH with the stale If-Match is 409 and nothing is overwritten', async () => {
  const h = await fresh();
  const { draftId } = await seed(h, h.ids.nurse);
  const edit = (role: 'nurse' | 'physician', text: string) =>
    call(h, role, { method: 'PATCH', url: `/api/drafts/${draftId}`, headers: { 'if-match': '"1"' }, payload: { content: { ...contentSamples['soap-note'](), chiefComplaint: text } } });
  const [first, second] = await Promise.all([edit('nurse', 'Nurse edit.'), edit('physician', 'Physician edit.')]);
  const statuses = [first.statusCode, second.statusCode].sort();
  assert.deepEqual(statuses, [200, 409]);
  const [winner, loser] = first.statusCode === 200 ? [first, second] : [second, first];
  assert.equal(errorOf(loser).code, 'conflict');
  assert.equal(winner.headers.etag, '"2"');

  const read = (await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${draftId}` })).json<StoredDraft>();
  assert.equal(read.version, 2);
  assert.equal(read.revisions.length, 1);
  assert.deepEqual(read.currentContent, winner.json<StoredDraft>().currentContent);

  // Sequentially too: a stale version after a successful edit is refused, the text stays.
  const stale = await edit('nurse', 'Late edit.');
  assert.equal(stale.statusCode, 409);
  assert.deepEqual((await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${draftId}` })).json<StoredDraft>().currentContent, read.currentContent);
});

test('PATCH and sign need If-Match', async () => {
  const h = await fresh();
  const { draftId } = await seed(h, h.ids.nurse);
  const missing = await call(h, 'nurse', { method: 'PATCH', url: `/api/drafts/${draftId}`, payload: { content: { a: 1 } } });
  assert.equal(missing.statusCode, 400);
  assert.match(errorOf(missing).message, /If-Match/);
  const garbage = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { 'if-match': '*' }, payload: { password } });
  assert.equal(garbage.statusCode, 400);
});

test('signing re-authenticates: a wrong password is 401 and the draft stays unsigned; the right one signs once', async () => {
  const h = await fresh();
  const { draftId } = await seed(h, h.ids.nurse);
  const sign = (pw: string) => call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { 'if-match': '"1"' }, payload: { password: pw } });
  const wrong = await sign('not my password 9');
  assert.equal(wrong.statusCode, 401);
  assert.match(errorOf(wrong).message, /re-authentication failed/);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${draftId}` })).json<StoredDraft>().status, 'draft');

  const signed = await sign(password);
  assert.equal(signed.statusCode, 200);
  const draft = signed.json<StoredDraft>();
  assert.equal(draft.status, 'signed');
  assert.equal(draft.signature?.signedBy, h.ids.physician);
  assert.equal(draft.signature.role, 'physician');
  assert.equal((await sign(password)).statusCode, 409);
});

test("a nurse cannot sign (403), even with the right password, and the attempt never checks a password", async () => {
  const h = await fresh();
  const { draftId } = await seed(h, h.ids.nurse);
  const response = await call(h, 'nurse', { method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { 'if-match': '"1"' }, payload: { password } });
  assert.equal(response.statusCode, 403);
  assert.equal(errorOf(response).code, 'forbidden');
  const events = await h.store.listAuditEvents();
  assert.equal(events.filter((event) => event.action === 'draft.sign').length, 0);
  // One login (the harness's sign-in), none from the refused signature.
  assert.equal(events.filter((event) => event.user === h.ids.nurse && event.action.startsWith('login.')).length, 1);
});

test('amend re-authenticates and corrects a signed document; withdraw marks it entered-in-error; audit lists both', async () => {
  const h = await fresh();
  const { draftId } = await seed(h, h.ids.nurse, { signed: true });
  const badPassword = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/amend`, payload: { reason: 'typo', content: contentSamples['soap-note'](), password: 'wrong password 77' } });
  assert.equal(badPassword.statusCode, 401);
  const correction = { ...contentSamples['soap-note'](), chiefComplaint: 'Cough, fever 37.9' };
  const amended = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/amend`, payload: { reason: 'typo', content: correction, password } });
  assert.equal(amended.statusCode, 200);
  assert.equal(amended.json<StoredDraft>().status, 'amended');
  assert.deepEqual(amended.json<StoredDraft>().currentContent, correction);

  const withoutPassword = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/withdraw`, payload: { reason: 'wrong patient' } });
  assert.equal(withoutPassword.statusCode, 400, 'withdrawing a signed record needs the password again');
  const wrongPassword = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/withdraw`, payload: { reason: 'wrong patient', password: 'wrong password 77' } });
  assert.equal(wrongPassword.statusCode, 401);
  const withdrawn = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/withdraw`, payload: { reason: 'wrong patient', password } });
  assert.equal(withdrawn.statusCode, 200);
  assert.equal(withdrawn.json<StoredDraft>().status, 'entered-in-error');

  const audit = await call(h, 'admin', { method: 'GET', url: `/api/audit?resourceId=${draftId}` });
  assert.equal(audit.statusCode, 200);
  const actions = audit.json<{ events: { action: string }[] }>().events.map((event) => event.action);
  assert.ok(actions.includes('draft.amend') && actions.includes('draft.withdraw'), actions.join());
  const everything = await h.store.listAuditEvents();
  assert.equal(everything.at(-1)?.action, 'audit.read', 'reading the trail is itself recorded');
  assert.equal(everything.at(-1)?.user, h.ids.admin);
  assert.equal((await h.store.verifyAuditChain()).ok, true);
});

test('POST /api/drafts takes a larger body than the other routes (a patient bundle), up to its own limit', async () => {
  const h = await fresh({ limits: { bodyLimitBytes: 2048, draftBodyLimitBytes: 16_384 } });
  const { encounterId } = await seed(h, h.ids.nurse);
  // Past the general limit, within the drafts' one: read and judged by the workflow (here: no such workflow input).
  const within = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript: 'x'.repeat(8000), extra: true } } });
  assert.notEqual(within.statusCode, 413, within.body);
  const past = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript: 'x'.repeat(20_000) } } });
  assert.equal(past.statusCode, 413);
  assert.equal(errorOf(past).code, 'payload_too_large');
  // Other routes keep the general limit.
  assert.equal((await call(h, 'nurse', { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'x'.repeat(4096) } } })).statusCode, 413);
});

test('malformed, mistyped and oversized requests are 4xx in the error shape, never 5xx', async () => {
  const h = await fresh({ limits: { bodyLimitBytes: 2048 } });
  const { draftId, encounterId } = await seed(h, h.ids.nurse);
  const cases: { name: string; status: number; code: string; request: Parameters<typeof call>[2] }[] = [
    { name: 'broken JSON', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', headers: { 'content-type': 'application/json' }, payload: '{"patient": {' } },
    { name: 'empty JSON body', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', headers: { 'content-type': 'application/json' }, payload: '' } },
    { name: 'no body', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters' } },
    { name: 'text body', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', headers: { 'content-type': 'text/plain' }, payload: 'hello' } },
    { name: 'array body', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', payload: [1, 2] } },
    { name: 'wrong type', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 7 } } } },
    { name: 'bad date', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'A', birthDate: '1 May' } } } },
    { name: 'unknown field', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'A' }, admin: true } } },
    { name: 'null content', status: 400, code: 'bad_request', request: { method: 'PATCH', url: `/api/drafts/${draftId}`, headers: { 'if-match': '1' }, payload: { content: null } } },
    { name: 'drafts without input', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note' } } },
    { name: 'audit query junk', status: 400, code: 'bad_request', request: { method: 'GET', url: '/api/audit?page=5' } },
    { name: 'oversized body', status: 413, code: 'payload_too_large', request: { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'x'.repeat(4096) } } } },
    { name: 'unknown draft', status: 404, code: 'not_found', request: { method: 'GET', url: '/api/drafts/does-not-exist' } },
    { name: 'unknown route', status: 404, code: 'not_found', request: { method: 'GET', url: '/api/nothing' } },
  ];
  for (const { name, status, code, request } of cases) {
    const response = await call(h, 'nurse', request);
    assert.equal(response.statusCode, status, `${name}: ${response.body}`);
    assert.equal(errorOf(response).code, code, name);
  }
  const audit = await call(h, 'admin', { method: 'GET', url: '/api/audit?page=5' });
  assert.equal(audit.statusCode, 400);
  assert.match(errorOf(audit).message, /^query/);
});

test('CORS stays closed: no Access-Control-* header, even on a preflight', async () => {
  const h = await fresh();
  const preflight = await h.app.inject({ method: 'OPTIONS', url: '/api/session', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  const login = await h.app.inject({ method: 'POST', url: '/api/session', headers: { origin: 'https://evil.example' }, payload: { username: h.usernames.nurse, password } });
  for (const response of [preflight, login]) {
    assert.ok(response.statusCode < 500);
    assert.deepEqual(Object.keys(response.headers).filter((name) => name.startsWith('access-control-')), []);
  }
});

test('one log line per request, without bodies, tokens, passwords or patient names', async () => {
  const h = await fresh();
  const before = h.logLines.length;
  await call(h, 'nurse', { method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'Zebedee Quargle' } } });
  await call(h, 'physician', { method: 'POST', url: '/api/drafts/x/sign', headers: { 'if-match': '1' }, payload: { password: 'wrong password 77' } });
  const lines = h.logLines.slice(before);
  assert.equal(lines.length, 2);
  const text = lines.join('\n');
  for (const secret of ['Zebedee', 'wrong password', password, h.tokens.nurse, h.tokens.physician]) assert.ok(!text.includes(secret), secret);
  const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(first.route, '/api/encounters');
  assert.equal(first.status, 201);
  assert.equal(first.userId, h.ids.nurse);
});
