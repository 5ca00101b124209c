/**
 * Whether the source (transcript, record) states a condition as one the patient already has:
 * "I have diabetes", "my asthma", "history of COPD", "j'ai le diabète". A draft that repeats such
 * a condition reports history; it does not make a new diagnosis.
 */
import type { Language } from './finding.ts';
import { existingConditionCues, sourceDoubtCues } from './lexicon/assertion-cues.ts';
import { alternation, cueRegex, WORD_END, WORD_START } from './term-pattern.ts';

/** How far before a mention its cue may sit ("I have had type 2 diabetes"). */
const windowChars = 60;

const existing: Record<Language, RegExp> = {
  en: cueRegex(existingConditionCues.phrases.en),
  fr: cueRegex(existingConditionCues.phrases.fr),
};
const doubt: Record<Language, RegExp> = {
  en: cueRegex(sourceDoubtCues.phrases.en),
  fr: cueRegex(sourceDoubtCues.phrases.fr),
};

/** Whole-word regex for a diagnosis phrase the lexicon does not know ("Kawasaki disease"). */
export function phrasePattern(phrase: string): RegExp {
  return new RegExp(`${WORD_START}${alternation([phrase])}${WORD_END}`, 'giu');
}

export function sourceStatesExisting(source: string, mention: RegExp, language: Language): boolean {
  for (const match of source.matchAll(mention)) {
    let window = source.slice(Math.max(0, match.index - windowChars), match.index);
    // Only the mention's own sentence or dialogue turn counts.
    const cut = Math.max(...['.', '!', '?', '\n', ']', ';'].map((mark) => window.lastIndexOf(mark)));
    if (cut >= 0) window = window.slice(cut + 1);
    if (existing[language].test(window) && !doubt[language].test(window)) return true;
  }
  return false;
}
