/**
 * Words of medication orders and dispositions, for the prescriptive-order guard. Clinicians
 * extend these lists; the guard compiles them at start-up. Matching is whole-word,
 * case-insensitive and accent-tolerant; capitalised abbreviations of three characters or fewer
 * ("ASA", "NS", "O2") match with exact case only.
 */
import type { Language } from '../finding.ts';
import type { CueList } from './assertion-cues.ts';

/** Medications, classes and treatments a draft might order. */
export const medications: Record<Language, readonly string[]> = {
  en: [
    'acetaminophen', 'paracetamol', 'Tylenol', 'ibuprofen', 'Advil', 'Motrin', 'naproxen', 'ketorolac', 'Toradol', 'meloxicam', 'aspirin', 'ASA', 'celecoxib', 'NSAID', 'NSAIDs',
    'morphine', 'hydromorphone', 'Dilaudid', 'fentanyl', 'oxycodone', 'Percocet', 'hydrocodone', 'Norco', 'tramadol', 'codeine', 'opioid', 'opioids', 'analgesia', 'pain medication', 'pain medications', 'naloxone', 'Narcan',
    'ondansetron', 'Zofran', 'metoclopramide', 'dimenhydrinate', 'Gravol', 'prochlorperazine', 'antiemetic', 'antiemetics',
    'nitroglycerin', 'NTG', 'furosemide', 'Lasix', 'hydrochlorothiazide', 'HCTZ', 'spironolactone', 'diuretic', 'diuretics',
    'metoprolol', 'atenolol', 'bisoprolol', 'carvedilol', 'propranolol', 'labetalol', 'beta-blocker', 'beta-blockers', 'beta blocker', 'beta blockers',
    'lisinopril', 'ramipril', 'enalapril', 'perindopril', 'ACE inhibitor', 'losartan', 'valsartan', 'candesartan', 'amlodipine', 'nifedipine', 'diltiazem', 'verapamil', 'digoxin', 'amiodarone', 'adenosine',
    'warfarin', 'Coumadin', 'apixaban', 'Eliquis', 'rivaroxaban', 'Xarelto', 'dabigatran', 'edoxaban', 'heparin', 'enoxaparin', 'Lovenox', 'anticoagulation', 'anticoagulant', 'anticoagulants', 'clopidogrel', 'Plavix', 'ticagrelor', 'alteplase', 'tPA', 'tenecteplase', 'thrombolysis', 'thrombolytics',
    'atorvastatin', 'rosuvastatin', 'simvastatin', 'statin', 'metformin', 'insulin', 'glipizide', 'gliclazide', 'sitagliptin', 'empagliflozin', 'dapagliflozin', 'semaglutide', 'levothyroxine', 'Synthroid',
    'prednisone', 'prednisolone', 'dexamethasone', 'Decadron', 'methylprednisolone', 'Solu-Medrol', 'hydrocortisone', 'steroids', 'corticosteroids',
    'salbutamol', 'Ventolin', 'albuterol', 'ipratropium', 'Atrovent', 'fluticasone', 'budesonide', 'montelukast', 'nebulizer', 'nebulized', 'inhaler',
    'epinephrine', 'adrenaline', 'EpiPen', 'norepinephrine', 'vasopressin', 'dopamine', 'dobutamine', 'phenylephrine', 'vasopressors', 'pressors',
    'lorazepam', 'Ativan', 'diazepam', 'Valium', 'midazolam', 'haloperidol', 'Haldol', 'olanzapine', 'quetiapine', 'ketamine', 'propofol', 'benzodiazepine', 'benzodiazepines', 'sedation',
    'amoxicillin', 'amoxicillin-clavulanate', 'Augmentin', 'ampicillin', 'penicillin', 'piperacillin-tazobactam', 'cefazolin', 'ceftriaxone', 'cephalexin', 'Keflex', 'cefuroxime', 'azithromycin', 'Zithromax', 'clarithromycin', 'doxycycline', 'ciprofloxacin', 'Cipro', 'levofloxacin', 'moxifloxacin', 'metronidazole', 'Flagyl', 'vancomycin', 'clindamycin', 'nitrofurantoin', 'Macrobid', 'trimethoprim-sulfamethoxazole', 'TMP-SMX', 'Bactrim', 'Septra', 'gentamicin', 'meropenem', 'antibiotic', 'antibiotics', 'IV antibiotics',
    'acyclovir', 'valacyclovir', 'oseltamivir', 'Tamiflu', 'fluconazole', 'antivirals',
    'pantoprazole', 'Protonix', 'omeprazole', 'famotidine', 'sucralfate', 'lactulose', 'PPI',
    'potassium', 'potassium chloride', 'KCl', 'magnesium', 'magnesium sulfate', 'calcium', 'calcium gluconate', 'sodium bicarbonate', 'bicarbonate', 'thiamine', 'dextrose', 'D50', 'glucagon', 'glucose',
    'fluids', 'IV fluids', 'normal saline', 'NS', 'saline', 'lactated Ringer\'s', 'Ringer\'s lactate', 'crystalloid', 'bolus', 'blood transfusion', 'packed red blood cells', 'PRBC', 'PRBCs', 'platelets', 'plasma', 'transfusion',
    'oxygen', 'O2', 'tetanus', 'tetanus booster', 'Td', 'Tdap', 'vaccine', 'immunization',
    'gabapentin', 'pregabalin', 'cyclobenzaprine', 'colchicine', 'allopurinol', 'methotrexate', 'sertraline', 'fluoxetine', 'citalopram', 'escitalopram', 'bupropion', 'trazodone', 'lithium', 'levetiracetam', 'phenytoin', 'sumatriptan', 'diphenhydramine', 'Benadryl', 'cetirizine', 'loratadine', 'antihistamine',
  ],
  fr: [
    'acétaminophène', 'paracétamol', 'Tylenol', 'ibuprofène', 'Advil', 'naproxène', 'kétorolac', 'méloxicam', 'aspirine', 'AAS', 'célécoxib', 'AINS', 'anti-inflammatoire', 'anti-inflammatoires',
    'morphine', 'hydromorphone', 'Dilaudid', 'fentanyl', 'oxycodone', 'tramadol', 'codéine', 'opioïde', 'opioïdes', 'analgésie', 'analgésique', 'analgésiques', 'naloxone',
    'ondansétron', 'Zofran', 'métoclopramide', 'dimenhydrinate', 'Gravol', 'prochlorpérazine', 'antiémétique',
    'nitroglycérine', 'furosémide', 'Lasix', 'hydrochlorothiazide', 'spironolactone', 'diurétique', 'diurétiques',
    'métoprolol', 'aténolol', 'bisoprolol', 'carvédilol', 'propranolol', 'labétalol', 'bêtabloquant', 'bêtabloquants', 'bêta-bloquant', 'bêta-bloquants',
    'lisinopril', 'ramipril', 'énalapril', 'périndopril', 'IECA', 'losartan', 'valsartan', 'candésartan', 'amlodipine', 'nifédipine', 'diltiazem', 'vérapamil', 'digoxine', 'amiodarone', 'adénosine',
    'warfarine', 'Coumadin', 'apixaban', 'Eliquis', 'rivaroxaban', 'Xarelto', 'dabigatran', 'édoxaban', 'héparine', 'énoxaparine', 'Lovenox', 'anticoagulation', 'anticoagulant', 'anticoagulants', 'clopidogrel', 'Plavix', 'ticagrélor', 'altéplase', 'ténectéplase', 'thrombolyse',
    'atorvastatine', 'rosuvastatine', 'simvastatine', 'statine', 'metformine', 'insuline', 'glipizide', 'gliclazide', 'sitagliptine', 'empagliflozine', 'dapagliflozine', 'sémaglutide', 'lévothyroxine', 'Synthroid',
    'prednisone', 'prednisolone', 'dexaméthasone', 'méthylprednisolone', 'hydrocortisone', 'corticostéroïdes', 'corticothérapie', 'stéroïdes',
    'salbutamol', 'Ventolin', 'ipratropium', 'Atrovent', 'fluticasone', 'budésonide', 'montélukast', 'nébulisation', 'inhalateur',
    'épinéphrine', 'adrénaline', 'EpiPen', 'norépinéphrine', 'noradrénaline', 'vasopressine', 'dopamine', 'dobutamine', 'phényléphrine', 'vasopresseurs',
    'lorazépam', 'Ativan', 'diazépam', 'midazolam', 'halopéridol', 'Haldol', 'olanzapine', 'quétiapine', 'kétamine', 'propofol', 'benzodiazépine', 'benzodiazépines', 'sédation',
    'amoxicilline', 'amoxicilline-clavulanate', 'Clavulin', 'ampicilline', 'pénicilline', 'pipéracilline-tazobactam', 'céfazoline', 'ceftriaxone', 'céphalexine', 'Keflex', 'céfuroxime', 'azithromycine', 'clarithromycine', 'doxycycline', 'ciprofloxacine', 'lévofloxacine', 'moxifloxacine', 'métronidazole', 'Flagyl', 'vancomycine', 'clindamycine', 'nitrofurantoïne', 'Macrobid', 'TMP-SMX', 'Septra', 'gentamicine', 'méropénem', 'antibiotique', 'antibiotiques', 'antibiothérapie',
    'acyclovir', 'valacyclovir', 'oseltamivir', 'Tamiflu', 'fluconazole', 'antiviraux',
    'pantoprazole', 'oméprazole', 'famotidine', 'sucralfate', 'lactulose', 'IPP',
    'potassium', 'chlorure de potassium', 'KCl', 'magnésium', 'sulfate de magnésium', 'calcium', 'gluconate de calcium', 'bicarbonate', 'bicarbonate de sodium', 'thiamine', 'dextrose', 'D50', 'glucagon', 'glucose',
    'soluté', 'solutés', 'solution saline', 'salin', 'NaCl', 'lactate de Ringer', 'Ringer lactate', 'cristalloïdes', 'bolus', 'culot', 'culots globulaires', 'plaquettes', 'plasma', 'transfusion',
    'oxygène', 'O2', 'tétanos', 'rappel antitétanique', 'dT', 'dcaT', 'vaccin',
    'gabapentine', 'prégabaline', 'cyclobenzaprine', 'colchicine', 'allopurinol', 'méthotrexate', 'sertraline', 'fluoxétine', 'citalopram', 'escitalopram', 'bupropion', 'trazodone', 'lithium', 'lévétiracétam', 'phénytoïne', 'sumatriptan', 'diphenhydramine', 'Benadryl', 'cétirizine', 'loratadine', 'antihistaminique',
  ],
};

/** Endings and beginnings of drug names, for medications no list holds yet. */
export const medicationAffixes: Record<Language, { suffixes: readonly string[]; prefixes: readonly string[] }> = {
  en: {
    suffixes: ['cillin', 'mycin', 'micin', 'floxacin', 'cycline', 'olol', 'pril', 'sartan', 'statin', 'prazole', 'azole', 'dipine', 'parin', 'xaban', 'gatran', 'tidine', 'semide', 'thiazide', 'olone', 'terol', 'triptan', 'azepam', 'azolam', 'oxetine', 'ipramine', 'peridol', 'apine', 'ciclovir', 'cyclovir', 'mivir', 'gliptin', 'gliflozin', 'glutide', 'lukast', 'dronate', 'caine', 'profen', 'codone', 'morphone', 'penem', 'idine'],
    prefixes: ['cef', 'ceph'],
  },
  fr: {
    suffixes: ['cilline', 'mycine', 'micine', 'floxacine', 'cycline', 'olol', 'pril', 'sartan', 'statine', 'prazole', 'azole', 'dipine', 'parine', 'xaban', 'gatran', 'tidine', 'sémide', 'thiazide', 'olone', 'térol', 'triptan', 'azépam', 'azolam', 'oxétine', 'ipramine', 'péridol', 'apine', 'ciclovir', 'cyclovir', 'mivir', 'gliptine', 'gliflozine', 'glutide', 'lukast', 'dronate', 'caïne', 'profène', 'codone', 'morphone', 'pénem'],
    prefixes: ['céf', 'céph'],
  },
};

/**
 * Imperative order verbs, each with the words of its suggestion ("give" → "consider giving").
 * French orders use the infinitive ("administrer") or the vous-imperative ("administrez").
 */
export const orderVerbs: { en: Readonly<Record<string, string>>; fr: Readonly<Record<string, string>> } = {
  en: {
    give: 'giving', administer: 'administering', start: 'starting', begin: 'beginning', initiate: 'initiating', commence: 'commencing',
    increase: 'increasing', decrease: 'decreasing', reduce: 'reducing', titrate: 'titrating', wean: 'weaning', taper: 'tapering',
    stop: 'stopping', discontinue: 'discontinuing', hold: 'holding', withhold: 'withholding', resume: 'resuming', restart: 'restarting',
    continue: 'continuing', switch: 'switching', change: 'changing', add: 'adding', prescribe: 'prescribing', push: 'pushing',
    bolus: 'a bolus of', infuse: 'infusing', load: 'loading', avoid: 'avoiding', take: 'taking', use: 'using', transfuse: 'transfusing', repeat: 'repeating',
  },
  fr: {
    administrer: 'administrer', donner: 'donner', débuter: 'débuter', commencer: 'commencer', initier: 'initier', instaurer: 'instaurer', amorcer: 'amorcer',
    augmenter: 'augmenter', diminuer: 'diminuer', réduire: 'réduire', titrer: 'titrer', sevrer: 'sevrer', cesser: 'cesser', arrêter: 'arrêter',
    suspendre: 'suspendre', reprendre: 'reprendre', poursuivre: 'poursuivre', continuer: 'continuer', ajouter: 'ajouter', changer: 'changer', remplacer: 'remplacer',
    prescrire: 'prescrire', éviter: 'éviter', prendre: 'prendre', transfuser: 'transfuser', répéter: 'répéter',
    administrez: 'administrer', donnez: 'donner', débutez: 'débuter', commencez: 'commencer', augmentez: 'augmenter', diminuez: 'diminuer', cessez: 'cesser',
    arrêtez: 'arrêter', suspendez: 'suspendre', reprenez: 'reprendre', poursuivez: 'poursuivre', continuez: 'continuer', ajoutez: 'ajouter', prescrivez: 'prescrire',
    évitez: 'éviter', prenez: 'prendre',
  },
};

/** Verbs that order a disposition; they need no medication ("discharge home", "hospitaliser"). */
export const dispositionVerbs: { en: Readonly<Record<string, string>>; fr: Readonly<Record<string, string>> } = {
  en: { discharge: 'discharging', admit: 'admitting', send: 'sending', transfer: 'transferring', refer: 'referring', observe: 'observing', keep: 'keeping' },
  fr: { hospitaliser: 'hospitaliser', admettre: 'admettre', transférer: 'transférer', orienter: 'orienter', référer: 'référer', garder: 'garder', hospitalisez: 'hospitaliser', admettez: 'admettre', transférez: 'transférer', référez: 'référer' },
};

/** Phrasing that already makes an order a suggestion for the clinician. */
export const suggestionCues: CueList = {
  phrases: {
    en: ['consider', 'considered', 'considering', 'may', 'might', 'could', 'can', 'would', 'benefit', 'suggest', 'suggested', 'suggests', 'suggestion', 'recommend', 'recommended', 'recommendation', 'option', 'options', 'possibly', 'potentially', 'possible', 'potential', 'perhaps', 'reasonable', 'clinician to confirm', 'clinician to decide', 'clinician to consider', 'to be confirmed', 'discuss', 'discussed', 'discretion', 'wish to', 'if appropriate', 'if indicated', 'indication', 'evaluate whether', 'whether'],
    fr: ['envisager', 'envisagé', 'envisagée', 'envisageable', 'considérer', 'considéré', 'considérée', 'pourrait', 'pourraient', 'pourrions', 'pourriez', 'pourrais', 'pourra', 'peut', 'bénéficier', 'suggérer', 'suggère', 'suggéré', 'suggérée', 'suggestion', 'proposer', 'propose', 'proposé', 'proposée', 'recommander', 'recommandé', 'recommandée', 'recommandation', 'option', 'options', 'possiblement', 'éventuellement', 'raisonnable', 'à discuter', 'discuter', 'à confirmer', 'si indiqué', 'serait'],
  },
};

/** What makes an order past history: someone already gave it, or the patient already takes it. */
export const orderHistoryCues: CueList = {
  phrases: {
    en: ['was given', 'were given', 'has been given', 'had been given', 'given by', 'was started', 'were started', 'was administered', 'were administered', 'administered by', 'received', 'receives', 'got', 'took', 'takes', 'taking', 'is on', 'was on', 'has been on', 'had been on', 'uses', 'used', 'EMS', 'paramedics', 'ambulance', 'prior to arrival', 'PTA', 'at home', 'home medication', 'home medications', 'current medication', 'current medications', 'medications', 'meds', 'yesterday', 'last night', 'earlier', 'previously', 'in the past', 'already', 'en route', 'at triage', 'was discharged', 'was admitted', 'was transferred', 'was sent', 'last time', 'stopped', 'increased', 'decreased', 'history'],
    fr: ['a reçu', 'ont reçu', 'avait reçu', 'reçoit', 'a pris', 'prend', 'prenait', 'était sous', 'ambulanciers', 'paramédics', 'avant l\'arrivée', 'à la maison', 'médicaments actuels', 'médication habituelle', 'médicaments', 'médication', 'hier', 'déjà', 'auparavant', 'a été donné', 'a été donnée', 'a été administré', 'a été administrée', 'administré par', 'administrée par', 'en route', 'au triage', 'a cessé', 'a arrêté', 'a été hospitalisé', 'a été hospitalisée', 'a été transféré', 'a été transférée', 'la dernière fois', 'antécédents'],
  },
  // "sous warfarine" (on warfarin), but not "sous-cutané" (subcutaneous).
  patterns: {
    en: ['(?<![\\p{L}])(?:\\d+|a|one|two|three|few|a few|several)\\s+(?:days?|weeks?|months?|years?)\\s+ago', '(?<![\\p{L}])(?:in|since)\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])last\\s+(?:week|month|year)'],
    fr: ['(?<![\\p{L}])sous(?![\\p{L}\\-])', '(?<![\\p{L}])il\\s+y\\s+a\\s+(?:\\S+\\s+){0,2}?(?:jours?|semaines?|mois|ans?)(?![\\p{L}])', '(?<![\\p{L}])(?:en|depuis)\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])(?:la\\s+semaine|le\\s+mois|l[\'’]an(?:née)?)\\s+derni(?:er|ère)'],
  },
};

/** After an order, what says it already happened: "morphine 4 mg IV was given by EMS". */
export const orderDoneCues: CueList = {
  phrases: {
    en: ['was given', 'were given', 'has been given', 'had been given', 'given by', 'was administered', 'were administered', 'administered by', 'was started', 'by EMS', 'by paramedics', 'prior to arrival', 'PTA', 'at home', 'yesterday', 'last night', 'earlier', 'previously', 'en route', 'at triage', 'without relief', 'with relief'],
    fr: ['a été donné', 'a été donnée', 'a été administré', 'a été administrée', 'administré par', 'administrée par', 'ont été donnés', 'par les ambulanciers', 'par les paramédics', 'avant l\'arrivée', 'à la maison', 'hier', 'auparavant', 'en route', 'au triage', 'sans soulagement', 'avec soulagement'],
  },
  patterns: {
    en: ['(?<![\\p{L}])(?:\\d+|a|one|two|three|few|a few|several)\\s+(?:days?|weeks?|months?|years?)\\s+ago', '(?<![\\p{L}])last\\s+(?:week|month|year)'],
    fr: ['(?<![\\p{L}])il\\s+y\\s+a\\s+(?:\\S+\\s+){0,2}?(?:jours?|semaines?|mois|ans?)(?![\\p{L}])', '(?<![\\p{L}])(?:la\\s+semaine|le\\s+mois|l[\'’]an(?:née)?)\\s+derni(?:er|ère)'],
  },
};
