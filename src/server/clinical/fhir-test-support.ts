/** Test-only: a patient with a SOAP note and a triage draft whose contents have the shapes the FHIR export needs. */
import { provenance, soapDraft, triageContent, triageInput } from '../../fhir/fixtures.test-support.ts';
import type { Actor } from '../../records/audit.ts';
import type { Draft } from '../../workflows/draft.ts';
import type { Harness } from './test-helpers.ts';

export async function seedFhir(h: Harness, createdBy: string, options: { signed?: boolean } = {}): Promise<{ patientId: string; encounterId: string; soapId: string; triageId: string }> {
  const actor: Actor = { userId: createdBy, role: 'nurse', client: 'test' };
  const patient = await h.store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, actor);
  const encounter = await h.store.createEncounter({ patientId: patient.id }, actor);
  const soap = await h.store.createDraft({ encounterId: encounter.id, input: { transcript: 'x' }, draft: soapDraft }, actor);
  const triageDraft: Draft<unknown> = { ...soapDraft, workflow: 'triage', content: triageContent(), provenance: { ...provenance, workflow: 'triage', promptTemplate: { ...provenance.promptTemplate, id: 'triage' } } };
  const triage = await h.store.createDraft({ encounterId: encounter.id, input: triageInput, draft: triageDraft }, actor);
  if (options.signed === true) await h.store.signDraft(soap.id, soap.version, { userId: h.ids.physician, role: 'physician', client: 'test' });
  return { patientId: patient.id, encounterId: encounter.id, soapId: soap.id, triageId: triage.id };
}
