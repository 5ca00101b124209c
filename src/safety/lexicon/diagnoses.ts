/**
 * Diagnosis terms the definitive-diagnosis linter looks for after an asserting phrase ("patient
 * has …", "CT shows …"). Clinicians extend this file; the linter compiles it at start-up.
 *
 * - One entry per condition. Its `id` ties synonyms and both languages together, so a source that
 *   says "j'ai le diabète" supports a draft that says "patient has type 2 diabetes".
 * - French terms are listed by grammatical gender because the hedged rewrite needs
 *   "un possible …" or "une possible …".
 * - Abbreviations of three letters or fewer written in capitals ("PE", "MI", "TVP") match with
 *   exact case only: "pe" or "mi" in running text are not diagnoses.
 * - Terms are matched whole-word, case-insensitively, accents optional, English plurals allowed.
 */

export interface DiagnosisEntry {
  id: string;
  en: readonly string[];
  frFeminine?: readonly string[];
  frMasculine?: readonly string[];
  /** Adjectives that assert the condition of a person: "is septic", "est septique". */
  adjectivesEn?: readonly string[];
  adjectivesFr?: readonly string[];
}

export const diagnoses: readonly DiagnosisEntry[] = [
  // Respiratory
  { id: 'pneumonia', en: ['pneumonia', 'community-acquired pneumonia', 'aspiration pneumonia', 'CAP', 'HAP', 'bronchopneumonia', 'lobar pneumonia'], frFeminine: ['pneumonie', 'pneumopathie', 'bronchopneumonie', 'PAC'] },
  { id: 'pneumothorax', en: ['pneumothorax', 'tension pneumothorax', 'PTX'], frMasculine: ['pneumothorax'] },
  { id: 'hemothorax', en: ['hemothorax', 'haemothorax'], frMasculine: ['hémothorax'] },
  { id: 'pleural-effusion', en: ['pleural effusion', 'empyema'], frMasculine: ['épanchement pleural', 'empyème'] },
  { id: 'copd', en: ['COPD', 'COPD exacerbation', 'AECOPD', 'chronic obstructive pulmonary disease', 'emphysema'], frFeminine: ['MPOC', 'BPCO', 'maladie pulmonaire obstructive chronique', 'bronchopneumopathie chronique obstructive'], frMasculine: ['emphysème'] },
  { id: 'asthma', en: ['asthma', 'asthma exacerbation', 'asthma attack', 'status asthmaticus'], frFeminine: ['crise d\'asthme'], frMasculine: ['asthme'], adjectivesEn: ['asthmatic'], adjectivesFr: ['asthmatique'] },
  { id: 'pulmonary-embolism', en: ['pulmonary embolism', 'pulmonary emboli', 'pulmonary embolus', 'saddle embolus', 'PE'], frFeminine: ['embolie pulmonaire', 'EP'] },
  { id: 'pulmonary-edema', en: ['pulmonary edema', 'pulmonary oedema'], frMasculine: ['œdème pulmonaire', 'œdème aigu du poumon', 'OAP'] },
  { id: 'ards', en: ['ARDS', 'acute respiratory distress syndrome', 'respiratory failure'], frMasculine: ['SDRA', 'syndrome de détresse respiratoire aiguë'], frFeminine: ['insuffisance respiratoire'] },
  { id: 'croup', en: ['croup', 'bronchiolitis'], frMasculine: ['croup', 'faux croup'], frFeminine: ['laryngite', 'bronchiolite'] },
  { id: 'covid', en: ['COVID-19', 'COVID', 'influenza', 'the flu'], frFeminine: ['COVID-19', 'COVID', 'influenza', 'grippe'] },
  { id: 'tuberculosis', en: ['tuberculosis', 'TB'], frFeminine: ['tuberculose'] },
  // Cardiovascular
  { id: 'stemi', en: ['STEMI', 'ST-elevation myocardial infarction', 'ST elevation myocardial infarction', 'ST-elevation MI'], frMasculine: ['STEMI', 'infarctus avec élévation du segment ST', 'IAMEST', 'IAMST'] },
  { id: 'nstemi', en: ['NSTEMI', 'non-ST-elevation myocardial infarction', 'non-ST elevation myocardial infarction', 'non-ST-elevation MI'], frMasculine: ['NSTEMI', 'infarctus sans élévation du segment ST', 'IAMSEST'] },
  { id: 'myocardial-infarction', en: ['myocardial infarction', 'heart attack', 'MI', 'AMI', 'infarct'], frMasculine: ['infarctus', 'infarctus du myocarde', 'IDM'], frFeminine: ['crise cardiaque'] },
  { id: 'acs', en: ['acute coronary syndrome', 'ACS', 'unstable angina', 'angina'], frMasculine: ['syndrome coronarien aigu', 'SCA', 'angor', 'angor instable'], frFeminine: ['angine de poitrine'] },
  { id: 'coronary-artery-disease', en: ['coronary artery disease', 'CAD', 'ischemic heart disease'], frFeminine: ['maladie coronarienne', 'cardiopathie ischémique', 'MCAS'] },
  { id: 'heart-failure', en: ['heart failure', 'congestive heart failure', 'CHF', 'HF', 'HFrEF', 'HFpEF', 'cardiac failure', 'heart failure exacerbation', 'decompensated heart failure'], frFeminine: ['insuffisance cardiaque', 'IC', 'ICC', 'insuffisance cardiaque congestive', 'décompensation cardiaque'] },
  { id: 'atrial-fibrillation', en: ['atrial fibrillation', 'AF', 'AFib', 'A-fib', 'a fib', 'atrial flutter'], frFeminine: ['fibrillation auriculaire', 'fibrillation atriale', 'FA'], frMasculine: ['flutter auriculaire', 'flutter'] },
  { id: 'arrhythmia', en: ['ventricular tachycardia', 'VT', 'ventricular fibrillation', 'VF', 'SVT', 'supraventricular tachycardia', 'heart block', 'complete heart block', 'AV block', 'bundle branch block', 'LBBB', 'RBBB'], frFeminine: ['tachycardie ventriculaire', 'TV', 'fibrillation ventriculaire', 'FV', 'TSV', 'tachycardie supraventriculaire'], frMasculine: ['bloc auriculo-ventriculaire', 'BAV', 'bloc de branche', 'BBG', 'BBD', 'bloc cardiaque'] },
  { id: 'cardiac-arrest', en: ['cardiac arrest'], frMasculine: ['arrêt cardiaque', 'arrêt cardio-respiratoire', 'ACR'] },
  { id: 'pericardial-effusion', en: ['pericardial effusion', 'cardiac tamponade', 'tamponade'], frMasculine: ['épanchement péricardique'], frFeminine: ['tamponnade', 'tamponnade cardiaque'] },
  { id: 'aortic-dissection', en: ['aortic dissection', 'dissection', 'aortic aneurysm', 'AAA', 'ruptured aneurysm'], frFeminine: ['dissection aortique', 'dissection'], frMasculine: ['anévrisme de l\'aorte', 'anévrisme aortique', 'AAA'] },
  { id: 'hypertension', en: ['hypertension', 'HTN', 'high blood pressure', 'hypertensive emergency', 'hypertensive urgency'], frFeminine: ['hypertension', 'hypertension artérielle', 'HTA', 'haute pression', 'urgence hypertensive'] },
  { id: 'dvt', en: ['deep vein thrombosis', 'deep venous thrombosis', 'DVT', 'blood clot', 'venous thromboembolism', 'VTE'], frFeminine: ['thrombose veineuse profonde', 'TVP', 'phlébite', 'thrombophlébite'], frMasculine: ['caillot', 'caillot sanguin'] },
  { id: 'shock', en: ['shock', 'septic shock', 'cardiogenic shock', 'hypovolemic shock', 'anaphylactic shock'], frMasculine: ['choc', 'choc septique', 'choc cardiogénique', 'choc hypovolémique', 'choc anaphylactique'] },
  { id: 'syncope', en: ['vasovagal syncope', 'cardiac syncope'], frFeminine: ['syncope vasovagale'] },
  // Neurological
  { id: 'stroke', en: ['stroke', 'ischemic stroke', 'ischaemic stroke', 'hemorrhagic stroke', 'CVA', 'cerebrovascular accident', 'cerebral infarction'], frMasculine: ['AVC', 'accident vasculaire cérébral', 'infarctus cérébral'] },
  { id: 'tia', en: ['transient ischemic attack', 'transient ischaemic attack', 'TIA'], frMasculine: ['AIT', 'accident ischémique transitoire'] },
  { id: 'intracranial-hemorrhage', en: ['intracranial hemorrhage', 'intracranial haemorrhage', 'intracerebral hemorrhage', 'subarachnoid hemorrhage', 'subdural hematoma', 'epidural hematoma', 'ICH', 'SAH', 'SDH', 'brain bleed'], frFeminine: ['hémorragie intracrânienne', 'hémorragie cérébrale', 'hémorragie sous-arachnoïdienne', 'HSA'], frMasculine: ['hématome sous-dural', 'hématome épidural', 'saignement intracrânien'] },
  { id: 'meningitis', en: ['meningitis', 'bacterial meningitis', 'viral meningitis', 'encephalitis'], frFeminine: ['méningite', 'encéphalite'] },
  { id: 'seizure', en: ['seizure', 'epilepsy', 'status epilepticus'], frFeminine: ['épilepsie', 'crise convulsive', 'crise d\'épilepsie', 'convulsion'], frMasculine: ['état de mal épileptique'], adjectivesEn: ['epileptic'], adjectivesFr: ['épileptique'] },
  { id: 'concussion', en: ['concussion', 'traumatic brain injury', 'TBI'], frFeminine: ['commotion cérébrale', 'commotion'], frMasculine: ['traumatisme crânien', 'TCC'] },
  { id: 'migraine', en: ['migraine', 'cluster headache'], frFeminine: ['migraine', 'céphalée de tension'] },
  { id: 'multiple-sclerosis', en: ['multiple sclerosis', 'MS'], frFeminine: ['sclérose en plaques', 'SEP'] },
  { id: 'dementia', en: ['dementia', 'Alzheimer\'s disease', 'Alzheimer disease', 'delirium', 'Parkinson\'s disease'], frFeminine: ['démence', 'maladie d\'Alzheimer', 'maladie de Parkinson'], frMasculine: ['délirium', 'delirium'] },
  { id: 'bells-palsy', en: ['Bell\'s palsy', 'Bell palsy'], frFeminine: ['paralysie de Bell', 'paralysie faciale'] },
  // Abdominal and renal
  { id: 'appendicitis', en: ['appendicitis', 'perforated appendix'], frFeminine: ['appendicite'] },
  { id: 'cholecystitis', en: ['cholecystitis', 'cholangitis', 'cholelithiasis', 'choledocholithiasis', 'gallstones', 'biliary colic'], frFeminine: ['cholécystite', 'cholangite', 'cholélithiase', 'lithiase biliaire', 'colique biliaire'] },
  { id: 'pancreatitis', en: ['pancreatitis'], frFeminine: ['pancréatite'] },
  { id: 'bowel-obstruction', en: ['bowel obstruction', 'small bowel obstruction', 'large bowel obstruction', 'SBO', 'ileus', 'volvulus'], frFeminine: ['occlusion intestinale', 'obstruction intestinale'], frMasculine: ['iléus', 'volvulus'] },
  { id: 'diverticulitis', en: ['diverticulitis'], frFeminine: ['diverticulite'] },
  { id: 'gastroenteritis', en: ['gastroenteritis', 'gastro', 'colitis', 'C. difficile infection', 'C diff'], frFeminine: ['gastro-entérite', 'gastro', 'colite'] },
  { id: 'gi-bleed', en: ['GI bleed', 'gastrointestinal bleed', 'upper GI bleed', 'lower GI bleed', 'gastrointestinal hemorrhage'], frFeminine: ['hémorragie digestive', 'hémorragie digestive haute', 'hémorragie digestive basse', 'HDH', 'HDB'], frMasculine: ['saignement digestif'] },
  { id: 'peptic-ulcer', en: ['peptic ulcer', 'stomach ulcer', 'gastric ulcer', 'duodenal ulcer', 'peptic ulcer disease', 'GERD', 'reflux disease'], frMasculine: ['ulcère gastrique', 'ulcère duodénal', 'ulcère peptique', 'RGO', 'reflux gastro-œsophagien'] },
  { id: 'hernia', en: ['hernia', 'inguinal hernia', 'incarcerated hernia'], frFeminine: ['hernie', 'hernie inguinale'] },
  { id: 'ibd', en: ['Crohn\'s disease', 'Crohn disease', 'ulcerative colitis', 'IBD', 'inflammatory bowel disease', 'irritable bowel syndrome', 'IBS'], frFeminine: ['maladie de Crohn', 'colite ulcéreuse'], frMasculine: ['syndrome du côlon irritable', 'SCI'] },
  { id: 'liver-disease', en: ['cirrhosis', 'hepatitis', 'liver failure', 'fatty liver disease'], frFeminine: ['cirrhose', 'hépatite', 'insuffisance hépatique', 'stéatose hépatique'], adjectivesEn: ['cirrhotic'], adjectivesFr: ['cirrhotique'] },
  { id: 'uti', en: ['urinary tract infection', 'UTI', 'cystitis', 'bladder infection'], frFeminine: ['infection urinaire', 'IVU', 'infection des voies urinaires', 'cystite'] },
  { id: 'pyelonephritis', en: ['pyelonephritis', 'kidney infection'], frFeminine: ['pyélonéphrite', 'infection rénale'] },
  { id: 'kidney-stone', en: ['kidney stone', 'kidney stones', 'renal colic', 'nephrolithiasis', 'ureterolithiasis', 'ureteric stone'], frMasculine: ['calcul rénal', 'calculs rénaux'], frFeminine: ['colique néphrétique', 'lithiase urinaire', 'néphrolithiase'] },
  { id: 'kidney-injury', en: ['acute kidney injury', 'AKI', 'acute renal failure', 'chronic kidney disease', 'CKD', 'renal failure', 'kidney failure'], frFeminine: ['insuffisance rénale', 'insuffisance rénale aiguë', 'IRA', 'insuffisance rénale chronique', 'IRC', 'maladie rénale chronique'] },
  { id: 'ectopic-pregnancy', en: ['ectopic pregnancy', 'ruptured ectopic pregnancy', 'preeclampsia', 'eclampsia', 'placental abruption', 'miscarriage'], frFeminine: ['grossesse ectopique', 'grossesse extra-utérine', 'GEU', 'prééclampsie', 'éclampsie', 'fausse couche'] },
  { id: 'testicular-torsion', en: ['testicular torsion', 'ovarian torsion'], frFeminine: ['torsion testiculaire', 'torsion ovarienne'] },
  // Infection and systemic
  { id: 'sepsis', en: ['sepsis', 'urosepsis', 'bacteremia', 'bacteraemia', 'septicemia', 'septicaemia'], frMasculine: ['sepsis', 'sepsis sévère'], frFeminine: ['septicémie', 'bactériémie', 'urosepsie'], adjectivesEn: ['septic', 'bacteremic'], adjectivesFr: ['septique', 'bactériémique'] },
  { id: 'cellulitis', en: ['cellulitis', 'abscess', 'erysipelas', 'necrotizing fasciitis'], frFeminine: ['cellulite', 'fasciite nécrosante'], frMasculine: ['abcès', 'érysipèle'] },
  { id: 'lyme', en: ['Lyme disease', 'shingles', 'herpes zoster', 'chickenpox', 'measles', 'mononucleosis', 'strep throat', 'streptococcal pharyngitis', 'otitis media', 'sinusitis', 'tonsillitis', 'conjunctivitis', 'HIV', 'AIDS'], frFeminine: ['maladie de Lyme', 'varicelle', 'rougeole', 'mononucléose', 'pharyngite', 'amygdalite', 'otite', 'otite moyenne', 'sinusite', 'conjonctivite'], frMasculine: ['zona', 'VIH', 'sida'] },
  { id: 'anaphylaxis', en: ['anaphylaxis', 'anaphylactic reaction', 'angioedema'], frFeminine: ['anaphylaxie', 'réaction anaphylactique'], frMasculine: ['angiœdème', 'œdème de Quincke'] },
  { id: 'dka', en: ['diabetic ketoacidosis', 'DKA', 'hyperosmolar hyperglycemic state', 'HHS', 'hypoglycemia', 'hypoglycaemia'], frFeminine: ['acidocétose diabétique', 'acidocétose', 'ACD', 'hypoglycémie'] },
  { id: 'diabetes', en: ['diabetes', 'diabetes mellitus', 'type 2 diabetes', 'type 1 diabetes', 'type 2 diabetes mellitus', 'type 1 diabetes mellitus', 'diabetes type 2', 'diabetes type 1', 'T2DM', 'T1DM', 'DM2', 'DM', 'gestational diabetes', 'prediabetes'], frMasculine: ['diabète', 'diabète de type 2', 'diabète de type 1', 'diabète gestationnel', 'DB2', 'DB1', 'prédiabète'], adjectivesEn: ['diabetic'], adjectivesFr: ['diabétique'] },
  { id: 'thyroid', en: ['hypothyroidism', 'hyperthyroidism', 'Graves disease', 'Graves\' disease', 'thyroid storm'], frFeminine: ['hypothyroïdie', 'hyperthyroïdie', 'maladie de Graves', 'thyréotoxicose'], adjectivesEn: ['hypothyroid', 'hyperthyroid'], adjectivesFr: ['hypothyroïdien', 'hypothyroïdienne', 'hyperthyroïdien', 'hyperthyroïdienne'] },
  { id: 'anemia', en: ['anemia', 'anaemia', 'iron deficiency anemia', 'iron deficiency anaemia'], frFeminine: ['anémie', 'anémie ferriprive'], adjectivesEn: ['anemic', 'anaemic'], adjectivesFr: ['anémique'] },
  { id: 'electrolytes', en: ['hyperkalemia', 'hypokalemia', 'hyponatremia', 'hypernatremia', 'hyperkalaemia', 'hypokalaemia', 'hyponatraemia', 'hypercalcemia', 'rhabdomyolysis', 'dehydration'], frFeminine: ['hyperkaliémie', 'hypokaliémie', 'hyponatrémie', 'hypernatrémie', 'hypercalcémie', 'rhabdomyolyse', 'déshydratation'], adjectivesEn: ['hyperkalemic', 'hypokalemic', 'hyponatremic', 'dehydrated'], adjectivesFr: ['hyperkaliémique', 'hypokaliémique', 'hyponatrémique', 'déshydraté', 'déshydratée'] },
  { id: 'lupus', en: ['lupus', 'systemic lupus erythematosus', 'SLE', 'rheumatoid arthritis', 'gout', 'fibromyalgia', 'osteoarthritis', 'arthritis'], frMasculine: ['lupus', 'lupus érythémateux disséminé'], frFeminine: ['polyarthrite rhumatoïde', 'goutte', 'fibromyalgie', 'arthrose', 'arthrite'] },
  { id: 'hyperlipidemia', en: ['hyperlipidemia', 'hypercholesterolemia', 'dyslipidemia', 'high cholesterol'], frFeminine: ['dyslipidémie', 'hypercholestérolémie', 'hyperlipidémie'] },
  { id: 'obesity', en: ['obesity', 'sleep apnea', 'obstructive sleep apnea', 'OSA'], frFeminine: ['obésité', 'apnée du sommeil', 'apnée obstructive du sommeil'] },
  // Oncology
  { id: 'cancer', en: ['cancer', 'malignancy', 'tumor', 'tumour', 'carcinoma', 'adenocarcinoma', 'lymphoma', 'leukemia', 'leukaemia', 'melanoma', 'metastases', 'metastatic disease', 'neoplasm', 'sarcoma', 'breast cancer', 'lung cancer', 'colon cancer', 'prostate cancer'], frMasculine: ['cancer', 'carcinome', 'adénocarcinome', 'lymphome', 'mélanome', 'néoplasme', 'sarcome', 'cancer du sein', 'cancer du poumon', 'cancer du côlon', 'cancer de la prostate'], frFeminine: ['tumeur', 'néoplasie', 'leucémie', 'métastases', 'maladie métastatique'] },
  // Musculoskeletal and trauma
  { id: 'fracture', en: ['fracture', 'hip fracture', 'broken bone', 'broken arm', 'broken leg', 'broken wrist', 'broken ankle', 'scaphoid fracture'], frFeminine: ['fracture', 'fracture de la hanche'] },
  { id: 'dislocation', en: ['dislocation', 'dislocated shoulder', 'subluxation'], frFeminine: ['luxation', 'subluxation'] },
  { id: 'sprain', en: ['sprain', 'ankle sprain', 'strain', 'lumbar strain', 'torn ACL', 'ACL tear', 'rotator cuff tear', 'meniscal tear', 'herniated disc', 'disc herniation', 'compartment syndrome', 'osteomyelitis', 'septic arthritis'], frFeminine: ['entorse', 'entorse de la cheville', 'déchirure du LCA', 'déchirure de la coiffe des rotateurs', 'hernie discale', 'ostéomyélite', 'arthrite septique'], frMasculine: ['syndrome du compartiment', 'syndrome des loges'] },
  { id: 'osteoporosis', en: ['osteoporosis'], frFeminine: ['ostéoporose'] },
  // Mental health
  { id: 'depression', en: ['depression', 'major depressive disorder', 'MDD', 'bipolar disorder', 'schizophrenia', 'psychosis', 'generalized anxiety disorder', 'anxiety disorder', 'panic attack', 'panic disorder', 'PTSD', 'alcohol use disorder', 'alcohol withdrawal', 'opioid overdose', 'overdose'], frFeminine: ['dépression', 'dépression majeure', 'schizophrénie', 'psychose', 'attaque de panique', 'crise de panique', 'surdose', 'intoxication', 'intoxication aux opioïdes'], frMasculine: ['trouble bipolaire', 'trouble anxieux', 'trouble anxieux généralisé', 'trouble panique', 'TSPT', 'trouble de l\'usage de l\'alcool', 'sevrage alcoolique', 'état de stress post-traumatique'], adjectivesEn: ['psychotic'], adjectivesFr: ['psychotique'] },
  { id: 'neutropenia', en: ['neutropenia', 'febrile neutropenia', 'pancytopenia', 'thrombocytopenia'], frFeminine: ['neutropénie', 'neutropénie fébrile', 'pancytopénie', 'thrombocytopénie'], adjectivesEn: ['neutropenic'], adjectivesFr: ['neutropénique'] },
];

/**
 * Words that are the head of many diagnoses ("Kawasaki disease", "renal failure"), so a
 * condition missing from the list above is still caught after an asserting phrase.
 */
export const diagnosisHeadNouns = {
  en: ['disease', 'syndrome', 'disorder', 'infection', 'failure', 'insufficiency', 'injury', 'fracture', 'tear', 'rupture', 'obstruction', 'occlusion', 'infarction', 'embolism', 'thrombosis', 'stenosis', 'hemorrhage', 'haemorrhage', 'bleed', 'abscess', 'ulcer', 'tumor', 'tumour', 'cancer', 'aneurysm', 'dissection', 'dislocation', 'effusion', 'exacerbation', 'arrest', 'toxicity', 'deficiency', 'palsy', 'attack', 'sprain', 'strain', 'perforation', 'torsion', 'laceration', 'contusion'],
  frFeminine: ['maladie', 'infection', 'insuffisance', 'fracture', 'rupture', 'déchirure', 'obstruction', 'occlusion', 'embolie', 'thrombose', 'sténose', 'hémorragie', 'tumeur', 'néoplasie', 'dissection', 'luxation', 'exacerbation', 'décompensation', 'toxicité', 'paralysie', 'crise', 'entorse', 'perforation', 'torsion', 'lacération', 'contusion', 'carence'],
  frMasculine: ['syndrome', 'trouble', 'infarctus', 'saignement', 'abcès', 'ulcère', 'cancer', 'anévrisme', 'épanchement', 'arrêt', 'choc', 'déficit'],
} as const;

/**
 * Injuries named by a participle and the body part ("fractured wrist", "torn meniscus"): the
 * participle, followed by one word, counts as a diagnosis term.
 */
export const injuryParticiples = {
  en: ['fractured', 'broken', 'dislocated', 'sprained', 'torn', 'ruptured', 'perforated', 'herniated', 'infected'],
} as const;

/**
 * Suffixes that name conditions (-itis, -oma, -emia …), for terms no list holds yet. Only used
 * after an asserting phrase, and never for the words below, which share the ending.
 */
export const diagnosisSuffixes = {
  en: ['itis', 'itides', 'oma', 'omas', 'omata', 'emia', 'aemia', 'emias', 'osis', 'oses', 'pathy', 'pathies'],
  frFeminine: ['ite', 'ites', 'émie', 'émies', 'ose', 'oses', 'pathie', 'pathies'],
  frMasculine: ['ome', 'omes'],
} as const;

export const suffixExceptions = {
  en: ['diagnosis', 'prognosis', 'hemostasis', 'haemostasis', 'homeostasis', 'osmosis', 'anastomosis', 'synopsis', 'mitosis', 'meiosis', 'hypnosis', 'symbiosis', 'metamorphosis', 'stoma', 'aroma', 'diploma', 'soma', 'coma', 'academia', 'empathy', 'sympathy', 'telepathy', 'apathy', 'nostalgia'],
  fr: ['diagnose', 'chose', 'choses', 'dose', 'doses', 'rose', 'pose', 'prose', 'glucose', 'sucrose', 'lactose', 'fructose', 'cellulose', 'osmose', 'hypnose', 'overdose', 'expose', 'propose', 'suppose', 'dispose', 'compose', 'impose', 'oppose', 'repose', 'dépose', 'ose', 'virtuose', 'grandiose', 'anastomose', 'symbiose', 'mitose', 'métamorphose', 'apothéose', 'visite', 'suite', 'ensuite', 'poursuite', 'limite', 'petite', 'faite', 'écrite', 'site', 'élite', 'réussite', 'conduite', 'fuite', 'dite', 'prescrite', 'gratuite', 'subite', 'mérite', 'habite', 'invite', 'évite', 'favorite', 'interdite', 'produite', 'réduite', 'construite', 'instruite', 'cuite', 'droite', 'étroite', 'adroite', 'parasite', 'granite', 'pépite', 'vite', 'inscrite', 'décrite', 'détruite', 'traduite', 'introduite', 'induite', 'ite', 'rite', 'gîte', 'chromosome', 'ribosome', 'génome', 'atome', 'axiome', 'idiome', 'économe', 'autonome', 'astronome', 'tome', 'gnome', 'home', 'rome', 'dôme', 'académie', 'épidémie', 'pandémie', 'endémie', 'sympathie', 'empathie', 'antipathie', 'télépathie', 'homéopathie', 'nostalgie', 'ostéopathie', 'naturopathie'],
} as const;
