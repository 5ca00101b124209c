/**
 * Hedged, reviewable rewrites of a definitive diagnosis, keeping the clinician's words where it
 * can: "patient has pneumonia" → "findings suggest possible pneumonia; clinician to confirm",
 * "le patient a une pneumonie" → "les constats évoquent une possible pneumonie; à confirmer par
 * le clinicien".
 */
import type { Language } from './finding.ts';
import type { AssertionKind } from './diagnosis-patterns.ts';
import { frenchGenderOf } from './diagnosis-terms.ts';

/** The parts of one assertion, as written, that its rewrite reuses. */
export interface AssertionParts {
  kind: AssertionKind;
  language: Language;
  /** The whole span being replaced. */
  span: string;
  /** Text from the span's start to the verb (subject, age …), or ''. */
  lead: string;
  subject: string;
  verb: string;
  /** Article before the diagnosis, with its trailing space or apostrophe, or ''. */
  article: string;
  /** Text between the verb or article and the diagnosis phrase that must stay ("the diagnosis of "). */
  infix: string;
  /** Modifiers + head term + trailing complement, as written ("displaced fracture of the radius"). */
  phrase: string;
  head: string;
  label: string;
  separator: string;
  /** For 'confirmed-after': the text between the head and the verb ("was "). */
  between: string;
  /** For 'confirmed-after': a certainty phrase after a comma ("pneumonia, no doubt"), or ''. */
  certainty: string;
  /** The clause goes on after the span, so the note to confirm goes in parentheses. */
  continues: boolean;
}

const confirmNote: Record<Language, string> = { en: 'clinician to confirm', fr: 'à confirmer par le clinicien' };

function suffix(parts: AssertionParts): string {
  return parts.continues ? ` (${confirmNote[parts.language]})` : `; ${confirmNote[parts.language]}`;
}

/** Capitalises the rewrite when the span started a sentence. */
function matchCase(original: string, rewrite: string): string {
  const first = original.charAt(0);
  return first !== first.toLowerCase() ? rewrite.charAt(0).toUpperCase() + rewrite.slice(1) : rewrite;
}

/** "Right lower lobe pneumonia" → "Possible right lower lobe pneumonia"; "STEMI" stays capitalised. */
function possibleBefore(phrase: string, possible: string): string {
  if (/^\p{Lu}\p{Ll}/u.test(phrase)) return `${possible.charAt(0).toUpperCase()}${possible.slice(1)} ${phrase.charAt(0).toLowerCase()}${phrase.slice(1)}`;
  return `${possible} ${phrase}`;
}

function englishEvidenceVerb(verb: string, hasSubject: boolean): string {
  const first = (verb.split(/\s*(?:,|&|\/|\band\b)\s*/i)[0] ?? verb).toLowerCase().replace(/\s+/g, ' ');
  if (/^show/.test(first)) return 'may show';
  if (/^demonstrat/.test(first)) return 'may demonstrate';
  if (/^reveal/.test(first)) return 'may reveal';
  if (/^represent/.test(first)) return 'may represent';
  if (/^(?:confirm|prove|establish)|diagnostic of/.test(first)) {
    return hasSubject || /^(?:confirms|confirm|proves|prove|establish|establishes|is|are|was|were)\b/.test(first) ? 'may be consistent with' : 'possibly consistent with';
  }
  if (/^tests? positive for|^tested positive for/.test(first)) return 'had a test result possibly consistent with';
  if (/positive for$/.test(first)) return hasSubject ? 'may be consistent with' : 'possibly consistent with';
  const withAuxiliary = /^(?:is|are|was|were) (.+)$/.exec(first);
  if (withAuxiliary?.[1] !== undefined) return `may be ${withAuxiliary[1]}`;
  return `possibly ${first}`;
}

function englishRewrite(parts: AssertionParts): string {
  const possible = /^an?\s/i.test(parts.article) ? 'a possible' : 'possible';
  const subject = parts.subject.toLowerCase();
  switch (parts.kind) {
    case 'subject-has':
      if (subject === 'and' || subject === 'but') return `${parts.subject} may have ${parts.article}${parts.phrase}${suffix(parts)}`;
      return subject === 'who' ? `who may have ${parts.article}${parts.phrase}${suffix(parts)}` : matchCase(parts.span, `findings suggest ${possible} ${parts.phrase}${suffix(parts)}`);
    case 'subject-is':
      return `${parts.lead}may be ${parts.head}${suffix(parts)}`;
    case 'subject-with':
      return `${parts.lead}${parts.verb} ${possible} ${parts.phrase} (${confirmNote.en})`;
    case 'copula':
      if (subject === 'there') return matchCase(parts.span, `there may be ${parts.article}${parts.phrase}${suffix(parts)}`);
      return ['this', 'it', 'that'].includes(subject) ? matchCase(parts.span, `findings may be consistent with ${parts.phrase}${suffix(parts)}`) : `${parts.lead}may be consistent with ${parts.phrase}${suffix(parts)}`;
    case 'label':
      if (/diag|dx/i.test(parts.label)) {
        const label = parts.label === parts.label.toUpperCase() ? `POSSIBLE ${parts.label}` : matchCase(parts.label, `possible ${parts.label.charAt(0).toLowerCase()}${parts.label.slice(1)}`);
        return `${label}${parts.separator}${parts.phrase} (${confirmNote.en})`;
      }
      return `${parts.label}${parts.separator}${possibleBefore(parts.phrase, 'possible')} (${confirmNote.en})`;
    case 'diagnosis-of':
      return `${parts.label.replace(/(?:final\s+|confirmed\s+)?diagnosis/i, (words) => `possible ${words.replace(/^confirmed\s+/i, '')}`)} of ${parts.article}${parts.phrase} (${confirmNote.en})`;
    case 'diagnosed':
      return matchCase(parts.span, `may have ${parts.article}${parts.phrase}${suffix(parts)}`);
    case 'evidence':
      return matchCase(parts.span, `${parts.lead}${englishEvidenceVerb(parts.verb, parts.lead !== '')} ${parts.article}${parts.infix}${parts.phrase}${suffix(parts)}`);
    case 'confirmed-after':
      if (parts.certainty !== '') return `${possibleBefore(parts.head, 'possible')} (${confirmNote.en})`;
      return `${parts.head}${parts.between}suggested (${confirmNote.en})`;
  }
}

/** "un"/"une"/"des" for the diagnosis, from the article written or the term's gender. */
function frenchIndefinite(parts: AssertionParts): 'un' | 'une' | 'des' {
  const article = parts.article.trim().toLowerCase().replace(/^d['’]/, '');
  if (article === 'un' || article === 'une' || article === 'des') return article;
  if (article === 'les') return 'des';
  return frenchGenderOf(parts.head) === 'f' ? 'une' : 'un';
}

function frenchPossible(parts: AssertionParts): string {
  const indefinite = frenchIndefinite(parts);
  return indefinite === 'des' ? 'de possibles' : `${indefinite} possible`;
}

function frenchEvidenceVerb(verb: string): string {
  const first = (verb.split(/\s*(?:,|\bet\b)\s*/iu)[0] ?? verb).toLowerCase().replace(/\s+/g, ' ');
  const plural = /ent$|^(?:ont|sont) /u.test(first);
  const could = plural ? 'pourraient' : 'pourrait';
  if (/montr/u.test(first) && !/démontr/u.test(first)) return `${could} montrer`;
  if (/démontr/u.test(first)) return `${could} démontrer`;
  if (/r[ée]v[ée]l/u.test(first)) return `${could} révéler`;
  if (/objectiv/u.test(first)) return `${could} objectiver`;
  if (/évidence/u.test(first)) return `${could} mettre en évidence`;
  if (/^confirmant/u.test(first)) return 'possiblement compatible avec';
  if (/confirm|diagnostique/u.test(first)) return `${could} être ${plural ? 'compatibles' : 'compatible'} avec`;
  if (/^(?:est|sont|était) /u.test(first)) return `${could} être ${first.replace(/^\S+ /u, '')}`;
  if (/^représente/u.test(first)) return 'pourrait représenter';
  return `possiblement ${first}`;
}

function frenchRewrite(parts: AssertionParts): string {
  switch (parts.kind) {
    case 'subject-has':
      return parts.subject.toLowerCase() === 'qui'
        ? `qui pourrait avoir ${frenchIndefinite(parts)} ${parts.phrase}${suffix(parts)}`
        : matchCase(parts.span, `les constats évoquent ${frenchPossible(parts)} ${parts.phrase}${suffix(parts)}`);
    case 'subject-is':
      return `${parts.lead}pourrait être ${parts.head}${suffix(parts)}`;
    case 'subject-with':
      return `${parts.lead}${parts.verb} ${frenchPossible(parts)} ${parts.phrase} (${confirmNote.fr})`;
    case 'copula':
      return matchCase(parts.span, `les constats pourraient être compatibles avec ${frenchIndefinite(parts)} ${parts.phrase}${suffix(parts)}`);
    case 'label':
      return /diag|dx/iu.test(parts.label)
        ? `${parts.label} possible${parts.separator}${parts.phrase} (${confirmNote.fr})`
        : `${parts.label}${parts.separator}${possibleBefore(parts.phrase, 'possible')} (${confirmNote.fr})`;
    case 'diagnosis-of':
      return `${parts.label} possible ${parts.span.slice(parts.label.length).trimStart()} (${confirmNote.fr})`;
    case 'diagnosed':
      return matchCase(parts.span, `pourrait avoir ${frenchIndefinite(parts)} ${parts.phrase}${suffix(parts)}`);
    case 'evidence': {
      const verb = frenchEvidenceVerb(parts.verb);
      const article = parts.article === '' && verb.endsWith('avec') ? `${frenchIndefinite(parts)} ` : parts.article;
      return matchCase(parts.span, `${parts.lead}${verb} ${article}${parts.phrase}${suffix(parts)}`);
    }
    case 'confirmed-after':
      if (parts.certainty !== '') return `${parts.head} possible (${confirmNote.fr})`;
      return `${parts.head}${parts.between}${parts.verb.toLowerCase().replace(/^(?:confirm|prouv|avér)/u, 'suggér')} (${confirmNote.fr})`;
  }
}

export function hedgedRewrite(parts: AssertionParts): string {
  return parts.language === 'en' ? englishRewrite(parts) : frenchRewrite(parts);
}
