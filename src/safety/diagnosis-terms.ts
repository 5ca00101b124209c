/**
 * The diagnosis lexicon compiled for matching: one regex source per language for "a diagnosis
 * term here", plus lookups from a matched term back to its condition (for source support) and
 * its French gender (for the rewrite). Built once at module load.
 */
import type { Language } from './finding.ts';
import { diagnoses, diagnosisHeadNouns, diagnosisSuffixes, injuryParticiples, suffixExceptions, type DiagnosisEntry } from './lexicon/diagnoses.ts';
import { alternation, WORD_END, WORD_START } from './term-pattern.ts';

export type Gender = 'f' | 'm';

export interface DiagnosisTerms {
  /** Regex source for one diagnosis term (no word edges: callers place it). */
  term: string;
  /** Regex source for an adjective that asserts a condition ("septic"). */
  adjective: string;
  /** Short capitalised abbreviations ("PE"), by lower case, that must match with exact case. */
  exactCase: ReadonlyMap<string, string>;
}

/** Folds case, accents, hyphens and apostrophes so "Gastro-entérite" and "gastroenterite" meet. */
export function termKey(term: string): string {
  return term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/œ/g, 'oe').replace(/[\s'’-]+/g, '');
}

const isShortAbbreviation = (term: string): boolean => /^[A-Z0-9]{2,3}$/.test(term);

function termsOf(entry: DiagnosisEntry, language: Language): string[] {
  return language === 'en' ? [...entry.en] : [...(entry.frFeminine ?? []), ...(entry.frMasculine ?? [])];
}

function suffixSource(language: Language): string {
  const suffixes = language === 'en' ? diagnosisSuffixes.en : [...diagnosisSuffixes.frFeminine, ...diagnosisSuffixes.frMasculine];
  const exceptions = language === 'en' ? suffixExceptions.en : suffixExceptions.fr;
  // A word of at least two letters before the suffix; the exceptions share the ending only.
  return `(?!${alternation(exceptions)}${WORD_END})\\p{L}{2,}?${alternation(suffixes)}`;
}

function compile(language: Language): DiagnosisTerms {
  const terms = diagnoses.flatMap((entry) => termsOf(entry, language));
  const heads = language === 'en' ? diagnosisHeadNouns.en : [...diagnosisHeadNouns.frFeminine, ...diagnosisHeadNouns.frMasculine];
  const exactCase = new Map<string, string>();
  for (const term of terms) if (isShortAbbreviation(term)) exactCase.set(term.toLowerCase(), term);
  // English plurals ("fractures", "PEs"); French plurals are rare after an asserting phrase.
  const plural = language === 'en' ? "(?:s|es|['’]s)?" : 's?';
  const adjectives = diagnoses.flatMap((entry) => (language === 'en' ? entry.adjectivesEn : entry.adjectivesFr) ?? []);
  const injury = language === 'en' ? `|${alternation(injuryParticiples.en)}\\s+\\p{L}[\\p{L}-]*` : '';
  return {
    term: `(?:${alternation([...terms, ...heads])}${plural}|${suffixSource(language)}${injury})`,
    adjective: alternation(adjectives),
    exactCase,
  };
}

export const diagnosisTerms: Record<Language, DiagnosisTerms> = { en: compile('en'), fr: compile('fr') };

/** A matched term's condition id, or undefined for a term found by head noun or suffix. */
const conditionByKey = new Map<string, string>();
const genderByKey = new Map<string, Gender>();
for (const entry of diagnoses) {
  for (const term of [...entry.en, ...(entry.adjectivesEn ?? []), ...(entry.adjectivesFr ?? [])]) conditionByKey.set(termKey(term), entry.id);
  for (const term of entry.frFeminine ?? []) {
    conditionByKey.set(termKey(term), entry.id);
    genderByKey.set(termKey(term), 'f');
  }
  for (const term of entry.frMasculine ?? []) {
    conditionByKey.set(termKey(term), entry.id);
    genderByKey.set(termKey(term), 'm');
  }
}
for (const head of diagnosisHeadNouns.frFeminine) genderByKey.set(termKey(head), 'f');
for (const head of diagnosisHeadNouns.frMasculine) genderByKey.set(termKey(head), 'm');

function withoutPlural(key: string): string[] {
  return [key, key.replace(/s$/, ''), key.replace(/es$/, '')];
}

export function conditionOf(term: string): string | undefined {
  for (const key of withoutPlural(termKey(term))) {
    const id = conditionByKey.get(key);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** French gender of a diagnosis head, from the lexicon or, failing that, its ending. */
export function frenchGenderOf(term: string): Gender {
  for (const key of withoutPlural(termKey(term))) {
    const gender = genderByKey.get(key);
    if (gender !== undefined) return gender;
  }
  return /omes?$/u.test(termKey(term)) ? 'm' : /(?:ite|emie|ose|pathie|ie|ion|ure)s?$/u.test(termKey(term)) ? 'f' : 'm';
}

const conditionPatterns = new Map<string, RegExp>();

/** Whole-word regex for every way of naming a condition, in both languages (sources mix them). */
export function conditionPattern(conditionId: string): RegExp | undefined {
  const cached = conditionPatterns.get(conditionId);
  if (cached !== undefined) return cached;
  const entry = diagnoses.find((candidate) => candidate.id === conditionId);
  if (entry === undefined) return undefined;
  const phrases = [...termsOf(entry, 'en'), ...termsOf(entry, 'fr'), ...(entry.adjectivesEn ?? []), ...(entry.adjectivesFr ?? [])];
  const pattern = new RegExp(`${WORD_START}${alternation(phrases)}s?${WORD_END}`, 'giu');
  conditionPatterns.set(conditionId, pattern);
  return pattern;
}
