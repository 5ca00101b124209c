import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNorthstationError } from '../core/errors.ts';
import { applySuggestions, type Finding, type Language } from './finding.ts';
import { findPrescriptiveOrders } from './prescriptive-order.ts';
import { scopeOf } from './text-scope.ts';
import { measureOrderGuard } from './testdata/measure.ts';
import { heldOutOrderSentences, orderSentences } from './testdata/order-sentences.ts';
import { defaultDataDir, parseCsv } from './testdata/public-sources.ts';

function assertConsistent(text: string, findings: readonly Finding[]): void {
  let previousEnd = -1;
  for (const finding of findings) {
    assert.equal(finding.rule, 'prescriptive-order');
    assert.equal(finding.excerpt, text.slice(finding.start, finding.end));
    assert.ok(finding.start >= previousEnd, 'findings are sorted and do not overlap');
    assert.ok(finding.message.length > 0);
    assert.ok(finding.suggestion !== undefined && finding.suggestion !== finding.excerpt);
    previousEnd = finding.end;
  }
}

// [name, text, excerpt, suggestion, language]
const flagged: [string, string, string, string, Language?][] = [
  ['give, dose first', 'give 2 mg morphine IV', 'give 2 mg morphine IV', 'consider giving 2 mg morphine IV — clinician to confirm'],
  ['start, capitalised', 'Start ceftriaxone 1 g IV daily.', 'Start ceftriaxone 1 g IV daily', 'Consider starting ceftriaxone 1 g IV daily — clinician to confirm'],
  ['administer', 'Administer 1 L normal saline bolus.', 'Administer 1 L normal saline bolus', 'Consider administering 1 L normal saline bolus — clinician to confirm'],
  ['increase to a dose', 'Increase metoprolol to 50 mg twice daily.', 'Increase metoprolol to 50 mg twice daily', 'Consider increasing metoprolol to 50 mg twice daily — clinician to confirm'],
  ['continue', 'Continue lisinopril 20 mg daily.', 'Continue lisinopril 20 mg daily', 'Consider continuing lisinopril 20 mg daily — clinician to confirm'],
  ['stop', 'Stop warfarin.', 'Stop warfarin', 'Consider stopping warfarin — clinician to confirm'],
  ['prohibition: avoid', 'Avoid NSAIDs.', 'Avoid NSAIDs', 'Consider avoiding NSAIDs — clinician to confirm'],
  ['prohibition: do not give', 'Do not give beta-blockers.', 'Do not give beta-blockers', 'Consider not giving beta-blockers — clinician to confirm'],
  ['patient instruction', 'Take ibuprofen 400 mg every 6 hours as needed.', 'Take ibuprofen 400 mg every 6 hours as needed', 'Consider taking ibuprofen 400 mg every 6 hours as needed — clinician to confirm'],
  ['discharge home', 'Discharge home.', 'Discharge home', 'Consider discharging home — clinician to confirm'],
  ['admit to ICU', 'Admit to ICU.', 'Admit to ICU', 'Consider admitting to ICU — clinician to confirm'],
  ['send home', 'Send home with follow-up in one week.', 'Send home with follow-up in one week', 'Consider sending home with follow-up in one week — clinician to confirm'],
  ['after a heading', 'Plan: admit to telemetry.', 'admit to telemetry', 'consider admitting to telemetry — clinician to confirm'],
  ['after a bullet and a heading', '• Medical Treatment: Increase Lasix to 80 mg daily.', 'Increase Lasix to 80 mg daily', 'Consider increasing Lasix to 80 mg daily — clinician to confirm'],
  ['conditional order', 'If pain persists, give hydromorphone 0.5 mg IV.', 'give hydromorphone 0.5 mg IV', 'consider giving hydromorphone 0.5 mg IV — clinician to confirm'],
  ['new order after reported history', 'Patient was given 2 mg morphine by EMS, give another 2 mg IV now.', 'give another 2 mg IV now', 'consider giving another 2 mg IV now — clinician to confirm'],
  ['we will', 'We will start the patient on insulin.', 'We will start the patient on insulin', 'We could start the patient on insulin — clinician to confirm'],
  ['will be admitted', 'The patient will be admitted to medicine.', 'will be admitted to medicine', 'could be admitted to medicine — clinician to confirm'],
  ['should receive', 'Patient should receive 1 g of acetaminophen.', 'should receive 1 g of acetaminophen', 'could receive 1 g of acetaminophen — clinician to confirm'],
  ['going to prescribe', 'I am going to prescribe azithromycin.', 'I am going to prescribe azithromycin', 'I could prescribe azithromycin — clinician to confirm'],
  ['I\'m prescribing', 'I\'m prescribing amoxicillin 500 mg TID.', 'I\'m prescribing amoxicillin 500 mg TID', 'I could prescribe amoxicillin 500 mg TID — clinician to confirm'],
  ['the plan is to', 'The plan is to start heparin.', 'The plan is to start heparin', 'The plan could be to start heparin — clinician to confirm'],
  ['dose line', 'Morphine 2 mg IV now.', 'Morphine 2 mg IV now', 'Suggested (clinician to confirm): Morphine 2 mg IV now'],
  ['fr: administrer', 'Administrer 2 mg de morphine IV.', 'Administrer 2 mg de morphine IV', 'Envisager d\'administrer 2 mg de morphine IV — à confirmer par le clinicien', 'fr'],
  ['fr: donner', 'donner 1 g d\'acétaminophène PO', 'donner 1 g d\'acétaminophène PO', 'envisager de donner 1 g d\'acétaminophène PO — à confirmer par le clinicien', 'fr'],
  ['fr: débuter', 'Débuter ceftriaxone 1 g IV die.', 'Débuter ceftriaxone 1 g IV die', 'Envisager de débuter ceftriaxone 1 g IV die — à confirmer par le clinicien', 'fr'],
  ['fr: cesser', 'Cesser la warfarine.', 'Cesser la warfarine', 'Envisager de cesser la warfarine — à confirmer par le clinicien', 'fr'],
  ['fr: éviter', 'Éviter les AINS.', 'Éviter les AINS', 'Envisager d\'éviter les AINS — à confirmer par le clinicien', 'fr'],
  ['fr: ne pas donner', 'Ne pas donner de bêtabloquants.', 'Ne pas donner de bêtabloquants', 'Envisager de ne pas donner de bêtabloquants — à confirmer par le clinicien', 'fr'],
  ['fr: vous-imperative', 'Donnez 4 mg d\'ondansétron IV.', 'Donnez 4 mg d\'ondansétron IV', 'Envisager de donner 4 mg d\'ondansétron IV — à confirmer par le clinicien', 'fr'],
  ['fr: congé à domicile', 'Congé à domicile.', 'Congé à domicile', 'Envisager le congé à domicile — à confirmer par le clinicien', 'fr'],
  ['fr: RAD', 'RAD avec suivi.', 'RAD avec suivi', 'Envisager le retour à domicile avec suivi — à confirmer par le clinicien', 'fr'],
  ['fr: hospitaliser', 'Hospitaliser aux soins intensifs.', 'Hospitaliser aux soins intensifs', 'Envisager d\'hospitaliser aux soins intensifs — à confirmer par le clinicien', 'fr'],
  ['fr: sera hospitalisé', 'Le patient sera hospitalisé en cardiologie.', 'sera hospitalisé en cardiologie', 'pourrait être hospitalisé en cardiologie — à confirmer par le clinicien', 'fr'],
  ['fr: on va débuter', 'On va débuter l\'insuline.', 'On va débuter l\'insuline', 'On pourrait débuter l\'insuline — à confirmer par le clinicien', 'fr'],
  ['fr: il faut administrer', 'Il faut administrer 1 L de soluté.', 'Il faut administrer 1 L de soluté', 'Il pourrait être indiqué d\'administrer 1 L de soluté — à confirmer par le clinicien', 'fr'],
  ['fr: dose line, sous-cutané is no history', 'Héparine 5000 UI sous-cutané BID.', 'Héparine 5000 UI sous-cutané BID', 'Suggestion à confirmer par le clinicien : Héparine 5000 UI sous-cutané BID', 'fr'],
];

// [name, text, language]
const notFlagged: [string, string, Language?][] = [
  ['suggestion: consider', 'Consider morphine 2 mg IV — clinician to confirm.'],
  ['suggestion: may benefit from', 'May benefit from a beta-blocker.'],
  ['suggestion: could', 'Anticoagulation could be considered if there is no contraindication.'],
  ['suggestion: suggest', 'Suggest discussing admission with the ICU team.'],
  ['suggestion: after the order', 'Discharge home may be appropriate once pain is controlled.'],
  ['history: given by EMS', 'Patient was given 2 mg morphine by EMS.'],
  ['history: takes', 'Takes metformin 500 mg BID.'],
  ['history: dose line already given', 'Morphine 4 mg IV was given at 14:00.'],
  ['history: medication list heading', 'Home medications: lisinopril 10 mg daily, atorvastatin 40 mg nightly.'],
  ['history: medication section', 'CURRENT MEDICATIONS\n\nMetoprolol 50 mg tablet. Take 1 tablet daily.'],
  ['history: a list item after "and"', 'She takes lisinopril 20 mg daily and amlodipine 10 mg daily.'],
  ['a statement about a dose', 'Stretching and ibuprofen 800 mg daily are helpful.'],
  ['quoted speech', 'Patient states "the doctor told me to stop warfarin."'],
  ['reported speech', 'She says her pharmacist told her to take ibuprofen 400 mg.'],
  ['no medication: lifestyle', 'Start physical therapy twice a week.'],
  ['no medication: monitoring', 'Continue to check her blood pressures at home.'],
  ['the noun "need"', 'This reduces the need to use the albuterol inhaler.'],
  ['lower-case "rad" is not RAD', 'Rad.', 'fr'],
  ['fr: envisager', 'Envisager la morphine 2 mg IV — à confirmer par le clinicien.', 'fr'],
  ['fr: pourrait', 'Il pourrait être raisonnable de cesser la warfarine.', 'fr'],
  ['fr: pourrait après l\'ordre', 'Éviter les AINS pourrait être envisagé.', 'fr'],
  ['fr: a reçu', 'Le patient a reçu 2 mg de morphine par les ambulanciers.', 'fr'],
  ['fr: sous warfarine', 'Sous warfarine pour une fibrillation auriculaire.', 'fr'],
  ['fr: le patient dit', 'Le patient dit : « donnez-moi de la morphine ».', 'fr'],
];

describe('findPrescriptiveOrders: flags orders phrased as instructions, with a suggestion', () => {
  for (const [name, text, excerpt, suggestion, language] of flagged) {
    test(name, () => {
      const findings = findPrescriptiveOrders(text, { language: language ?? 'en' });
      assertConsistent(text, findings);
      assert.equal(findings.length, 1, JSON.stringify(findings));
      assert.equal(findings[0]!.excerpt, excerpt);
      assert.equal(findings[0]!.suggestion, suggestion);
    });
  }
});

describe('findPrescriptiveOrders: leaves suggestions, history and speech alone', () => {
  for (const [name, text, language] of notFlagged) {
    test(name, () => assert.deepEqual(findPrescriptiveOrders(text, { language: language ?? 'en' }), []));
  }
});

test('a plan with several orders: each flagged, rewritten, and not flagged again', () => {
  const plan = 'Plan:\n- Start ceftriaxone 1 g IV daily.\n- Patient takes metformin 500 mg BID.\n- Admit to medicine.';
  const findings = findPrescriptiveOrders(plan);
  assertConsistent(plan, findings);
  assert.deepEqual(findings.map((finding) => finding.excerpt), ['Start ceftriaxone 1 g IV daily', 'Admit to medicine']);
  const rewritten = applySuggestions(plan, findings);
  assert.equal(rewritten, 'Plan:\n- Consider starting ceftriaxone 1 g IV daily — clinician to confirm.\n- Patient takes metformin 500 mg BID.\n- Consider admitting to medicine — clinician to confirm.');
  assert.deepEqual(findPrescriptiveOrders(rewritten), []);
});

test('offsets are UTF-16 code units, with accents and an emoji before the span', () => {
  const text = '😀 Éloïse : donner 1 g d\'acétaminophène.';
  const [finding] = findPrescriptiveOrders(text, { language: 'fr' });
  assert.ok(finding);
  assert.equal(finding.start, 12, '😀 counts as two code units');
  assert.equal(finding.excerpt, 'donner 1 g d\'acétaminophène');
  assert.equal(text.slice(finding.start, finding.end), finding.excerpt);
});

test('bad input is a bad_request, not a crash', () => {
  assert.throws(() => findPrescriptiveOrders(null as unknown as string), (error) => isNorthstationError(error, 'bad_request'));
  assert.throws(() => findPrescriptiveOrders('Give aspirin 325 mg.', { language: 'es' as 'en' }), (error) => isNorthstationError(error, 'bad_request'));
});

describe('labelled sentences (testdata/order-sentences.ts)', () => {
  test('the set is large enough, in both languages', () => {
    assert.ok(orderSentences.length >= 120);
    assert.ok(orderSentences.filter((sentence) => sentence.language === 'fr').length >= 40);
    for (const label of ['order', 'suggestion', 'history', 'quoted']) assert.ok(orderSentences.filter((sentence) => sentence.label === label).length >= 10, label);
  });

  test('precision and recall ≥ 0.95 overall, ≥ 0.9 per language and on the held-out part', (t) => {
    const overall = measureOrderGuard();
    t.diagnostic(`overall precision ${overall.precision.toFixed(3)} recall ${overall.recall.toFixed(3)} on ${overall.sentences}`);
    assert.ok(overall.precision >= 0.95 && overall.recall >= 0.95, JSON.stringify(overall.errors));
    for (const subset of [orderSentences.filter((s) => s.language === 'en'), orderSentences.filter((s) => s.language === 'fr'), heldOutOrderSentences]) {
      const measured = measureOrderGuard(subset);
      assert.ok(measured.precision >= 0.9 && measured.recall >= 0.9, JSON.stringify(measured.errors));
    }
  });

  test('every finding is consistent and its rewrite is not flagged again', () => {
    for (const { text, language } of orderSentences) {
      const findings = findPrescriptiveOrders(text, { language });
      assertConsistent(text, findings);
      assert.deepEqual(findPrescriptiveOrders(applySuggestions(text, findings), { language }), [], text);
    }
  });
});

test('real clinician notes (ACI-BENCH): no orders found in medication lists, rewrites stable', { skip: !existsSync(join(defaultDataDir(), 'encounters')) && 'no ../shared/data' }, (t) => {
  const dir = join(defaultDataDir(), 'encounters');
  let notes = 0;
  let planFindings = 0;
  for (const file of readdirSync(dir).filter((name) => name.startsWith('aci-bench-') && name.endsWith('.csv'))) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'));
    const column = header?.indexOf('note') ?? -1;
    for (const note of rows.map((row) => row[column] ?? '').filter((text) => text !== '')) {
      notes++;
      const findings = findPrescriptiveOrders(note);
      assertConsistent(note, findings);
      const scope = scopeOf(note);
      for (const finding of findings) assert.notEqual(scope.section(finding.start), 'medications', finding.excerpt);
      assert.deepEqual(findPrescriptiveOrders(applySuggestions(note, findings)), []);
      const plan = note.indexOf('ASSESSMENT');
      planFindings += findings.filter((finding) => plan !== -1 && finding.start > plan).length;
    }
  }
  // Real plans do order treatment; the count is information for bench/safety, not a target.
  t.diagnostic(`${notes} notes, ${planFindings} orders flagged in ASSESSMENT AND PLAN sections`);
  assert.ok(notes > 100);
});

test('sections: an inline "Plan:" line ends a medication list or a history section', () => {
  const excerpts = (text: string): string[] => findPrescriptiveOrders(text).map((f) => f.excerpt);
  assert.deepEqual(excerpts('Medications:\nmetformin 500 mg BID\nPlan: Give aspirin 325 mg'), ['Give aspirin 325 mg']);
  assert.deepEqual(excerpts('History:\n58M chest pain.\nAssessment: anterior STEMI.\nPlan: Give aspirin 325 mg PO'), ['Give aspirin 325 mg PO']);
  assert.deepEqual(excerpts('Medications:\nGive aspirin 325 mg daily\n  metformin 500 mg BID'), []);
});
