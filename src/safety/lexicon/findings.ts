/**
 * Symptoms, signs and common conditions, English and French (Canada). Lay and
 * clinical words for one thing share a concept ("short of breath" = dyspnea,
 * "crackles" = rales), so a note's wording is grounded by a patient's. Generic
 * "pain" is its own concept: "knee pain" grounds on any pain the source reports,
 * the side and place are checked by laterality, not here.
 */
import { parseTable } from './table.ts';

const table = `
fever: fevers, febrile, pyrexia, fièvre, fébrile, fiévreux
chills: chill, rigors, shivering, frissons
fatigue: fatigued, tired, tiredness, exhausted, exhaustion, lethargy, lethargic, low energy, lack of energy, fatigué, fatiguée, épuisé, épuisée, épuisement
weakness: weak, faiblesse, faible
dizziness: dizzy, lightheaded, lightheadedness, light headed, light headedness, woozy, étourdissement, étourdi, étourdie
vertigo: room spinning, vertige
syncope: fainting, fainted, passed out, passing out, blacked out, loss of consciousness, lost consciousness, évanouissement, perte de conscience
headache: headaches, migraine, head hurts, céphalée, mal de tête, maux de tête
chest pain: chest pains, chest discomfort, chest tightness, chest pressure, pain in my chest, pain in the chest, pain in his chest, pain in her chest, angina, douleur thoracique, douleurs thoraciques, douleur à la poitrine, mal à la poitrine, oppression thoracique
dyspnea: shortness of breath, short of breath, sob, dyspnoea, breathless, breathlessness, trouble breathing, difficulty breathing, hard to breathe, winded, out of breath, dyspnée, essoufflement, essoufflé, essoufflée, souffle court, difficulté à respirer
cough: coughing, coughs, toux, tousse, tousser
wheezing: wheeze, wheezes, wheezy, sibilances, sifflements
sputum: phlegm, mucus, expectorations, crachats
hemoptysis: coughing up blood, hémoptysie
palpitations: palpitation, heart racing, racing heart, heart pounding, pounding in my chest, pounding in his chest, pounding in her chest, fluttering
edema: oedema, swelling, swollen, œdème, oedème, enflure, enflé, enflée, gonflement, gonflé, gonflée
nausea: nauseated, nauseous, sick to my stomach, nausée
vomiting: vomit, vomited, throwing up, threw up, emesis, vomissement, vomi
diarrhea: diarrhoea, loose stools, diarrhée
constipation: constipated, constipé, constipée
abdominal pain: belly pain, stomach pain, stomach ache, stomachache, tummy ache, abdominal discomfort, pain in my stomach, pain in my belly, douleur abdominale, douleurs abdominales, mal au ventre, mal de ventre
bloating: bloated, ballonnement, ballonné, ballonnée
heartburn: reflux, acid reflux, gerd, brûlures d'estomac
dysphagia: trouble swallowing, difficulty swallowing, dysphagie
rectal bleeding: blood in stool, blood in the stool, blood in my stool, bloody stools, hematochezia, melena, black stools, sang dans les selles, rectorragie, méléna
hematuria: blood in urine, blood in the urine, blood in my urine, hématurie, sang dans les urines
dysuria: burning with urination, pain with urination, painful urination, burning when i urinate, dysurie, brûlure mictionnelle, brûlures mictionnelles
urinary frequency: frequent urination, pollakiurie
incontinence: incontinent
back pain: low back pain, lower back pain, backache, lombalgie, mal de dos, mal au dos, douleur au dos, douleur lombaire
neck pain: cervicalgie, mal au cou, douleur au cou
joint pain: joint pains, arthralgia, douleur articulaire, douleurs articulaires
pain: pains, painful, hurts, hurting, ache, aching, achy, sore, soreness, douleur, douleurs, douloureux, douloureuse, mal au, mal à la, mal aux, j'ai mal
tenderness: tender, pain to palpation, pain on palpation, sensibilité, sensible à la palpation
numbness: numb, tingling, paresthesia, pins and needles, engourdissement, engourdi, engourdie, fourmillements, picotements
rash: rashes, hives, urticaria, éruption cutanée, éruption, urticaire, rougeurs
itching: itchy, itch, pruritus, démangeaisons, prurit
bruising: bruise, bruised, ecchymosis, ecchymose
bleeding: hemorrhage, saignement, hémorragie
weight loss: lost weight, losing weight, perte de poids
weight gain: gained weight, gaining weight, prise de poids
poor appetite: loss of appetite, decreased appetite, anorexia, perte d'appétit, manque d'appétit
night sweats: sweats, sweating, diaphoresis, diaphoretic, sueurs nocturnes, sueurs, transpiration
insomnia: trouble sleeping, difficulty sleeping, can't sleep, ca n't sleep, insomnie
anxiety: anxious, anxiété, anxieux, anxieuse
depression: depressed, low mood, dépression, déprimé, déprimée
confusion: confused, disoriented, désorienté, désorientée, confus, confuse
seizure: seizures, convulsion, convulsions, crise convulsive, crise d'épilepsie
sore throat: throat pain, mal de gorge, maux de gorge
nasal congestion: congestion, congested, stuffy nose, runny nose, rhinorrhea, congestion nasale, nez bouché, nez qui coule
sneezing: sneeze, éternuements
ear pain: earache, otalgia, otalgie, mal d'oreille
vision changes: blurry vision, blurred vision, double vision, diplopia, vision floue
hearing loss: perte auditive
stiffness: stiff, raideur, raide
cramps: cramp, cramping, crampe, crampes
limp: limping, boiterie
murmur: murmurs, souffle cardiaque, souffle systolique
rales: crackles, crackling, râles, crépitants
rhonchi: rhonchus, ronchi
gallop: gallops, galop
rub: rubs, friction rub, frottement
jugular venous distension: jvd, jugular venous distention, distension jugulaire, turgescence jugulaire
erythema: redness, érythème, rougeur
effusion: épanchement
cyanosis: cyanotic, cyanose
jaundice: icterus, jaunisse, ictère
lymphadenopathy: swollen glands, swollen lymph nodes, adénopathie, adénopathies
fracture: fractures, broken bone, fracturé
sprain: sprained, entorse
laceration: lacération, coupure
infection: infected
pneumonia: pneumonie
hypertension: high blood pressure, htn, haute pression, pression élevée
diabetes: diabetic, type 2 diabetes, type ii diabetes, diabète, diabétique
heart failure: congestive heart failure, chf, hfref, hfpef, insuffisance cardiaque
copd: emphysema, chronic obstructive pulmonary disease, mpoc
asthma: asthmatic, asthme
atrial fibrillation: afib, a fib, fibrillation auriculaire
stroke: cva, avc, accident vasculaire cérébral
myocardial infarction: heart attack, stemi, nstemi, infarctus
coronary artery disease: cad, maladie coronarienne
chronic kidney disease: ckd, kidney disease, insuffisance rénale
hypothyroidism: underactive thyroid, hypothyroïdie
hyperlipidemia: high cholesterol, hypercholesterolemia, dyslipidemia, cholestérol élevé, dyslipidémie, hypercholestérolémie
obesity: obese, obésité
anemia: anaemia, anémie
urinary tract infection: uti, infection urinaire
arthritis: osteoarthritis, arthrose, arthrite
gout: gouty
cancer: malignancy, tumor, tumour, carcinoma, tumeur
kidney stone: nephrolithiasis, calcul rénal, pierre au rein
sinusitis: sinus infection, sinusite
bronchitis: bronchite
concussion: commotion cérébrale
tremor: tremors, shaking, tremblements
sleep apnea: apnée du sommeil
`;

/** [phrase, concept] pairs for symptoms, signs and conditions. */
export const findingNames: readonly [string, string][] = parseTable(table);
