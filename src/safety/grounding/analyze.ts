/**
 * One pass of analysis shared by the draft and every source document: tokens,
 * lexicon mentions, numbers, negation/uncertainty, side ↔ body-part links,
 * allergy statements and dosing frequencies. Each step is linear in the text.
 */
import type { Language } from '../finding.ts';
import { allergenNames, allergyWords, noAllergyPhrases } from '../lexicon/allergens.ts';
import { bodyPartNames, irregularPlurals, sideNames, type Side } from '../lexicon/anatomy.ts';
import { findingNames } from '../lexicon/findings.ts';
import { followUpPhrases, frequencyNames, labNames, timeAnchors, vitalNames } from '../lexicon/measurements.ts';
import { medicationNames } from '../lexicon/medications.ts';
import { markContext, polarityAt, type ContextMarks, type Polarity } from './context.ts';
import { buildTrie, findPhrases, type PhraseTrie } from './phrases.ts';
import { scanQuantities, type Quantity } from './quantities.ts';
import { tokenize, type Token } from './text.ts';

export type MentionKind = 'med' | 'finding' | 'body' | 'side' | 'vital' | 'lab' | 'allergy' | 'allergen' | 'no-allergy' | 'freq' | 'anchor' | 'event';

export interface Mention {
  kind: MentionKind;
  /** Canonical name: the generic drug, the finding, the body part, "left"… */
  concept: string;
  startTok: number;
  endTok: number;
  start: number;
  end: number;
}

export interface SideLink {
  side: Side;
  sideMention: Mention;
  body: Mention;
}

export interface AllergyStatement {
  /** Generic drug or allergen; '*' for allergies in general ("NKDA", "no allergies"). */
  allergen: string;
  polarity: Polarity;
  mention: Mention;
}

export interface Frequency {
  startTok: number;
  endTok: number;
  /** Doses a day; 'prn' for as needed. */
  perDay: number | 'prn';
}

export interface AnalyzedText {
  text: string;
  tokens: Token[];
  byKind: ReadonlyMap<MentionKind, Mention[]>;
  quantities: Quantity[];
  /** Quantities that are part of a frequency ("every 8 hours", "2 times a day"), not durations or doses. */
  frequencyQuantities: ReadonlySet<Quantity>;
  frequencies: Frequency[];
  context: ContextMarks;
  sideLinks: SideLink[];
  /** Body parts named in the plural with no side ("knees", "lower extremities"): both sides. */
  pluralBodies: Mention[];
  allergies: AllergyStatement[];
}

const tag = <K extends MentionKind>(kind: K, entries: readonly (readonly [string, string])[]): [string, { kind: K; concept: string }][] =>
  entries.map(([phrase, concept]) => [phrase, { kind, concept }]);
const single = (kind: MentionKind, phrases: readonly string[]): [string, { kind: MentionKind; concept: string }][] =>
  phrases.map((phrase) => [phrase, { kind, concept: phrase }]);

type Lookup = PhraseTrie<{ kind: MentionKind; concept: string }>;
// Separate tries so mentions of different kinds may overlap ("vitamin d" is a drug and a lab, "chest pain" holds "chest").
const tries: readonly Lookup[] = [
  buildTrie(tag('med', medicationNames)),
  buildTrie(tag('finding', findingNames)),
  buildTrie(tag('body', bodyPartNames)),
  buildTrie(tag('side', sideNames)),
  buildTrie([...single('no-allergy', noAllergyPhrases), ...single('allergy', allergyWords), ...tag('allergen', allergenNames), ...tag('vital', vitalNames), ...tag('lab', labNames)]),
  buildTrie(tag('freq', frequencyNames)),
  buildTrie([...single('anchor', timeAnchors), ...followUpPhrases.map((phrase): [string, { kind: MentionKind; concept: string }] => [phrase, { kind: 'event', concept: 'follow-up' }])]),
];

export function analyze(text: string, language: Language): AnalyzedText {
  const tokens = tokenize(text);
  const byKind = new Map<MentionKind, Mention[]>();
  const termStarts = new Set<number>();
  for (const trie of tries) {
    for (const match of findPhrases(tokens, trie)) {
      const first = tokens[match.startTok];
      const last = tokens[match.endTok - 1];
      if (first === undefined || last === undefined) continue;
      const mention: Mention = { ...match.value, startTok: match.startTok, endTok: match.endTok, start: first.start, end: last.end };
      const list = byKind.get(mention.kind) ?? [];
      list.push(mention);
      byKind.set(mention.kind, list);
      if (mention.kind === 'finding' || mention.kind === 'med' || mention.kind === 'allergen') termStarts.add(match.startTok);
    }
  }
  const context = markContext(tokens, termStarts);
  const quantities = scanQuantities(tokens, language);
  const { frequencies, frequencyQuantities } = readFrequencies(tokens, byKind.get('freq') ?? [], quantities);
  const bodies = byKind.get('body') ?? [];
  const sideLinks = linkSides(tokens, byKind.get('side') ?? [], bodies);
  const linked = new Set(sideLinks.map((link) => link.body));
  const pluralBodies = bodies.filter((body) => !linked.has(body) && isPlural(tokens[body.endTok - 1]));
  const analyzed = { text, tokens, byKind, quantities, frequencyQuantities, frequencies, context, sideLinks, pluralBodies, allergies: [] };
  return { ...analyzed, allergies: readAllergies(analyzed) };
}

export function mentionsOf(text: AnalyzedText, kind: MentionKind): readonly Mention[] {
  return text.byKind.get(kind) ?? [];
}

export function polarityOf(text: AnalyzedText, at: number): Polarity {
  return polarityAt(text.context, text.tokens, at);
}

function isPlural(token: Token | undefined): boolean {
  if (token === undefined) return false;
  return irregularPlurals.has(token.norm) || (token.key !== token.norm && token.norm !== 'bras');
}

// "right" and "left" are often not sides: "all right", "that is right", "right now", "I left", "she left work".
// ("He has left knee pain" is a side: "has" stays out of the list.)
const notSideBefore: Record<string, ReadonlySet<string>> = {
  right: new Set(['all', 'alright', "that's", "you're", 'is', 'yeah', 'okay', 'exactly', 'yes', 'oh', 'just']),
  left: new Set(['i', 'he', 'she', 'we', 'they', 'you', 'just', "i've", 'then']),
};
const notSideAfter = new Set(['now', 'away', 'here', 'there', 'after', 'before', 'around', 'over', 'behind', 'alone', 'home', 'work']);
const forwardWords = 4;
const backwardWords = 5;

/** Links each side word to the nearest body part in its sentence: up to 4 words ahead or 5 behind, never across a comma or another side. */
function linkSides(tokens: readonly Token[], sides: readonly Mention[], bodies: readonly Mention[]): SideLink[] {
  const bodyAt = new Map<number, Mention>();
  for (const body of bodies) bodyAt.set(body.startTok, body);
  const sideAt = new Set(sides.map((side) => side.startTok));
  const links: SideLink[] = [];
  for (const side of sides) {
    const before = tokens[side.startTok - 1]?.norm ?? '';
    const after = tokens[side.endTok]?.norm ?? '';
    if (side.concept !== 'bilateral' && (notSideBefore[side.concept]?.has(before) === true || notSideAfter.has(after))) continue;
    const ahead = scan(tokens, side.endTok, 1, forwardWords, bodyAt, sideAt);
    const behind = scan(tokens, side.startTok - 1, -1, backwardWords, bodyAt, sideAt);
    const best = ahead && (!behind || ahead.distance <= behind.distance) ? ahead : behind;
    if (best) links.push({ side: side.concept as Side, sideMention: side, body: best.body });
  }
  return links;
}

function scan(tokens: readonly Token[], from: number, direction: 1 | -1, limit: number, bodyAt: ReadonlyMap<number, Mention>, sideAt: ReadonlySet<number>): { body: Mention; distance: number } | undefined {
  const sentence = tokens[from - direction]?.sentence;
  let distance = 0;
  for (let i = from; i >= 0 && i < tokens.length; i += direction) {
    const token = tokens[i];
    if (token === undefined || token.sentence !== sentence || token.norm === ',' || sideAt.has(i)) return undefined;
    if (token.kind === 'punct') continue;
    distance++;
    if (distance > limit) return undefined;
    // Walking backward we meet a multi-word body part at its last token: look up by start.
    const body = bodyAt.get(i) ?? (direction === -1 ? endingAt(bodyAt, i) : undefined);
    if (body) return { body, distance };
  }
  return undefined;
}

function endingAt(bodyAt: ReadonlyMap<number, Mention>, at: number): Mention | undefined {
  for (let start = at; start > at - 4; start--) {
    const body = bodyAt.get(start);
    if (body && body.endTok - 1 === at) return body;
  }
  return undefined;
}

const everyWords = new Set(['every', 'q', 'toutes', 'aux', 'each']);
const perDayWords = new Set(['a day', 'per day', 'daily', 'par jour', 'a week', 'per week', 'par semaine']);

function readFrequencies(tokens: readonly Token[], spelled: readonly Mention[], quantities: readonly Quantity[]): { frequencies: Frequency[]; frequencyQuantities: Set<Quantity> } {
  const frequencies: Frequency[] = spelled.map((mention) => ({ startTok: mention.startTok, endTok: mention.endTok, perDay: mention.concept === 'prn' ? 'prn' : Number(mention.concept) }));
  const frequencyQuantities = new Set<Quantity>();
  for (const quantity of quantities) {
    const before = tokens[quantity.startTok - 1]?.norm ?? '';
    const beforeTwo = tokens[quantity.startTok - 2]?.norm ?? '';
    const next = `${tokens[quantity.endTok]?.norm ?? ''} ${tokens[quantity.endTok + 1]?.norm ?? ''}`;
    if (quantity.unit?.id === 'hour' && (everyWords.has(before) || (before === 'les' && beforeTwo === 'toutes'))) {
      frequencies.push({ startTok: quantity.startTok - 1, endTok: quantity.endTok, perDay: 24 / quantity.lo });
      frequencyQuantities.add(quantity);
    } else if (quantity.unit?.id === 'time') {
      const weekly = next.endsWith('week') || next.endsWith('semaine');
      const perDay = perDayWords.has(next) || perDayWords.has(next.split(' ')[0] ?? '');
      if (perDay) frequencies.push({ startTok: quantity.startTok, endTok: quantity.endTok + 2, perDay: weekly ? quantity.lo / 7 : quantity.lo });
      frequencyQuantities.add(quantity);
    } else if (everyWords.has(before) && quantity.unit?.dim === 'time') {
      frequencyQuantities.add(quantity); // "every 2 weeks" is a schedule, not a duration
    }
  }
  return { frequencies: frequencies.sort((a, b) => a.startTok - b.startTok), frequencyQuantities };
}

const allergenWindow = 8;
const allergyLinks = new Set(['to', ':', 'include', 'includes', 'including', 'a', 'au', 'aux', 'is', 'are', 'reaction', '-']);

function readAllergies(text: AnalyzedText): AllergyStatement[] {
  const statements: AllergyStatement[] = [];
  const allergens = [...mentionsOf(text, 'med'), ...mentionsOf(text, 'allergen')].sort((a, b) => a.startTok - b.startTok);
  for (const mention of mentionsOf(text, 'no-allergy')) {
    const asked = polarityOf(text, mention.startTok) === 'asked';
    statements.push({ allergen: '*', polarity: asked ? 'asked' : 'negated', mention });
  }
  for (const trigger of mentionsOf(text, 'allergy')) {
    const triggerPolarity = polarityOf(text, trigger.startTok);
    const sentence = text.tokens[trigger.startTok]?.sentence;
    // "allergic to X", "allergies: X, Y", "allergie à la X" — or "X allergy".
    const linked = allergyLinks.has(text.tokens[trigger.endTok]?.norm ?? '') || allergyLinks.has(text.tokens[trigger.endTok + 1]?.norm ?? '');
    const named = allergens.filter((allergen) => text.tokens[allergen.startTok]?.sentence === sentence
      && ((linked && allergen.startTok >= trigger.endTok && allergen.startTok - trigger.endTok <= allergenWindow) || (allergen.endTok <= trigger.startTok && trigger.startTok - allergen.endTok <= 1)));
    if (named.length === 0) statements.push({ allergen: '*', polarity: triggerPolarity, mention: trigger });
    for (const allergen of named) {
      const own = polarityOf(text, allergen.startTok);
      const polarity = triggerPolarity === 'negated' || own === 'negated' ? 'negated' : triggerPolarity === 'affirmed' ? own : triggerPolarity;
      statements.push({ allergen: allergen.concept, polarity, mention: allergen });
    }
    if (triggerPolarity !== 'negated' && text.context.questions.has(trigger.startTok)) statements.push(...answeredAllergens(text, trigger, allergens));
  }
  return statements;
}

/** "[doctor] any allergies ? [patient] penicillin ." — allergens named in the answer are affirmed. */
function answeredAllergens(text: AnalyzedText, trigger: Mention, allergens: readonly Mention[]): AllergyStatement[] {
  const turn = text.tokens[trigger.startTok]?.turn ?? 0;
  let answerStart = trigger.endTok;
  while (answerStart < text.tokens.length && (text.tokens[answerStart]?.turn === turn || text.tokens[answerStart]?.tag === true)) answerStart++;
  const answer = text.tokens[answerStart];
  if (answer === undefined || answer.turn !== turn + 1) return [];
  return allergens
    .filter((allergen) => text.tokens[allergen.startTok]?.sentence === answer.sentence && polarityOf(text, allergen.startTok) !== 'negated')
    .map((allergen) => ({ allergen: allergen.concept, polarity: 'affirmed', mention: allergen }));
}
