/**
 * Common medications, generic name first, then brand names (US and Canadian)
 * and French spellings. A draft's "Tylenol" is grounded by a transcript's
 * "acetaminophen" because both map to one generic. Drug classes and lay terms
 * ("water pill", "blood thinner", "antibiotics") are deliberately absent: they
 * name no specific drug, so a claim built on them would over-reach.
 */
import { parseTable } from './table.ts';

const table = `
acetaminophen: tylenol, paracetamol, acétaminophène, paracétamol, atasol, tempra
ibuprofen: advil, motrin, ibuprofène
naproxen: aleve, naprosyn, anaprox
aspirin: asa, acetylsalicylic acid, aspirine, acide acétylsalicylique, entrophen
celecoxib: celebrex
meloxicam: mobic
diclofenac: voltaren, arthrotec
ketorolac: toradol
tramadol: ultram, tramacet
oxycodone: percocet, oxycontin, supeudol
hydrocodone: vicodin, norco
morphine: ms contin, statex
hydromorphone: dilaudid
codeine: tylenol with codeine
fentanyl: duragesic
buprenorphine: suboxone, butrans
methadone: metadol
naloxone: narcan
gabapentin: neurontin
pregabalin: lyrica
cyclobenzaprine: flexeril
methocarbamol: robaxin
baclofen: lioresal
tizanidine: zanaflex
lisinopril: zestril, prinivil
enalapril: vasotec
ramipril: altace
perindopril: coversyl
losartan: cozaar
valsartan: diovan
sacubitril-valsartan: entresto
olmesartan: benicar, olmetec
irbesartan: avapro
candesartan: atacand
amlodipine: norvasc
nifedipine: procardia, adalat
diltiazem: cardizem, tiazac
verapamil: calan, isoptin
hydrochlorothiazide: hctz, microzide
chlorthalidone: hygroton
furosemide: lasix, furosémide
torsemide: demadex
bumetanide: bumex
spironolactone: aldactone
metoprolol: lopressor, toprol, toprol xl, betaloc
carvedilol: coreg
atenolol: tenormin
bisoprolol: monocor, zebeta
propranolol: inderal
labetalol: trandate
hydralazine: apresoline
clonidine: catapres
isosorbide mononitrate: imdur
nitroglycerin: nitro, nitrostat, nitroglycérine
digoxin: lanoxin
amiodarone: cordarone
warfarin: coumadin, warfarine
apixaban: eliquis
rivaroxaban: xarelto
dabigatran: pradaxa
edoxaban: lixiana, savaysa
enoxaparin: lovenox
heparin: héparine
clopidogrel: plavix
ticagrelor: brilinta
atorvastatin: lipitor, atorvastatine
rosuvastatin: crestor, rosuvastatine
simvastatin: zocor
pravastatin: pravachol
ezetimibe: zetia, ezetrol
fenofibrate: tricor, lipidil
metformin: glucophage, metformine, glumetza
glipizide: glucotrol
gliclazide: diamicron
glyburide: diabeta
glimepiride: amaryl
sitagliptin: januvia
sitagliptin-metformin: janumet
linagliptin: trajenta, tradjenta
empagliflozin: jardiance
dapagliflozin: farxiga, forxiga
canagliflozin: invokana
semaglutide: ozempic, wegovy, rybelsus
dulaglutide: trulicity
liraglutide: victoza, saxenda
tirzepatide: mounjaro, zepbound
pioglitazone: actos
insulin glargine: lantus, basaglar, toujeo
insulin lispro: humalog
insulin aspart: novolog, novorapid
insulin: insuline
levothyroxine: synthroid, eltroxin, levoxyl, lévothyroxine
methimazole: tapazole
omeprazole: prilosec, losec, oméprazole
esomeprazole: nexium
pantoprazole: protonix, pantoloc, tecta
lansoprazole: prevacid
famotidine: pepcid
ranitidine: zantac
ondansetron: zofran
metoclopramide: reglan, metonia
promethazine: phenergan
meclizine: antivert
loperamide: imodium
docusate: colace
polyethylene glycol: miralax, lax-a-day, restoralax
senna: senokot, sennosides
bisacodyl: dulcolax
sertraline: zoloft
fluoxetine: prozac
citalopram: celexa
escitalopram: lexapro, cipralex
paroxetine: paxil
venlafaxine: effexor
duloxetine: cymbalta
bupropion: wellbutrin, zyban
mirtazapine: remeron
trazodone: desyrel
amitriptyline: elavil
nortriptyline: pamelor, aventyl
buspirone: buspar
hydroxyzine: atarax, vistaril
alprazolam: xanax
lorazepam: ativan
clonazepam: klonopin, rivotril
diazepam: valium
zolpidem: ambien, sublinox
zopiclone: imovane
quetiapine: seroquel
olanzapine: zyprexa
risperidone: risperdal
aripiprazole: abilify
lithium: lithobid, carbolith
lamotrigine: lamictal
levetiracetam: keppra
valproate: depakote, divalproex, valproic acid, epival
topiramate: topamax
carbamazepine: tegretol
phenytoin: dilantin
sumatriptan: imitrex
rizatriptan: maxalt
donepezil: aricept
carbidopa-levodopa: sinemet
ropinirole: requip
methylphenidate: ritalin, concerta
amphetamine: adderall, vyvanse, lisdexamfetamine
albuterol: ventolin, proventil, salbutamol, proair
ipratropium: atrovent
tiotropium: spiriva
fluticasone: flonase, flovent
budesonide: pulmicort, rhinocort
budesonide-formoterol: symbicort
fluticasone-salmeterol: advair
fluticasone-vilanterol: breo
montelukast: singulair
cetirizine: zyrtec, reactine
loratadine: claritin
fexofenadine: allegra
diphenhydramine: benadryl
pseudoephedrine: sudafed
guaifenesin: mucinex
dextromethorphan: robitussin, delsym
benzonatate: tessalon
prednisone: deltasone
prednisolone: pred forte
methylprednisolone: medrol, solu-medrol, depo-medrol
dexamethasone: decadron
hydrocortisone: cortef
triamcinolone: kenalog
amoxicillin: amoxil, amoxicilline
amoxicillin-clavulanate: augmentin, clavulin
penicillin: pénicilline, penicillin v
cephalexin: keflex, céphalexine
cefuroxime: ceftin
ceftriaxone: rocephin
azithromycin: zithromax, z-pak, z-pack, zpack, azithromycine
clarithromycin: biaxin
doxycycline: vibramycin, doxycin
ciprofloxacin: cipro, ciprofloxacine
levofloxacin: levaquin
sulfamethoxazole-trimethoprim: bactrim, septra, tmp-smx
nitrofurantoin: macrobid, macrodantin
metronidazole: flagyl
clindamycin: cleocin, dalacin
vancomycin: vancocin
mupirocin: bactroban
valacyclovir: valtrex
acyclovir: zovirax
oseltamivir: tamiflu
fluconazole: diflucan
terbinafine: lamisil
tamsulosin: flomax
finasteride: proscar, propecia
oxybutynin: ditropan
sildenafil: viagra
tadalafil: cialis
allopurinol: zyloprim
colchicine: colcrys
methotrexate: trexall
hydroxychloroquine: plaquenil
adalimumab: humira
etanercept: enbrel
dupilumab: dupixent
alendronate: fosamax
vitamin d: cholecalciferol, vitamin d3, vitamine d
vitamin b12: cyanocobalamin, b12
folic acid: acide folique
ferrous sulfate: sulfate ferreux
potassium chloride: k-dur, klor-con
epinephrine: epipen, adrenaline, épinéphrine
lidocaine: xylocaine
latanoprost: xalatan
sulfa: sulfonamides, sulfa drugs
`;

/** [name, generic] pairs: every generic, brand and French name. */
export const medicationNames: readonly [string, string][] = parseTable(table);
