import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import { sharedDataDir } from '../core/shared-data.ts';
import { historySummaryInput, maxBundleJsonChars } from '../workflows/history-summary/input.ts';
import { renderBundle } from '../workflows/history-summary/render.ts';
import { defaultMaxBundleBytes, importPatientBundle, importPatientBundleValue, type PatientContext } from './import-bundle.ts';

type Entry = { fullUrl?: string; resource: { resourceType: string; id: string } & Record<string, unknown> };

const fhirDir = join(sharedDataDir(), 'fhir');
const bundleFiles = readdirSync(fhirDir).filter((name) => name.endsWith('.json')).sort();

const listTypes: Record<keyof PatientContext, string[]> = {
  conditions: ['Condition'],
  medications: ['MedicationRequest', 'MedicationStatement'],
  allergies: ['AllergyIntolerance'],
  observations: ['Observation'],
  encounters: ['Encounter'],
  procedures: ['Procedure'],
  immunizations: ['Immunization'],
  diagnosticReports: ['DiagnosticReport'],
};

/** Values that stand for PHI in the hand-made bundles: no error message may repeat them. */
const phi = ['Zed Quux', '999-12-3456', '1961-07-14', 'secret-diagnosis'];
const patient = { resourceType: 'Patient', id: 'p1', name: [{ use: 'maiden', family: 'Old' }, { use: 'official', given: ['Zed'], family: 'Quux', prefix: ['Mr.'] }], birthDate: '1961-07-14', gender: 'male', identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456', type: { text: 'Social Security Number' } }, { system: 'x' }] };
const condition = { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' }, code: { text: 'secret-diagnosis' }, clinicalStatus: { coding: [{ code: 'active' }] }, onsetDateTime: '2019-01-02' };
const bundleOf = (...resources: Record<string, unknown>[]): Record<string, unknown> => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });

function refused(input: string | Record<string, unknown> | unknown[], pattern: RegExp, options: Parameters<typeof importPatientBundle>[1] = {}, code: 'bad_request' | 'payload_too_large' = 'bad_request'): void {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  assert.throws(
    () => importPatientBundle(text, options),
    (error: unknown) => {
      assert.ok(isNorthstationError(error, code), `not a ${code}: ${String(error)}`);
      assert.match(error.message, pattern);
      for (const value of phi) assert.ok(!error.message.includes(value) && !JSON.stringify(error.details).includes(value), `the message repeats ${value}`);
      return true;
    },
  );
}

describe('FHIR patient bundle import', () => {
  it('finds the shared bundles, and its default size limit fits under the workflow’s', () => {
    assert.ok(bundleFiles.length >= 5, `expected the shared Synthea bundles in ${fhirDir}`);
    assert.ok(defaultMaxBundleBytes <= maxBundleJsonChars);
  });

  for (const name of bundleFiles) {
    it(`imports ${name}: counts by type, one item per resource, the Patient, and a history-summary input grounded in them`, () => {
      const text = readFileSync(join(fhirDir, name), 'utf8');
      const raw = JSON.parse(text) as { entry: Entry[] };
      const imported = importPatientBundle(text);

      // Counts agree with a direct count of the file.
      const direct: Record<string, number> = {};
      for (const entry of raw.entry) direct[entry.resource.resourceType] = (direct[entry.resource.resourceType] ?? 0) + 1;
      assert.deepEqual(imported.counts, direct);
      assert.equal(imported.skippedEntries, 0);
      for (const [list, types] of Object.entries(listTypes) as [keyof PatientContext, string[]][]) {
        const ids = new Set(raw.entry.filter((entry) => types.includes(entry.resource.resourceType)).map((entry) => `${entry.resource.resourceType}/${entry.resource.id}`));
        assert.deepEqual(new Set(imported.context[list].map((item) => item.reference)), ids, list);
        assert.equal(imported.context[list].length, ids.size, `${list}: one item per resource`);
      }
      assert.ok(imported.context.observations.length > 0 && imported.context.encounters.length > 0);
      assert.ok(imported.context.observations.every((item) => item.text !== null), 'every observation has a name');
      assert.ok(imported.context.observations.some((item) => item.value !== null), 'observations carry values');

      const filePatient = raw.entry.find((entry) => entry.resource.resourceType === 'Patient')?.resource as unknown as { id: string; birthDate: string; gender: string; identifier: unknown[]; name: { given: string[]; family: string }[] };
      assert.equal(imported.patient.reference, `Patient/${filePatient.id}`);
      assert.equal(imported.patient.birthDate, filePatient.birthDate);
      assert.equal(imported.patient.gender, filePatient.gender);
      assert.equal(imported.patient.family, filePatient.name[0]?.family);
      assert.equal(imported.patient.identifiers.length, filePatient.identifier.length);

      // The workflow accepts the input, and every line it renders cites an imported item.
      const input = historySummaryInput.parse(imported.historySummaryInput);
      const types = new Set(input.bundle.entry.map((entry) => entry.resource.resourceType));
      assert.ok(!types.has('Claim') && !types.has('ExplanationOfBenefit') && !types.has('Organization'), 'billing and directory resources are not context');
      const references = new Set(Object.values(imported.context).flatMap((items: { reference: string }[]) => items.map((item) => item.reference)));
      const facts = renderBundle(input.bundle.entry.map((entry) => entry.resource));
      assert.ok(facts.length > 0);
      for (const fact of facts) assert.ok(references.has(fact.id), `${fact.id} is not an imported item`);
      // The resources are passed through untouched.
      const original = raw.entry.find((entry) => entry.resource.resourceType === 'Observation')?.resource;
      assert.deepEqual(input.bundle.entry.find((entry) => entry.resource.id === original?.id)?.resource, original);

      // The parsed-value entry point gives the same result.
      assert.deepEqual(importPatientBundleValue(raw), imported);
    });
  }

  it('summarises the Patient: the official name, birth date, gender, identifiers with values', () => {
    const imported = importPatientBundle(JSON.stringify(bundleOf(patient, condition)), { language: 'fr' });
    assert.deepEqual(imported.patient, {
      reference: 'Patient/p1',
      name: 'Zed Quux',
      family: 'Quux',
      given: ['Zed'],
      birthDate: '1961-07-14',
      gender: 'male',
      identifiers: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456', type: 'Social Security Number' }],
    });
    assert.deepEqual(imported.context.conditions, [{ reference: 'Condition/c1', text: 'secret-diagnosis', value: null, status: 'active', date: '2019-01-02' }]);
    assert.equal(imported.historySummaryInput.language, 'fr');
  });

  it('resolves urn:uuid references and takes a missing id from the fullUrl, as transaction bundles write them', () => {
    const uuid = '0e99785d-8f2a-45c7-848c-d6b31d1aa50e';
    const patientUuid = 'd78af07c-9cb9-4f31-9b11-c45a28f2eec8';
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: `urn:uuid:${patientUuid}`, resource: { ...patient, id: patientUuid }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: `urn:uuid:${uuid}`, resource: { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' }, valueQuantity: { value: 72, unit: '/min' }, subject: { reference: `urn:uuid:${patientUuid}` } } },
        { request: { method: 'DELETE', url: 'Observation/old' } },
      ],
    };
    const imported = importPatientBundle(JSON.stringify(bundle));
    assert.deepEqual(imported.context.observations.map((item) => [item.reference, item.value]), [[`Observation/${uuid}`, '72 /min']]);
    assert.equal(imported.skippedEntries, 1);
    assert.equal(historySummaryInput.parse(imported.historySummaryInput).bundle.entry[1]?.resource.id, uuid);
    // a RESTful reference to another Patient is refused in a transaction too
    const other = structuredClone(bundle);
    Object.assign(other.entry[1]?.resource ?? {}, { subject: { reference: 'Patient/someone-else' } });
    refused(other, /entry 1 \(Observation\): subject is not the Bundle's Patient/);
  });

  it('refuses what is not one patient’s Bundle, naming the problem and no value from it', () => {
    refused(`{"resourceType":"Bundle","entry":[{"resource":${JSON.stringify(patient)}}`, /not valid JSON/);
    refused([patient], /not an object/);
    refused(patient, /expected a FHIR R4 Bundle, got a Patient/);
    refused({ resourceType: 'Zed Quux' }, /expected a FHIR R4 Bundle, got no valid resourceType/);
    refused({ resourceType: 'Bundle', type: 'Zed Quux', entry: [] }, /not an R4 bundle type/);
    refused({ resourceType: 'Bundle', type: 'collection' }, /has no entries/);
    refused({ resourceType: 'Bundle', entry: { resource: patient } }, /entry is not an array/);
    refused(bundleOf(condition), /has no Patient/);
    refused(bundleOf(patient, { ...patient, id: 'p2' }), /holds 2 Patients/);
    refused(bundleOf(patient, { ...condition, subject: { reference: 'Patient/p2' } }), /entry 1 \(Condition\): subject is not the Bundle's Patient/);
    refused(bundleOf(patient, { ...condition, subject: { reference: 'https://other.example/fhir/Patient/p3/_history/2' } }), /subject is not the Bundle's Patient/);
    refused(bundleOf(patient, { ...condition, id: undefined }), /entry 1 \(Condition\): resource has no valid id/);
    refused(bundleOf(patient, { ...condition, id: 'Zed Quux' }), /entry 1 \(Condition\): resource has no valid id/);
    refused({ resourceType: 'Bundle', entry: [{ resource: patient }, 'x'] }, /entry 1 is not an object/);
    refused({ resourceType: 'Bundle', entry: [{ resource: patient }, { resource: [1] }] }, /entry 1: resource is not an object/);
    refused(bundleOf(patient, { ...condition, resourceType: 'secret-diagnosis' }), /entry 1: resource has no valid resourceType/);
  });

  it('refuses oversized bundles before parsing them, and bundles with too many entries', () => {
    const text = JSON.stringify(bundleOf(patient, condition));
    refused(text, /is \d+ bytes; at most 100 are accepted/, { maxBytes: 100 }, 'payload_too_large');
    assert.doesNotThrow(() => importPatientBundle(text, { maxBytes: Buffer.byteLength(text) }));
    // size is checked first: an oversized non-JSON body is refused for its size, not parsed
    refused('x'.repeat(200), /bytes; at most 100/, { maxBytes: 100 }, 'payload_too_large');
    assert.throws(() => importPatientBundleValue(bundleOf(patient, condition), { maxBytes: 100 }), /bytes of JSON; at most 100/);
    refused(bundleOf(patient, condition, { ...condition, id: 'c2' }), /has 3 entries; at most 2/, { maxEntries: 2 }, 'payload_too_large');
  });
});
