import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import type { Signature, StoredDraft } from '../records/repository.ts';
import type { Draft } from '../workflows/draft.ts';
import { aiAssertedLabel, aiDeviceType } from './ai-transparency.ts';
import { patient, provenance, rawPrompt, soapDraft } from './fixtures.test-support.ts';
import {
  asImagingReadContent,
  imagingReportBundle,
  imagingReportSourceFromDraft,
  storedImagingReportBundle,
  type ImagingReadContent,
  type ImagingStudyInfo,
} from './imaging-report.ts';
import { assertValidR4 } from './r4-validation.test-support.ts';
import type { Bundle, Resource } from './types.ts';

const find = (bundle: Bundle, type: string): Resource[] => bundle.entry.map((entry) => entry.resource).filter((resource) => resource.resourceType === type);
const one = (bundle: Bundle, type: string): Resource => {
  const [resource, ...rest] = find(bundle, type);
  assert.ok(resource, `no ${type}`);
  assert.equal(rest.length, 0, `more than one ${type}`);
  return resource;
};
/** R4 DiagnosticReport.status (required binding, http://hl7.org/fhir/diagnostic-report-status). */
const diagnosticReportStatuses = ['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled', 'entered-in-error', 'unknown'];
type Agent = { type: { coding: { code: string }[] }; who: { reference: string } };

const read: ImagingReadContent = {
  findings: 'Patchy opacity in the right lower zone <b>&</b> blunting of the right costophrenic angle.',
  impression: 'Findings may represent right lower lobe pneumonia; a small effusion cannot be excluded.',
  question: 'Is there a pneumothorax?',
  answer: 'No pneumothorax is seen.',
};
const study: ImagingStudyInfo = { studyInstanceUid: '1.2.840.113619.2.55.3.604688119.971.1234567890.123', modality: 'CR' };
const imagingProvenance = { ...provenance, workflow: 'imaging-read', promptTemplate: { ...provenance.promptTemplate, id: 'imaging-read' } };
const draft: Draft<ImagingReadContent> = { ...soapDraft, workflow: 'imaging-read', content: read, provenance: imagingProvenance };
const signature = { id: 'sig-1', signedBy: 'dr-1', role: 'physician', signedAt: '2025-02-03T11:00:00.000Z', contentHash: 'd'.repeat(64), quality: {} as Signature['quality'] };

function stored(overrides: Partial<StoredDraft>): StoredDraft {
  return {
    id: 'read-1',
    encounterId: 'enc-1',
    patientId: patient.id,
    workflow: 'imaging-read',
    input: { prompt: rawPrompt },
    aiOutput: { content: read, findings: [], limitations: draft.limitations },
    provenance: imagingProvenance,
    status: 'draft',
    version: 1,
    createdBy: 'rad-res-1',
    createdAt: imagingProvenance.createdAt,
    currentContent: read,
    revisions: [],
    signature: null,
    amendments: [],
    withdrawal: null,
    ...overrides,
  };
}
const amendment = (content: ImagingReadContent): StoredDraft['amendments'][number] => ({
  id: 'am-1',
  reason: 'addendum',
  content,
  contentHash: 'e'.repeat(64),
  signedBy: 'dr-2',
  role: 'physician',
  signedAt: '2025-02-04T09:00:00.000Z',
});
const agentsOf = (bundle: Bundle): string[][] => (one(bundle, 'Provenance').agent as Agent[]).map((agent) => [agent.type.coding[0]?.code ?? '', agent.who.reference]);
const decoded = (report: Resource): string => Buffer.from((report.presentedForm as { data: string }[])[0]?.data ?? '', 'base64').toString('utf8');

describe('imaging read → FHIR DiagnosticReport', () => {
  const cases: [string, StoredDraft, string, string[]][] = [
    ['draft', stored({}), 'preliminary', []],
    ['signed', stored({ status: 'signed', version: 2, signature }), 'final', ['dr-1']],
    ['amended', stored({ status: 'amended', version: 3, signature, amendments: [amendment({ ...read, impression: `${read.impression} Addendum: compare with prior.` })] }), 'amended', ['dr-1', 'dr-2']],
    ['withdrawn', stored({ status: 'entered-in-error', version: 3, signature, withdrawal: { reason: 'wrong patient', by: 'dr-1', at: '2025-02-05T08:00:00.000Z' } }), 'entered-in-error', ['dr-1']],
  ];
  for (const [name, draftRow, status, interpreters] of cases) {
    it(`exports the ${name} read as ${status}: valid R4, AIAST, Device author${interpreters.length > 0 ? ', clinician verifier and results interpreter' : ''}`, () => {
      const bundle = storedImagingReportBundle(draftRow, patient, study, { userNames: { 'dr-1': 'Dr. A. Martin' } });
      assertValidR4(bundle);
      assert.equal(bundle.type, 'collection');
      const report = one(bundle, 'DiagnosticReport');
      assert.equal(bundle.entry[0]?.resource, report);
      assert.equal(report.status, status);
      // The validator does not check required bindings: the code must be one of R4's diagnostic-report-status codes.
      assert.ok(typeof report.status === 'string' && diagnosticReportStatuses.includes(report.status));
      assert.deepEqual(report.meta?.security, [aiAssertedLabel]);
      assert.deepEqual(report.code, { coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' }], text: 'Imaging read' });
      const category = (report.category as { coding: { system: string; code: string }[] }[])[0]?.coding ?? [];
      assert.ok(category.some((coding) => coding.system === 'http://terminology.hl7.org/CodeSystem/v2-0074' && coding.code === 'RAD'));
      assert.deepEqual(
        report.resultsInterpreter,
        interpreters.length === 0 ? undefined : interpreters.map((userId) => ({ reference: `Practitioner/${userId}` })),
      );
      const device = one(bundle, 'Device');
      assert.deepEqual((device.type as { coding: unknown[] }).coding, [aiDeviceType]);
      assert.ok((device.identifier as { value: string }[]).some((identifier) => identifier.value === provenance.model.sha256));
      const prov = one(bundle, 'Provenance');
      assert.deepEqual(prov.target, [{ reference: `DiagnosticReport/${String(report.id)}` }]);
      assert.deepEqual(agentsOf(bundle), [['author', `Device/${String(device.id)}`], ...interpreters.map((userId) => ['verifier', `Practitioner/${userId}`])]);
      // every reference resolves inside the Bundle
      const ids = new Set(bundle.entry.map((entry) => `${entry.resource.resourceType}/${String(entry.resource.id)}`));
      for (const reference of JSON.stringify(bundle).matchAll(/"reference":"([^"]+)"/g)) assert.ok(ids.has(reference[1] ?? ''), `unresolved ${String(reference[1])}`);
    });
  }

  it('links the DICOM study: ImagingStudy with the Study Instance UID and the DCM modality, referenced by the report and the Provenance', () => {
    const bundle = storedImagingReportBundle(stored({}), patient, study);
    const imagingStudy = one(bundle, 'ImagingStudy');
    assert.deepEqual(imagingStudy.identifier, [{ system: 'urn:dicom:uid', value: `urn:oid:${String(study.studyInstanceUid)}` }]);
    assert.deepEqual(imagingStudy.modality, [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CR', display: 'Computed Radiography' }]);
    assert.deepEqual(one(bundle, 'DiagnosticReport').imagingStudy, [{ reference: `ImagingStudy/${String(imagingStudy.id)}` }]);
    const entities = one(bundle, 'Provenance').entity as { role: string; what: { reference?: string } }[];
    assert.ok(entities.some((entity) => entity.role === 'source' && entity.what.reference === `ImagingStudy/${String(imagingStudy.id)}`));

    const modalityOnly = storedImagingReportBundle(stored({}), patient, { modality: 'US' });
    assertValidR4(modalityOnly);
    assert.equal(one(modalityOnly, 'ImagingStudy').identifier, undefined);
    const none = storedImagingReportBundle(stored({}), patient);
    assertValidR4(none);
    assert.equal(find(none, 'ImagingStudy').length, 0);
    assert.equal(one(none, 'DiagnosticReport').imagingStudy, undefined);
  });

  it('exports the text verbatim: hedged wording is neither strengthened nor dropped, signed wording is not re-hedged', () => {
    const report = one(storedImagingReportBundle(stored({ status: 'signed', signature }), patient, study), 'DiagnosticReport');
    assert.equal(report.conclusion, read.impression);
    assert.equal(decoded(report), `Findings:\n${read.findings}\n\nImpression:\n${read.impression}\n\nQuestion:\n${String(read.question)}\n\nAnswer:\n${String(read.answer)}`);
    const div = (report.text as { div: string }).div;
    assert.ok(div.includes('may represent right lower lobe pneumonia; a small effusion cannot be excluded.'));
    assert.ok(div.includes('&lt;b&gt;&amp;&lt;/b&gt;'), 'narrative is escaped');
    assert.ok(!div.includes('<b>&</b>'));

    // A clinician's amendment that states a diagnosis is the signed record: exported as written, not softened.
    const definitive = { findings: 'Right lower lobe consolidation.', impression: 'Right lower lobe pneumonia.' };
    const amended = one(storedImagingReportBundle(stored({ status: 'amended', signature, amendments: [amendment(definitive)], currentContent: definitive }), patient), 'DiagnosticReport');
    assert.equal(amended.conclusion, 'Right lower lobe pneumonia.');
    assert.equal(decoded(amended), 'Findings:\nRight lower lobe consolidation.\n\nImpression:\nRight lower lobe pneumonia.');
  });

  it('exports a workflow draft not yet stored (preliminary), and final when a signature is given', () => {
    const preliminary = imagingReportBundle(imagingReportSourceFromDraft(draft, { id: 'read-2', patient, study }));
    assertValidR4(preliminary);
    assert.equal(one(preliminary, 'DiagnosticReport').status, 'preliminary');
    assert.equal(one(preliminary, 'DiagnosticReport').issued, imagingProvenance.createdAt);
    const final = imagingReportBundle(imagingReportSourceFromDraft(draft, { id: 'read-2', patient, signature }));
    assertValidR4(final);
    assert.equal(one(final, 'DiagnosticReport').status, 'final');
    assert.equal(one(final, 'DiagnosticReport').issued, signature.signedAt);
  });

  it('leaves out empty parts: no conclusion for an empty impression, no question/answer when absent', () => {
    const content = { findings: 'No acute abnormality.', impression: '' };
    const bundle = storedImagingReportBundle(stored({ currentContent: content }), patient);
    assertValidR4(bundle);
    const report = one(bundle, 'DiagnosticReport');
    assert.equal(report.conclusion, undefined);
    assert.equal(decoded(report), 'Findings:\nNo acute abnormality.');
  });

  it('carries no prompt or engine text', () => {
    const json = JSON.stringify(storedImagingReportBundle(stored({ status: 'signed', signature }), patient, study));
    assert.ok(!json.includes(rawPrompt));
    assert.ok(!json.includes('node-llama-cpp'));
  });

  it('refuses content that is not an imaging read, another workflow, a malformed UID or an unknown modality', () => {
    const badRequest = (error: unknown): boolean => isNorthstationError(error, 'bad_request');
    assert.throws(() => storedImagingReportBundle(stored({ workflow: 'soap-note' }), patient), badRequest);
    assert.throws(() => storedImagingReportBundle(stored({ currentContent: { findings: 'x' } }), patient), /not an imaging read: impression/);
    assert.throws(() => asImagingReadContent({ findings: 'x', impression: 'y', question: 3 }), /question/);
    assert.throws(() => asImagingReadContent(['x']), /not an object/);
    assert.throws(() => storedImagingReportBundle(stored({}), patient, { studyInstanceUid: '1.2.abc' }), /not a DICOM UID/);
    assert.throws(() => storedImagingReportBundle(stored({}), patient, { studyInstanceUid: `1.${'2'.repeat(70)}` }), /not a DICOM UID/);
    assert.throws(() => storedImagingReportBundle(stored({}), patient, { modality: 'XRAY' }), /modality/);
  });
});
