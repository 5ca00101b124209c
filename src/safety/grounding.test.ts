import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Language } from './finding.ts';
import { groundDraft, indexGroundingSource, type ClaimKind, type ClaimStatus, type GroundingSource } from './grounding.ts';

interface Case {
  name: string;
  source: GroundingSource;
  draft: string;
  language?: Language;
  /** Claims that must be there: [excerpt, kind, status]. */
  expect: readonly (readonly [string, ClaimKind, ClaimStatus])[];
  /** Excerpts that must not be claims at all. */
  noClaim?: readonly string[];
}

const text = (lines: string): GroundingSource => ({ text: lines });

const cases: readonly Case[] = [
  // Medications and doses
  { name: 'spoken dose supports digits', source: text('[doctor] how do you take the metformin ?\n[patient] five hundred milligrams twice a day .'),
    draft: 'Metformin 500 mg twice daily.', expect: [['Metformin', 'medication', 'supported'], ['500 mg', 'dose', 'supported']] },
  { name: 'different dose of the same drug contradicts', source: text('[patient] i take metformin 500 mg twice a day .'),
    draft: 'Metformin 1000 mg twice daily.', expect: [['1000 mg', 'dose', 'contradicted']] },
  { name: 'same dose, different frequency contradicts', source: text('[patient] metformin five hundred milligrams twice a day .'),
    draft: 'Metformin 500 mg three times a day.', expect: [['500 mg', 'dose', 'contradicted']] },
  { name: 'mcg and mg compare', source: text('[patient] i take levothyroxine 0.1 mg every morning .'),
    draft: 'Levothyroxine 100 mcg daily.', expect: [['100 mcg', 'dose', 'supported']] },
  { name: 'brand name grounds on the generic', source: text('[patient] i take acetaminophen when my back hurts .'),
    draft: 'Uses Tylenol for back pain.', expect: [['Tylenol', 'medication', 'supported']] },
  { name: 'generic grounds on the brand', source: text('[doctor] let us increase your lasix to eighty milligrams once a day .'),
    draft: 'Increase furosemide to 80 mg daily.', expect: [['furosemide', 'medication', 'supported'], ['80 mg', 'dose', 'supported']] },
  { name: 'the next drug\'s dose is not this drug\'s', source: text('[patient] i take lisinopril , and atorvastatin forty milligrams .'),
    draft: 'Lisinopril 40 mg daily.', expect: [['40 mg', 'dose', 'unsupported']] },
  { name: 'a drug the source never names', source: text('[patient] i only take metformin .'),
    draft: 'Also takes warfarin 5 mg daily.', expect: [['warfarin', 'medication', 'unsupported'], ['5 mg', 'dose', 'unsupported']] },
  { name: '"water pill" names no drug', source: text('[patient] i take a water pill .'), draft: 'Takes a water pill every morning.', expect: [], noClaim: ['water pill'] },
  { name: 'combination dose needs both parts', source: text('[doctor] lisinopril hydrochlorothiazide , the twenty milligrams and twenty five milligrams .'),
    draft: 'Lisinopril/hydrochlorothiazide 20/25 mg daily.', expect: [['20/25 mg', 'dose', 'supported']] },

  // Vitals and numbers
  { name: 'blood pressure read out', source: text('[doctor] your blood pressure today is one twenty over eighty .'),
    draft: 'BP 120/80 mmHg.', expect: [['120/80 mmHg', 'vital', 'supported']] },
  { name: 'different blood pressure contradicts', source: text('[doctor] blood pressure is 130/85 .'),
    draft: 'Blood pressure 150/90.', expect: [['150/90', 'vital', 'contradicted']] },
  { name: '°F grounds °C', source: text('[doctor] your temperature is one hundred and one degrees .'),
    draft: 'Temperature 38.3 °C.', expect: [['38.3 °C', 'vital', 'supported']] },
  { name: 'decimal said as " . " in a transcript', source: text('[doctor] your temperature is ninety eight . six today .'),
    draft: 'Temperature 98.6 F.', expect: [['98.6', 'vital', 'supported']] },
  { name: 'lb grounds kg', source: text('[patient] i weigh about one eighty pounds now .'),
    draft: 'Weight 81.6 kg.', expect: [['81.6 kg', 'vital', 'supported']] },
  { name: 'oxygen saturation differs', source: text('[doctor] your oxygen saturation is ninety four percent .'),
    draft: 'SpO2 88%.', expect: [['88%', 'vital', 'contradicted']] },
  { name: 'lab value near its name', source: text('[doctor] your a1c was seven point two last time .'),
    draft: 'Hemoglobin A1c 7.2%. Repeat A1c 8.4% expected.', expect: [['7.2%', 'number', 'supported'], ['8.4%', 'number', 'contradicted']] },
  { name: 'murmur grade said as "out of"', source: text('[doctor] i hear a three out of six systolic murmur .'),
    draft: 'Grade 3/6 systolic murmur.', expect: [['3/6', 'number', 'supported'], ['murmur', 'finding', 'supported']] },
  { name: 'dates are not numbers to ground', source: text('[doctor] hello .'), draft: 'Last seen 03/04/2021.', expect: [], noClaim: ['03/04'] },

  // Laterality
  { name: 'side flipped', source: text('[patient] my left knee hurts when i climb stairs .'),
    draft: 'Right knee pain.', expect: [['Right knee', 'laterality', 'contradicted'], ['pain', 'finding', 'supported']] },
  { name: 'same side', source: text('[patient] my left knee hurts .'), draft: 'Left knee pain.', expect: [['Left knee', 'laterality', 'supported']] },
  { name: 'plural body part is both sides', source: text('[patient] both of my knees ache , my knees are stiff .'),
    draft: 'Bilateral knee pain.', expect: [['Bilateral knee', 'laterality', 'supported']] },
  { name: '"all right" is not a side', source: text('[doctor] all right , your knee looks swollen .'),
    draft: 'Right knee swelling.', expect: [['Right knee', 'laterality', 'unsupported']] },
  { name: 'lung lobe side flipped', source: text('[doctor] the x-ray shows right lower lobe pneumonia .'),
    draft: 'Left lower lobe pneumonia.', expect: [['Left lower lobe', 'laterality', 'contradicted'], ['pneumonia', 'finding', 'supported']] },
  { name: 'French side flipped', language: 'fr', source: text('[patient] j\'ai une douleur au genou gauche .'),
    draft: 'Douleur au genou droit.', expect: [['genou droit', 'laterality', 'contradicted']] },

  // Negation both ways
  { name: 'draft denies what the patient reports', source: text('[patient] i have chest pain when i walk .'),
    draft: 'No chest pain.', expect: [['chest pain', 'negation', 'contradicted']] },
  { name: 'draft reports what the patient denies', source: text('[doctor] any fever ?\n[patient] no .'),
    draft: 'Reports fever.', expect: [['fever', 'finding', 'contradicted']] },
  { name: 'denial grounded by a question answered no', source: text('[doctor] have you had any fever or chills ?\n[patient] nope .'),
    draft: 'Denies fever or chills.', expect: [['fever', 'negation', 'supported'], ['chills', 'negation', 'supported']] },
  { name: 'question without "?" answered no', source: text('[doctor] okay and any nausea or vomiting\n[patient] no'),
    draft: 'Denies nausea.', expect: [['nausea', 'negation', 'supported']] },
  { name: 'scope ends at "but"', source: text('[patient] no fever but i have a cough .'),
    draft: 'Denies fever but reports cough.', expect: [['fever', 'negation', 'supported'], ['cough', 'finding', 'supported']] },
  { name: 'a negated list', source: text('[patient] i have wheezing .'),
    draft: 'No rales, wheezes, or rhonchi.', expect: [['rales', 'negation', 'unsupported'], ['wheezes', 'negation', 'contradicted'], ['rhonchi', 'negation', 'unsupported']] },
  { name: 'hedged text is no claim', source: text('[doctor] hello .'), draft: 'Return if fever develops.', expect: [], noClaim: ['fever'] },
  { name: 'lay words ground clinical words', source: text('[patient] i get short of breath on the stairs .'),
    draft: 'Reports dyspnea on exertion.', expect: [['dyspnea', 'finding', 'supported']] },
  { name: 'French denial grounded', language: 'fr', source: text('[médecin] avez-vous de la fièvre ?\n[patient] non .'),
    draft: 'Pas de fièvre. Toux.', expect: [['fièvre', 'negation', 'supported'], ['Toux', 'finding', 'unsupported']] },

  // Allergies
  { name: 'allergy grounded', source: text('[patient] i\'m allergic to penicillin , i get hives .'),
    draft: 'Allergic to penicillin.', expect: [['penicillin', 'allergy', 'supported']] },
  { name: 'NKDA against a named drug allergy', source: text('[patient] i\'m allergic to penicillin .'),
    draft: 'NKDA.', expect: [['NKDA', 'allergy', 'contradicted']] },
  { name: 'no known allergies grounded by an answer', source: text('[doctor] any allergies to medications ?\n[patient] no .'),
    draft: 'No known drug allergies.', expect: [['No known drug allergies', 'allergy', 'supported']] },

  // Durations
  { name: 'days for weeks', source: text('[patient] this cough started about three weeks ago .'),
    draft: 'Cough for 3 days.', expect: [['3 days', 'duration', 'contradicted']] },
  { name: '"a couple of weeks" is 2 weeks', source: text('[patient] i have had the cough for a couple of weeks .'),
    draft: 'Cough for 2 weeks.', expect: [['2 weeks', 'duration', 'supported']] },
  { name: '"a couple of weeks" is not 6 weeks', source: text('[patient] i have had the cough for a couple of weeks .'),
    draft: 'Cough for 6 weeks.', expect: [['6 weeks', 'duration', 'contradicted']] },
  { name: 'days and weeks convert', source: text('[patient] it has been fourteen days now .'), draft: 'Symptoms for 2 weeks.', expect: [['2 weeks', 'duration', 'supported']] },
  { name: 'since a weekday', source: text('[patient] it started on monday .'),
    draft: 'Cough since Monday. Fever since Friday.', expect: [['since Monday', 'duration', 'supported'], ['since Friday', 'duration', 'unsupported']] },
  { name: 'French duration', language: 'fr', source: text('[patient] je tousse depuis trois jours .'),
    draft: 'Toux depuis 3 semaines.', expect: [['3 semaines', 'duration', 'contradicted']] },
  { name: 'French decimal comma and number words', language: 'fr', source: text('[médecin] température 38,5 . vous prenez la metformine cinq cents milligrammes .'),
    draft: 'Température 38,5 °C. Metformine 500 mg.', expect: [['38,5 °C', 'vital', 'supported'], ['500 mg', 'dose', 'supported']] },

  // Structured sources
  { name: 'age from the vitals record', source: { vitals: { age: 58 } }, draft: '58-year-old man.', expect: [['58-year-old', 'number', 'supported']] },
  { name: 'boolean vital', source: { vitals: { fever: false } }, draft: 'Febrile overnight.', expect: [['Febrile', 'finding', 'contradicted']] },
];

for (const { name, source, draft, language, expect, noClaim = [] } of cases) {
  test(`grounding: ${name}`, () => {
    const report = groundDraft(draft, source, language ? { language } : {});
    for (const [excerpt, kind, status] of expect) {
      const claim = report.claims.find((candidate) => candidate.excerpt === excerpt && candidate.kind === kind);
      assert.ok(claim, `no ${kind} claim "${excerpt}" in ${JSON.stringify(report.claims.map((c) => [c.kind, c.excerpt]))}`);
      assert.equal(claim.status, status, `${kind} "${excerpt}": ${claim.detail ?? ''}`);
      assert.equal(draft.slice(claim.start, claim.end), excerpt);
      const flagged = report.findings.some((finding) => finding.start === claim.start && finding.end === claim.end);
      assert.equal(flagged, status !== 'supported', `finding for ${kind} "${excerpt}"`);
      if (status === 'supported') assert.ok(claim.support.length > 0, 'a supported claim cites its evidence');
    }
    for (const excerpt of noClaim) assert.ok(!report.claims.some((claim) => claim.excerpt.includes(excerpt)), `"${excerpt}" is not a claim`);
  });
}

test('grounding: evidence spans point into the source text', () => {
  const source = '[patient] i take metformin five hundred milligrams twice a day .';
  const { claims } = groundDraft('Metformin 500 mg.', { text: source });
  const dose = claims.find((claim) => claim.kind === 'dose');
  assert.ok(dose);
  assert.ok(dose.support.some((span) => span.in === 'text' && span.excerpt === 'five hundred milligrams' && source.slice(span.start, span.end) === span.excerpt));
});

test('grounding: a claim links to the FHIR fact that supports or contradicts it', () => {
  const source: GroundingSource = { facts: [{ id: 'Observation/123', text: 'Blood pressure 130/85 mmHg' }, { id: 'MedicationRequest/9', text: 'metformin 500 mg tablet twice daily' }] };
  const report = groundDraft('BP 130/85. Metformin 500 mg BID. BP 150/90 later.', source);
  const supported = report.claims.find((claim) => claim.excerpt === '130/85');
  const dose = report.claims.find((claim) => claim.kind === 'dose');
  const contradicted = report.claims.find((claim) => claim.excerpt === '150/90');
  assert.ok(supported && dose && contradicted);
  assert.equal(supported.status, 'supported');
  assert.deepEqual(supported.support.map((span) => [span.in, span.ref]), [['fact', 'Observation/123']]);
  assert.equal(dose.support[0]?.ref, 'MedicationRequest/9');
  assert.equal(contradicted.status, 'contradicted');
  assert.equal(contradicted.support[0]?.ref, 'Observation/123');
});

test('grounding: the vitals record grounds claims with its keys', () => {
  const source: GroundingSource = { vitals: { systolicBP: 130, diastolicBP: 85, heartRate: 88, temperature: 101, temperatureUnit: 'F' } };
  const report = groundDraft('BP 130/85, heart rate 88, temperature 38.3 °C. Heart rate 120 on arrival.', source);
  const refs = report.claims.filter((claim) => claim.status === 'supported').map((claim) => claim.support[0]?.ref);
  assert.deepEqual(refs, ['vitals.systolicBP', 'vitals.heartRate', 'vitals.temperature']);
  assert.equal(report.claims.find((claim) => claim.excerpt === '120')?.status, 'contradicted');
});

test('grounding: offsets are UTF-16 code units, past emoji and combining accents', () => {
  const draft = '🩺 Note — patiente âgée (e\u0301). Right knee pain; fièvre.';
  const report = groundDraft(draft, { text: '[patient] my left knee hurts and i have a fever .' });
  const side = report.claims.find((claim) => claim.kind === 'laterality');
  assert.ok(side);
  assert.equal(side.start, draft.indexOf('Right knee'));
  assert.equal(side.end, draft.indexOf('Right knee') + 'Right knee'.length);
  assert.equal(side.status, 'contradicted');
  const fever = report.claims.find((claim) => claim.excerpt === 'fièvre');
  assert.equal(fever?.status, 'supported');
  for (const finding of report.findings) assert.equal(draft.slice(finding.start, finding.end), finding.excerpt);
});

test('grounding: findings are exactly the claims not supported, with the ungrounded-claim rule', () => {
  const report = groundDraft('Denies fever. Right knee pain for 3 days. Metformin 1000 mg. Started warfarin.', { text: '[patient] my left knee has hurt for three weeks , and i have a fever . i take metformin 500 mg .' });
  const flagged = report.claims.filter((claim) => claim.status !== 'supported');
  assert.equal(report.findings.length, flagged.length);
  assert.ok(flagged.length >= 5);
  for (const finding of report.findings) {
    assert.equal(finding.rule, 'ungrounded-claim');
    assert.match(finding.message, /not supported by the source|contradicted by the source/);
  }
});

test('grounding: an index built once gives the same report', () => {
  const source = { text: '[doctor] any chest pain ?\n[patient] no . my right ankle is swollen since tuesday .' };
  const draft = 'Denies chest pain. Left ankle swelling since Tuesday.';
  assert.deepEqual(groundDraft(draft, indexGroundingSource(source)), groundDraft(draft, source));
});

test('grounding: empty draft or empty source', () => {
  assert.deepEqual(groundDraft('', { text: 'anything' }), { claims: [], findings: [] });
  const report = groundDraft('Metformin 500 mg. Reports cough.', {});
  assert.ok(report.claims.length >= 3);
  assert.ok(report.claims.every((claim) => claim.status === 'unsupported'));
});
