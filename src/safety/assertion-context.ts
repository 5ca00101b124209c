/**
 * Decides whether a phrase that names a diagnosis or an order is asserted by the note itself, or
 * is hedged, negated, past history, family history or someone's reported speech. The cues come
 * from lexicon/assertion-cues.ts; their scope follows text-scope.ts.
 */
import type { Language } from './finding.ts';
import { certaintyCues, currentCues, familyCues, hedgeCues, historyCues, negationCues, reportedSpeechCues, trailingCues, type CueList } from './lexicon/assertion-cues.ts';
import { cueRegex } from './term-pattern.ts';
import type { SectionKind, TextScope } from './text-scope.ts';

export type AssertionStatus = 'asserted' | 'quoted' | 'family' | 'historical' | 'negated' | 'hedged';

/** The cues one guard reads; family and reported-speech cues are shared by all guards. */
export interface GuardCues {
  /** Before the phrase, in its clause: makes it a suggestion ("possible", "consider"). */
  hedge: RegExp;
  /** Before the phrase, in its clause: negates it; null where a negation is still an assertion. */
  negation: RegExp | null;
  /** Before the phrase, in its clause: makes it past history. */
  history: RegExp;
  /** After the phrase, to the next comma: hedges, negates or dates it ("is likely", "was given"). */
  trailing: RegExp;
  /** Sections whose content is history for this guard (a medication list holds no orders). */
  historySections: readonly SectionKind[];
  /** In its sentence, overrides a history section: "now has", "currently". Default: none. */
  current?: RegExp;
}

const compile = (cues: CueList, language: Language): RegExp => cueRegex(cues.phrases[language], cues.patterns?.[language]);

function diagnosisCuesFor(language: Language): GuardCues {
  return {
    hedge: compile(hedgeCues, language),
    negation: compile(negationCues, language),
    history: compile(historyCues, language),
    trailing: compile(trailingCues, language),
    historySections: ['history'],
    current: compile(currentCues, language),
  };
}

/** The cues of the definitive-diagnosis linter. */
export const diagnosisCues: Record<Language, GuardCues> = { en: diagnosisCuesFor('en'), fr: diagnosisCuesFor('fr') };

const familyRegex: Record<Language, RegExp> = { en: compile(familyCues, 'en'), fr: compile(familyCues, 'fr') };
const certaintyRegex: Record<Language, RegExp> = {
  en: new RegExp(compile(certaintyCues, 'en').source, 'giu'),
  fr: new RegExp(compile(certaintyCues, 'fr').source, 'giu'),
};

/** The text with its certainty phrases blanked ("no doubt", "sans aucun doute"), length kept. */
export function maskCertainty(text: string, language: Language): string {
  return text.replace(certaintyRegex[language], (phrase) => ' '.repeat(phrase.length));
}

/** A certainty phrase that ends right at `end` (comma and space allowed after it), or null. */
export function certaintyBefore(text: string, end: number, language: Language): number | null {
  const before = text.slice(Math.max(0, end - 60), end);
  let found: number | null = null;
  for (const match of before.matchAll(certaintyRegex[language])) {
    if (/^[\s,]*$/u.test(before.slice(match.index + match[0].length))) found = end - before.length + match.index;
  }
  return found;
}

/** End of a certainty phrase right after `start` (", no doubt", " (confirmed)"), or null. */
export function certaintyAfter(text: string, start: number, language: Language): number | null {
  const after = text.slice(start, start + 60);
  const lead = /^(?:\s*,\s*|\s*\(\s*|\s+)/u.exec(after);
  if (lead === null) return null;
  const regex = new RegExp(certaintyRegex[language].source, 'iuy');
  regex.lastIndex = lead[0].length;
  const match = regex.exec(after);
  if (match === null) return null;
  let end = lead[0].length + match[0].length;
  if (lead[0].includes('(')) {
    const close = /^\s*\)/u.exec(after.slice(end));
    if (close === null) return null;
    end += close[0].length;
  }
  // Only where the phrase ends the clause: "pneumonia, no doubt." not "pneumonia, no doubt about it".
  return /^\s*(?:[.;!\n)]|$)/u.test(after.slice(end)) ? start + end : null;
}

const reportedRegex: Record<Language, RegExp> = { en: compile(reportedSpeechCues, 'en'), fr: compile(reportedSpeechCues, 'fr') };

/** Where the phrase sits: its span and the part of it after which trailing cues are read. */
export interface PhrasePlace {
  start: number;
  /** Cues are read from here; default: the start of the phrase's clause. */
  leftFrom?: number;
  /** Cues before this index, in the clause, qualify the phrase ("no evidence of" …). */
  leftUntil: number;
  /** Cues after this index, up to the next comma or clause end, qualify it too ("… is likely"). */
  rightFrom: number;
}

/** The text after the phrase that still belongs to it: up to a comma or the end of the clause. */
export function trailingText(text: string, scope: TextScope, from: number): string {
  const rest = text.slice(from, Math.min(scope.clauseEnd(from), from + clauseWindow));
  const cut = rest.search(/[,;.!\n:]/u);
  if (cut === -1) return rest;
  // A short tail after a comma that ends the clause still qualifies it: ", which is unlikely", ", à confirmer".
  if (rest.charAt(cut) === ',') {
    const tail = rest.slice(cut + 1);
    const tailEnd = tail.search(/[,;.!\n:]/u);
    const words = (tailEnd === -1 ? tail : tail.slice(0, tailEnd)).trim();
    const ends = tailEnd === -1 || /[;.!\n]/u.test(tail.charAt(tailEnd));
    if (ends && (words.split(/\s+/u).length <= 3 || /^(?:which|that|qui|ce\s+qui)\s/iu.test(words))) return `${rest.slice(0, cut)} ${words}`;
  }
  return rest.slice(0, cut);
}

/**
 * How far back cues are read. A cue further away in one run-on sentence does not plausibly govern
 * the phrase, and the bound keeps each check constant-time on text without punctuation.
 */
const clauseWindow = 200;
const sentenceWindow = 300;

export function assertionStatus(text: string, scope: TextScope, place: PhrasePlace, language: Language, cues: GuardCues): AssertionStatus {
  if (scope.isQuoted(place.start)) return 'quoted';
  const sentenceStart = Math.max(scope.sentenceStart(place.start), place.start - sentenceWindow);
  if (reportedRegex[language].test(text.slice(sentenceStart, place.start))) return 'quoted';
  const section = scope.section(place.start);
  if (section === 'family') return 'family';
  if (cues.historySections.includes(section) && cues.current?.test(text.slice(sentenceStart, place.leftUntil)) !== true) return 'historical';
  const left = maskCertainty(text.slice(Math.max(scope.clauseStart(place.start), place.leftFrom ?? 0, place.start - clauseWindow), place.leftUntil), language);
  if (familyRegex[language].test(left)) return 'family';
  if (cues.negation?.test(left) === true) return 'negated';
  if (cues.hedge.test(left) || left.includes('?')) return 'hedged';
  if (cues.history.test(left)) return 'historical';
  if (cues.trailing.test(maskCertainty(trailingText(text, scope, place.rightFrom), language))) return 'hedged';
  return 'asserted';
}
