/**
 * Words around numbers: units (with the factor to the base unit of their
 * dimension), vital-sign and lab names, dosing frequencies and the anchors of
 * "since …" durations. English and French (Canada).
 */
import { parseTable } from './table.ts';

export type Dimension =
  | 'mass' | 'dose-per-weight' | 'volume' | 'units' | 'meq' | 'pressure' | 'rate' | 'percent'
  | 'temperature' | 'length' | 'time' | 'count' | 'times' | 'concentration' | 'molar';

export interface Unit {
  id: string;
  dim: Dimension;
  /** Multiplies a value into the dimension's base unit (mg, mL, mm, days…); temperature converts separately. */
  factor: number;
}

// "id dimension factor: synonyms". Bare "in" (inches) is left out: "5 in the morning".
const unitTable = `
mg mass 1: milligram, milligrams, milligramme, milligrammes, mgs
mcg mass 0.001: µg, ug, microgram, micrograms, microgramme, microgrammes
g mass 1000: gram, grams, gramme, grammes, gm
kg mass 1000000: kilo, kilos, kilogram, kilograms, kilogramme, kilogrammes, kgs
lb mass 453592.37: lbs, pound, pounds, livre, livres
mg/kg dose-per-weight 1: mg per kg, milligrams per kilogram, mg/kilo
ml volume 1: milliliter, milliliters, millilitre, millilitres, cc, ccs
l volume 1000: liter, liters, litre, litres
units units 1: unit, iu, international units, unité, unités, ui
meq meq 1: milliequivalents
mmhg pressure 1: mm hg, millimeters of mercury, millimètres de mercure
bpm rate 1: beats per minute, beats a minute, / min, per minute, a minute, battements par minute, breaths per minute, respirations par minute
% percent 1: percent, per cent, pour cent, pourcent
celsius temperature 1: ° c, °c, degrees celsius, degrees c, degree celsius, degrés celsius, degré celsius, degrés c
fahrenheit temperature 1: ° f, degrees fahrenheit, degrees f, degree fahrenheit, fahrenheit
degree temperature 1: °, degrees, degré, degrés
cm length 10: centimeter, centimeters, centimetre, centimetres, centimètre, centimètres
mm length 1: millimeter, millimeters, millimetre, millimetres, millimètre, millimètres
inch length 25.4: inches
ft length 304.8: feet, foot
km length 1000000: kilometer, kilometers, kilomètre, kilomètres
mile length 1609344: miles
minute time 0.000694444: minutes, min, mins
hour time 0.0416667: hours, hr, hrs, heure, heures, h
day time 1: days, jour, jours
week time 7: weeks, wk, wks, semaine, semaines
month time 30.44: months, mois
year time 365.25: years, yr, yrs, an, ans, année, années
tablet count 1: tablets, tab, tabs, pill, pills, capsule, capsules, comprimé, comprimés, pilule, pilules
puff count 1: puffs, inhalation, inhalations, bouffée, bouffées
drop count 1: drops, goutte, gouttes
time times 1: times, fois
mg/dl concentration 1: milligrams per deciliter
g/dl concentration 1000: grams per deciliter
g/l concentration 100
mmol/l molar 1: mmol, millimoles
`;

function parseUnits(table: string): [string, Unit][] {
  const entries: [string, Unit][] = [];
  for (const line of table.split('\n')) {
    const match = /^(\S+) (\S+) ([\d.]+)(?::(.*))?$/.exec(line.trim());
    if (!match) continue;
    const [, id = '', dim = '', factor = '1', synonyms = ''] = match;
    const unit: Unit = { id, dim: dim as Dimension, factor: Number(factor) };
    for (const phrase of [id, ...synonyms.split(',')]) if (phrase.trim() !== '') entries.push([phrase.trim(), unit]);
  }
  return entries;
}

export const unitNames: readonly [string, Unit][] = parseUnits(unitTable);

const vitalTable = `
bp: blood pressure, blood pressures, b/p, tension artérielle, pression artérielle, ta, tension
hr: heart rate, pulse, pulse rate, fc, fréquence cardiaque, pouls
rr: respiratory rate, resp rate, respirations, breathing rate, fréquence respiratoire
temp: temperature, température, febrile to, fever of, fever to
spo2: oxygen saturation, o2 sat, o2 sats, o2 saturation, sat, sats, saturation, sao2, pulse ox, pulse oximetry, satting, saturating, saturation en oxygène, sat o2
weight: weighs, weighed, body weight, poids, pèse
`;

const labTable = `
a1c: hemoglobin a1c, hba1c, hgba1c, glycated hemoglobin, hémoglobine glyquée
ejection fraction: ef, lvef, fraction d'éjection
glucose: blood sugar, sugar, blood glucose, fasting glucose, glycémie, sucre
cholesterol: total cholesterol, cholestérol
ldl: ldl cholesterol
hdl: hdl cholesterol
triglycerides: triglycérides
creatinine: créatinine, cr
egfr: gfr, dfg, dfge
potassium: k
sodium: na
hemoglobin: hgb, hb, hémoglobine
white count: wbc, white blood cell count, white blood cells, white cell count, globules blancs, leucocytes
platelets: plt, platelet count, plaquettes
inr
psa
tsh
troponin: troponine
d-dimer: d-dimère
lactate: lactic acid
bilirubin: bilirubine
alt
ast
lipase
magnesium: magnésium
calcium
bun: urea, urée
ferritin: ferritine
vitamin d level: vitamin d, vitamine d
bmi: body mass index, imc
`;

export const vitalNames: readonly [string, string][] = parseTable(vitalTable);
export const labNames: readonly [string, string][] = parseTable(labTable);

// Doses a day, or "prn". Spelled-out forms; "every 8 hours" and "2 times a day" are read from numbers.
const frequencyTable = `
1: daily, once a day, once daily, a day, per day, every day, each day, qd, q.d., od, die, qam, qpm, every morning, every evening, every night, nightly, at night, at bedtime, qhs, hs, par jour, une fois par jour, chaque jour, tous les jours, le matin, le soir, au coucher
2: bid, b.i.d., twice a day, twice daily, two times a day, two times daily, q12h, deux fois par jour, matin et soir
3: tid, t.i.d., three times a day, three times daily, q8h, trois fois par jour
4: qid, q.i.d., four times a day, four times daily, q6h, quatre fois par jour
6: q4h
0.142857: weekly, once a week, every week, une fois par semaine, par semaine, chaque semaine
0.5: every other day, un jour sur deux
prn: as needed, when needed, au besoin
`;

export const frequencyNames: readonly [string, string][] = parseTable(frequencyTable).filter(([phrase, value]) => phrase !== value || value === 'prn');

// What "since …" / "depuis …" can point at besides a number.
export const timeAnchors: readonly string[] = [
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
  'yesterday', 'hier', 'last night', 'this morning', 'ce matin', 'last week', 'la semaine dernière', 'last month',
  'le mois dernier', 'last year', "l'an dernier", "l'année dernière", 'christmas', 'noël', 'thanksgiving',
  'labor day', 'labour day', 'new year', "new year's", 'halloween', 'easter', 'pâques', 'the weekend', 'the summer',
  'the winter', 'the spring', 'the fall', "l'été", "l'hiver", 'le printemps', "l'automne", 'surgery', 'the accident',
];

// A duration next to one of these is a follow-up interval: "follow up in 2 weeks" ↔ "see you back in two weeks".
export const followUpPhrases: readonly string[] = [
  'follow up', 'followup', 'see you back', 'see you again', 'see you in', 'come back', 'come see me', 'return', 'recheck', 'check back',
  'touch base', 'call me', 'call us', 'let me know', 'revisit', 'rendez-vous', 'revoir', 'suivi', 'revenir', 'rappeler',
];
