/** A small hand-made FHIR bundle for the history-summary tests: every renderer, and two results of one test. */

const loinc = 'http://loinc.org';

export function testBundle(): { resourceType: 'Bundle'; entry: { resource: Record<string, unknown> & { resourceType: string; id: string } }[] } {
  const resources = [
    { resourceType: 'Patient', id: 'p1' },
    { resourceType: 'Condition', id: 'c1', code: { text: 'Hypertension' }, clinicalStatus: { coding: [{ code: 'active' }] }, onsetDateTime: '2015-03-01' },
    { resourceType: 'Condition', id: 'c2', code: { text: 'Type 2 diabetes mellitus' }, clinicalStatus: { coding: [{ code: 'active' }] }, onsetDateTime: '2018-06-01' },
    { resourceType: 'MedicationRequest', id: 'm1', status: 'active', medicationCodeableConcept: { text: 'Metformin 500 MG Oral Tablet' }, authoredOn: '2018-06-02' },
    { resourceType: 'AllergyIntolerance', id: 'a1', code: { text: 'Penicillin' }, criticality: 'high', recordedDate: '2010-01-01' },
    { resourceType: 'Observation', id: 'o1', code: { coding: [{ system: loinc, code: '4548-4', display: 'Hemoglobin A1c' }] }, valueQuantity: { value: 8.1, unit: '%' }, effectiveDateTime: '2019-01-01' },
    { resourceType: 'Observation', id: 'o2', code: { coding: [{ system: loinc, code: '4548-4', display: 'Hemoglobin A1c' }] }, valueQuantity: { value: 7.2, unit: '%' }, effectiveDateTime: '2020-01-01' },
    { resourceType: 'Encounter', id: 'e1', type: [{ text: 'General examination of patient' }], period: { start: '2020-01-01T09:00:00Z' } },
    { resourceType: 'Claim', id: 'x1' },
  ];
  return { resourceType: 'Bundle', entry: resources.map((resource) => ({ resource })) };
}
