/**
 * Numbers as people say them, English and French: "five hundred", "one twenty"
 * (= 120, the way blood pressures and weights are read out), "ninety eight point
 * six", "vingt et un", "quatre-vingt-dix", "cent vingt". Digits are read too,
 * with the language's decimal mark ("38,5" in French; "1,000" in English).
 */
import type { Language } from '../finding.ts';
import type { Token } from './text.ts';

const ones: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9,
};
const teens: Record<string, number> = {
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  dix: 10, onze: 11, douze: 12, treize: 13, quatorze: 14, quinze: 15, seize: 16,
};
const tens: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  vingt: 20, vingts: 20, trente: 30, quarante: 40, cinquante: 50, soixante: 60,
};
const hundreds = new Set(['hundred', 'cent', 'cents']);
const thousands = new Set(['thousand', 'mille']);
const decimalPoints = new Set(['point', 'virgule']);
const connectors = new Set(['and', 'et']);

export function isNumberWord(norm: string | undefined): boolean {
  return norm !== undefined && (norm in ones || norm in teens || norm in tens || hundreds.has(norm) || thousands.has(norm));
}

/** A digit token's value: "1,000" is a thousand in English, "38,5" is 38.5 in French. */
export function digitValue(norm: string, language: Language): number {
  if (language === 'en' && /^\d{1,3}(,\d{3})+$/.test(norm)) return Number(norm.replace(/,/g, ''));
  return Number(norm.replace(',', '.'));
}

type Last = 'none' | 'ones' | 'teen' | 'tens' | 'tensOnes' | 'hundred' | 'thousand';

export interface SpokenNumber {
  value: number;
  /** Exclusive token index after the last number word. */
  endTok: number;
}

/** Reads number words starting at token `start`; undefined when there are none. */
export function readSpokenNumber(tokens: readonly Token[], start: number, language: Language): SpokenNumber | undefined {
  const first = tokens[start];
  if (first === undefined) return undefined;
  let total = 0;
  let current = 0;
  let last: Last = 'none';
  let endTok = -1;
  let i = start;
  // "a hundred", "a thousand"
  if ((first.norm === 'a' || first.norm === 'an') && (hundreds.has(tokens[start + 1]?.norm ?? '') || thousands.has(tokens[start + 1]?.norm ?? ''))) {
    current = 1;
    last = 'ones';
    i++;
  }
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== first.sentence || token.tag) break;
    const word = token.norm;
    if (last !== 'none' && (word === '-' || (connectors.has(word) && isNumberWord(tokens[i + 1]?.norm)))) continue;
    const kind = word in ones ? 'ones' : word in teens ? 'teen' : word in tens ? 'tens' : hundreds.has(word) ? 'hundred' : thousands.has(word) ? 'thousand' : undefined;
    if (kind === undefined) break;
    // "six hundred six hundred milligrams" is a repeat, not 606.
    if (last === 'hundred' && hundreds.has(tokens[i + 1]?.norm ?? '')) break;
    const value = ones[word] ?? teens[word] ?? tens[word] ?? 0;
    const next = step(kind, value, word, last, current, language);
    if (next === undefined) break;
    if (kind === 'thousand') {
      total += next;
      current = 0;
    } else {
      current = next;
    }
    last = afterStep(kind, last);
    endTok = i + 1;
  }
  if (endTok < 0) return undefined;
  let value = total + current;
  // "ninety eight point six", "trente-huit virgule cinq"; transcripts often write the spoken "point" as "." ("ninety eight . four").
  const spokenDot = tokens[endTok]?.norm === '.' && tokens[endTok + 1]?.norm !== undefined && (tokens[endTok + 1]?.norm ?? '') in ones && !isNumberWord(tokens[endTok + 2]?.norm);
  if (decimalPoints.has(tokens[endTok]?.norm ?? '') || spokenDot) {
    let digits = '';
    let j = endTok + 1;
    for (; j < tokens.length; j++) {
      const digit = ones[tokens[j]?.norm ?? ''];
      if (digit === undefined) break;
      digits += String(digit);
    }
    if (digits !== '') {
      value += Number(`0.${digits}`);
      endTok = j;
    }
  }
  // "two and a half", "deux et demi"
  const after = tokens.slice(endTok, endTok + 3).map((token) => token.norm).join(' ');
  if (after === 'and a half') {
    value += 0.5;
    endTok += 3;
  } else if (/^et demie?\b/.test(after)) {
    value += 0.5;
    endTok += 2;
  }
  return { value, endTok };
}

/** "twenty" then "five" is a complete tens-and-ones: no further ones word may follow. */
function afterStep(kind: Exclude<Last, 'none' | 'tensOnes'>, last: Last): Last {
  return kind === 'ones' && last === 'tens' ? 'tensOnes' : kind;
}

/** The running value after one more number word, or undefined where the word starts a new number. */
function step(kind: Exclude<Last, 'none' | 'tensOnes'>, value: number, word: string, last: Last, current: number, language: Language): number | undefined {
  const colloquial = language === 'en';
  switch (kind) {
    case 'ones':
      if (last === 'tens' || last === 'none' || last === 'hundred' || last === 'thousand') return current + value;
      return undefined;
    case 'teen':
      if (last === 'none' || last === 'hundred' || last === 'thousand') return current + value;
      if (last === 'tens' && !colloquial) return current + value; // soixante-dix, quatre-vingt-douze
      if (colloquial && last !== 'tens') return current * 100 + value; // "one fifteen" = 115
      return undefined;
    case 'tens':
      if (last === 'none' || last === 'hundred' || last === 'thousand') return current + value;
      if (!colloquial && word.startsWith('vingt') && last === 'ones' && current % 100 === 4) return current + 76; // quatre-vingt
      if (colloquial) return current * 100 + value; // "one twenty" = 120, "nineteen ninety" = 1990
      return undefined;
    case 'hundred':
      if (last === 'hundred' || current >= 100) return undefined;
      return (current === 0 ? 1 : current) * 100;
    case 'thousand':
      return (current === 0 ? 1 : current) * 1000;
  }
}
