/**
 * Builds regular-expression source from word lists that clinicians edit (lexicons), so the lists
 * stay plain phrases and the guards compile them once at module load.
 *
 * Every pattern is meant for the `u` and `i` flags. JavaScript's `\b` only knows ASCII letters
 * ("é" would count as a boundary), so word edges are Unicode lookarounds instead.
 */

/** No letter or digit just before (nor a hyphen: "Gram-negative" holds no negation). */
export const WORD_START = '(?<![\\p{L}\\p{N}\\-])';
/** No letter or digit just after. */
export const WORD_END = '(?![\\p{L}\\p{N}])';

/** Unaccented text must still match accented terms ("hemorragie" for "hémorragie"). */
const accentClasses: Readonly<Record<string, string>> = {
  é: '[eéèêë]', è: '[eéèêë]', ê: '[eéèêë]', ë: '[eéèêë]',
  à: '[aàâ]', â: '[aàâ]', î: '[iîï]', ï: '[iîï]', ô: '[oô]',
  ù: '[uùûü]', û: '[uùûü]', ü: '[uùûü]', ç: '[cç]', œ: '(?:œ|oe)',
};

function escapeCharacter(character: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(character) ? `\\${character}` : character;
}

/**
 * One phrase as regex source: runs of spaces match any whitespace, an apostrophe matches ' or ’,
 * a hyphen may also be a space or nothing ("gastro-entérite", "gastroentérite").
 */
export function phraseSource(phrase: string): string {
  let source = '';
  for (const character of phrase.trim().replace(/\s+/g, ' ')) {
    const lower = character.toLowerCase();
    if (character === ' ') source += '\\s+';
    else if (character === "'" || character === '’') source += "['’]";
    else if (character === '-') source += '[-\\s]?';
    else source += accentClasses[lower] ?? escapeCharacter(character);
  }
  return source;
}

/** Alternation of phrases, longest first so "heart failure exacerbation" wins over "heart failure". */
export function alternation(phrases: readonly string[]): string {
  const unique = [...new Set(phrases.map((phrase) => phrase.trim()).filter((phrase) => phrase !== ''))];
  unique.sort((a, b) => b.length - a.length);
  return `(?:${unique.map(phraseSource).join('|')})`;
}

/** Whole-word alternation of phrases. */
export function wordsSource(phrases: readonly string[]): string {
  return `${WORD_START}${alternation(phrases)}${WORD_END}`;
}

/** A compiled whole-word matcher for cue lists (tested with `.test`, so no `g` flag). */
export function cueRegex(phrases: readonly string[], extraSources: readonly string[] = []): RegExp {
  const parts = [wordsSource(phrases), ...extraSources];
  return new RegExp(parts.join('|'), 'iu');
}
