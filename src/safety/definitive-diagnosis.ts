/**
 * Definitive-diagnosis linter. A draft may suggest a diagnosis; only the clinician makes one
 * (DESIGN.md). This finds diagnoses asserted as fact — "patient has pneumonia", "this is a STEMI",
 * "Diagnosis: pulmonary embolism", "X-ray shows a fracture" — and offers a hedged rewrite of each.
 *
 * It leaves alone what the note does not assert: hedged ("possible", "cannot exclude"), negated
 * ("no evidence of"), past or family history, quoted or reported patient speech, and — when the
 * source is given — a condition the source states the patient already has ("my diabetes").
 */
import { assertionStatus, certaintyAfter, certaintyBefore, diagnosisCues, type AssertionStatus } from './assertion-context.ts';
import { assertionPatterns, type AssertionKind } from './diagnosis-patterns.ts';
import { hedgedRewrite, type AssertionParts } from './diagnosis-rewrite.ts';
import { conditionOf, conditionPattern, diagnosisTerms } from './diagnosis-terms.ts';
import { applySuggestions, findingAt, type Finding, type Language } from './finding.ts';
import { extendDiagnosisPhrase, labelContentEnd } from './diagnosis-phrase.ts';
import { guardLanguage } from './guard-input.ts';
import { phrasePattern, sourceStatesExisting } from './source-support.ts';
import { scopeOf, type TextScope } from './text-scope.ts';

export interface DiagnosisLintOptions {
  /** Language of the text. Default 'en'. */
  language?: Language;
  /** The source the draft was written from (transcript, record); lets stated history stand. Default none. */
  source?: string;
}

interface Candidate {
  start: number;
  end: number;
  /** Where the assertion itself starts, after any certainty phrase swallowed before it. */
  outerOf: number;
  headStart: number;
  headEnd: number;
  /** Start of the diagnosis as named, modifiers included ("type 2 diabetes"). */
  termStart: number;
  parts: AssertionParts;
}

/** A diagnosis phrase longer than this is not looked up in the source (no regex is built from it). */
const maxPhraseChars = 120;

/** Kinds that say the patient has the condition, which a source can show to be known history. */
const possessiveKinds = new Set<AssertionKind>(['subject-has', 'subject-is', 'subject-with', 'diagnosed']);

/** Label contents that are not a diagnosis yet. */
const deferred = /^(?:pending|deferred|unclear|uncertain|unknown|undetermined|to be determined|tbd|none|n\/a|en attente|à déterminer|à préciser|incertain|inconnu|aucun)\b/iu;

const termSource = (language: Language): string => `(?<![\\p{L}\\p{N}])${diagnosisTerms[language].term}(?![\\p{L}\\p{N}])`;
const diagnosisAnywhere = { en: new RegExp(termSource('en'), 'iu'), fr: new RegExp(termSource('fr'), 'iu') };
const diagnosisEverywhere = { en: new RegExp(termSource('en'), 'giu'), fr: new RegExp(termSource('fr'), 'giu') };

/** "PE" counts, "pe" does not: short capitalised abbreviations match with exact case only. */
function abbreviationCaseHolds(head: string, language: Language): boolean {
  const bare = head.replace(/(?:['’]s|es|s)$/u, '');
  const expected = diagnosisTerms[language].exactCase.get(bare.toLowerCase()) ?? diagnosisTerms[language].exactCase.get(head.toLowerCase());
  return expected === undefined || expected === bare || expected === head;
}

type Indices = Partial<Record<string, [number, number]>>;

function groupText(text: string, indices: Indices, name: string): string {
  const range = indices[name];
  return range === undefined ? '' : text.slice(range[0], range[1]);
}

function continuesAfter(text: string, end: number): boolean {
  const next = /^[ \t]*(.)/u.exec(text.slice(end, end + 20))?.[1];
  return next !== undefined && !/[.;!?\n:)\]]/u.test(next);
}

function candidateOf(text: string, match: RegExpExecArray, kind: AssertionKind, language: Language): Candidate | null {
  const indices = (match.indices?.groups ?? {}) as Indices;
  const start = match.index;
  let headStart: number;
  let headEnd: number;
  let end: number;
  if (kind === 'label') {
    headStart = start + match[0].length;
    headEnd = labelContentEnd(text, headStart);
    const content = text.slice(headStart, headEnd);
    if (content.trim() === '' || deferred.test(content)) return null;
    if (!/diag|dx/iu.test(groupText(text, indices, 'label')) && !diagnosisAnywhere[language].test(content)) return null;
    end = headEnd;
  } else {
    const head = indices['head'];
    if (head === undefined || !abbreviationCaseHolds(text.slice(head[0], head[1]), language)) return null;
    [headStart, headEnd] = head;
    end = kind === 'confirmed-after' ? start + match[0].length : kind === 'subject-is' ? headEnd : extendDiagnosisPhrase(text, headEnd, language);
  }
  // Certainty phrases around the assertion go with it: "Undoubtedly, …", "… (confirmed)".
  const outerStart = kind === 'label' ? start : certaintyBefore(text, start, language) ?? start;
  const outerEnd = certaintyAfter(text, end, language) ?? end;
  const verbStart = indices['verb']?.[0] ?? start;
  // The modifiers come right before the head, after any article and "the diagnosis of".
  const modsStart = indices['mods']?.[0] ?? headStart;
  const parts: AssertionParts = {
    kind,
    language,
    span: text.slice(start, end),
    lead: text.slice(start, kind === 'label' ? start : verbStart),
    subject: groupText(text, indices, 'subject'),
    verb: groupText(text, indices, 'verb'),
    article: groupText(text, indices, 'article'),
    infix: groupText(text, indices, 'dxOf'),
    phrase: text.slice(kind === 'label' ? headStart : modsStart, end).trim(),
    head: text.slice(headStart, headEnd),
    label: groupText(text, indices, 'label'),
    separator: groupText(text, indices, 'separator'),
    between: groupText(text, indices, 'between'),
    certainty: groupText(text, indices, 'certainty'),
    continues: continuesAfter(text, outerEnd),
  };
  return { start: outerStart, end: outerEnd, outerOf: start, headStart, headEnd, termStart: kind === 'label' ? headStart : Math.min(modsStart, headStart), parts };
}

/**
 * "Assessment: 60-year-old man with pneumonia": an assertion inside a label's content rewrites
 * better than the label. Candidates are sorted by start, so only the few after it are looked at.
 */
function holdsAnother(sorted: readonly Candidate[], labelIndex: number): boolean {
  const label = sorted[labelIndex];
  if (label === undefined) return false;
  for (let index = labelIndex + 1; index < sorted.length; index++) {
    const other = sorted[index];
    if (other === undefined || other.start >= label.end) break;
    if (other.start >= label.headStart && other.end <= label.end) return true;
  }
  return false;
}

function candidatesOf(text: string, language: Language): Candidate[] {
  const candidates: Candidate[] = [];
  for (const { kind, regex, hint } of assertionPatterns[language]) {
    if (hint?.test(text) === false) continue;
    for (const match of text.matchAll(regex)) {
      const candidate = candidateOf(text, match, kind, language);
      if (candidate !== null) candidates.push(candidate);
    }
  }
  // Earliest first, longest first at the same start; overlapping later ones are dropped.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  for (const [index, candidate] of candidates.entries()) {
    if (candidate.parts.kind === 'label' && holdsAnother(candidates, index)) continue;
    const last = kept.at(-1);
    if (last === undefined || candidate.start >= last.end) kept.push(candidate);
  }
  return kept;
}

/** A label's content read for cues with its diagnosis terms blanked ("infarctus sans élévation du segment ST"). */
function labelContentStatus(content: string, language: Language): AssertionStatus {
  const cues = diagnosisCues[language];
  const masked = content.replace(diagnosisEverywhere[language], ' ');
  if (cues.negation?.test(masked) === true) return 'negated';
  if (cues.hedge.test(masked) || masked.includes('?')) return 'hedged';
  if (cues.history.test(masked)) return 'historical';
  return 'asserted';
}

function statusOf(text: string, scope: TextScope, candidate: Candidate, language: Language, source: string | undefined, supportCache: Map<string, boolean>): AssertionStatus {
  const isLabel = candidate.parts.kind === 'label';
  // "… a history of pneumonia and now has a pneumothorax": the coordinated clause reads its own cues.
  const coordinated = /^(?:and|but)$/iu.test(candidate.parts.subject);
  const place = { start: candidate.start, leftUntil: candidate.headStart, rightFrom: candidate.headEnd, ...(coordinated ? { leftFrom: candidate.outerOf } : {}) };
  const status = assertionStatus(text, scope, place, language, diagnosisCues[language]);
  if (isLabel) return status === 'asserted' ? labelContentStatus(candidate.parts.phrase, language) : status;
  if (status !== 'asserted' || source === undefined || !possessiveKinds.has(candidate.parts.kind)) return status;
  // Lexicon conditions match by id (any synonym, either language); others by the words written.
  const condition = conditionOf(candidate.parts.head);
  const key = condition ?? text.slice(candidate.termStart, candidate.headEnd).toLowerCase();
  if (key.length > maxPhraseChars) return status;
  let supported = supportCache.get(key);
  if (supported === undefined) {
    const mention = (condition === undefined ? undefined : conditionPattern(condition)) ?? phrasePattern(key);
    supported = sourceStatesExisting(source, mention, language);
    supportCache.set(key, supported);
  }
  return supported ? 'historical' : status;
}

const messages: Record<Language, (head: string) => string> = {
  en: (head) => `States "${head}" as a definitive diagnosis; a draft may only suggest it, for the clinician to confirm.`,
  fr: (head) => `Affirme « ${head} » comme un diagnostic certain; une ébauche peut seulement le suggérer, à confirmer par le clinicien.`,
};

/** Finds diagnoses asserted as fact; each finding's suggestion is a hedged rewrite of its span. */
export function lintDefinitiveDiagnoses(text: string, options: DiagnosisLintOptions = {}): Finding[] {
  const language = guardLanguage(text, options.language);
  const scope = scopeOf(text);
  const supportCache = new Map<string, boolean>();
  const findings: Finding[] = [];
  for (const candidate of candidatesOf(text, language)) {
    if (statusOf(text, scope, candidate, language, options.source, supportCache) !== 'asserted') continue;
    const head = candidate.parts.kind === 'label' ? candidate.parts.phrase : candidate.parts.head;
    let rewrite = hedgedRewrite(candidate.parts);
    // A swallowed leading certainty phrase ("Undoubtedly, the patient …") gives the rewrite its case.
    if (candidate.start < candidate.outerOf && /^\p{Lu}/u.test(text.charAt(candidate.start))) rewrite = rewrite.charAt(0).toUpperCase() + rewrite.slice(1);
    findings.push(findingAt(text, 'definitive-diagnosis', candidate.start, candidate.end, messages[language](head), rewrite));
  }
  return findings;
}

/** The text with every definitive diagnosis replaced by its hedged rewrite, and the findings. */
export function hedgeDiagnoses(text: string, options: DiagnosisLintOptions = {}): { text: string; findings: Finding[] } {
  const findings = lintDefinitiveDiagnoses(text, options);
  return { text: applySuggestions(text, findings), findings };
}
