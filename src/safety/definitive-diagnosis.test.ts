import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNorthstationError } from '../core/errors.ts';
import { hedgeDiagnoses, lintDefinitiveDiagnoses, type DiagnosisLintOptions } from './definitive-diagnosis.ts';
import type { Finding } from './finding.ts';
import { diagnosisSentences, heldOutDiagnosisSentences } from './testdata/diagnosis-sentences.ts';
import { measureDiagnosisLinter } from './testdata/measure.ts';
import { defaultDataDir, parseCsv } from './testdata/public-sources.ts';

const fr: DiagnosisLintOptions = { language: 'fr' };

/** Offsets, excerpt and rule agree with the text, as every consumer of findings assumes. */
function assertConsistent(text: string, findings: readonly Finding[]): void {
  let previousEnd = -1;
  for (const finding of findings) {
    assert.equal(finding.rule, 'definitive-diagnosis');
    assert.equal(finding.excerpt, text.slice(finding.start, finding.end));
    assert.ok(finding.start >= previousEnd, 'findings are sorted and do not overlap');
    assert.ok(finding.message.length > 0);
    assert.ok(finding.suggestion !== undefined && finding.suggestion !== finding.excerpt);
    previousEnd = finding.end;
  }
}

// [name, text, excerpt, hedged suggestion, options]
const flagged: [string, string, string, string, DiagnosisLintOptions?][] = [
  ['patient has X', 'patient has pneumonia', 'patient has pneumonia', 'findings suggest possible pneumonia; clinician to confirm'],
  ['capitalised at sentence start', 'The patient has pneumonia.', 'The patient has pneumonia', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['"a"/"an" before the diagnosis', 'He has a urinary tract infection.', 'He has a urinary tract infection', 'Findings suggest a possible urinary tract infection; clinician to confirm'],
  ['clause goes on: the note goes in parentheses', 'Patient has pneumonia and will be started on antibiotics.', 'Patient has pneumonia', 'Findings suggest possible pneumonia (clinician to confirm)'],
  ['this is a STEMI', 'This is a STEMI.', 'This is a STEMI', 'Findings may be consistent with STEMI; clinician to confirm'],
  ['Diagnosis: label', 'Diagnosis: pulmonary embolism.', 'Diagnosis: pulmonary embolism', 'Possible diagnosis: pulmonary embolism (clinician to confirm)'],
  ['consistent with and confirms', 'Lactate of 4.2 is consistent with and confirms sepsis.', 'is consistent with and confirms sepsis', 'may be consistent with sepsis; clinician to confirm'],
  ['X-ray shows', 'X-ray shows a fracture.', 'X-ray shows a fracture', 'X-ray may show a fracture; clinician to confirm'],
  ['complement kept whole', 'Chest X-ray shows a displaced fracture of the distal radius.', 'Chest X-ray shows a displaced fracture of the distal radius', 'Chest X-ray may show a displaced fracture of the distal radius; clinician to confirm'],
  ['confirms, with its test', 'Ultrasound confirms acute cholecystitis.', 'Ultrasound confirms acute cholecystitis', 'Ultrasound may be consistent with acute cholecystitis; clinician to confirm'],
  ['bare "consistent with"', 'CXR: RLL consolidation consistent with pneumonia.', 'consistent with pneumonia', 'possibly consistent with pneumonia; clinician to confirm'],
  ['adjective', 'The patient is septic.', 'The patient is septic', 'The patient may be septic; clinician to confirm'],
  ['diagnosed with', 'She was diagnosed with deep vein thrombosis of the left leg.', 'was diagnosed with deep vein thrombosis of the left leg', 'may have deep vein thrombosis of the left leg; clinician to confirm'],
  ['Impression: label', 'Impression: acute ischemic stroke.', 'Impression: acute ischemic stroke', 'Impression: possible acute ischemic stroke (clinician to confirm)'],
  ['numbered impression', 'IMPRESSION:\n1. Right lower lobe pneumonia.\n2. No effusion.', 'IMPRESSION:\n1. Right lower lobe pneumonia', 'IMPRESSION:\n1. Possible right lower lobe pneumonia (clinician to confirm)'],
  ['assessment holding an inner assertion', 'Assessment: 45-year-old man with pneumonia.', 'man with pneumonia', 'man with possible pneumonia (clinician to confirm)'],
  ['confirmed after the diagnosis', 'Appendicitis confirmed on CT.', 'Appendicitis confirmed', 'Appendicitis suggested (clinician to confirm)'],
  ['rhythm is', 'The rhythm is ventricular tachycardia.', 'The rhythm is ventricular tachycardia', 'The rhythm may be consistent with ventricular tachycardia; clinician to confirm'],
  ['head noun generalises', 'The patient has Kawasaki disease.', 'The patient has Kawasaki disease', 'Findings suggest possible Kawasaki disease; clinician to confirm'],
  ['suffix generalises', 'The patient has costochondritis.', 'The patient has costochondritis', 'Findings suggest possible costochondritis; clinician to confirm'],
  ['injury participle', 'She has a fractured wrist.', 'She has a fractured wrist', 'Findings suggest a possible fractured wrist; clinician to confirm'],
  ['capitalised abbreviation', 'CT shows a PE.', 'CT shows a PE', 'CT may show a PE; clinician to confirm'],
  ['source mentions the condition only in doubt', 'Patient has type 2 diabetes.', 'Patient has type 2 diabetes', 'Findings suggest possible type 2 diabetes; clinician to confirm', { source: '[patient] I do not have diabetes, I think. My blood pressure is high.' }],
  // Certainty phrases are not negation or hedging, and the rewrite swallows them.
  ['certainty: has no doubt', 'Patient has no doubt pneumonia.', 'Patient has no doubt pneumonia', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['certainty: without doubt, swallowed', 'Without doubt the patient has pneumonia.', 'Without doubt the patient has pneumonia', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['certainty: no question that', 'There is no question that he has pneumonia.', 'There is no question that he has pneumonia', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['certainty: trailing no doubt', 'Pneumonia, no doubt.', 'Pneumonia, no doubt', 'Possible pneumonia (clinician to confirm)'],
  ['certainty: it is certain that, swallowed', 'It is certain that this is a STEMI.', 'It is certain that this is a STEMI', 'Findings may be consistent with STEMI; clinician to confirm'],
  ['certainty: undoubtedly, swallowed', 'Undoubtedly, the patient has pneumonia.', 'Undoubtedly, the patient has pneumonia', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['certainty: (confirmed) swallowed', 'Patient has pneumonia (confirmed).', 'Patient has pneumonia (confirmed)', 'Findings suggest possible pneumonia; clinician to confirm'],
  ['fr: certainty: sans aucun doute', 'Le patient a sans aucun doute une pneumonie.', 'Le patient a sans aucun doute une pneumonie', 'Les constats évoquent une possible pneumonie; à confirmer par le clinicien', fr],
  ['fr: certainty: certainement', 'Le patient a certainement une pneumonie.', 'Le patient a certainement une pneumonie', 'Les constats évoquent une possible pneumonie; à confirmer par le clinicien', fr],
  ['fr: certainty: trailing sans aucun doute', 'Pneumonie, sans aucun doute.', 'Pneumonie, sans aucun doute', 'Pneumonie possible (à confirmer par le clinicien)', fr],
  // Missed phrasings: test labels, "there is", "positive for", A/P, a current clause after history.
  ['imaging label: CT', 'CT: acute appendicitis.', 'CT: acute appendicitis', 'CT: possible acute appendicitis (clinician to confirm)'],
  ['imaging label: CXR', 'CXR: right lower lobe pneumonia.', 'CXR: right lower lobe pneumonia', 'CXR: possible right lower lobe pneumonia (clinician to confirm)'],
  ['there is a', 'There is a right-sided pneumothorax.', 'There is a right-sided pneumothorax', 'There may be a right-sided pneumothorax; clinician to confirm'],
  ['positive for, with its test', 'CT angiogram positive for pulmonary embolism', 'CT angiogram positive for pulmonary embolism', 'CT angiogram may be consistent with pulmonary embolism; clinician to confirm'],
  ['tested positive for', 'He tested positive for COVID-19', 'tested positive for COVID-19', 'had a test result possibly consistent with COVID-19; clinician to confirm'],
  ['A/P label', 'A/P: Pneumonia.', 'A/P: Pneumonia', 'A/P: Possible pneumonia (clinician to confirm)'],
  ['current clause after history', 'He has a history of pneumonia and now has a pneumothorax.', 'and now has a pneumothorax', 'and may have a pneumothorax; clinician to confirm'],
  ['fr: le patient a une pneumonie', 'le patient a une pneumonie', 'le patient a une pneumonie', 'les constats évoquent une possible pneumonie; à confirmer par le clinicien', fr],
  ['fr: masculine term', 'Il fait un AVC.', 'Il fait un AVC', 'Les constats évoquent un possible AVC; à confirmer par le clinicien', fr],
  ['fr: "souffre d\'", gender from the lexicon', 'Il souffre d\'insuffisance cardiaque décompensée.', 'Il souffre d\'insuffisance cardiaque décompensée', 'Les constats évoquent une possible insuffisance cardiaque décompensée; à confirmer par le clinicien', fr],
  ['fr: diagnostic :', 'Diagnostic : embolie pulmonaire.', 'Diagnostic : embolie pulmonaire', 'Diagnostic possible : embolie pulmonaire (à confirmer par le clinicien)', fr],
  ['fr: il s\'agit d\'un', 'Il s\'agit d\'un STEMI.', 'Il s\'agit d\'un STEMI', 'Les constats pourraient être compatibles avec un STEMI; à confirmer par le clinicien', fr],
  ['fr: la radiographie montre', 'La radiographie montre une fracture du radius distal.', 'La radiographie montre une fracture du radius distal', 'La radiographie pourrait montrer une fracture du radius distal; à confirmer par le clinicien', fr],
  ['fr: diagnostiqué avec', 'Le patient a été diagnostiqué avec une thrombose veineuse profonde.', 'a été diagnostiqué avec une thrombose veineuse profonde', 'pourrait avoir une thrombose veineuse profonde; à confirmer par le clinicien', fr],
  ['fr: adjective', 'Le patient est septique.', 'Le patient est septique', 'Le patient pourrait être septique; à confirmer par le clinicien', fr],
  ['fr: "sans" inside the diagnosis is no negation', 'Diagnostic : infarctus sans élévation du segment ST.', 'Diagnostic : infarctus sans élévation du segment ST', 'Diagnostic possible : infarctus sans élévation du segment ST (à confirmer par le clinicien)', fr],
  ['fr: accents left out', 'Le patient a une pyelonephrite.', 'Le patient a une pyelonephrite', 'Les constats évoquent une possible pyelonephrite; à confirmer par le clinicien', fr],
];

// [name, text, options]
const notFlagged: [string, string, DiagnosisLintOptions?][] = [
  ['hedged: possible', 'Possible pneumonia in the right lower lobe.'],
  ['hedged: cannot exclude', 'Cannot exclude a pulmonary embolism.'],
  ['hedged: differential includes', 'Differential includes pneumonia and heart failure.'],
  ['hedged: differential diagnosis label', 'Differential diagnosis: pulmonary embolism versus pneumonia.'],
  ['hedged: likely', 'This is likely a STEMI.'],
  ['hedged: may', 'The X-ray may show a subtle fracture.'],
  ['hedged: ?pneumonia', '?pneumonia on the left.'],
  ['hedged: question', 'The patient has pneumonia?'],
  ['hedged: "or" after the diagnosis', 'The patient has pneumonia or bronchitis.'],
  ['hedged: already rewritten', 'Findings suggest possible pneumonia; clinician to confirm.'],
  ['negated: no evidence of', 'No evidence of pneumothorax.'],
  ['negated: shows no', 'The X-ray shows no fracture.'],
  ['negated: ruled out after', 'Pulmonary embolism was ruled out.'],
  ['negated: is not a', 'This is not a STEMI.'],
  ['negated: does not have', 'The patient does not have pneumonia.'],
  ['history: history of', 'History of type 2 diabetes.'],
  ['history: known', 'Known diabetic on metformin.'],
  ['history: dated', 'He had a stroke in 2019.'],
  ['history: section', 'PAST MEDICAL HISTORY\nThe patient has hypertension.'],
  ['family history', 'His mother has breast cancer.'],
  ['quoted speech', 'The patient states "I have pneumonia."'],
  ['reported speech', 'Patient reports that she has fibromyalgia.'],
  ['source states it as history', 'Patient has type 2 diabetes.', { source: '[patient] I have diabetes, I take metformin for it.' }],
  ['source says "my …"', 'She has asthma.', { source: '[patient] my asthma is worse at night.' }],
  ['symptoms are not diagnoses', 'Patient has chest pain and a fever.'],
  ['lower-case "pe" is not PE', 'He has pe class on Mondays.'],
  ['negative for', 'CT angiogram negative for pulmonary embolism.'],
  ['positive for a symptom', 'ROS: positive for cough and fever.'],
  ['no doubt about something else', 'Patient has no doubt about the plan.'],
  ['"not confirmed" stays a hedge', 'Pneumonia not confirmed.'],
  ['trailing hedge after a comma', 'Patient has pneumonia, which is unlikely.'],
  ['fr: "sans doute" means probably', 'Le patient a sans doute une pneumonie.', fr],
  ['fr: trailing hedge after a comma', 'Le patient a une pneumonie, à confirmer.', fr],
  ['fr: suspicion de', 'Suspicion d\'embolie pulmonaire.', fr],
  ['fr: à exclure', 'Appendicite à exclure.', fr],
  ['fr: évoque', 'Le tableau évoque une cholécystite.', fr],
  ['fr: diagnostic différentiel', 'Diagnostic différentiel : pneumonie ou bronchite.', fr],
  ['fr: pas de', 'Pas de pneumothorax.', fr],
  ['fr: n\'a pas', 'Il n\'a pas de pneumonie.', fr],
  ['fr: antécédents de', 'Antécédents de diabète de type 2.', fr],
  ['fr: le patient dit', 'Le patient dit qu\'il a une pneumonie.', fr],
  ['fr: guillemets', '« J\'ai une pneumonie », dit-il.', fr],
  ['fr: source "j\'ai le diabète"', 'Le patient a un diabète de type 2.', { language: 'fr', source: '[patient] J\'ai le diabète depuis dix ans.' }],
];

describe('lintDefinitiveDiagnoses: flags a diagnosis asserted as fact, with a hedged rewrite', () => {
  for (const [name, text, excerpt, suggestion, options] of flagged) {
    test(name, () => {
      const findings = lintDefinitiveDiagnoses(text, options);
      assertConsistent(text, findings);
      assert.equal(findings.length, 1, JSON.stringify(findings));
      assert.equal(findings[0]!.excerpt, excerpt);
      assert.equal(findings[0]!.suggestion, suggestion);
    });
  }
});

describe('lintDefinitiveDiagnoses: leaves alone what the note does not assert', () => {
  for (const [name, text, options] of notFlagged) {
    test(name, () => assert.deepEqual(lintDefinitiveDiagnoses(text, options), []));
  }
});

test('hedgeDiagnoses rewrites every definitive diagnosis of a note and nothing else', () => {
  const note = 'HPI: 67-year-old man with cough.\nHe has community-acquired pneumonia. No evidence of pneumothorax. History of type 2 diabetes. CT shows a pulmonary embolism.\nPlan: antibiotics.';
  const result = hedgeDiagnoses(note);
  assertConsistent(note, result.findings);
  assert.deepEqual(result.findings.map((finding) => finding.excerpt), ['He has community-acquired pneumonia', 'CT shows a pulmonary embolism']);
  assert.equal(result.text, 'HPI: 67-year-old man with cough.\nFindings suggest possible community-acquired pneumonia; clinician to confirm. No evidence of pneumothorax. History of type 2 diabetes. CT may show a pulmonary embolism; clinician to confirm.\nPlan: antibiotics.');
  assert.deepEqual(lintDefinitiveDiagnoses(result.text), [], 'the rewrite is not flagged again');
});

test('offsets are UTF-16 code units, with accents and an emoji before the span', () => {
  const text = '😀 Éloïse, 34 ans — la patiente a une pneumonie.';
  const [finding] = lintDefinitiveDiagnoses(text, fr);
  assert.ok(finding);
  assert.equal(finding.start, text.indexOf('la patiente'));
  assert.equal(finding.start, 20, '😀 counts as two code units');
  assert.equal(finding.excerpt, 'la patiente a une pneumonie');
  assert.equal(text.slice(finding.start, finding.end), finding.excerpt);
});

test('bad input is a bad_request, not a crash', () => {
  assert.throws(() => lintDefinitiveDiagnoses(42 as unknown as string), (error) => isNorthstationError(error, 'bad_request'));
  assert.throws(() => lintDefinitiveDiagnoses('text', { language: 'de' as 'en' }), (error) => isNorthstationError(error, 'bad_request'));
});

describe('labelled sentences (testdata/diagnosis-sentences.ts)', () => {
  test('the set is large and balanced enough to measure', () => {
    const count = (predicate: (label: string, language: string) => boolean): number => diagnosisSentences.filter((sentence) => predicate(sentence.label, sentence.language)).length;
    assert.ok(diagnosisSentences.length >= 300);
    assert.ok(count((_, language) => language === 'fr') >= 60);
    for (const label of ['definitive', 'hedged', 'negated', 'historical']) assert.ok(count((other) => other === label) >= 50, label);
    assert.ok(count((label) => label === 'quoted') >= 20);
  });

  test('precision and recall ≥ 0.95 overall, ≥ 0.9 per language and on the held-out part', (t) => {
    const overall = measureDiagnosisLinter();
    t.diagnostic(`overall precision ${overall.precision.toFixed(3)} recall ${overall.recall.toFixed(3)} on ${overall.sentences}`);
    assert.ok(overall.precision >= 0.95 && overall.recall >= 0.95, JSON.stringify(overall.errors));
    for (const subset of [diagnosisSentences.filter((s) => s.language === 'en'), diagnosisSentences.filter((s) => s.language === 'fr'), heldOutDiagnosisSentences]) {
      const measured = measureDiagnosisLinter(subset);
      assert.ok(measured.precision >= 0.9 && measured.recall >= 0.9, JSON.stringify(measured.errors));
    }
  });

  test('every finding is consistent and its rewrite is not flagged again', () => {
    for (const { text, language, source } of diagnosisSentences) {
      const options = { language, ...(source === undefined ? {} : { source }) };
      const result = hedgeDiagnoses(text, options);
      assertConsistent(text, result.findings);
      assert.deepEqual(lintDefinitiveDiagnoses(result.text, options), [], text);
    }
  });
});

/** The clinicians' notes of ACI-BENCH (../shared/data, read at test time, never copied). */
function aciBenchNotes(): { note: string; dialogue: string }[] {
  const dir = join(defaultDataDir(), 'encounters');
  const notes: { note: string; dialogue: string }[] = [];
  for (const file of readdirSync(dir).filter((name) => name.startsWith('aci-bench-') && name.endsWith('.csv'))) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'));
    const noteColumn = header?.indexOf('note') ?? -1;
    const dialogueColumn = header?.indexOf('dialogue') ?? -1;
    for (const row of rows) notes.push({ note: row[noteColumn] ?? '', dialogue: row[dialogueColumn] ?? '' });
  }
  return notes.filter(({ note }) => note !== '');
}

test('real clinician notes (ACI-BENCH): consistent findings, and no wild firing in ASSESSMENT AND PLAN', { skip: !existsSync(join(defaultDataDir(), 'encounters')) && 'no ../shared/data' }, (t) => {
  let sentences = 0;
  let flaggedSentences = 0;
  for (const { note, dialogue } of aciBenchNotes()) {
    const result = hedgeDiagnoses(note, { source: dialogue });
    assertConsistent(note, result.findings);
    assert.deepEqual(lintDefinitiveDiagnoses(result.text, { source: dialogue }), []);
    const plan = note.indexOf('ASSESSMENT');
    if (plan === -1) continue;
    for (const sentence of note.slice(plan).split(/(?<=[.!?])\s+|\n+/).filter((line) => line.trim().length > 3)) {
      sentences++;
      if (lintDefinitiveDiagnoses(sentence, { source: dialogue }).length > 0) flaggedSentences++;
    }
  }
  // Real notes do assert diagnoses; this is information, with a ceiling against runaway firing.
  const rate = flaggedSentences / sentences;
  t.diagnostic(`ASSESSMENT AND PLAN sentences flagged: ${flaggedSentences} / ${sentences} (${(rate * 100).toFixed(1)} %)`);
  assert.ok(sentences > 1000);
  assert.ok(rate < 0.1, `fire rate ${rate}`);
});

describe('sections: a "History:" heading covers only its own lines', () => {
  const excerpts = (text: string, options?: DiagnosisLintOptions): string[] => lintDefinitiveDiagnoses(text, options).map((f) => f.excerpt);
  test('an inline "Assessment:" line ends the history section', () => {
    assert.deepEqual(excerpts('History:\n58M chest pain.\nAssessment: This is an anterior STEMI.\nPlan: Give aspirin 325 mg PO'), ['This is an anterior STEMI']);
  });
  test('a blank line ends the history section', () => {
    assert.deepEqual(excerpts('History:\nHe has pneumonia.\n\nHe has pneumonia.'), ['He has pneumonia']);
  });
  test('an inline "PMH:" label covers its own line only', () => {
    assert.deepEqual(excerpts('PMH: he has COPD.\nHe has pneumonia.'), ['He has pneumonia']);
    assert.deepEqual(excerpts('PMH: he has COPD.'), []);
  });
  test('"Interval history" is current, and "now has" inside a history section is current', () => {
    assert.deepEqual(excerpts('Interval history:\nThe patient now has pneumonia.'), ['The patient now has pneumonia']);
    assert.deepEqual(excerpts('History:\nHe now has pneumonia.'), ['He now has pneumonia']);
    assert.deepEqual(excerpts('ANTÉCÉDENTS :\nIl a maintenant une pneumonie.', fr), ['Il a maintenant une pneumonie']);
  });
  test('the history section itself is still history', () => {
    assert.deepEqual(excerpts('Past medical history:\nHe had pneumonia.\nHe has type 2 diabetes.'), []);
    assert.deepEqual(excerpts('PAST MEDICAL HISTORY\n\nHe has type 2 diabetes.\n'), []);
  });
});
