/**
 * Whether a mention is asserted, denied, hedged or only asked about.
 *
 * Scope rule (NegEx-style, English and French):
 * - A negation trigger ("no", "not", "denies", "without", "negative for", "n't";
 *   "pas", "sans", "aucun", "nie", "ne", "n'…") negates the words after it until
 *   the first of: end of sentence (. ! ? ; or line break), a colon, a terminator
 *   ("but", "however", "except", a reporting verb such as "reports"; "mais",
 *   "sauf", "rapporte"), a comma that does not continue a list of terms, or 8
 *   words without a listed term. "denies fever, chills, or weight loss" negates
 *   all three; "no fever, she has a cough" negates only fever.
 * - A post trigger ("negative", "denied", "absent"; "négatif", "absent") negates
 *   up to 4 words before it, back to a comma.
 * - Pseudo-triggers ("no change", "not sure", "pas sûr") negate nothing.
 * - Hedges, conditions and other people ("if", "possible", "rule out", "family
 *   history", "mother"; "si", "en cas de", "mère") open an uncertain scope by the
 *   same rule: nothing in it is a claim about the patient.
 * - Dialogue: a question ("… any fever ?") that ends a speaker's turn takes its
 *   polarity from the first sentence of the next turn: "no", "nope", "not
 *   really", "i don't" deny; "yes", "yeah", "mm-hmm", "i do" affirm; anything
 *   else leaves it only asked.
 */
import { buildTrie, longestAt } from './phrases.ts';
import type { Token } from './text.ts';

export type Polarity = 'affirmed' | 'negated' | 'uncertain' | 'asked';
type Trigger = 'pre' | 'post' | 'pseudo' | 'uncertain' | 'end';

const words = (list: string, value: Trigger): [string, Trigger][] => list.split(',').map((phrase) => [phrase.trim(), value]);

const triggerTrie = buildTrie<Trigger>([
  ...words(`no change, no changes, no increase, no further, not only, not just, not sure, not certain, not necessarily, no doubt,
    not ruled out, gram negative, not been able, pas sûr, pas sure, pas certain, pas seulement, pas de changement, sans doute, ne sait pas`, 'pseudo'),
  ...words(`no, not, denies, denied, deny, denying, without, negative for, free of, absence of, never, none, neither, nor, no evidence of,
    no sign of, no signs of, no longer, rules out, pas, pas de, aucun, aucune, sans, nie, nié, niant, absence de, jamais, ni, négatif pour, ne`, 'pre'),
  ...words('negative, denied, absent, not present, ruled out, négatif, négative, absente, absents, exclu, exclue', 'post'),
  ...words(`if, should, possible, possibly, probable, rule out, r/o, concern for, concerning for, suspect, suspected, suspicion, risk of, in case,
    watch for, monitor for, look for, check for, evaluate for, assess for, screen for, to evaluate, might, may, could, unless, whether,
    family history, mother, father, mom, dad, sister, brother, son, daughter, wife, husband, grandmother, grandfather,
    si, s'il, en cas de, éventuel, éventuelle, possiblement, risque de, surveiller, pourrait, peut-être, suspicion de,
    antécédents familiaux, mère, père, soeur, frère, conjoint, conjointe`, 'uncertain'),
  ...words(`but, however, although, though, except, apart from, aside from, other than, which, who, yet, reports, reported, endorses, endorsed,
    complains, complained, admits, presents, describes, notes, mais, cependant, toutefois, sauf, hormis, excepté, par contre, à part,
    rapporte, signale, décrit, se plaint, présente, mentionne, qui, okay, ok, alright, how about, what about,
    i, i'm, i've, i'd, you, you're, you've, your, he, he's, she, she's, we, we're, they, they're, it's, there, there's, just,
    je, j'ai, il, elle, nous, vous, ils, elles, on`, 'end'),
]);

const listJoiners = new Set(['and', 'or', 'any', 'et', 'ou', 'ni', 'also']);
const notNegating = new Set(["can't", "ca n't", "couldn't", "won't", "wo n't"]);
const fillers = new Set(['uh', 'um', 'umm', 'er', 'well', 'oh', 'so', 'hmm', 'ah', 'euh', 'ben', 'bien', 'okay', 'ok']);
const answerTrie = buildTrie<'yes' | 'no'>([
  ...['no', 'nope', 'nah', 'not really', 'not that i', 'never', "i don't", "i do n't", "i haven't", "i have n't", 'i have not', "i didn't",
    "i did n't", "i'm not", 'i am not', 'none', 'negative', 'not at all', 'not lately', 'not recently', 'no sir', 'non', 'pas vraiment',
    'jamais', 'aucun', 'aucune', 'pas du tout', "je n'ai pas", 'je ne', 'nothing', "i don't think so", "i do n't think so", 'not that i know of',
    "not that i've noticed"].map((phrase): [string, 'no'] => [phrase, 'no']),
  ...['yes', 'yeah', 'yep', 'yup', 'mm hmm', 'uh huh', 'i do', 'i have', 'i did', "i've had", 'sometimes', 'a little', 'a bit',
    'correct', "that's right", "that's correct", 'that is correct', 'it does', 'i think so', 'i think i do', 'kind of', 'kinda', 'a little bit',
    'occasionally', 'at times', 'every once in a while', 'sure', 'definitely', 'absolutely', 'oui', 'ouais', 'un peu', 'parfois'].map((phrase): [string, 'yes'] => [phrase, 'yes']),
]);

const maxWordsWithoutTerm = 8;
const postWindow = 4;

export interface ContextMarks {
  negated: Uint8Array;
  uncertain: Uint8Array;
  /** Polarity of each token inside a question, answered or left open; absent for statements. */
  questions: Map<number, Polarity>;
}

/** Marks negated and uncertain tokens, and resolves dialogue questions. `termStarts`: token indexes where a lexicon term begins. */
export function markContext(tokens: readonly Token[], termStarts: ReadonlySet<number>): ContextMarks {
  const negated = new Uint8Array(tokens.length);
  const uncertain = new Uint8Array(tokens.length);
  const triggers = tokens.map((_, i) => longestAt(tokens, i, triggerTrie));
  const ends = new Uint8Array(tokens.length);
  triggers.forEach((match, i) => {
    if (match?.value === 'end') ends[i] = 1;
  });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    const match = triggers[i];
    let kind = match?.value;
    const end = match?.endTok ?? i + 1;
    if (kind === undefined && token.norm.endsWith("n't") && !notNegating.has(token.norm) && !notNegating.has(`${tokens[i - 1]?.norm ?? ''} ${token.norm}`)) kind = 'pre';
    if (kind === undefined && token.norm.startsWith("n'") && token.norm !== "n't") kind = 'pre'; // n'a, n'ai, n'est
    if (kind === 'pre' || kind === 'uncertain') markForward(tokens, end, { termStarts, ends }, kind === 'pre' ? negated : uncertain);
    if (kind === 'post') markBackward(tokens, i, negated);
    if (kind !== undefined) i = Math.max(i, end - 1);
  }
  return { negated, uncertain, questions: resolveQuestions(tokens) };
}

interface ScopeStops {
  /** Token indexes where a lexicon term begins. */
  termStarts: ReadonlySet<number>;
  /** 1 where a terminator ("but", "reports", "mais") begins. */
  ends: Uint8Array;
}

function markForward(tokens: readonly Token[], from: number, stops: ScopeStops, marks: Uint8Array): void {
  const sentence = tokens[from - 1]?.sentence;
  let sinceTerm = 0;
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== sentence || token.norm === ':') return;
    if (token.norm === ',') {
      if (!listContinues(tokens, i + 1, stops)) return;
      continue;
    }
    if (stops.ends[i] === 1) return;
    if (stops.termStarts.has(i)) sinceTerm = 0;
    else if (token.kind !== 'punct' && ++sinceTerm > maxWordsWithoutTerm) return;
    marks[i] = 1;
  }
}

/** After a comma, a negated list goes on if a term comes before the sentence, a terminator or 8 words run out. */
function listContinues(tokens: readonly Token[], from: number, stops: ScopeStops): boolean {
  const sentence = tokens[from - 1]?.sentence;
  let wordsSeen = 0;
  for (let i = from; i < tokens.length && wordsSeen <= maxWordsWithoutTerm; i++) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== sentence || token.norm === ':') return false;
    if (stops.termStarts.has(i)) return true;
    if (listJoiners.has(token.norm) || token.kind === 'punct') continue;
    if (stops.ends[i] === 1) return false;
    wordsSeen++;
  }
  return false;
}

function markBackward(tokens: readonly Token[], at: number, marks: Uint8Array): void {
  const sentence = tokens[at]?.sentence;
  let wordsSeen = 0;
  for (let i = at - 1; i >= 0 && wordsSeen < postWindow; i--) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== sentence || token.norm === ',' || token.norm === ':') return;
    if (token.kind !== 'punct') wordsSeen++;
    marks[i] = 1;
  }
}

function answerOf(tokens: readonly Token[], from: number): Polarity {
  let i = from;
  while (tokens[i] !== undefined && (tokens[i]?.tag === true || tokens[i]?.kind === 'punct' || fillers.has(tokens[i]?.norm ?? ''))) i++;
  const answer = longestAt(tokens, i, answerTrie)?.value;
  return answer === 'yes' ? 'affirmed' : answer === 'no' ? 'negated' : 'asked';
}

interface SentenceSpan {
  first: number;
  /** Exclusive. */
  end: number;
  turn: number;
  question: boolean;
}

// "…, okay ?" asks for agreement, not about what came before.
const tagQuestions = new Set(['okay', 'ok', 'right', 'alright', 'all right', 'yeah', 'you know', 'correct', 'sound good', 'sounds good',
  'does that make sense', 'make sense', 'is that okay', 'is that right', 'hmm', 'huh', "d'accord", 'ok']);

function isTagQuestion(tokens: readonly Token[], span: SentenceSpan): boolean {
  const words: string[] = [];
  for (let i = span.end - 2; i > span.first; i--) {
    const token = tokens[i];
    if (token === undefined || token.norm === ',') break;
    words.unshift(token.norm);
    if (words.length > 4) return false;
  }
  return tagQuestions.has(words.join(' '));
}

function sentenceSpans(tokens: readonly Token[]): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let id = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.tag) continue;
    const current = spans.at(-1);
    if (current === undefined || id !== token.sentence) {
      spans.push({ first: i, end: i + 1, turn: token.turn, question: token.norm === '?' });
      id = token.sentence;
    } else {
      current.end = i + 1;
      current.question = token.norm === '?';
    }
  }
  for (const span of spans) if (span.question && isTagQuestion(tokens, span)) span.question = false;
  return spans;
}

const questionCueTrie = buildTrie(['any', 'anything', 'have you', 'has it', 'has he', 'has she', 'do you', 'did you', 'are you', 'were you',
  'is there', 'are there', 'how about', 'what about', 'does it', 'does that', 'ever', 'avez-vous', 'avez vous', 'as-tu', 'est-ce', 'vous avez',
  'tu as', 'y a-t-il'].map((phrase): [string, true] => [phrase, true]));
const cueReach = 30;
const shortQuestion = 10;

/**
 * Many transcripts have no "?": the end of a turn is read as a question from its last question cue
 * ("any", "do you", "how about") within 30 tokens of the end; without a cue, a short last sentence
 * counts as a question only when the next turn answers a clear yes or no.
 */
function inferredQuestion(tokens: readonly Token[], last: SentenceSpan, clearReply: boolean): number | undefined {
  for (let i = last.end - 1; i >= Math.max(last.first, last.end - cueReach); i--) {
    if (longestAt(tokens, i, questionCueTrie) !== undefined) return i;
  }
  return clearReply && last.end - last.first <= shortQuestion ? last.first : undefined;
}

/** Polarity per token for questions: those ending a turn take the next turn's answer, others stay 'asked'. */
function resolveQuestions(tokens: readonly Token[]): Map<number, Polarity> {
  const answers = new Map<number, Polarity>();
  const mark = (from: number, to: number, polarity: Polarity): void => {
    for (let i = from; i < to; i++) answers.set(i, polarity);
  };
  const spans = sentenceSpans(tokens);
  let groupStart = 0;
  for (let k = 0; k <= spans.length; k++) {
    const span = spans[k];
    const group = spans[groupStart];
    if (span !== undefined && group !== undefined && span.turn === group.turn) continue;
    // spans[groupStart..k) is one turn; `span` opens the next one.
    const nextTurn = span !== undefined && group !== undefined && group.turn > 0 && span.turn === group.turn + 1 ? span : undefined;
    const reply: Polarity = nextTurn === undefined ? 'asked' : answerOf(tokens, nextTurn.first);
    let answer = reply;
    for (let j = k - 1; j >= groupStart; j--) {
      const sentence = spans[j];
      if (sentence === undefined) continue;
      if (sentence.question) mark(sentence.first, sentence.end, answer);
      else if (j === k - 1 && nextTurn !== undefined) {
        const from = inferredQuestion(tokens, sentence, reply !== 'asked');
        if (from !== undefined) mark(from, sentence.end, reply);
        answer = 'asked';
      } else answer = 'asked';
    }
    groupStart = k;
  }
  return answers;
}

export function polarityAt(marks: ContextMarks, tokens: readonly Token[], at: number): Polarity {
  const token = tokens[at];
  if (token === undefined) return 'asked';
  // An explicit denial stands inside a question too: "no fever ?" — "correct".
  if (marks.negated[at] === 1) return 'negated';
  const question = marks.questions.get(at);
  if (question !== undefined) return question;
  return marks.uncertain[at] === 1 ? 'uncertain' : 'affirmed';
}
