/**
 * Vocabularies for synthetic Gemma 3 models, in the SentencePiece ("llama")
 * form Gemma uses: control tokens, 256 byte-fallback tokens so any text
 * tokenizes, and word pieces with the ▁ word prefix. Piece scores decrease with
 * id like SentencePiece log-probabilities, so earlier pieces win merges.
 */

/** llama.cpp token types (llama_token_type / gguf-py TokenType). */
export const tokenTypes = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface Vocab {
  tokens: string[];
  scores: Float32Array;
  types: Int32Array;
  ids: { pad: number; eos: number; bos: number; unk: number; startOfTurn: number; endOfTurn: number };
  /** First and one-past-last id of ordinary word pieces (the ones generation should favour). */
  pieceRange: readonly [number, number];
}

const wordPrefix = '\u2581';

// Common English and clinical words; every prefix of each becomes a piece so
// SentencePiece merges can build whole words from characters.
const commonWords = (
  'the of and to in is was for on that with as by at from it be are this an or not which have has had were ' +
  'but all one their there been if more when will would who so no out up into than them can only other new ' +
  'some what time about could these two may first then do any like my now over such our man me even most made ' +
  'after also did many before must through back years where much your way well down should because each just ' +
  'those people how too little state good very make world still own see men work long get here between both life ' +
  'being under never day same another know while last might us great old year off come since against go came right ' +
  'used take three patient patients pain chest fever blood pressure heart rate history normal left right acute ' +
  'chronic treatment dose daily report image scan lung liver kidney brain skin infection no evidence of finding ' +
  'findings impression diagnosis clinical exam result results test tests negative positive mild severe moderate ' +
  'yes answer question summary note notes medication medications allergy allergies age male female adult child ' +
  'true false null value name type data text list item items date hello world please thank you model user'
).split(' ');

const punctuation = ['{', '}', '[', ']', '"', ':', ',', '.', '-', '(', ')', '/', '?', '!', "'", ';', '\n', ' '];

function byteToken(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

function wordPieces(): string[] {
  const pieces: string[] = [];
  for (const word of commonWords) {
    for (const form of [wordPrefix + word, word]) {
      // Prefixes of at least two characters; single characters come separately.
      for (let end = 2; end <= form.length; end++) pieces.push(form.slice(0, end));
    }
  }
  return pieces;
}

function singleCharacters(): string[] {
  const out: string[] = [wordPrefix];
  for (let code = 0x61; code <= 0x7a; code++) out.push(String.fromCharCode(code));
  for (let code = 0x41; code <= 0x5a; code++) out.push(String.fromCharCode(code));
  for (let digit = 0; digit <= 9; digit++) out.push(String(digit));
  for (const mark of punctuation) if (mark !== ' ' && mark !== '\n') out.push(mark);
  return out;
}

class VocabBuilder {
  readonly tokens: string[] = [];
  readonly scores: number[] = [];
  readonly types: number[] = [];
  private readonly seen = new Set<string>();

  add(token: string, type: number, score = 0): number {
    if (this.seen.has(token)) return -1;
    this.seen.add(token);
    this.tokens.push(token);
    this.scores.push(score);
    this.types.push(type);
    return this.tokens.length - 1;
  }

  addPiece(token: string): void {
    this.add(token, tokenTypes.normal, -this.tokens.length);
  }

  get size(): number {
    return this.tokens.length;
  }
}

/** Ids and texts of the control tokens every synthetic vocab starts with. */
function addLeadingSpecials(builder: VocabBuilder): void {
  builder.add('<pad>', tokenTypes.control);
  builder.add('<eos>', tokenTypes.control);
  builder.add('<bos>', tokenTypes.control);
  builder.add('<unk>', tokenTypes.unknown);
}

function finish(builder: VocabBuilder, pieceRange: readonly [number, number]): Vocab {
  const idOf = (token: string): number => {
    const id = builder.tokens.indexOf(token);
    if (id < 0) throw new Error(`synthetic vocab lacks ${token}`);
    return id;
  };
  return {
    tokens: builder.tokens,
    scores: Float32Array.from(builder.scores),
    types: Int32Array.from(builder.types),
    ids: {
      pad: 0, eos: 1, bos: 2, unk: 3,
      startOfTurn: idOf('<start_of_turn>'),
      endOfTurn: idOf('<end_of_turn>'),
    },
    pieceRange,
  };
}

/** A few hundred tokens: enough for chat templates, JSON and English-ish output. */
export function tinyVocab(): Vocab {
  const builder = new VocabBuilder();
  addLeadingSpecials(builder);
  builder.add('<start_of_turn>', tokenTypes.control);
  builder.add('<end_of_turn>', tokenTypes.control);
  builder.add('<start_of_image>', tokenTypes.control);
  builder.add('<end_of_image>', tokenTypes.control);
  for (let byte = 0; byte < 256; byte++) builder.add(byteToken(byte), tokenTypes.byte);
  const firstPiece = builder.size;
  for (const piece of singleCharacters()) builder.addPiece(piece);
  for (const piece of wordPieces()) builder.addPiece(piece);
  return finish(builder, [firstPiece, builder.size]);
}

/**
 * A Gemma 3 sized vocab (262208 by default) with the control tokens at Gemma's
 * ids (<start_of_turn> = 105, <end_of_turn> = 106) and unique synthetic pieces
 * filling the rest.
 */
export function fullVocab(size = 262208): Vocab {
  const builder = new VocabBuilder();
  addLeadingSpecials(builder);
  builder.add('<mask>', tokenTypes.control);
  builder.add('[multimodal]', tokenTypes.control);
  for (let i = 0; builder.size < 105; i++) builder.add(`<unused${i}>`, tokenTypes.unused);
  builder.add('<start_of_turn>', tokenTypes.control);
  builder.add('<end_of_turn>', tokenTypes.control);
  builder.add('<start_of_image>', tokenTypes.control);
  builder.add('<end_of_image>', tokenTypes.control);
  for (let byte = 0; byte < 256; byte++) builder.add(byteToken(byte), tokenTypes.byte);
  const firstPiece = builder.size;
  const tailSpecials = 64;
  for (const piece of singleCharacters()) builder.addPiece(piece);
  for (const piece of wordPieces()) builder.addPiece(piece);
  // Letter strings in increasing length (aa, ab, …), with and without ▁, until full.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let index = 0; builder.size < size - tailSpecials; index++) {
    let text = '';
    let n = index + letters.length; // skip single letters, already present
    while (n > 0) {
      text = (letters[n % letters.length] ?? 'a') + text;
      n = Math.floor(n / letters.length);
    }
    builder.addPiece(wordPrefix + text);
    if (builder.size < size - tailSpecials) builder.addPiece(text);
  }
  const lastPiece = builder.size;
  builder.add('<image_soft_token>', tokenTypes.userDefined);
  for (let i = 0; builder.size < size; i++) builder.add(`<unused_tail${i}>`, tokenTypes.unused);
  return finish(builder, [firstPiece, lastPiece]);
}
