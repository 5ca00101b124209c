/**
 * The phrasings that assert a diagnosis as fact, as regular expressions compiled once per
 * language. Each names its parts (subject, verb, article, modifiers, head term) so the rewrite can
 * keep what it should. Gaps between parts are bounded ({0,4} words), so nothing backtracks
 * catastrophically.
 */
import type { Language } from './finding.ts';
import { diagnosisTerms } from './diagnosis-terms.ts';
import { alternation, WORD_END, WORD_START } from './term-pattern.ts';

export type AssertionKind =
  | 'subject-has' // "patient has pneumonia"
  | 'subject-is' // "patient is septic"
  | 'subject-with' // "a 60-year-old man with pneumonia"
  | 'copula' // "this is a STEMI"
  | 'label' // "Diagnosis: pulmonary embolism"
  | 'diagnosis-of' // "a diagnosis of pneumonia"
  | 'diagnosed' // "was diagnosed with DVT"
  | 'evidence' // "X-ray shows a fracture", "consistent with sepsis"
  | 'confirmed-after'; // "appendicitis confirmed on CT"

export interface AssertionPattern {
  kind: AssertionKind;
  regex: RegExp;
  /** A cheap test the text must pass first: patterns that open with a term list are the slow ones. */
  hint?: RegExp;
}

const confirmedHint = /confirm|prove|prouv|avér|doubt|doute|certain|sure|definite|indubita|assurément/iu;

/** Words that end a run of modifiers: a diagnosis does not lie beyond them. */
const stopWords: Record<Language, readonly string[]> = {
  en: ['and', 'or', 'but', 'with', 'without', 'for', 'to', 'from', 'by', 'been', 'being', 'had', 'has', 'have', 'having', 'was', 'were', 'is', 'are', 'be', 'will', 'would', 'should', 'could', 'may', 'might', 'can', 'cannot', 'that', 'which', 'who', 'this', 'these', 'those', 'since', 'after', 'before', 'because', 'while', 'when', 'if', 'in', 'as', 'than', 'then', 'no', 'not', 'never', 'history', 'hx', 'known', 'previous', 'prior', 'family', 'sign', 'signs', 'symptom', 'symptoms', 'features', 'risk', 'concern', 'possible', 'possibly', 'probable', 'probably', 'likely', 'unlikely', 'suspected', 'suspicion', 'suspicious', 'questionable', 'presumed', 'differential', 'rule', 'ruled', 'at', 'there', 'any'],
  fr: ['et', 'ou', 'mais', 'avec', 'sans', 'pour', 'par', 'sur', 'dans', 'depuis', 'chez', 'qui', 'que', 'dont', 'est', 'sont', 'a', 'ont', 'été', 'eu', 'était', 'sera', 'serait', 'peut', 'pourrait', 'pas', 'ne', 'aucun', 'aucune', 'jamais', 'ni', 'possible', 'possiblement', 'probable', 'probablement', 'suspicion', 'suspecté', 'suspectée', 'signe', 'signes', 'symptôme', 'symptômes', 'risque', 'antécédent', 'antécédents', 'atcd', 'histoire', 'connu', 'connue', 'déjà', 'ancien', 'ancienne', 'il', 'elle', 'on', 'nous', 'si', 'comme', 'selon', 'lors', 'car', 'donc', 'puis', 'doute'],
};

const modifier = (language: Language, maxWords: number): string => {
  const stop = `${WORD_START}${alternation(stopWords[language])}${WORD_END}`;
  const word = language === 'en' ? String.raw`[\p{L}\p{N}][\p{L}\p{N}'’/-]*` : String.raw`[\p{L}\p{N}][\p{L}\p{N}/-]*`;
  return String.raw`(?<mods>(?:(?!${stop})${word}\s+){0,${maxWords}}?)`;
};

function englishPatterns(): AssertionPattern[] {
  const { term, adjective } = diagnosisTerms.en;
  const head = String.raw`(?<head>${term})${WORD_END}`;
  const mods = modifier('en', 4);
  const article = String.raw`(?<article>(?:a|an|the|some)\s+)?`;
  const subject = String.raw`(?:the\s+)?(?:patient|pt|client|resident|he|she|they|(?:the|this)\s+(?:man|woman|gentleman|lady|child|boy|girl|infant|baby|toddler|teenager)|this\s+patient|(?:mr|mrs|ms|miss)\.?\s+\p{Lu}[\p{L}'’-]+|\d+[- ](?:year|yr|y)s?[- ]old(?:\s+(?:man|woman|male|female|boy|girl|child|patient|gentleman|lady))?|who)`;
  const adverb = String.raw`(?:(?:also|now|clearly|definitely|certainly|currently|still|indeed|obviously|actually|unfortunately|undoubtedly|unquestionably|no\s+doubt|without\s+(?:a\s+|any\s+)?doubt)\s+)?`;
  const hasVerb = String.raw`${adverb}(?:has\s+got|has\s+developed|has|have|had|developed|is\s+suffering\s+from|suffers\s+from|is\s+in|went\s+into|is\s+having|was\s+having|presents\s+with|presented\s+with|is\s+presenting\s+with|(?:was|is)\s+found\s+to\s+have)`;
  const evidenceSubject = String.raw`(?:(?:the|a|his|her|their|today['’]s|repeat|initial|follow-up|portable|bedside|urgent|chest|abdominal|pelvic|head|brain|spine|cardiac|renal|contrast|non-contrast|ct|mri|plain|lateral|pa|recent)\s+){0,3}(?:x-?rays?|xr|radiographs?|cxr|films?|ct|cta|ct\s+scan|cat\s+scan|mri|mra|ultrasound|sonogram|pocus|echo|echocardiogram|ecg|ekg|electrocardiogram|imaging|scan|labs?|lab\s+work|bloodwork|blood\s+work|biopsy|pathology|cytology|cultures?|blood\s+cultures|urine\s+culture|urinalysis|troponins?|d-dimer|lactate|lumbar\s+puncture|lp|csf|angiogram|angiography|catheterization|cath|exam|examination|findings|workup|work-up|study|studies|results?|doppler|endoscopy|colonoscopy|swab|test|testing|smear|eeg|spirometry|presentation|picture|rash)(?:\s+(?:head|chest|abdomen|pelvis|abdomen\/pelvis|spine|c-spine|brain|neck|scan|study|film|image|images|report|today|result|results|findings)){0,2}`;
  const evidenceVerb = String.raw`(?:shows?|showed|shown|demonstrates?|demonstrated|reveals?|revealed|confirms?|confirmed|confirming|proves?|proved|establish(?:es|ed)?|(?:is|are|was|were)\s+diagnostic\s+of|diagnostic\s+of|(?:is|are|was|were)\s+(?:consistent|compatible|in\s+keeping)\s+with|consistent\s+with|compatible\s+with|in\s+keeping\s+with|(?:is|are|was|were)\s+indicative\s+of|indicative\s+of|represents?|representing|secondary\s+to|due\s+to|caused\s+by|(?:(?:is|are|was|were)\s+)?positive\s+for|tested\s+positive\s+for|tests\s+positive\s+for)`;
  const compile = (kind: AssertionKind, source: string): AssertionPattern => ({ kind, regex: new RegExp(source, 'dgiu') });
  return [
    compile('subject-has', String.raw`${WORD_START}(?<subject>${subject}|(?:and|but)(?=\s+(?:now|currently|also)\s))\s+(?<verb>${hasVerb})\s+(?:(?:no\s+doubt|undoubtedly|clearly|definitely|certainly|without\s+(?:a\s+|any\s+)?doubt)\s+)?${article}${mods}${head}`),
    compile('subject-is', String.raw`${WORD_START}(?<subject>${subject})\s+(?<verb>is|was|became|remains|has\s+become)\s+(?:(?:clearly|definitely|now|still|currently|frankly|severely|profoundly)\s+)?(?<head>${adjective})${WORD_END}`),
    compile('subject-with', String.raw`${WORD_START}(?<subject>patient|pt|man|woman|male|female|gentleman|lady|boy|girl|child|infant|baby|adult|resident|\d+[- ](?:year|yr|y)s?[- ]old)\s+(?<verb>with|admitted\s+with|admitted\s+for|presenting\s+with|who\s+presents\s+with)\s+${article}${mods}${head}`),
    compile('copula', String.raw`${WORD_START}(?<subject>there|this|it|that|(?:the\s+)?(?:final\s+|working\s+)?diagnosis|the\s+(?:rhythm|ecg|ekg|picture|clinical\s+picture|presentation|cause|etiology|aetiology|finding|rash|lesion|problem|underlying\s+cause|injury))\s+(?<verb>is|was)\s+(?:(?:clearly|definitely|certainly|obviously|indeed|actually|in\s+fact)\s+)?${article}${mods}${head}`),
    compile('label', String.raw`${WORD_START}(?<label>(?:(?:final|primary|principal|discharge|admitting|admission|clinical|main|definitive|confirmed|established)\s+)?(?:diagnosis|diagnoses|dx|impression|assessment(?:\s+and\s+plan|\s*\/\s*plan)?)|a\s*\/\s*p|a\s*&\s*p|(?:cxr|x-?ray|ct|cta|ct\s+angiogram|mri|ultrasound|us|echo|ecg|ekg)(?:\s+(?:head|chest|abdomen|pelvis|abdomen\/pelvis|spine|c-spine|brain|neck))?)(?<separator>\s*(?:is\s*)?[:：\-–—]\s*(?:(?:\d{1,2}[.)]|[-•*])\s+)?)(?=\S)`),
    compile('diagnosis-of', String.raw`${WORD_START}(?<label>(?:the|a|final|confirmed)\s+diagnosis)\s+of\s+${article}${mods}${head}`),
    compile('diagnosed', String.raw`${WORD_START}(?<aux>(?:(?:is|was|has\s+been|have\s+been|had\s+been|been|were|being|now|newly|just|formally|officially)\s+){0,4})(?<verb>diagnosed|dx['’]?d|dx)\s+(?:with|as\s+having|as)\s+${article}${mods}${head}`),
    compile('evidence', String.raw`(?:${WORD_START}(?<subject>${evidenceSubject})\s+)?${WORD_START}(?<verb>${evidenceVerb}(?:\s*(?:,|and|&|/)\s*${evidenceVerb})*)\s+${article}(?<dxOf>(?:the\s+)?diagnosis\s+of\s+)?${mods}${head}`),
    { ...compile('confirmed-after', String.raw`${WORD_START}(?<head>${term})${WORD_END}(?:(?<between>\s+(?:(?:is|was|has\s+been|now)\s+)?)(?<verb>confirmed|proven|proved)|\s*,\s*(?<certainty>no\s+doubt|without\s+(?:a\s+|any\s+)?doubt|undoubtedly|for\s+certain|for\s+sure|definitely|confirmed)(?=\s*(?:[.;!\n]|$)))${WORD_END}`), hint: confirmedHint },
  ];
}

function frenchPatterns(): AssertionPattern[] {
  const { term, adjective } = diagnosisTerms.fr;
  const head = String.raw`(?<head>${term})${WORD_END}`;
  const mods = modifier('fr', 2);
  const article = String.raw`(?<article>(?:d['’]une?|une?|des|du|de\s+la|le|la|les)\s+|(?:de\s+l|d|l)['’]\s*)?`;
  const subject = String.raw`(?:le\s+patient|la\s+patiente|le\s+pt|la\s+pte|ce\s+patient|cette\s+patiente|patiente?|il|elle|ils|elles|l['’]enfant|le\s+bébé|(?:m\.|mme|mlle|monsieur|madame)\s*\p{Lu}[\p{L}'’-]+|qui)`;
  const adverb = String.raw`(?:(?:aussi|maintenant|clairement|actuellement|toujours|également|bien|désormais|manifestement|certainement|indubitablement|assurément|définitivement|sans\s+(?:aucun|nul)\s+doute)\s+)?`;
  const hasVerb = String.raw`(?:(?:a\s+fait|a\s+développé|présentent|présente|développe|est\s+en|font|fait|ont|a)\s+${adverb}|(?:souffrent|souffre|est\s+atteinte?|sont\s+atteinte?s)\s+(?:de\s+|d['’]\s*))`;
  const evidenceSubject = String.raw`(?:(?:la|le|les|une?|cette|ce|cet|sa|son|ses|leur)\s+|l['’]\s*)?(?:radiographies?|radio|rx|rxp|tdm|tomodensitométrie|scan|scanner|taco|angio-?scan|irm|échographie|écho|échocardiographie|ecg|électrocardiogramme|imagerie|bilan|analyses?|biopsie|pathologie|cultures?|hémocultures?|troponines?|d-dimères|lactates?|ponction\s+lombaire|examen|tableau|présentation|angiographie|coronarographie|doppler|résultats?|clichés?|films?)(?:\s+(?!(?:montre|démontre|révèle|confirme|objective|met|est|sont)${WORD_END})[\p{L}][\p{L}'’-]*){0,2}?`;
  const evidenceVerb = String.raw`(?:montrent|montre|a\s+montré|ont\s+montré|démontrent|démontre|a\s+démontré|révèlent|révèle|a\s+révélé|confirment|confirme|a\s+confirmé|confirmant|objectivent|objective|a\s+objectivé|mettent\s+en\s+évidence|met\s+en\s+évidence|(?:est|sont|était)\s+compatibles?\s+avec|compatibles?\s+avec|(?:est|sont)\s+diagnostiques?\s+(?:de|d['’])|représente|secondaires?\s+(?:à|au|aux)|dûe?s?\s+(?:à|au|aux)|due?s?\s+(?:à|au|aux)|causée?s?\s+par|(?:est|sont)\s+en\s+lien\s+avec)`;
  const compile = (kind: AssertionKind, source: string): AssertionPattern => ({ kind, regex: new RegExp(source, 'dgiu') });
  return [
    compile('subject-has', String.raw`${WORD_START}(?<subject>${subject})\s+(?<verb>${hasVerb})${article}${mods}${head}`),
    compile('subject-is', String.raw`${WORD_START}(?<subject>${subject})\s+(?<verb>est|était|devient|demeure|reste)\s+(?:(?:clairement|maintenant|toujours|franchement|très|sévèrement)\s+)?(?<head>${adjective})${WORD_END}`),
    compile('subject-with', String.raw`${WORD_START}(?<subject>patiente?|homme|femme|enfant|garçon|nourrisson|bébé|dame|monsieur)(?:\s+de\s+\d+\s+ans)?\s+(?<verb>avec|présentant|admise?\s+pour|hospitalisée?\s+pour)\s+${article}${mods}${head}`),
    compile('copula', String.raw`${WORD_START}(?<subject>il\s+s['’]agit|c['’]est|ceci\s+est|cela\s+est|ce\s+tableau\s+est|le\s+tableau\s+est|le\s+diagnostic\s+est|le\s+rythme\s+est|l['’]ecg\s+est)\s+(?:(?:clairement|certainement|définitivement|bien|manifestement)\s+)?${article}${mods}${head}`),
    compile('label', String.raw`${WORD_START}(?<label>(?:diagnostics?|dx|impression(?:\s+clinique|\s+diagnostique)?)(?:\s+(?:final|finale|principal|principale|retenu|définitif|de\s+sortie|d['’]admission))?)(?<separator>\s*(?:est\s*)?[:：\-–—]\s*(?:(?:\d{1,2}[.)]|[-•*])\s+)?)(?=\S)`),
    compile('diagnosis-of', String.raw`${WORD_START}(?<label>(?:le|un|son|leur)\s+diagnostic)\s+(?:de\s+|d['’]\s*)${article}${mods}${head}`),
    compile('diagnosed', String.raw`${WORD_START}(?<aux>(?:(?:a\s+été|ont\s+été|a|ont|est|sont|été|fut|nouvellement|formellement)\s+){0,4})(?<verb>diagnostiquée?s?)\s+(?:avec\s+|comme\s+|pour\s+|de\s+|d['’]\s*)${article}${mods}${head}`),
    compile('evidence', String.raw`(?:${WORD_START}(?<subject>${evidenceSubject})\s+)?${WORD_START}(?<verb>${evidenceVerb}(?:\s*(?:,|et)\s*${evidenceVerb})*)\s*${article}${mods}${head}`),
    { ...compile('confirmed-after', String.raw`${WORD_START}(?<head>${term})${WORD_END}(?:(?<between>\s+(?:(?:est|a\s+été|fut)\s+)?)(?<verb>confirmée?s?|prouvée?s?|avérée?s?)|\s*,\s*(?<certainty>sans\s+(?:aucun|nul)\s+doute|certainement|indubitablement|assurément|confirmée?s?)(?=\s*(?:[.;!\n]|$)))${WORD_END}`), hint: confirmedHint },
  ];
}

export const assertionPatterns: Record<Language, readonly AssertionPattern[]> = { en: englishPatterns(), fr: frenchPatterns() };
