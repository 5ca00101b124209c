/**
 * How far a diagnosis phrase runs after its head term, so the rewrite replaces all of it:
 * "fracture of the distal radius", "pneumonie lobaire inférieure droite". English complements
 * follow a preposition; French adjectives follow the noun. A stop word, a cue or punctuation ends it.
 */
import type { Language } from './finding.ts';
import { alternation, WORD_END, WORD_START } from './term-pattern.ts';

const maxTailWords = 6;

const prepositions: Record<Language, ReadonlySet<string>> = {
  en: new Set(['of', 'in', 'at', 'involving', 'affecting', 'on']),
  fr: new Set(['de', 'du', 'des', "d'", 'd’', 'la', 'le', "l'", 'l’', 'à', 'au', 'aux', 'en']),
};

/** Words that end the phrase: conjunctions, verbs, cues, and words that start a new idea. */
const tailStop: Record<Language, RegExp> = {
  en: new RegExp(`^${WORD_START}${alternation(['and', 'or', 'but', 'with', 'without', 'which', 'that', 'who', 'requiring', 'needing', 'for', 'so', 'will', 'was', 'were', 'is', 'are', 'has', 'had', 'have', 'likely', 'possibly', 'probably', 'possible', 'probable', 'suspected', 'vs', 'versus', 'given', 'because', 'since', 'as', 'after', 'before', 'while', 'when', 'if', 'then', 'than', 'secondary', 'due', 'caused', 'confirmed', 'diagnosed', 'treated', 'seen', 'noted', 'not', 'no', 'in the past', 'ago', 'now', 'today', 'yesterday', 'again', 'clinician'])}${WORD_END}`, 'iu'),
  fr: new RegExp(`^${WORD_START}${alternation(['et', 'ou', 'mais', 'avec', 'sans', 'pour', 'par', 'qui', 'que', "qu'", 'dont', 'est', 'sont', 'a', 'ont', 'depuis', 'chez', 'selon', 'si', 'comme', 'car', 'donc', 'puis', 'lors', 'possible', 'possiblement', 'probable', 'probablement', 'suspectée', 'suspecté', 'confirmée', 'confirmé', 'confirmées', 'confirmés', 'diagnostiquée', 'diagnostiqué', 'traitée', 'traité', 'exclue', 'exclu', 'vs', 'versus', 'secondaire', 'due', 'causée', 'causé', 'il', 'elle', 'on', 'nous', 'ce', 'cette', 'aujourd\'hui', 'hier', 'maintenant', 'à confirmer'])}${WORD_END}`, 'iu'),
};

const tailToken = /(?:\s+|(?<=['’]))([\p{L}\p{N}][\p{L}\p{N}/-]*['’]?)/uy;

/** End index of the diagnosis phrase whose head ends at `headEnd`. */
export function extendDiagnosisPhrase(text: string, headEnd: number, language: Language): number {
  let end = headEnd;
  let afterPreposition = false;
  for (let words = 0; words < maxTailWords; words++) {
    tailToken.lastIndex = end;
    const match = tailToken.exec(text);
    const word = match?.[1];
    if (match === null || word === undefined) break;
    if (/\n/u.test(match[0])) break;
    if (tailStop[language].test(text.slice(match.index + match[0].length - word.length))) break;
    const isPreposition = prepositions[language].has(word.toLowerCase());
    // English takes words only inside a complement ("of the radius"); French takes adjectives too.
    if (language === 'en' && !isPreposition && !afterPreposition) break;
    afterPreposition ||= isPreposition;
    end = match.index + match[0].length;
  }
  // A trailing preposition or article belongs to what follows, not to the diagnosis.
  const trimmed = /(?:\s+(?:of|in|at|on|the|a|an|de|du|des|la|le|les|à|au|aux|en)|\s+[dl]['’])$/iu.exec(text.slice(headEnd, end));
  return trimmed === null ? end : end - trimmed[0].length;
}

/** End of a label's content ("Diagnosis: …"): the sentence, line or ";" that holds it. */
export function labelContentEnd(text: string, from: number): number {
  const rest = text.slice(from, from + 300);
  const end = rest.search(/[;\n]|[.!?](?=\s|$)/u);
  const stop = end === -1 ? rest.length : end;
  return from + rest.slice(0, stop).trimEnd().length;
}
