/** The FHIR R4 read endpoints: valid R4 out, OperationOutcomes for errors, the policy, and audited reads. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { assertValidR4 } from '../../fhir/r4-validation.test-support.ts';
import type { Bundle, Resource } from '../../fhir/types.ts';
import { seedFhir } from './fhir-test-support.ts';
import { call, harness, seed, type Harness } from './test-helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => {
  await h.close();
});

function fhirBody(response: LightMyRequestResponse): Resource {
  assert.match(String(response.headers['content-type']), /^application\/fhir\+json/);
  const body = response.json<Resource>();
  assertValidR4(body);
  return body;
}

function assertOutcome(response: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(response.statusCode, status, response.body);
  const body = fhirBody(response);
  assert.equal(body.resourceType, 'OperationOutcome');
  const issue = (body.issue as { code: string; details: { coding: { code: string }[] } }[])[0];
  assert.equal(issue?.details.coding[0]?.code, code);
}

test('Composition/:id and Bundle/:id: the SOAP document Bundle, valid R4, preliminary then final', async () => {
  const { soapId } = await seedFhir(h, h.ids.nurse);
  for (const url of [`/fhir/R4/Composition/${soapId}`, `/fhir/R4/Bundle/${soapId}`]) {
    const response = await call(h, 'physician', { method: 'GET', url });
    assert.equal(response.statusCode, 200, response.body);
    const bundle = fhirBody(response) as Bundle;
    assert.equal(bundle.type, 'document');
    const [first] = bundle.entry;
    assert.equal(first?.resource.resourceType, 'Composition');
    assert.equal(first.resource.status, 'preliminary');
  }
  const signed = await seedFhir(h, h.ids.nurse, { signed: true });
  const bundle = fhirBody(await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Composition/${signed.soapId}` })) as Bundle;
  assert.equal(bundle.entry[0]?.resource.status, 'final');
  assert.ok(bundle.entry.some((entry) => entry.resource.resourceType === 'Provenance'));
});

test('Composition/:id: unknown ids and other workflows are 404 OperationOutcomes; admin 403; integration only its own', async () => {
  const { triageId, soapId } = await seedFhir(h, h.ids.nurse);
  assertOutcome(await call(h, 'nurse', { method: 'GET', url: '/fhir/R4/Composition/no-such-draft' }), 404, 'not_found');
  assertOutcome(await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Composition/${triageId}` }), 404, 'not_found');
  assertOutcome(await call(h, 'admin', { method: 'GET', url: `/fhir/R4/Composition/${soapId}` }), 403, 'forbidden');
  assertOutcome(await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Bundle/${soapId}` }), 403, 'forbidden');
  const own = await seedFhir(h, h.ids.integration);
  assert.equal((await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Bundle/${own.soapId}` })).statusCode, 200);
  const unauthenticated = await call(h, undefined, { method: 'GET', url: `/fhir/R4/Bundle/${soapId}` });
  assertOutcome(unauthenticated, 401, 'unauthorized');
  assert.equal(unauthenticated.headers['www-authenticate'], 'Bearer');
});

test('Observation search: the triage Observations of a patient or an encounter, as a searchset', async () => {
  const { patientId, encounterId } = await seedFhir(h, h.ids.nurse);
  await seedFhir(h, h.ids.nurse); // another patient: not in the answer
  for (const query of [`subject=Patient/${patientId}`, `subject=${patientId}`, `encounter=Encounter/${encounterId}`]) {
    const response = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Observation?${query}` });
    assert.equal(response.statusCode, 200, response.body);
    const bundle = fhirBody(response) as Bundle;
    assert.equal(bundle.type, 'searchset');
    assert.ok(bundle.entry.length >= 2, query);
    assert.equal(bundle.total, bundle.entry.length);
    for (const entry of bundle.entry) {
      assert.equal(entry.resource.resourceType, 'Observation');
      assert.deepEqual(entry.resource.subject, { reference: `Patient/${patientId}` });
    }
  }
  assertOutcome(await call(h, 'nurse', { method: 'GET', url: '/fhir/R4/Observation' }), 400, 'bad_request');
  assertOutcome(await call(h, 'admin', { method: 'GET', url: `/fhir/R4/Observation?subject=Patient/${patientId}` }), 403, 'forbidden');
  // An integration sees none of a nurse's drafts…
  const theirs = fhirBody(await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Observation?subject=Patient/${patientId}` })) as Bundle;
  assert.equal(theirs.total, 0);
  // …and its own.
  const own = await seedFhir(h, h.ids.integration);
  assert.ok(((fhirBody(await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Observation?subject=Patient/${own.patientId}` })) as Bundle).total ?? 0) >= 2);
});

test('Patient/:id/$export: a collection of every document, each resource once, valid R4', async () => {
  const { patientId, soapId } = await seedFhir(h, h.ids.nurse, { signed: true });
  const response = await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export` });
  assert.equal(response.statusCode, 200, response.body);
  const bundle = fhirBody(response) as Bundle;
  assert.equal(bundle.type, 'collection');
  const types = bundle.entry.map((entry) => entry.resource.resourceType);
  for (const type of ['Composition', 'Patient', 'Observation', 'Provenance', 'Device', 'Practitioner']) assert.ok(types.includes(type), type);
  assert.equal(types.filter((type) => type === 'Patient').length, 1);
  assert.equal(new Set(bundle.entry.map((entry) => entry.fullUrl)).size, bundle.entry.length);
  assert.ok(bundle.entry.some((entry) => entry.resource.resourceType === 'Composition' && (entry.resource.identifier as { value: string }).value === soapId));

  assertOutcome(await call(h, 'nurse', { method: 'GET', url: '/fhir/R4/Patient/no-such-patient/$export' }), 404, 'not_found');
  assertOutcome(await call(h, 'admin', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export` }), 403, 'forbidden');
  assertOutcome(await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export` }), 403, 'forbidden');
  const own = await seedFhir(h, h.ids.integration);
  const ownBundle = fhirBody(await call(h, 'integration', { method: 'GET', url: `/fhir/R4/Patient/${own.patientId}/$export` })) as Bundle;
  assert.ok(ownBundle.entry.some((entry) => entry.resource.resourceType === 'Composition'));
});

test('a stored draft whose content is not a SOAP note is a 400 OperationOutcome, not a crash', async () => {
  // The store takes any content (the API checks edits, not the store); this one is no SOAP note.
  const { draftId } = await seed(h, h.ids.nurse, { content: { subjective: 'Cough for three days.' } });
  const response = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Composition/${draftId}` });
  assertOutcome(response, 400, 'bad_request');
});

test('FHIR reads are audited: draft.read and patient.read events name the reader', async () => {
  const { patientId, soapId, triageId } = await seedFhir(h, h.ids.nurse);
  await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Composition/${soapId}` });
  await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Observation?subject=Patient/${patientId}` });
  const soapEvents = await h.store.listAuditEvents({ resourceId: soapId });
  assert.ok(soapEvents.some((event) => event.action === 'draft.read' && event.user === h.ids.physician), JSON.stringify(soapEvents.map((event) => event.action)));
  const triageEvents = await h.store.listAuditEvents({ resourceId: triageId });
  assert.ok(triageEvents.some((event) => event.action === 'draft.read' && event.user === h.ids.physician));
  const patientEvents = await h.store.listAuditEvents({ resourceId: patientId });
  assert.ok(patientEvents.some((event) => event.action === 'patient.read' && event.user === h.ids.physician));
});

test('the OpenAPI document lists the FHIR routes with application/fhir+json', async () => {
  const paths = (await call(h, undefined, { method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, unknown> }> }>> }>().paths;
  for (const path of ['/fhir/R4/Composition/{id}', '/fhir/R4/Bundle/{id}', '/fhir/R4/Observation', '/fhir/R4/Patient/{id}/$export']) {
    assert.ok(paths[path]?.get?.responses['200']?.content['application/fhir+json'], path);
  }
});
