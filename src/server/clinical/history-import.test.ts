import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, errorOf, harness, seed } from './test-helpers.ts';

const patient = (id: string): Record<string, unknown> => ({ resourceType: 'Patient', id, name: [{ family: `Family-${id}` }] });
const condition = (id: string, subject: string): Record<string, unknown> => ({ resourceType: 'Condition', id, subject: { reference: subject }, code: { text: 'asthma' } });
const bundleOf = (...resources: Record<string, unknown>[]): Record<string, unknown> => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });

test('a history-summary bundle is imported first: one patient per bundle, nothing about anyone else', async () => {
  const h = await harness();
  try {
    const { encounterId } = await seed(h, h.ids.nurse);
    const draft = (bundle: unknown) => call(h, 'nurse', { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'history-summary', input: { bundle } } });

    const twoPatients = await draft(bundleOf(patient('p1'), patient('p2')));
    assert.equal(twoPatients.statusCode, 400);
    assert.match(errorOf(twoPatients).message, /holds 2 Patients/);

    const otherPatientsCondition = await draft(bundleOf(patient('p1'), condition('c1', 'Patient/p9')));
    assert.equal(otherPatientsCondition.statusCode, 400);
    assert.match(errorOf(otherPatientsCondition).message, /subject is not the Bundle's Patient/);
    assert.ok(!otherPatientsCondition.body.includes('Family-'), 'no name from the bundle in the error');

    // A well-formed bundle passes the import and reaches the runner (which, in this harness, only knows soap-note).
    const wellFormed = await draft(bundleOf(patient('p1'), condition('c1', 'Patient/p1')));
    assert.doesNotMatch(errorOf(wellFormed).message, /Patient/);
  } finally {
    await h.close();
  }
});
