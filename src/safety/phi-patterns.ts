/**
 * What personal health information looks like in Canadian clinical text, as
 * patterns. Each pattern's `group` (when set) is the part to remove, so a label
 * such as "MRN:" or "Dr." stays and says what was there. Order matters only on
 * a tie (same start, same length): earlier entries win.
 *
 * Health card numbers. Sources, and how sure we are:
 * - Ontario: 10 digits + optional 2-letter version code, printed 1234-567-890-AB
 *   (Ontario Ministry of Health health card; Trellix DLP "Canadian Ontario Health
 *   Pattern"; jquery.formance "Ontario Photo Health Card Number"). Sure.
 * - Quebec (RAMQ NAM): 4 letters (3 of the surname, 1 of the given name) + 8 digits,
 *   e.g. TEST 5412 2816 (RAMQ; Trellix "Canadian Quebec Health Pattern"; the Clic Santé
 *   FHIR IG NamingSystem "NAM"). Sure.
 * - British Columbia PHN: 10 digits, the first always 9, mod-11 check digit
 *   (gov.bc.ca "Personal Health Identification", cited by python-stdnum ca/bc_phn). Sure.
 * - Alberta PHN/ULI: 9 digits, printed 12345-6789 (Trellix "Canadian Alberta Health Pattern"). Fairly sure.
 * - Manitoba PHIN 9 digits (Microsoft Purview "Canada PHIN": nine digits); Trellix lists a
 *   7-digit Manitoba number (the registration number). Unsure which appears in notes.
 * - Saskatchewan HSN 9 digits, Nova Scotia HCN 10 digits, New Brunswick Medicare 9 digits,
 *   PEI 8 digits, Newfoundland and Labrador MCP 12 digits: from the provinces' card
 *   descriptions as commonly reported; not checked against a primary source. Unsure.
 * Where unsure, digits are matched generically: 8–12 digits after a health-card label,
 * and any bare run of 7 or more digits is removed as an [ID] whatever it is.
 */

export type PhiKind = 'name' | 'date' | 'health-card' | 'phone' | 'address' | 'postal-code' | 'email' | 'id';

export interface PhiPattern {
  kind: PhiKind;
  pattern: RegExp;
  /** The capture group to remove; default: the whole match. Patterns with a group carry the `d` flag. */
  group?: number;
  /** Rejects a match the pattern alone cannot rule out (e.g. "Patient: Male"). Default: accept. */
  accept?: (value: string) => boolean;
}

const digitCount = (value: string): number => value.replace(/\D/g, '').length;
const hasDigit = (value: string): boolean => /\d/.test(value);

// Words that follow a "Patient:" label but are not names.
const notNames = new Set([
  'male', 'female', 'man', 'woman', 'boy', 'girl', 'homme', 'femme', 'is', 'was', 'has', 'had', 'reports', 'report', 'denies', 'presents',
  'states', 'alert', 'awake', 'seen', 'stable', 'no', 'none', 'unknown', 'not', 'the', 'a', 'an', 'and', 'on', 'in', 'at', 'for', 'with',
  'here', 'there', 'very', 'still', 'also', 'just', 'feeling', 'fine', 'okay', 'ok', 'well', 'good', 'sure', 'going', 'doing', 'le', 'la',
  'un', 'une', 'est', 'pas', 'calling', 'thank', 'thanks', 'yeah', 'hi', 'hello', 'hey', 'oh', 'um', 'uh', 'so', 'i', 'it', 'that', 'this', 'dr', 'mr', 'mrs', 'ms', 'doctor', 'docteur', 'sorry', 'new', 'old', 'adult', 'child', 'infant', 'elderly', 'yes', 'patient',
]);
// Dialogue openers that look like "First Last" after a speaker label: "Absolutely, I'm", "Bye Doctor".
for (const word of ['absolutely', 'actually', 'alright', 'honestly', 'overall', 'today', 'mostly', 'unfortunately', 'whenever', 'nope', 'hm', 'now', 'bye', 'around', 'my', 'two']) notNames.add(word);
const isNotName = (word: string): boolean => notNames.has(word.toLowerCase()) || /^i['’]/i.test(word);
const firstWordIsName = (value: string): boolean => !isNotName(value.split(/[\s,]+/)[0] ?? '');
const allWordsAreNames = (value: string): boolean => !value.split(/[\s,]+/).some(isNotName);

const name = String.raw`[A-Z][\p{L}'’-]+`;
const nameOrInitial = String.raw`(?:${name}|[A-Z]\.)`;
const anyCaseName = String.raw`[\p{L}][\p{L}'’-]*`;
const monthEn = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const monthFr = String.raw`(?:janv(?:ier|\.)?|f[ée]v(?:rier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|ao[ûu]t|sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?)`;
const year = String.raw`(?:19|20)\d{2}`;
const streetEn = String.raw`(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Crescent|Cres|Way|Place|Pl|Terrace|Trail|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq)`;
const streetFr = String.raw`(?:[Rr]ue|[Aa]venue|[Aa]v\.|[Bb]oulevard|[Bb]oul\.|[Bb]d|[Cc]hemin|[Cc]h\.|[Rr]oute|[Rr]ang|[Pp]lace|[Aa]ll[ée]e|[Ii]mpasse|[Pp]romenade|[Mm]ont[ée]e|[Cc][ôo]te|[Cc]roissant|[Tt]errasse|[Qq]uai|[Rr]uelle)`;
// Lower-case words between a house number and "street" in spoken transcripts; these mean it is not an address.
const notStreetWords = String.raw`(?:the|a|an|and|or|of|to|in|on|at|for|with|my|his|her|your|their|our|down|up|across|blocks?|miles?|km|kilometers?|metres?|meters?|cm|mm|minutes?|minute|hours?|hour|days?|weeks?|months?|years?|times?|mg|ml|mcg|units?|tablets?|pills?|puffs?|drops?|doses?|more|less|other|different)`;

const healthCardLabel = String.raw`\b(?:health\s*(?:card|insurance)\s*(?:number|no\.?|#)?|health\s+(?:number|no\.?)|hcn|phn|personal\s+health\s+(?:number|no\.?)|ohip(?:\s*(?:number|no\.?|#))?|msp(?:\s*(?:number|no\.?|#))?|mcp(?:\s*(?:number|no\.?|#))?|medicare(?:\s*(?:number|no\.?|#))?|uli|hsn|phin|ramq|nam|num[ée]ro\s+d'assurance[\s-]maladie|carte\s+(?:d'assurance[\s-]maladie|sant[ée]|soleil)|no\s+d'assurance[\s-]maladie)\s*(?:is|est|:|#|=|-)?\s*`;
const idLabel = String.raw`\b(?:mrn|medical\s+record\s+(?:number|no\.?|#)|record\s+(?:number|no\.?|#)|chart\s+(?:number|no\.?|#)|patient\s+(?:id|number|no\.?|#)|encounter\s+(?:id|number|no\.?)|account\s+(?:number|no\.?|#)|acct\.?\s*#?|visit\s+(?:id|number|no\.?)|accession\s+(?:number|no\.?|#)|sin|social\s+insurance\s+(?:number|no\.?)|nas|num[ée]ro\s+d'assurance\s+sociale|(?:num[ée]ro|no)\s+de\s+dossier|dossier\s+(?:no|n°|#))\s*(?:is|est|:|#|=|-|n°)?\s*`;
const sinLabel = String.raw`\b(?:sin|s\.i\.n\.|social\s+insurance\s+(?:number|no\.?|#)|nas|num[ée]ro\s+d'assurance\s+sociale)\s*(?:is|est|:|#|=|-|n°)?\s*`;
const phoneLabel = String.raw`\b(?:phone|tel|telephone|cell|mobile|fax|pager|t[ée]l[ée]phone|t[ée]l\.|cellulaire|num[ée]ro\s+de\s+t[ée]l[ée]phone)\s*(?:number|no\.?|#)?\s*[:#]?\s*`;
const dobLabel = String.raw`\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on|\s+in)?|n[ée]e?\s+le|n[ée]e?\s+en|date\s+de\s+naissance|ddn)\s*(?:is|was|est|,)?\s*[:\-]?\s*`;
const dateValue = String.raw`(?:\d{1,4}[\s/.-]){1,2}\d{1,4}|${monthEn}\.?\s+\d{1,2}(?:st|nd|rd|th)?\s*,?\s+(?:\d{4}|'\d{2})|\d{1,2}(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?:${monthEn}|${monthFr})\.?,?\s+\d{4}|\d{4}`;
const nanpPhone = String.raw`(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\s?[2-9]\d{2}\s?\)|[2-9]\d{2})[\s.-]?[2-9]\d{2}[\s.-]?\d{4}(?![\d-])(?:\s*(?:x|ext\.?|extension|poste|p\.)\s*\d{1,6})?`;

const rx = (source: string, flags: string): RegExp => new RegExp(source, flags);

export const phiPatterns: readonly PhiPattern[] = [
  { kind: 'email', pattern: rx(String.raw`\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b`, 'g') },
  { kind: 'health-card', pattern: rx(`${healthCardLabel}([A-Z]{4}[\\s-]?\\d{4}[\\s-]?\\d{4}|\\d[\\d\\s-]{6,16}\\d(?:[\\s-]?[A-Z]{2}\\b)?)`, 'gid'), group: 1, accept: (value) => digitCount(value) >= 8 && digitCount(value) <= 12 },
  // Social insurance number (9 digits, usually written 3-3-3 with spaces or hyphens) after its label; before the generic id,
  // which stops at the first space.
  { kind: 'id', pattern: rx(`${sinLabel}(\\d{3}[\\s-]?\\d{3}[\\s-]?\\d{3})(?![\\d-])`, 'gid'), group: 1 },
  // Any length from 1 to 20 characters: "MRN 123" is an id too.
  { kind: 'id', pattern: rx(`${idLabel}([A-Z0-9](?:[A-Z0-9-]{0,18}[A-Z0-9])?)`, 'gid'), group: 1, accept: hasDigit },
  { kind: 'phone', pattern: rx(`${phoneLabel}(\\+?\\d[\\d\\s().-]{5,18}\\d(?:\\s*(?:x|ext\\.?|poste)\\s*\\d{1,6})?)`, 'gid'), group: 1, accept: (value) => digitCount(value) >= 7 },
  { kind: 'date', pattern: rx(`${dobLabel}(${dateValue})`, 'gid'), group: 1 },
  // Ontario with version code; 4-3-3 grouping (Ontario, BC, Nova Scotia); RAMQ; Alberta 5-4.
  { kind: 'health-card', pattern: /\b\d{4}[\s-]?\d{3}[\s-]?\d{3}[\s-]?[A-Z]{2}\b/g },
  { kind: 'health-card', pattern: /(?<![\d-])\d{4}[\s-]\d{3}[\s-]\d{3}(?![\d-])/g },
  { kind: 'health-card', pattern: /\b[A-Z]{4}[\s-]?\d{4}[\s-]?\d{4}\b/g },
  { kind: 'health-card', pattern: /(?<![\d-])\d{5}-\d{4}(?![\d-])/g },
  { kind: 'phone', pattern: rx(nanpPhone, 'gi') },
  // Social insurance number written 123-456-789 (spaced 3-3-3 only after a SIN label, above).
  { kind: 'id', pattern: /(?<![\d-])\d{3}-\d{3}-\d{3}(?![\d-])/g },
  // Canada Post: no D, F, I, O, Q, U; no W or Z first. A TNM stage (T2N1M0) has the same shape.
  { kind: 'postal-code', pattern: /\b(?!T[0-4][a-c]?N[0-3]M[01])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b/g },
  { kind: 'address', pattern: rx(String.raw`\b(?:P\.?\s?O\.?\s?Box|[Cc]ase\s+[Pp]ostale|C\.P\.)\s*\d{1,6}\b`, 'g') },
  { kind: 'address', pattern: rx(String.raw`\b\d{1,6}[A-Z]?(?:-\d{1,6})?,?\s+(?:(?:[A-Z][\p{L}'.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}${streetEn}\b\.?(?:,?\s*(?:[Aa]pt|[Aa]partment|[Uu]nit|[Ss]uite|#)\.?\s*\w{1,6})?`, 'gu') },
  { kind: 'address', pattern: rx(String.raw`\b\d{1,6}\s+(?:(?!${notStreetWords}\b)[a-z][a-z'.-]*\s+){1,3}(?:street|avenue|road|boulevard|drive|lane|court|crescent|terrace|parkway|highway)\b`, 'g') },
  { kind: 'address', pattern: rx(String.raw`\b\d{1,5}(?:\s?(?:bis|ter)|[A-Z])?,?\s+${streetFr}\s+(?:(?:de\s+la|de\s+l'|des|du|de|d'|la|le|l')\s*)?[\p{Lu}0-9][\p{L}'’.-]*(?:[\s-]+(?:(?:de|du|des|la|le)\s+)?\p{Lu}[\p{L}'’.-]*){0,4}`, 'gu') },
  { kind: 'date', pattern: rx(String.raw`\b${year}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!\d)`, 'g') },
  { kind: 'date', pattern: rx(String.raw`(?<![\d/.-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|[12]\d|3[01])\1(?:${year}|\d{2})(?![\d/-]|\.\d)`, 'g') },
  { kind: 'date', pattern: rx(String.raw`\b${monthEn}\.?\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b(?:\s*,?\s+(?:${year}\b|'\d{2}\b))?`, 'gi'), accept: (value) => !/^may\s/.test(value) || /\d{2}$/.test(value) },
  { kind: 'date', pattern: rx(String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?${monthEn}\b\.?(?:\s*,?\s+(?:${year}\b|'\d{2}\b))?`, 'gi'), accept: (value) => !/\smay$/.test(value) },
  { kind: 'date', pattern: rx(String.raw`(?<!\p{L})(?:1er|\d{1,2})\s+${monthFr}(?!\p{L})(?:\s+(?:${year}|\d{2}))?(?!\d)`, 'giu') },
  { kind: 'name', pattern: rx(String.raw`\b(?:Mrs?|Ms|Miss|Mx|[Dd]r|Prof|Mmes?|Mlle|Monsieur|Madame|Mademoiselle|[Dd]octeur|[Dd]octoresse|Dre)\.?\s+(${nameOrInitial}(?:\s+${nameOrInitial}){0,2})`, 'gdu'), group: 1 },
  { kind: 'name', pattern: rx(String.raw`\b(?:mrs?|ms|dr)\.\s+([a-z][a-z'-]+)`, 'gd'), group: 1, accept: firstWordIsName },
  { kind: 'name', pattern: rx(String.raw`\bM\.\s+(${name}(?:\s+${name}){0,2})`, 'gdu'), group: 1 },
  { kind: 'name', pattern: rx(String.raw`(?<![\p{L}'’-])(${name}(?:\s+[A-Z]\.)?(?:\s+${name}){1,2}),?\s+(?:MD|M\.D\.|RN|NP|PhD|FRCPC|CCFP|MDCM|IPS|RPN|LPN)\b`, 'gdu'), group: 1 },
  { kind: 'name', pattern: rx(String.raw`\b(?:[Pp]atient(?:'s)?\s+[Nn]ame|(?:[Ff]irst|[Ll]ast|[Mm]iddle|[Gg]iven|[Ff]amily|[Mm]aiden)\s+[Nn]ame|(?<!\p{L}\s)(?:[Nn]ame|NAME)|[Nn]om(?:\s+du\s+patient|\s+de\s+la\s+patiente|\s+de\s+famille)?|NOM|[Pp]r[ée]nom|[Ff]ull\s+[Nn]ame|[Nn]om\s+complet|[Ss]igned\s+by|[Ss]ign[ée]\s+par)\s*[:=]\s*(${anyCaseName}(?:,?[^\S\n]+${anyCaseName}){0,2})`, 'gdu'), group: 1, accept: firstWordIsName },
  // Two or three capitalised words: dialogues write "Patient: Yeah, it hurts" as a speaker label.
  { kind: 'name', pattern: rx(String.raw`\b(?:[Pp]atient|PATIENT|[Pp]atiente|[Pp]t|[Aa]ttending|[Pp]rovider|[Pp]hysician|[Mm][ée]decin|[Cc]ontact|[Nn]ext\s+of\s+[Kk]in)\s*[:=]\s*(${name}(?:,?[^\S\n]+${name}){1,2})`, 'gdu'), group: 1, accept: allWordsAreNames },
  { kind: 'name', pattern: rx(String.raw`\b(?:[Mm]y\s+name\s+is|[Mm]y\s+name's|[Jj]e\s+m'appelle|[Jj]e\s+me\s+nomme|[Mm]on\s+nom\s+est)\s+(${anyCaseName}(?:\s+${name}){0,2})`, 'gdu'), group: 1, accept: firstWordIsName },
  // Any other run of 7+ digits: an identifier of some kind (clinical numbers are shorter or have a decimal point).
  { kind: 'id', pattern: /(?<![\d.,])\d{7,}(?![\d.,])/g },
];
