/** Imaging reads over FHIR: GET /fhir/R4/DiagnosticReport/:id, Bundle/:id and Patient $export, through the real app. */
import assert from 'node:assert/strict';
import { setTimeout } from 'node:timers/promises';
import { test } from 'node:test';
import { assertValidR4 } from '../../fhir/r4-validation.test-support.ts';
import type { Bundle, Resource } from '../../fhir/index.ts';
import type { StoredDraft } from '../../records/repository.ts';
import { images, imagingAnswer, receiveStudy, uploadId, visionRunner } from './imaging-test-support.ts';
import { call, freshHarnesses, password, seed, type Harness } from './test-helpers.ts';

const fresh = freshHarnesses(() => ({ runner: visionRunner().runner }));

async function draftFrom(h: Harness, input: Record<string, unknown>): Promise<StoredDraft> {
  const { encounterId } = await seed(h, h.ids.nurse);
  const response = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<StoredDraft>();
}

test('a read of a received instance is a valid DiagnosticReport naming its study: preliminary, then final once signed', async () => {
  const h = await fresh();
  const study = await receiveStudy(h);
  const draft = await draftFrom(h, { studyInstance: study.sopInstanceUid });

  const preliminary = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/DiagnosticReport/${draft.id}` });
  assert.equal(preliminary.statusCode, 200, preliminary.body);
  assert.match(String(preliminary.headers['content-type']), /^application\/fhir\+json/);
  const report = preliminary.json<Resource & { status: string; conclusion: string; imagingStudy?: unknown[] }>();
  assertValidR4(report);
  assert.equal(report.resourceType, 'DiagnosticReport');
  assert.equal(report.status, 'preliminary');
  assert.equal(report.conclusion, imagingAnswer.impression);
  assert.equal(report.imagingStudy?.length, 1);

  const bundle = (await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Bundle/${draft.id}` })).json<Bundle>();
  assertValidR4(bundle);
  const imagingStudy = bundle.entry.map((entry) => entry.resource).find((resource) => resource.resourceType === 'ImagingStudy') as { identifier: { value: string }[]; modality: { code: string }[] } | undefined;
  assert.ok(imagingStudy, 'the Bundle carries the ImagingStudy');
  assert.equal(imagingStudy.identifier[0]?.value, `urn:oid:${study.studyInstanceUid}`);
  assert.equal(imagingStudy.modality[0]?.code, study.modality);
  const reads = await h.store.listAuditEvents({ resourceId: draft.id });
  assert.ok(reads.filter((event) => event.action === 'draft.read').length >= 2, 'each FHIR read is an audited draft.read');

  const signed = await call(h, 'physician', { method: 'POST', url: `/api/drafts/${draft.id}/sign`, headers: { 'if-match': `"${draft.version}"` }, payload: { password } });
  assert.equal(signed.statusCode, 200, signed.body);
  const final = (await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/DiagnosticReport/${draft.id}` })).json<Resource & { status: string; resultsInterpreter?: unknown[] }>();
  assertValidR4(final);
  assert.equal(final.status, 'final');
  assert.equal(final.resultsInterpreter?.length, 1);
});

test('a PNG read has no ImagingStudy; other drafts are no DiagnosticReport (OperationOutcome 404)', async () => {
  const h = await fresh();
  const draft = await draftFrom(h, { upload: await uploadId(h, 'nurse', images.cxr, 'image/png') });
  const bundle = (await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Bundle/${draft.id}` })).json<Bundle>();
  assertValidR4(bundle);
  assert.ok(!bundle.entry.some((entry) => entry.resource.resourceType === 'ImagingStudy'));
  const soap = await seed(h, h.ids.nurse);
  const notImaging = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/DiagnosticReport/${soap.draftId}` });
  assert.equal(notImaging.statusCode, 404);
  assert.equal(notImaging.json<Resource>().resourceType, 'OperationOutcome');
  const composition = await call(h, 'nurse', { method: 'GET', url: `/fhir/R4/Composition/${draft.id}` });
  assert.equal(composition.statusCode, 404, 'an imaging read is not a SOAP Composition');
});

test('Patient $export, synchronous and asynchronous, includes imaging reads as DiagnosticReports', async () => {
  const h = await fresh();
  const draft = await draftFrom(h, { upload: await uploadId(h, 'nurse') });
  const sync = await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Patient/${draft.patientId}/$export` });
  assert.equal(sync.statusCode, 200, sync.body);
  const bundle = sync.json<Bundle>();
  assertValidR4(bundle);
  const types = bundle.entry.map((entry) => entry.resource.resourceType);
  assert.deepEqual(types.filter((type) => type === 'DiagnosticReport').length, 1, types.join());
  assert.ok(types.includes('ImagingStudy'), 'an uploaded DICOM file names its study too');

  const kickOff = await call(h, 'physician', { method: 'GET', url: `/fhir/R4/Patient/${draft.patientId}/$export`, headers: { prefer: 'respond-async' } });
  assert.equal(kickOff.statusCode, 202, kickOff.body);
  const statusPath = new URL(String(kickOff.headers['content-location'])).pathname;
  let output: { type: string; url: string }[] = [];
  for (let poll = 0; poll < 500 && output.length === 0; poll++) {
    const status = await call(h, 'physician', { method: 'GET', url: statusPath });
    if (status.statusCode === 200) output = status.json<{ output: { type: string; url: string }[] }>().output;
    else await setTimeout(2);
  }
  const reports = output.find((file) => file.type === 'DiagnosticReport');
  assert.ok(reports, output.map((file) => file.type).join());
  const ndjson = await call(h, 'physician', { method: 'GET', url: new URL(reports.url).pathname });
  const lines = ndjson.body.trim().split('\n').map((line) => JSON.parse(line) as Resource);
  assert.deepEqual(lines.map((resource) => resource.resourceType), ['DiagnosticReport']);
  assertValidR4(lines[0] as Resource);
});
