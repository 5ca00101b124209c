/**
 * The phrasings of an order, compiled once per language: an imperative verb ("give", "cesser"),
 * a disposition ("discharge home", "congé à domicile"), a modal ("will start", "sera
 * hospitalisé") or a bare dose line ("Morphine 2 mg IV now."). Whether a medication or dose
 * follows, and whether the verb opens its clause, the guard checks after matching.
 */
import type { Language } from './finding.ts';
import { dispositionVerbs, medicationAffixes, medications, orderVerbs } from './lexicon/orders.ts';
import { alternation, WORD_END, WORD_START } from './term-pattern.ts';

export type OrderKind =
  | 'imperative' // "give 2 mg morphine IV", "avoid NSAIDs", "cesser la warfarine"
  | 'disposition' // "discharge home", "admit to ICU", "congé à domicile"
  | 'modal' // "we will start ceftriaxone", "le patient sera hospitalisé"
  | 'dose-line'; // "Morphine 2 mg IV now."

export interface OrderPattern {
  kind: OrderKind;
  regex: RegExp;
  /** The order names a medication or dose after its verb (dispositions need none). */
  needsMedication: boolean;
  /** A cheap test the text must pass first (a dose line needs a digit). */
  hint?: RegExp;
}

const isShortAbbreviation = (term: string): boolean => /^[A-Z0-9]{2,3}$/.test(term);

function medicationSource(language: Language): string {
  const { suffixes, prefixes } = medicationAffixes[language];
  return `(?:${alternation(medications[language])}s?|\\p{L}{2,}?${alternation(suffixes)}|${alternation(prefixes)}\\p{L}{3,})`;
}

/** Medication names of three capitals or fewer that must match with exact case ("NS", not "ns"). */
export const exactCaseMedications: Record<Language, ReadonlyMap<string, string>> = {
  en: new Map(medications.en.filter(isShortAbbreviation).map((term) => [term.toLowerCase(), term])),
  fr: new Map(medications.fr.filter(isShortAbbreviation).map((term) => [term.toLowerCase(), term])),
};

const doseUnits = ['mg', 'mcg', 'µg', 'μg', 'ug', 'g', 'gram', 'grams', 'unit', 'units', 'u', 'iu', 'ui', 'ml', 'l', 'litre', 'litres', 'liter', 'liters', 'meq', 'mmol', 'mg/kg', 'mcg/kg', 'ml/kg', 'mg/h', 'units/h', 'puff', 'puffs', 'tablet', 'tablets', 'tab', 'tabs', 'capsule', 'capsules', 'comprimé', 'comprimés', 'co', 'gouttes', 'drops'];
export const doseSource = `(?<![\\p{L}\\p{N}])\\d+(?:[.,]\\d+)?\\s*${alternation(doseUnits)}${WORD_END}`;

/** Medication or dose anywhere: what turns a verb into a medication order. */
export const medicationOrDose: Record<Language, RegExp> = {
  en: new RegExp(`${WORD_START}${medicationSource('en')}${WORD_END}|${doseSource}`, 'giu'),
  fr: new RegExp(`${WORD_START}${medicationSource('fr')}${WORD_END}|${doseSource}`, 'giu'),
};

const person = String.raw`(?:\s+(?:him|her|them|the\s+patient|patient|pt))?`;

function englishPatterns(): OrderPattern[] {
  const verbs = alternation(Object.keys(orderVerbs.en));
  const prohibition = String.raw`(?:do\s+not|don['’]t|never)\s+(?:give|administer|start|use|prescribe|restart|resume|take)`;
  const participles = alternation(['given', 'started', 'administered', 'increased', 'decreased', 'stopped', 'discontinued', 'continued', 'held', 'restarted', 'resumed', 'switched', 'changed', 'prescribed', 'titrated', 'tapered', 'weaned', 'loaded', 'transfused', 'receive', 'get', ...Object.keys(orderVerbs.en)]);
  const gerunds = alternation(Object.values(orderVerbs.en).filter((gerund) => gerund.endsWith('ing')));
  const dispositionParticiples = String.raw`(?:admitted|discharged(?:\s+home)?|transferred|sent\s+home|referred\s+to|go\s+home)`;
  const compile = (kind: OrderKind, source: string, needsMedication: boolean): OrderPattern => ({ kind, regex: new RegExp(source, 'dgiu'), needsMedication });
  return [
    compile('imperative', String.raw`${WORD_START}(?<verb>${prohibition}|${verbs})${WORD_END}`, true),
    compile('disposition', String.raw`${WORD_START}(?<verb>discharge|d\/c)${person}\s+(?:home|to|today|tomorrow|once|when|after|with|from)${WORD_END}`, false),
    compile('disposition', String.raw`${WORD_START}(?<verb>admit)${person}\s+(?:to|for|under|overnight)${WORD_END}`, false),
    compile('disposition', String.raw`${WORD_START}(?<verb>send)${person}\s+home${WORD_END}`, false),
    compile('disposition', String.raw`${WORD_START}(?<verb>transfer|refer)${person}\s+to${WORD_END}`, false),
    compile('disposition', String.raw`${WORD_START}(?<verb>observe|keep)${person}\s+(?:overnight|in\s+(?:hospital|the\s+(?:ed|er|hospital))|for\s+observation)${WORD_END}`, false),
    compile('modal', String.raw`${WORD_START}(?<modal>(?:(?:we|i)\s+(?:will|shall|are\s+going\s+to|am\s+going\s+to|plan\s+to|would\s+like\s+to|want\s+to|need\s+to)|(?:we|i)['’](?:ll|m\s+going\s+to|re\s+going\s+to)|(?:the\s+)?plan\s+(?:is|will\s+be)\s+to|will|shall|should|must|(?<!(?:the|a|no)\s+)needs?\s+to|has\s+to|have\s+to)\s+(?:be\s+)?)(?<verb>${participles})${WORD_END}`, true),
    compile('modal', String.raw`${WORD_START}(?<modal>(?:we|i)\s+(?:am|are)\s+|(?:we|i)['’](?:m|re)\s+)(?<verb>${gerunds})${WORD_END}`, true),
    compile('modal', String.raw`${WORD_START}(?<modal>(?:will|shall|should|must|needs?\s+to|has\s+to)\s+(?:be\s+)?)(?<verb>${dispositionParticiples})${WORD_END}`, false),
    { ...compile('dose-line', String.raw`${WORD_START}(?<verb>${medicationSource('en')})${WORD_END}(?:\s+[\p{L}'’-]+){0,2}?\s+${doseSource}`, true), hint: /\d/u },
  ];
}

function frenchPatterns(): OrderPattern[] {
  const verbs = alternation(Object.keys(orderVerbs.fr));
  const prohibition = String.raw`ne\s+pas\s+(?:donner|administrer|débuter|commencer|prescrire|utiliser|reprendre|prendre)`;
  const infinitives = alternation([...Object.values(orderVerbs.fr), 'recevoir', 'hospitaliser', 'admettre', 'transférer']);
  const participles = String.raw`(?:hospitalisée?s?|admise?s?|transférée?s?|référée?s?|débutée?s?|donnée?s?|administrée?s?|cessée?s?|arrêtée?s?|augmentée?s?|mise?s?\s+sous|traitée?s?\s+par|congédiée?s?)`;
  const compile = (kind: OrderKind, source: string, needsMedication: boolean): OrderPattern => ({ kind, regex: new RegExp(source, 'dgiu'), needsMedication });
  return [
    compile('imperative', String.raw`${WORD_START}(?<verb>${prohibition}|${verbs})${WORD_END}`, true),
    compile('disposition', String.raw`${WORD_START}(?<verb>${alternation(Object.keys(dispositionVerbs.fr))})(?:\s+(?:en|à|aux|au|vers)|(?=\s*[.;\n]|$))`, false),
    compile('disposition', String.raw`${WORD_START}(?<verb>(?:donner\s+(?:le\s+|son\s+)?)?congé|retour\s+à\s+domicile|RAD)${WORD_END}`, false),
    compile('modal', String.raw`${WORD_START}(?<modal>(?:on\s+va|nous\s+allons|je\s+vais|il\s+faut|il\s+faudra|va|vont|doit|doivent|devra|devront|devrait)\s+)(?<verb>${infinitives})${WORD_END}`, true),
    compile('modal', String.raw`${WORD_START}(?<modal>(?:sera|seront)\s+)(?<verb>${participles})${WORD_END}`, false),
    { ...compile('dose-line', String.raw`${WORD_START}(?<verb>${medicationSource('fr')})${WORD_END}(?:\s+[\p{L}'’-]+){0,2}?\s+${doseSource}`, true), hint: /\d/u },
  ];
}

export const orderPatterns: Record<Language, readonly OrderPattern[]> = { en: englishPatterns(), fr: frenchPatterns() };
