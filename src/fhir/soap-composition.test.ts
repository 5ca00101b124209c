import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signature, StoredDraft } from '../records/repository.ts';
import { aiAssertedLabel, aiDeviceType } from './ai-transparency.ts';
import { patient, provenance, rawPrompt, soapContent, soapDraft } from './fixtures.test-support.ts';
import { assertValidR4 } from './r4-validation.test-support.ts';
import { draftSoapNoteBundle, storedSoapNoteBundle } from './soap-composition.ts';
import type { Bundle, Resource } from './types.ts';

const find = (bundle: Bundle, type: string): Resource[] => bundle.entry.map((entry) => entry.resource).filter((resource) => resource.resourceType === type);
const one = (bundle: Bundle, type: string): Resource => {
  const [resource, ...rest] = find(bundle, type);
  assert.ok(resource, `no ${type}`);
  assert.equal(rest.length, 0, `more than one ${type}`);
  return resource;
};
type Agent = { type: { coding: { code: string }[] }; who: { reference: string } };

function stored(overrides: Partial<StoredDraft>): StoredDraft {
  return {
    id: 'draft-1',
    encounterId: 'enc-1',
    patientId: patient.id,
    workflow: 'soap-note',
    input: { transcript: rawPrompt, language: 'en' },
    aiOutput: { content: soapContent, findings: [], limitations: soapDraft.limitations },
    provenance,
    status: 'draft',
    version: 1,
    createdBy: 'nurse-1',
    createdAt: provenance.createdAt,
    currentContent: soapContent,
    revisions: [],
    signature: null,
    amendments: [],
    withdrawal: null,
    ...overrides,
  };
}
const signature = { id: 'sig-1', signedBy: 'dr-1', role: 'physician', signedAt: '2025-02-03T11:00:00.000Z', contentHash: 'd'.repeat(64), quality: {} as Signature['quality'] };

describe('SOAP note → FHIR document Bundle', () => {
  it('exports a draft as a preliminary Composition labelled AIAST, with a Provenance naming the AI Device as author', () => {
    const bundle = draftSoapNoteBundle(soapDraft, { id: 'draft-1', patient });
    assertValidR4(bundle);
    assert.equal(bundle.type, 'document');
    assert.equal(bundle.entry[0]?.resource.resourceType, 'Composition');
    const composition = one(bundle, 'Composition');
    assert.equal(composition.status, 'preliminary');
    assert.equal(composition.attester, undefined);
    assert.deepEqual(composition.meta?.security, [aiAssertedLabel]);
    assert.deepEqual((composition.type as { coding: { system: string; code: string }[] }).coding[0], { system: 'http://loinc.org', code: '11506-3', display: 'Progress note' });
    const sections = composition.section as { code: { coding: { code: string }[] }; text: { div: string } }[];
    assert.deepEqual(
      sections.map((section) => section.code.coding[0]?.code),
      ['61150-9', '61149-1', '51848-0', '18776-5'],
    );

    const device = one(bundle, 'Device');
    assert.deepEqual((device.type as { coding: unknown[] }).coding, [aiDeviceType]);
    assert.deepEqual(device.version, [{ value: 'medgemma-4b-it' }, { type: { text: 'quantisation' }, value: 'Q4_K_M' }]);
    assert.ok((device.identifier as { value: string }[]).some((identifier) => identifier.value === provenance.model.sha256));
    assert.deepEqual(device.deviceName, [{ name: 'medgemma-4b-it', type: 'model-name' }]);

    const prov = one(bundle, 'Provenance');
    assert.deepEqual(prov.target, [{ reference: `Composition/${String(composition.id)}` }]);
    const agents = prov.agent as Agent[];
    assert.equal(agents.length, 1);
    assert.equal(agents[0]?.type.coding[0]?.code, 'author');
    assert.equal(agents[0].who.reference, `Device/${String(device.id)}`);
    const entities = prov.entity as { role: string; what: { identifier: { value: string } } }[];
    assert.ok(entities.some((entity) => entity.role === 'derivation' && entity.what.identifier.value === provenance.promptTemplate.sha256));
    assert.ok(entities.some((entity) => entity.role === 'derivation' && entity.what.identifier.value === provenance.model.id));
  });

  it('exports a signed note as final, with a legal attester and the clinician as verifier', () => {
    const bundle = storedSoapNoteBundle(stored({ status: 'signed', version: 2, signature }), patient, { userNames: { 'dr-1': 'Dr. A. Martin' } });
    assertValidR4(bundle);
    const composition = one(bundle, 'Composition');
    assert.equal(composition.status, 'final');
    assert.equal(composition.date, signature.signedAt);
    assert.deepEqual(composition.attester, [{ mode: 'legal', time: signature.signedAt, party: { reference: 'Practitioner/dr-1' } }]);
    assert.ok(find(bundle, 'Practitioner').some((practitioner) => practitioner.id === 'dr-1' && JSON.stringify(practitioner.name) === JSON.stringify([{ text: 'Dr. A. Martin' }])));
    const agents = one(bundle, 'Provenance').agent as Agent[];
    assert.deepEqual(
      agents.map((agent) => [agent.type.coding[0]?.code, agent.who.reference]),
      [
        ['author', `Device/${String(one(bundle, 'Device').id)}`],
        ['verifier', 'Practitioner/dr-1'],
      ],
    );
    // every reference in the document resolves inside it
    const ids = new Set(bundle.entry.map((entry) => `${entry.resource.resourceType}/${String(entry.resource.id)}`));
    for (const reference of JSON.stringify(bundle).matchAll(/"reference":"([^"]+)"/g)) assert.ok(ids.has(reference[1] ?? ''), `unresolved ${String(reference[1])}`);
  });

  it('exports an amended note as amended, attested by both signers', () => {
    const amended = { ...soapContent, chiefComplaint: 'Chest pain, corrected' };
    const amendment = { id: 'am-1', reason: 'typo', content: amended, contentHash: 'e'.repeat(64), signedBy: 'dr-2', role: 'physician', signedAt: '2025-02-04T09:00:00.000Z' };
    const bundle = storedSoapNoteBundle(stored({ status: 'amended', version: 3, signature, amendments: [amendment], currentContent: amended }), patient);
    assertValidR4(bundle);
    const composition = one(bundle, 'Composition');
    assert.equal(composition.status, 'amended');
    assert.equal((composition.attester as unknown[]).length, 2);
    assert.match(JSON.stringify(composition.section), /Chest pain, corrected/);
  });

  it('exports a withdrawn note as entered-in-error', () => {
    const bundle = storedSoapNoteBundle(stored({ status: 'entered-in-error', version: 3, signature, withdrawal: { reason: 'wrong patient', by: 'dr-1', at: '2025-02-05T08:00:00.000Z' } }), patient);
    assertValidR4(bundle);
    assert.equal(one(bundle, 'Composition').status, 'entered-in-error');
    assert.equal(bundle.timestamp, '2025-02-05T08:00:00.000Z');
  });

  it('escapes the narrative: a statement holding <script> stays text', () => {
    const bundle = draftSoapNoteBundle(soapDraft, { id: 'draft-1', patient });
    const div = (one(bundle, 'Composition').section as { text: { div: string } }[])[0]?.text.div ?? '';
    assert.ok(!div.includes('<script>'));
    assert.ok(div.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; jaw'));
    assert.ok(div.startsWith('<div xmlns="http://www.w3.org/1999/xhtml"'));
  });

  it('carries no text that is not derived from the input (no prompt, no model-card prose)', () => {
    const json = JSON.stringify(storedSoapNoteBundle(stored({ status: 'signed', signature }), patient));
    assert.ok(!json.includes(rawPrompt));
    assert.ok(!json.includes('node-llama-cpp'));
  });

  it('has a validator that does reject invalid R4 (the checks above are not vacuous)', () => {
    const bundle = draftSoapNoteBundle(soapDraft, { id: 'draft-1', patient });
    const composition = one(bundle, 'Composition');
    delete composition.status;
    assert.throws(() => assertValidR4(bundle), /not valid FHIR R4/);
    assert.throws(() => assertValidR4({ resourceType: 'Observation', status: 'preliminary', code: { text: 'x' }, valueQuantity: { value: 'high' } }), /not valid FHIR R4/);
  });

  it('refuses content that is not a SOAP note', () => {
    assert.throws(() => storedSoapNoteBundle(stored({ currentContent: { text: 'x' } }), patient), /not a SOAP note/);
    assert.throws(() => storedSoapNoteBundle(stored({ workflow: 'triage' }), patient), /not a SOAP note/);
  });
});
