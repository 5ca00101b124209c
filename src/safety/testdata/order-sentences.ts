/**
 * Labelled sentences for the prescriptive-order guard, written for this project (no patient
 * data). 'order' sentences must be flagged; 'suggestion', 'history' and 'quoted' must not.
 * Prohibitions ("avoid NSAIDs", "do not give …") are orders: they change treatment.
 *
 * As for the diagnosis set, the held-out part was written with the rest and measured only once
 * the guard was done.
 */
import type { Language } from '../finding.ts';

export type OrderLabel = 'order' | 'suggestion' | 'history' | 'quoted';

export interface OrderSentence {
  text: string;
  language: Language;
  label: OrderLabel;
}

const group = (language: Language, label: OrderLabel, texts: readonly string[]): OrderSentence[] =>
  texts.map((text) => ({ text, language, label }));

export const developmentOrderSentences: readonly OrderSentence[] = [
  ...group('en', 'order', [
    'Give 2 mg morphine IV.',
    'Start ceftriaxone 1 g IV daily.',
    'Administer 1 L normal saline bolus.',
    'Increase metoprolol to 50 mg twice daily.',
    'Discharge home.',
    'Admit to ICU.',
    'Send home with follow-up in one week.',
    'Stop warfarin.',
    'Avoid NSAIDs.',
    'Do not give beta-blockers.',
    'Hold lisinopril tonight.',
    'Discontinue amoxicillin.',
    'Continue lisinopril 20 mg daily.',
    'Begin heparin infusion per protocol.',
    'Initiate meloxicam 15 mg once a day.',
    'Push 4 mg ondansetron IV.',
    'Prescribe amoxicillin 500 mg three times daily for 7 days.',
    'Give aspirin 325 mg PO now.',
    'Decrease furosemide to 20 mg daily.',
    'Titrate norepinephrine to a MAP above 65.',
    'We will start the patient on insulin.',
    'The patient will be admitted to medicine.',
    'Patient should receive 1 g of acetaminophen.',
    'Morphine 2 mg IV now.',
    'Ceftriaxone 1 g IV q24h.',
    'Plan: admit to telemetry.',
    'Transfer to the ICU.',
    'I am going to prescribe azithromycin.',
    'Load with 600 mg clopidogrel.',
    'He needs to be started on antibiotics.',
  ]),
  ...group('fr', 'order', [
    'Administrer 2 mg de morphine IV.',
    'Donner 1 g d\'acétaminophène PO.',
    'Débuter ceftriaxone 1 g IV die.',
    'Cesser la warfarine.',
    'Congé à domicile.',
    'Hospitaliser aux soins intensifs.',
    'Augmenter le métoprolol à 50 mg BID.',
    'Éviter les AINS.',
    'Ne pas donner de bêtabloquants.',
    'Poursuivre le lisinopril 20 mg die.',
    'Le patient sera hospitalisé en cardiologie.',
    'On va débuter l\'insuline.',
  ]),
  ...group('en', 'suggestion', [
    'Consider morphine 2 mg IV — clinician to confirm.',
    'Consider starting ceftriaxone 1 g IV daily.',
    'May benefit from a beta-blocker.',
    'Could consider increasing metoprolol to 50 mg.',
    'Suggest discussing admission with the ICU team.',
    'Suggested (clinician to confirm): discharge home.',
    'The clinician may wish to start anticoagulation.',
    'Anticoagulation could be considered if there is no contraindication.',
    'Consider admission to telemetry.',
    'Consider avoiding NSAIDs given the kidney function.',
    'Discharge home may be appropriate once pain is controlled.',
    'It may be reasonable to hold lisinopril.',
    'Morphine could be considered for pain.',
    'Might benefit from admission for observation.',
    'Clinician to consider a heparin infusion.',
  ]),
  ...group('fr', 'suggestion', [
    'Envisager la morphine 2 mg IV — à confirmer par le clinicien.',
    'À considérer : débuter la ceftriaxone.',
    'Pourrait bénéficier d\'un bêtabloquant.',
    'Il pourrait être raisonnable de cesser la warfarine.',
    'Une hospitalisation pourrait être envisagée.',
    'Éviter les AINS pourrait être envisagé.',
  ]),
  ...group('en', 'history', [
    'Patient was given 2 mg morphine by EMS.',
    'Takes metformin 500 mg BID.',
    'She is on warfarin for atrial fibrillation.',
    'Home medications: lisinopril 10 mg daily, atorvastatin 40 mg nightly.',
    'He stopped taking his warfarin last week.',
    'Morphine 4 mg IV was given at 14:00.',
    'She took two tablets of ibuprofen this morning.',
    'Paramedics administered aspirin 325 mg prior to arrival.',
    'She was discharged home after her last admission.',
    'Currently taking apixaban 5 mg twice daily.',
    'Her family doctor increased the lisinopril to 20 mg last month.',
    'Received 2 L of normal saline en route.',
  ]),
  ...group('fr', 'history', [
    'Le patient a reçu 2 mg de morphine par les ambulanciers.',
    'Prend de la metformine 500 mg BID.',
    'Sous warfarine pour une fibrillation auriculaire.',
    'Médicaments actuels : lisinopril 10 mg die.',
    'Elle a cessé la warfarine la semaine dernière.',
  ]),
  ...group('en', 'quoted', [
    'Patient states "the doctor told me to stop warfarin."',
    'She says her pharmacist told her to take ibuprofen 400 mg.',
    '"Give me something for the pain," he said.',
    'He reports that the nurse said to increase his insulin.',
    '"Just give me morphine," the patient demanded.',
  ]),
  ...group('fr', 'quoted', [
    'Le patient dit : « donnez-moi de la morphine ».',
    'La patiente rapporte que son médecin lui a dit de cesser la warfarine.',
    '« On m\'a dit de prendre de l\'ibuprofène », dit-elle.',
  ]),
];

export const heldOutOrderSentences: readonly OrderSentence[] = [
  ...group('en', 'order', [
    'Give 1 g of tranexamic acid IV over 10 minutes.',
    'Start azithromycin 500 mg PO daily for 3 days.',
    'Restart apixaban tomorrow.',
    'Add amlodipine 5 mg daily.',
    'Switch to oral amoxicillin.',
    'Discharge to home today.',
    'Administer epinephrine 0.5 mg IM.',
    'Please give 5 mg of metoprolol IV.',
    'Avoid ibuprofen given the kidney injury.',
    'Do not restart warfarin.',
    'Refer to cardiology.',
    'Ondansetron 4 mg IV q8h PRN nausea.',
    'If pain persists, give hydromorphone 0.5 mg IV.',
    'Taper prednisone over two weeks.',
    'We\'ll increase the furosemide to 40 mg twice daily.',
    'The patient should be admitted to the stepdown unit.',
    'Start oxygen at 2 L by nasal cannula.',
    'Increase Lasix to 80 mg daily.',
  ]),
  ...group('fr', 'order', [
    'Donnez 4 mg d\'ondansétron IV.',
    'Retour à domicile avec suivi en clinique.',
    'Prescrire amoxicilline 500 mg TID pour 7 jours.',
    'Il doit recevoir 1 L de soluté.',
    'Suspendre la metformine.',
    'Transférer aux soins intensifs.',
    'Commencer l\'héparine selon le protocole.',
    'Ne pas administrer d\'AINS.',
  ]),
  ...group('en', 'suggestion', [
    'Options include amoxicillin or doxycycline.',
    'A trial of salbutamol could be helpful.',
    'Consider stopping warfarin before the procedure.',
    'Recommend considering a statin.',
    'Consider transfer to ICU if pressures fall.',
    'Potential option: ondansetron 4 mg IV for nausea.',
    'A short course of prednisone might help.',
    'Suggest clinician review of the insulin dose.',
  ]),
  ...group('fr', 'suggestion', [
    'On pourrait considérer d\'augmenter le métoprolol.',
    'Le clinicien pourrait envisager un transfert aux soins intensifs.',
    'L\'ajout d\'amlodipine serait à considérer.',
    'Possiblement débuter un antibiotique, à confirmer.',
  ]),
  ...group('en', 'history', [
    'Was started on amoxicillin by his family doctor.',
    'He was admitted to the ICU in 2019.',
    'Previously on metoprolol, discontinued due to bradycardia.',
    'Medications: metformin 1000 mg BID.',
    'Has been on prednisone 10 mg daily for a year.',
    'He uses salbutamol as needed.',
    'Nitroglycerin spray was used at home without relief.',
    'Had a dose of ondansetron at the walk-in clinic.',
  ]),
  ...group('fr', 'history', [
    'A été hospitalisé aux soins intensifs en 2019.',
    'Les ambulanciers ont administré de l\'aspirine 325 mg avant l\'arrivée.',
    'Il prend de l\'ibuprofène au besoin.',
    'A reçu 1 g de ceftriaxone à l\'urgence.',
  ]),
  ...group('en', 'quoted', [
    'Patient says: "they sent me home last time."',
    'The patient reports being told to avoid NSAIDs.',
    'Per patient, "my doctor said to double the metformin."',
  ]),
  ...group('fr', 'quoted', [
    'Selon le patient, il faut augmenter son insuline.',
    'Elle dit qu\'on lui a prescrit de l\'amoxicilline.',
  ]),
];

export const orderSentences: readonly OrderSentence[] = [...developmentOrderSentences, ...heldOutOrderSentences];
