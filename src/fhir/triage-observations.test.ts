import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aiAssertedLabel } from './ai-transparency.ts';
import { patient, provenance, triageContent, triageInput } from './fixtures.test-support.ts';
import { assertValidR4 } from './r4-validation.test-support.ts';
import { triageBundle, triageObservations, type TriageSource } from './triage-observations.ts';
import type { Resource } from './types.ts';

const source = (overrides: Partial<TriageSource> = {}): TriageSource => ({
  id: 'triage-1',
  patient,
  input: triageInput,
  content: triageContent(),
  provenance: { ...provenance, workflow: 'triage' },
  lifecycle: { status: 'draft', signature: null, amendments: [], withdrawal: null },
  createdBy: 'nurse-1',
  ...overrides,
});
const codes = (observation: Resource): string[] => ((observation.code as { coding: { code: string }[] }).coding).map((coding) => coding.code);
const byCode = (observations: Resource[], code: string): Resource => {
  const found = observations.find((observation) => codes(observation).includes(code));
  assert.ok(found, `no Observation with code ${code}`);
  return found;
};

describe('triage → FHIR Observations', () => {
  it('maps CTAS, NEWS2 and the vitals with their codes and units, preliminary while a draft', () => {
    const exported = triageObservations(source());
    assertValidR4(triageBundle(source()));
    for (const observation of exported.observations) assert.equal(observation.status, 'preliminary');

    const ctas = byCode(exported.observations, '11283-9');
    assert.deepEqual(ctas.meta?.security, [aiAssertedLabel]);
    assert.deepEqual((ctas.valueCodeableConcept as { coding: unknown[] }).coding, [{ system: 'https://northstation.example/fhir/CodeSystem/ctas', code: '1', display: 'Resuscitation' }]);

    const news2 = byCode(exported.observations, '1104051000000101');
    assert.deepEqual(codes(news2), ['news2-total', '1104051000000101']);
    assert.equal(news2.valueInteger, triageContent().scores.news2.total);
    assert.equal(news2.meta, undefined, 'NEWS2 comes from the rules, not the AI');

    const unit = (code: string): unknown => (byCode(exported.observations, code).valueQuantity as { code: string }).code;
    assert.equal(unit('9279-1'), '/min');
    assert.equal(unit('8867-4'), '/min');
    assert.equal(unit('2708-6'), '%');
    assert.deepEqual(codes(byCode(exported.observations, '2708-6')), ['2708-6', '59408-5']);
    const temperature = byCode(exported.observations, '8310-5').valueQuantity as { value: number; code: string };
    assert.equal(temperature.code, 'Cel');
    assert.equal(temperature.value, 37);
    const bp = byCode(exported.observations, '85354-9');
    const components = bp.component as { code: { coding: { code: string }[] }; valueQuantity: { value: number; code: string } }[];
    assert.deepEqual(
      components.map((component) => [component.code.coding[0]?.code, component.valueQuantity.value, component.valueQuantity.code]),
      [
        ['8480-6', 128, 'mm[Hg]'],
        ['8462-4', 78, 'mm[Hg]'],
      ],
    );
    for (const code of ['9279-1', '8867-4', '2708-6', '8310-5', '85354-9'])
      assert.equal((byCode(exported.observations, code).category as { coding: { code: string }[] }[])[0]?.coding[0]?.code, 'vital-signs');

    const agents = exported.provenance.agent as { type: { coding: { code: string }[] }; who: { reference: string } }[];
    assert.deepEqual(exported.provenance.target, [{ reference: `Observation/${String(ctas.id)}` }]);
    assert.deepEqual(agents.map((agent) => agent.type.coding[0]?.code), ['author']);
    assert.equal(agents[0]?.who.reference, `Device/${String(exported.device.id)}`);
  });

  it('is final with the clinician as verifier once signed, entered-in-error once withdrawn', () => {
    const signature = { signedBy: 'dr-1', signedAt: '2025-02-03T11:00:00.000Z' };
    const signed = triageObservations(source({ lifecycle: { status: 'signed', signature, amendments: [], withdrawal: null } }));
    assertValidR4(triageBundle(source({ lifecycle: { status: 'signed', signature, amendments: [], withdrawal: null } })));
    for (const observation of signed.observations) assert.equal(observation.status, 'final');
    const agents = signed.provenance.agent as { type: { coding: { code: string }[] }; who: { reference: string } }[];
    assert.deepEqual(agents[1], { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier', display: 'Verifier' }] }, who: { reference: 'Practitioner/dr-1' } });

    const withdrawn = triageObservations(source({ lifecycle: { status: 'entered-in-error', signature, amendments: [], withdrawal: { at: '2025-02-04T00:00:00.000Z' } } }));
    for (const observation of withdrawn.observations) assert.equal(observation.status, 'entered-in-error');
  });

  it('exports a lone systolic pressure with the diastolic marked absent, and omits unmeasured vitals', () => {
    const input = { note: 'x', vitals: { systolicBP: 90 } };
    const exported = triageObservations(source({ input }));
    assertValidR4(triageBundle(source({ input })));
    assert.equal(exported.observations.length, 3);
    const components = byCode(exported.observations, '85354-9').component as Record<string, unknown>[];
    assert.ok('dataAbsentReason' in (components[1] ?? {}));
  });

  it('carries no text that is not derived from the input (no triage note, no prompt)', () => {
    const json = JSON.stringify(triageBundle(source()));
    assert.ok(!json.includes(triageInput.note));
    assert.ok(!json.includes('node-llama-cpp'));
  });
});
