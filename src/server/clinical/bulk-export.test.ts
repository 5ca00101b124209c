/** The asynchronous Patient $export (FHIR Bulk Data): kick-off, status, manifest, NDJSON files, owners, cancel, expiry, bounds, audit. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { provenance, soapDraft, triageContent, triageInput } from '../../fhir/fixtures.test-support.ts';
import { assertValidR4 } from '../../fhir/r4-validation.test-support.ts';
import type { Bundle, Resource } from '../../fhir/types.ts';
import type { Actor } from '../../records/audit.ts';
import type { Role } from '../../records/accounts/policy.ts';
import type { Draft } from '../../workflows/draft.ts';
import { BulkExportJobs } from './bulk-export.ts';
import { seedFhir } from './fhir-test-support.ts';
import { call, harness, type Harness } from './test-helpers.ts';

let h: Harness;
before(async () => {
  // The harness clock stands still, so rate-limit buckets never refill: polling needs a large one.
  h = await harness({ limits: { requestBurst: 100_000, requestsPerMinute: 100_000 } });
});
after(async () => {
  await h.close();
});

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

const async = { prefer: 'respond-async' };

/** Kick-off as `role`: the status URL's path (asserting the 202 and its absolute Content-Location). */
async function kickOff(role: Role, patientId: string): Promise<string> {
  const response = await call(h, role, { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export`, headers: async });
  assert.equal(response.statusCode, 202, response.body);
  const location = new URL(String(response.headers['content-location']));
  assert.equal(location.host, 'localhost'); // the Host the request came with (default port dropped by URL)
  assert.match(location.pathname, /^\/fhir\/R4\/\$export-status\/[0-9a-f]{32}$/);
  return location.pathname;
}

/** Polls until the manifest; counts the 202s seen (each with X-Progress and Retry-After). */
async function poll(role: Role, statusPath: string): Promise<{ manifest: Manifest; inProgress: number }> {
  let inProgress = 0;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const response = await call(h, role, { method: 'GET', url: statusPath });
    if (response.statusCode === 200) {
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.ok(Date.parse(String(response.headers.expires)) > h.clock.now);
      return { manifest: response.json<Manifest>(), inProgress };
    }
    assert.equal(response.statusCode, 202, response.body);
    assert.match(String(response.headers['x-progress']), /^\d+ of \d+ documents read$/);
    assert.equal(response.headers['retry-after'], '1');
    inProgress += 1;
    await setTimeout(1);
  }
  throw new Error('the export never finished');
}

/** Every file of the manifest, downloaded as `role`: resources by `Type/id`, each file checked (type, count, NDJSON). */
async function download(role: Role, manifest: Manifest): Promise<Map<string, Resource>> {
  const resources = new Map<string, Resource>();
  for (const output of manifest.output) {
    const response = await call(h, role, { method: 'GET', url: new URL(output.url).pathname });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/fhir+ndjson');
    assert.ok(response.body.endsWith('\n'));
    const lines = response.body.slice(0, -1).split('\n');
    assert.equal(lines.length, output.count, output.type);
    for (const line of lines) {
      const resource = JSON.parse(line) as Resource;
      assert.equal(resource.resourceType, output.type);
      const key = `${resource.resourceType}/${resource.id ?? ''}`;
      assert.ok(!resources.has(key), `${key} twice`);
      resources.set(key, resource);
    }
  }
  return resources;
}

function outcomeCode(response: LightMyRequestResponse): string | undefined {
  assert.match(String(response.headers['content-type']), /^application\/fhir\+json/);
  const body = response.json<{ resourceType: string; issue: { details?: { coding?: { code?: string }[] } }[] }>();
  assert.equal(body.resourceType, 'OperationOutcome');
  return body.issue[0]?.details?.coding?.[0]?.code;
}

/** `soap` SOAP-note and `triage` triage drafts for one new patient, straight into the store (one encounter: quick to seed). */
async function seedMany(createdBy: string, soap: number, triage: number): Promise<string> {
  const actor: Actor = { userId: createdBy, role: 'nurse', client: 'test' };
  const patient = await h.store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, actor);
  const encounter = await h.store.createEncounter({ patientId: patient.id }, actor);
  const triageDraft: Draft<unknown> = { ...soapDraft, workflow: 'triage', content: triageContent(), provenance: { ...provenance, workflow: 'triage', promptTemplate: { ...provenance.promptTemplate, id: 'triage' } } };
  for (let i = 0; i < soap; i++) await h.store.createDraft({ encounterId: encounter.id, input: { transcript: 'x' }, draft: soapDraft }, actor);
  for (let i = 0; i < triage; i++) await h.store.createDraft({ encounterId: encounter.id, input: triageInput, draft: triageDraft }, actor);
  return patient.id;
}

const draftReadsBy = async (userId: string): Promise<number> => (await h.store.listAuditEvents()).filter((event) => event.action === 'draft.read' && event.user === userId).length;

test('kick-off → status → manifest → NDJSON files: the same resources as the synchronous export, each valid R4, downloads audited', async () => {
  const { patientId, soapId } = await seedFhir(h, h.ids.nurse, { signed: true });
  await seedFhir(h, h.ids.nurse); // another patient: not in the export
  const statusPath = await kickOff('physician', patientId);
  const { manifest } = await poll('physician', statusPath);
  assert.equal(manifest.transactionTime, new Date(h.clock.now).toISOString());
  assert.equal(manifest.request, `http://localhost:80/fhir/R4/Patient/${patientId}/$export`);
  assert.equal(manifest.requiresAccessToken, true);
  assert.deepEqual(manifest.error, []);
  const types = manifest.output.map((output) => output.type);
  for (const type of ['Composition', 'Patient', 'Observation', 'Provenance', 'Device', 'Practitioner']) assert.ok(types.includes(type), type);
  assert.equal(new Set(types).size, types.length, 'one file per type');

  const patientReads = async (): Promise<number> => (await h.store.listAuditEvents({ resourceId: patientId })).filter((event) => event.action === 'patient.read' && event.user === h.ids.physician).length;
  const readsBefore = await patientReads();
  const exported = await download('physician', manifest);
  assert.equal(await patientReads(), readsBefore + manifest.output.length, 'one audited patient.read per download');
  for (const resource of exported.values()) assertValidR4(resource);
  assert.ok([...exported.values()].some((resource) => resource.resourceType === 'Composition' && (resource.identifier as { value: string }).value === soapId));

  const sync = (await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export` })).json<Bundle>();
  const expected = new Map(sync.entry.map((entry) => [`${entry.resource.resourceType}/${entry.resource.id ?? ''}`, entry.resource]));
  assert.deepEqual(exported, expected);
  // The export itself read every document under the physician's name.
  assert.ok((await h.store.listAuditEvents({ resourceId: soapId })).some((event) => event.action === 'draft.read' && event.user === h.ids.physician));
  await call(h, 'physician', { method: 'DELETE', url: statusPath });
});

test('a patient with more than 500 documents: refused synchronously, exported asynchronously (202 with progress first)', async () => {
  const patientId = await seedMany(h.ids.nurse, 280, 260);
  const sync = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export` });
  assert.equal(sync.statusCode, 413);
  assert.equal(outcomeCode(sync), 'payload_too_large');

  const statusPath = await kickOff('nurse', patientId);
  const { manifest, inProgress } = await poll('nurse', statusPath);
  assert.ok(inProgress > 0, 'answered 202 while running');
  const counts = Object.fromEntries(manifest.output.map((output) => [output.type, output.count]));
  assert.equal(counts.Composition, 280);
  assert.equal(counts.Patient, 1);
  const exported = await download('nurse', manifest);
  // Every resource of every type is checked: that is the claim.
  for (const resource of exported.values()) assertValidR4(resource);
  assert.equal([...exported.values()].filter((resource) => resource.resourceType === 'Observation').length, counts.Observation);
  await call(h, 'nurse', { method: 'DELETE', url: statusPath });
});

test('more than one store page of one workflow and state (520 SOAP drafts): the asynchronous export walks every page, each document once', async () => {
  const actor: Actor = { userId: h.ids.nurse, role: 'nurse', client: 'test' };
  const patient = await h.store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, actor);
  const encounter = await h.store.createEncounter({ patientId: patient.id }, actor);
  // The harness clock stands still: every draft has the same created_at, so page boundaries fall where only insertion order separates rows.
  const ids: string[] = [];
  for (let i = 0; i < 520; i++) ids.push((await h.store.createDraft({ encounterId: encounter.id, input: { transcript: 'x' }, draft: soapDraft }, actor)).id);
  const sync = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Patient/${patient.id}/$export` });
  assert.equal(sync.statusCode, 413, 'the synchronous export keeps its bound');

  const readsBefore = new Set((await h.store.listAuditEvents()).filter((event) => event.action === 'draft.read' && event.user === h.ids.nurse).map((event) => event.resourceId));
  const statusPath = await kickOff('nurse', patient.id);
  const { manifest } = await poll('nurse', statusPath);
  assert.deepEqual(manifest.error, []);
  const counts = Object.fromEntries(manifest.output.map((output) => [output.type, output.count]));
  assert.equal(counts.Composition, 520);
  assert.equal(counts.Patient, 1);
  const exported = await download('nurse', manifest); // asserts no resource twice
  assert.equal([...exported.values()].filter((resource) => resource.resourceType === 'Composition').length, 520);
  // Each seeded draft was read by the job: none skipped at a page boundary.
  const reads = new Set((await h.store.listAuditEvents()).filter((event) => event.action === 'draft.read' && event.user === h.ids.nurse).map((event) => event.resourceId));
  assert.deepEqual(ids.filter((id) => !reads.has(id) || readsBefore.has(id)), []);
  await call(h, 'nurse', { method: 'DELETE', url: statusPath });
});

test("jobs belong to their starter: anyone else gets 404 on the status and file URLs and cannot cancel", async () => {
  const { patientId } = await seedFhir(h, h.ids.nurse);
  const statusPath = await kickOff('nurse', patientId);
  const { manifest } = await poll('nurse', statusPath);
  const filePath = new URL(manifest.output[0]?.url ?? '').pathname;
  for (const role of ['physician', 'admin', 'integration'] as const) {
    for (const request of [{ method: 'GET', url: statusPath }, { method: 'GET', url: filePath }, { method: 'DELETE', url: statusPath }] as const) {
      const response = await call(h, role, request);
      assert.equal(response.statusCode, 404, `${role} ${request.method} ${request.url}`);
      assert.equal(outcomeCode(response), 'not_found');
    }
  }
  // Still there for its owner.
  assert.equal((await call(h, 'nurse', { method: 'GET', url: filePath })).statusCode, 200);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/fhir/R4/$export-status/not-a-job' })).statusCode, 404);
  assert.equal((await call(h, undefined, { method: 'GET', url: statusPath })).statusCode, 401);
  await call(h, 'nurse', { method: 'DELETE', url: statusPath });
});

test('cancel: DELETE answers 202, the job and its files are gone, and a running job stops reading', async () => {
  const { patientId } = await seedFhir(h, h.ids.nurse);
  const done = await kickOff('nurse', patientId);
  const { manifest } = await poll('nurse', done);
  assert.equal((await call(h, 'nurse', { method: 'DELETE', url: done })).statusCode, 202);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: done })).statusCode, 404);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: new URL(manifest.output[0]?.url ?? '').pathname })).statusCode, 404);
  assert.equal((await call(h, 'nurse', { method: 'DELETE', url: done })).statusCode, 404);

  const big = await seedMany(h.ids.physician, 150, 0);
  const running = await kickOff('physician', big);
  assert.equal((await call(h, 'physician', { method: 'GET', url: running })).statusCode, 202);
  assert.equal((await call(h, 'physician', { method: 'DELETE', url: running })).statusCode, 202);
  const readsAtCancel = await draftReadsBy(h.ids.physician);
  await setTimeout(50);
  // At most the document being read when the cancel came is still read; the other ~150 are not.
  assert.ok((await draftReadsBy(h.ids.physician)) <= readsAtCancel + 1);
  assert.equal((await call(h, 'physician', { method: 'GET', url: running })).statusCode, 404);
});

test('expiry: a finished job and its files are kept for an hour (injected clock), then 404', async () => {
  const { patientId } = await seedFhir(h, h.ids.nurse);
  const statusPath = await kickOff('nurse', patientId);
  const { manifest } = await poll('nurse', statusPath);
  const filePath = new URL(manifest.output[0]?.url ?? '').pathname;
  h.clock.now += 60 * 60 * 1000 - 1000;
  assert.equal((await call(h, 'nurse', { method: 'GET', url: statusPath })).statusCode, 200);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: filePath })).statusCode, 200);
  h.clock.now += 1000;
  assert.equal((await call(h, 'nurse', { method: 'GET', url: statusPath })).statusCode, 404);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: filePath })).statusCode, 404);
});

test('limits: a fourth live job for one user is 429 (OperationOutcome, Retry-After); cancelling one makes room', async () => {
  const { patientId } = await seedFhir(h, h.ids.physician);
  const started = [await kickOff('physician', patientId), await kickOff('physician', patientId), await kickOff('physician', patientId)];
  const refused = await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export`, headers: async });
  assert.equal(refused.statusCode, 429);
  assert.equal(outcomeCode(refused), 'rate_limited');
  assert.ok(Number(refused.headers['retry-after']) >= 1);
  // Another user is not held back by this one's jobs.
  const nurseJob = await kickOff('nurse', patientId);
  await call(h, 'physician', { method: 'DELETE', url: started[0] ?? '' });
  started[0] = await kickOff('physician', patientId);
  for (const statusPath of [...started, nurseJob]) await call(h, statusPath === nurseJob ? 'nurse' : 'physician', { method: 'DELETE', url: statusPath });
});

test('kick-off refusals: the policy as for the synchronous export, unknown patients, unsupported parameters', async () => {
  const { patientId } = await seedFhir(h, h.ids.nurse);
  const as = (role: Role, url: string): Promise<LightMyRequestResponse> => call(h, role, { method: 'GET', url, headers: async });
  assert.equal(outcomeCode(await as('admin', `/fhir/R4/Patient/${patientId}/$export`)), 'forbidden');
  assert.equal(outcomeCode(await as('integration', `/fhir/R4/Patient/${patientId}/$export`)), 'forbidden');
  assert.equal(outcomeCode(await as('nurse', '/fhir/R4/Patient/no-such-patient/$export')), 'not_found');
  assert.equal(outcomeCode(await as('nurse', `/fhir/R4/Patient/${patientId}/$export?_type=Observation`)), 'bad_request');
  assert.equal(outcomeCode(await as('nurse', `/fhir/R4/Patient/${patientId}/$export?_outputFormat=text/csv`)), 'bad_request');
  const ok = await as('nurse', `/fhir/R4/Patient/${patientId}/$export?_outputFormat=${encodeURIComponent('application/fhir+ndjson')}`);
  assert.equal(ok.statusCode, 202);
  await call(h, 'nurse', { method: 'DELETE', url: new URL(String(ok.headers['content-location'])).pathname });
  // An integration exports the patients of its own drafts, asynchronously too.
  const own = await seedFhir(h, h.ids.integration);
  const { manifest } = await poll('integration', await kickOff('integration', own.patientId));
  assert.ok(manifest.output.some((output) => output.type === 'Composition'));
});

// — the job registry itself: the bounds the app's defaults make too large to reach in a test —

test('BulkExportJobs: total job bound is overloaded (503), byte bounds fail the job and free its memory', () => {
  const clock = { now: 0 };
  const jobs = new BulkExportJobs({ maxJobsPerUser: 5, maxJobs: 2, maxJobBytes: 200, maxTotalBytes: 300, retentionMs: 1000 }, () => clock.now);
  const fields = { patientId: 'p', request: 'http://x/fhir/R4/Patient/p/$export', origin: 'http://x', total: 1 };
  const a = jobs.start({ ...fields, ownerId: 'u1' });
  const b = jobs.start({ ...fields, ownerId: 'u2' });
  assert.throws(() => jobs.start({ ...fields, ownerId: 'u3' }), { code: 'overloaded' });

  const resource: Resource = { resourceType: 'Basic', id: 'x'.repeat(100) };
  jobs.append(a, resource);
  assert.throws(() => jobs.append(a, resource), { code: 'payload_too_large' });
  jobs.append(b, resource);
  assert.equal(jobs.size.bytes, 2 * (JSON.stringify(resource).length + 1));
  jobs.fail(a, new Error('/secret/path: internals'));
  assert.equal(a.state, 'failed');
  assert.equal(a.files.size, 0);
  assert.deepEqual(a.failure, { status: 500, code: 'internal', message: 'internal server error' });
  assert.equal(jobs.size.bytes, JSON.stringify(resource).length + 1);

  // a's failure still counts against the bound until it expires…
  assert.throws(() => jobs.start({ ...fields, ownerId: 'u3' }), { code: 'overloaded' });
  clock.now += 1000; // …and a failed job expires like a completed one.
  assert.equal(jobs.size.jobs, 1);
  assert.throws(() => jobs.get(a.id, 'u1'), { code: 'not_found' });
  const c = jobs.start({ ...fields, ownerId: 'u3' });
  jobs.append(c, resource);
  // Within b's own bound (200) but past the total (300).
  assert.throws(() => jobs.append(b, { resourceType: 'Basic', id: 'short' }), { code: 'overloaded' });
  assert.throws(() => jobs.get(b.id, 'u1'), { code: 'not_found' }, "another user's job");
  jobs.closeAll();
  assert.deepEqual(jobs.size, { jobs: 0, bytes: 0 });
  assert.equal(b.cancelled, true);
});
