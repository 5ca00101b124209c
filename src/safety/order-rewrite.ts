/**
 * Rephrases an order as a suggestion for the clinician, keeping its words:
 * "give 2 mg morphine IV" → "consider giving 2 mg morphine IV — clinician to confirm",
 * "cesser la warfarine" → "envisager de cesser la warfarine — à confirmer par le clinicien".
 */
import type { Language } from './finding.ts';
import { dispositionVerbs, orderVerbs } from './lexicon/orders.ts';
import type { OrderKind } from './order-patterns.ts';

export interface OrderParts {
  kind: OrderKind;
  language: Language;
  /** The whole order as written (without its closing full stop). */
  span: string;
  /** The modal words ("we will ", "sera "), or '' for other kinds. */
  modal: string;
  /** The verb as written ("Give", "do not give", "hospitalisé"); for a dose line, the medication. */
  verb: string;
}

const confirmNote: Record<Language, string> = { en: 'clinician to confirm', fr: 'à confirmer par le clinicien' };

function matchCase(original: string, rewrite: string): string {
  const first = original.charAt(0);
  return first !== first.toLowerCase() ? rewrite.charAt(0).toUpperCase() + rewrite.slice(1) : rewrite;
}

const englishBase = new Map<string, string>(Object.entries(orderVerbs.en).map(([base, gerund]) => [gerund, base]));

function englishGerund(verb: string): string {
  const words = verb.toLowerCase().split(/\s+/);
  const last = words.at(-1) ?? '';
  const gerund = orderVerbs.en[last] ?? dispositionVerbs.en[last] ?? (last === 'd/c' ? 'discharging' : `${last}ing`);
  return words.length > 1 ? `not ${gerund}` : gerund;
}

function englishModal(parts: OrderParts, rest: string): string {
  const modal = parts.modal.trim();
  const verb = englishBase.get(parts.verb.toLowerCase()) ?? parts.verb;
  if (/plan/i.test(modal)) return `${modal.replace(/\s+(?:is|will\s+be)\s+to$/i, '')} could be to ${verb}${rest}`;
  const subject = /^(we|i)\b/i.exec(modal)?.[1] ?? '';
  const passive = /\bbe$/i.test(modal) ? 'be ' : '';
  return `${subject === '' ? '' : `${subject} `}could ${passive}${verb}${rest}`;
}

/** "de" elides before a vowel or a mute h: "d'administrer", "d'hospitaliser". */
const frenchDe = (word: string): string => (/^[aeéèêiîoôuûyh]/iu.test(word) ? `d'${word}` : `de ${word}`);

const frenchModals: Readonly<Record<string, string>> = {
  'on va': 'on pourrait', 'nous allons': 'nous pourrions', 'je vais': 'je pourrais', 'il faut': 'il pourrait être indiqué', 'il faudra': 'il pourrait être indiqué',
  va: 'pourrait', vont: 'pourraient', doit: 'pourrait', doivent: 'pourraient', devra: 'pourrait', devront: 'pourraient', devrait: 'pourrait',
  sera: 'pourrait être', seront: 'pourraient être',
};

function frenchModal(parts: OrderParts, rest: string): string {
  const modal = parts.modal.trim().toLowerCase().replace(/\s+/g, ' ');
  const replacement = frenchModals[modal] ?? 'pourrait';
  const verb = parts.verb;
  return replacement.endsWith('indiqué') ? `${replacement} ${frenchDe(verb)}${rest}` : `${replacement} ${verb}${rest}`;
}

function frenchImperative(parts: OrderParts, rest: string): string {
  const verb = parts.verb.toLowerCase().replace(/\s+/g, ' ');
  if (verb.startsWith('ne pas')) return `envisager de ${verb}${rest}`;
  const infinitive = orderVerbs.fr[verb] ?? dispositionVerbs.fr[verb];
  if (infinitive !== undefined) return `envisager ${frenchDe(infinitive)}${rest}`;
  if (/^donner/u.test(verb)) return `envisager de ${verb}${rest}`;
  return `envisager le ${verb === 'rad' ? 'retour à domicile' : verb}${rest}`;
}

export function orderSuggestion(parts: OrderParts): string {
  const rest = parts.span.slice(parts.modal.length + parts.verb.length);
  const note = confirmNote[parts.language];
  if (parts.kind === 'dose-line') {
    return parts.language === 'en' ? matchCase(parts.span, `suggested (${note}): ${parts.span}`) : matchCase(parts.span, `suggestion ${note} : ${parts.span}`);
  }
  if (parts.language === 'en') {
    const body = parts.kind === 'modal' ? englishModal(parts, rest) : `consider ${englishGerund(parts.verb)}${rest}`;
    return matchCase(parts.span, `${body} — ${note}`);
  }
  const body = parts.kind === 'modal' ? frenchModal(parts, rest) : frenchImperative(parts, rest);
  return matchCase(parts.span, `${body} — ${note}`);
}
