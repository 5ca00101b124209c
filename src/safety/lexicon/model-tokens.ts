/**
 * The one list of chat-template control tokens and invisible characters that
 * the injection fence, the text normaliser and the conformance gate's leak
 * detector use, so that a token added for one is known to all (a reviewer
 * found four lists that disagreed). The output cleaner keeps its own patterns
 * (it also strips turn headers and thinking blocks); model-tokens.test.ts
 * checks it removes every token named here.
 */

/** Names written as `<name>` or `</name>` in Gemma 3 / MedGemma templates and thinking modes, and `<s>`. */
export const angleTokenNames = [
  'start_of_turn', 'end_of_turn', 'bos', 'eos', 'pad', 'unk', 'mask',
  'start_of_image', 'end_of_image', 'image_soft_token',
  'think', 'thinking', 'thought', 'reasoning', 's',
] as const;

/**
 * `<name>` / `</name>` for any of the names above, plus MedGemma's `<unusedNN>`
 * thinking delimiters. Two capture groups: the slash, and the name.
 */
export const angleTokenSource = `<\\s*(\\/?)\\s*(${angleTokenNames.join('|')}|unused\\d{1,3})\\s*>`;

/**
 * Zero-width, formatting, bidirectional and variation-selector characters:
 * they can hide or split words so that a person and a pattern read different
 * text. (Unicode tag characters U+E0000–E007F are astral and handled apart.)
 */
export const invisibleRanges: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180e],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064], [0x2066, 0x206f], [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];

/** A regex character class matching every invisible character above. */
export const invisibleClass = `[${invisibleRanges.map(([from, to]) => (from === to ? unicodeEscape(from) : `${unicodeEscape(from)}-${unicodeEscape(to)}`)).join('')}]`;

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}
