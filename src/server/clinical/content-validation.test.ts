/**
 * Edits, amendments and signatures are checked against the draft's workflow
 * content schema (the one the runner checks model-made content with):
 * malformed content is 422 'schema_violation' naming the path, never the
 * value, and nothing is stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { StoredDraft } from '../../records/repository.ts';
import { workflows } from '../../workflows/index.ts';
import { contentSamples } from './content-samples.test-support.ts';
import { call, errorOf, harness, password, seed, type Harness } from './test-helpers.ts';

let h: Harness;
before(async () => {
  // Every workflow's round of edits is made by the same users on a frozen clock: more requests than the default burst.
  h = await harness({ runner: null, limits: { requestBurst: 100 } });
});
after(async () => {
  await h.close();
});

type WorkflowName = keyof typeof contentSamples;

/** A value no clinician wrote: it must never appear in an error message. */
const marker = 'Zebulon-Quartz-7731';

const read = async (draftId: string): Promise<StoredDraft> => (await call(h, 'nurse', { method: 'GET', url: `/api/drafts/${draftId}` })).json<StoredDraft>();
const edit = (draftId: string, content: unknown, version = 1): Promise<LightMyRequestResponse> =>
  call(h, 'nurse', { method: 'PATCH', url: `/api/drafts/${draftId}`, headers: { 'if-match': `"${version}"` }, payload: { content } });

function assertViolation(response: LightMyRequestResponse, path: string): void {
  assert.equal(response.statusCode, 422, response.body);
  const error = errorOf(response);
  assert.equal(error.code, 'schema_violation');
  assert.ok(error.message.includes(` at ${path}:`), `names ${path}: ${error.message}`);
  assert.ok(!response.body.includes(marker), 'the content is never echoed');
}

/** One malformed variant per workflow, with the path the error must name. */
const malformed: Record<WorkflowName, { path: string; content: () => unknown }> = {
  'soap-note': {
    path: '/sections/plan',
    content: () => {
      const sample = contentSamples['soap-note']();
      const { subjective, objective, assessment } = sample.sections;
      return { ...sample, chiefComplaint: marker, sections: { subjective, objective, assessment } };
    },
  },
  triage: { path: '/ctas/final', content: () => ({ ...contentSamples.triage(), rationale: marker, ctas: { ...contentSamples.triage().ctas, final: 7 } }) },
  'history-summary': { path: '/coverage/chunks', content: () => ({ ...contentSamples['history-summary'](), coverage: { resources: 1, chunks: marker, summarisedChunks: 1, notes: [] } }) },
  differential: { path: '/items/0/likelihood', content: () => ({ redFlags: [], items: [{ ...contentSamples.differential().items[0], likelihood: marker }] }) },
  contraindications: { path: '/items/0/basis', content: () => ({ items: [{ ...contentSamples.contraindications().items[0], concern: marker, basis: 'guess' }] }) },
  'imaging-read': { path: '/answer', content: () => ({ ...contentSamples['imaging-read'](), findings: marker, answer: 7 }) },
};

test('every registered workflow has a content sample and a malformed case here', () => {
  assert.deepEqual(workflows.map((workflow) => workflow.name).sort(), Object.keys(contentSamples).sort());
  assert.deepEqual(Object.keys(malformed).sort(), Object.keys(contentSamples).sort());
});

for (const name of Object.keys(contentSamples) as WorkflowName[]) {
  test(`${name}: a malformed edit is 422 naming the path and leaves the draft as it was; a well-formed one is stored`, async () => {
    const { draftId } = await seed(h, h.ids.nurse, { workflow: name });
    const before = await read(draftId);

    assertViolation(await edit(draftId, malformed[name].content()), malformed[name].path);
    const unchanged = await read(draftId);
    assert.equal(unchanged.version, before.version);
    assert.equal(unchanged.revisions.length, 0);
    assert.deepEqual(unchanged.currentContent, before.currentContent);

    const good = await edit(draftId, contentSamples[name]());
    assert.equal(good.statusCode, 200, good.body);
    assert.equal(good.json<StoredDraft>().version, before.version + 1);
  });
}

test('a soap-note edit with a number where a string belongs, or an extra field, is refused at that path', async () => {
  const { draftId } = await seed(h, h.ids.nurse);
  const sample = contentSamples['soap-note']();
  assertViolation(await edit(draftId, { ...sample, chiefComplaint: 42 }), '/chiefComplaint');
  assertViolation(await edit(draftId, { ...sample, sections: { ...sample.sections, plan: [{ text: marker, grounding: [], findings: [], note: 'extra' }] } }), '/sections/plan/0/note');
  assertViolation(await edit(draftId, { ...sample, billingCode: marker }), '/billingCode');
  assert.equal((await read(draftId)).version, 1);
});

test("content of another workflow's shape is refused: triage content on a soap-note draft, SOAP content on a triage draft", async () => {
  const soap = await seed(h, h.ids.nurse);
  assertViolation(await edit(soap.draftId, contentSamples.triage()), '/chiefComplaint');
  const triage = await seed(h, h.ids.nurse, { workflow: 'triage' });
  assertViolation(await edit(triage.draftId, contentSamples['soap-note']()), '/ctas');
});

test('a malformed amendment is 422 and the signed document stays as signed; a well-formed one amends it', async () => {
  const { draftId } = await seed(h, h.ids.nurse, { signed: true });
  const amend = (content: unknown): Promise<LightMyRequestResponse> =>
    call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/amend`, payload: { reason: 'correction', content, password } });
  assertViolation(await amend(malformed['soap-note'].content()), '/sections/plan');
  const after = await read(draftId);
  assert.equal(after.status, 'signed');
  assert.equal(after.amendments.length, 0);
  // Refused before the password is checked: a malformed request costs no password attempt.
  const logins = (await h.store.listAuditEvents()).filter((event) => event.user === h.ids.physician && event.action.startsWith('login.')).length;
  assertViolation(await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/amend`, payload: { reason: 'x', content: { a: 1 }, password: 'wrong password 77' } }), '/chiefComplaint');
  assert.equal((await h.store.listAuditEvents()).filter((event) => event.user === h.ids.physician && event.action.startsWith('login.')).length, logins);

  const good = await amend({ ...contentSamples['soap-note'](), chiefComplaint: 'Cough' });
  assert.equal(good.statusCode, 200, good.body);
  assert.equal(good.json<StoredDraft>().status, 'amended');
});

test('a draft whose current content is malformed cannot be signed; once edited into shape it can', async () => {
  const { draftId } = await seed(h, h.ids.nurse, { content: malformed['soap-note'].content() });
  const sign = (version: number): Promise<LightMyRequestResponse> =>
    call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { 'if-match': `"${version}"` }, payload: { password } });
  const refused = await sign(1);
  assertViolation(refused, '/sections/plan');
  assert.match(errorOf(refused).message, /edit it before signing/);
  const still = await read(draftId);
  assert.equal(still.status, 'draft');
  assert.equal(still.signature, null);

  // A stale version is still the store's conflict, not a content error.
  assert.equal((await sign(5)).statusCode, 409);

  assert.equal((await edit(draftId, contentSamples['soap-note']())).statusCode, 200);
  const signed = await sign(2);
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json<StoredDraft>().status, 'signed');
});

test('a draft of a workflow with no content schema on this server cannot be edited (fails closed)', async () => {
  const only = await harness({ runner: null, workflows: [] });
  try {
    const { draftId } = await seed(only, only.ids.nurse);
    const response = await call(only, 'nurse', { method: 'PATCH', url: `/api/drafts/${draftId}`, headers: { 'if-match': '"1"' }, payload: { content: contentSamples['soap-note']() } });
    assert.equal(response.statusCode, 422);
    assert.equal(errorOf(response).code, 'schema_violation');
    assert.match(errorOf(response).message, /no content schema for workflow "soap-note"/);
  } finally {
    await only.close();
  }
});
