/**
 * Prescriptive-order guard. A draft may suggest treatment; only the clinician orders it. This
 * finds medication orders, doses and dispositions phrased as instructions — "give 2 mg morphine
 * IV", "discharge home", "cesser la warfarine" — and offers each as a suggestion to confirm.
 *
 * A prohibition is an order too ("avoid NSAIDs", "do not give aspirin"): it changes treatment, so
 * the clinician confirms it. Left alone: phrasing that already suggests ("consider", "may benefit
 * from", "pourrait"), what was already given or is already taken ("was given by EMS", "takes
 * metformin", "a reçu"), and quoted or reported speech.
 */
import { assertionStatus, type GuardCues } from './assertion-context.ts';
import { findingAt, type Finding, type Language } from './finding.ts';
import { guardLanguage } from './guard-input.ts';
import { orderDoneCues, orderHistoryCues, suggestionCues } from './lexicon/orders.ts';
import { exactCaseMedications, medicationOrDose, orderPatterns, type OrderKind } from './order-patterns.ts';
import { orderSuggestion } from './order-rewrite.ts';
import { cueRegex } from './term-pattern.ts';
import { scopeOf, type TextScope } from './text-scope.ts';

export interface OrderGuardOptions {
  /** Language of the text. Default 'en'. */
  language?: Language;
}

function orderCuesFor(language: Language): GuardCues {
  const suggestion = [...suggestionCues.phrases[language]];
  return {
    hedge: cueRegex(suggestion),
    negation: null,
    history: cueRegex(orderHistoryCues.phrases[language], orderHistoryCues.patterns?.[language]),
    trailing: cueRegex([...suggestion, ...orderDoneCues.phrases[language]], orderDoneCues.patterns?.[language]),
    historySections: ['history', 'medications'],
  };
}

const orderCues: Record<Language, GuardCues> = { en: orderCuesFor('en'), fr: orderCuesFor('fr') };

/**
 * What may stand before an imperative in its clause: bullets, numbering, a heading such as
 * "Plan:" or "Medical Treatment:", "then"/"please", or an introductory phrase ending in a comma
 * ("If pain persists, give …").
 */
const imperativeLead = /^[\s\-–—•*·>]*(?:\(?[0-9a-z]{1,2}[.)]\s+)?(?:[^:,;\n]{1,40}:\s*)*(?:(?:then|please|and|also|now|next|so|et|puis|ensuite|svp|alors)\s+)*(?:[^,;:]{0,60},\s*)?$/iu;

/** A dose line stands alone from its sentence start: "and amlodipine 10 mg daily" ends a list. */
const doseLineLead = /^[\s\-–—•*·>]*(?:\(?[0-9a-z]{1,2}[.)]\s+)?(?:[^:,;\n]{1,40}:\s*)*$/iu;

/** A verb after the dose makes it a statement ("ibuprofen 800 mg daily is helpful"). */
const statementVerb: Record<Language, RegExp> = {
  en: /(?<![\p{L}])(?:is|are|was|were|has|have|had|helps?|helped|works?|worked|did|does)(?![\p{L}])/iu,
  fr: /(?<![\p{L}])(?:est|sont|était|a|ont|avait|aide|aidait)(?![\p{L}])/iu,
};

/** The text before a verb in its clause; a long one is no lead, so it is not even read ('x'). */
function leadOf(text: string, clauseStart: number, start: number): string {
  return start - clauseStart > 120 ? 'x' : text.slice(clauseStart, start);
}

/** End of the order: the end of its sentence, line or ";" ("b.i.d. for 7 days" stays inside). */
function orderEnd(text: string, from: number): number {
  const rest = text.slice(from, from + 250);
  const end = rest.search(/[;\n]|[.!?](?=\s*$|\s+[\p{Lu}\d•\-*(])/u);
  const stop = end === -1 ? rest.length : end;
  return from + rest.slice(0, stop).trimEnd().length;
}

function namesMedication(text: string, language: Language): boolean {
  for (const match of text.matchAll(medicationOrDose[language])) {
    const expected = exactCaseMedications[language].get(match[0].replace(/s$/u, '').toLowerCase());
    if (expected === undefined || match[0].startsWith(expected)) return true;
  }
  return false;
}

interface OrderCandidate {
  kind: OrderKind;
  start: number;
  end: number;
  verbEnd: number;
  modal: string;
  verb: string;
}

function candidateOf(text: string, scope: TextScope, match: RegExpExecArray, kind: OrderKind, needsMedication: boolean, language: Language): OrderCandidate | null {
  const groups = (match.indices?.groups ?? {}) as Partial<Record<string, [number, number]>>;
  const verbRange = groups['verb'];
  if (verbRange === undefined) return null;
  const verb = text.slice(verbRange[0], verbRange[1]);
  if (verb.toLowerCase() === 'rad' && verb !== 'RAD') return null;
  const end = orderEnd(text, verbRange[1]);
  if (kind === 'dose-line') {
    if (!doseLineLead.test(leadOf(text, scope.sentenceStart(match.index), match.index))) return null;
    if (!namesMedication(verb, language) || statementVerb[language].test(text.slice(verbRange[1], end))) return null;
  } else if (kind !== 'modal' && !imperativeLead.test(leadOf(text, scope.clauseStart(match.index), match.index))) return null;
  if (needsMedication && kind !== 'dose-line' && !namesMedication(text.slice(verbRange[1], end), language)) return null;
  const modal = groups['modal'] === undefined ? '' : text.slice(match.index, verbRange[0]);
  return { kind, start: match.index, end, verbEnd: verbRange[1], modal, verb };
}

function candidatesOf(text: string, scope: TextScope, language: Language): OrderCandidate[] {
  const candidates: OrderCandidate[] = [];
  for (const { kind, regex, needsMedication, hint } of orderPatterns[language]) {
    if (hint?.test(text) === false) continue;
    for (const match of text.matchAll(regex)) {
      const candidate = candidateOf(text, scope, match, kind, needsMedication, language);
      if (candidate !== null) candidates.push(candidate);
    }
  }
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: OrderCandidate[] = [];
  for (const candidate of candidates) {
    const last = kept.at(-1);
    if (last === undefined || candidate.start >= last.end) kept.push(candidate);
  }
  return kept;
}

/** A sentence that already asks the clinician to confirm ("could …, and continue … — clinician to confirm") is a suggestion. */
const confirmNote = /clinician to (?:confirm|decide|consider)|à confirmer par le clinicien/iu;

function carriesConfirmNote(text: string, scope: TextScope, candidate: OrderCandidate): boolean {
  const sentenceStart = Math.max(scope.sentenceStart(candidate.start), candidate.start - 300);
  const after = text.slice(candidate.end, candidate.end + 40);
  const stop = after.search(/[.;!?\n]/u);
  return confirmNote.test(text.slice(sentenceStart, candidate.end) + (stop === -1 ? after : after.slice(0, stop)));
}

const messages: Record<Language, string> = {
  en: 'Phrased as an order; a draft may only suggest treatment or disposition, for the clinician to confirm.',
  fr: 'Formulé comme une ordonnance; une ébauche peut seulement suggérer un traitement ou une orientation, à confirmer par le clinicien.',
};

/** Finds orders phrased as instructions; each finding's suggestion rephrases it as a suggestion. */
export function findPrescriptiveOrders(text: string, options: OrderGuardOptions = {}): Finding[] {
  const language = guardLanguage(text, options.language);
  const scope = scopeOf(text);
  const findings: Finding[] = [];
  for (const candidate of candidatesOf(text, scope, language)) {
    // "Patient was given morphine by EMS, give another 2 mg IV now": the history ends at the comma.
    const lookback = Math.max(0, candidate.start - 120);
    const comma = candidate.kind === 'modal' ? -1 : text.slice(lookback, candidate.start).lastIndexOf(',');
    const place = { start: candidate.start, leftFrom: comma === -1 ? 0 : lookback + comma + 1, leftUntil: candidate.start, rightFrom: candidate.verbEnd };
    const status = assertionStatus(text, scope, place, language, orderCues[language]);
    if (status !== 'asserted' && status !== 'negated') continue;
    if (carriesConfirmNote(text, scope, candidate)) continue;
    const suggestion = orderSuggestion({ kind: candidate.kind, language, span: text.slice(candidate.start, candidate.end), modal: candidate.modal, verb: candidate.verb });
    findings.push(findingAt(text, 'prescriptive-order', candidate.start, candidate.end, messages[language], suggestion));
  }
  return findings;
}
