/**
 * The factual claims of a draft, read from its analysis: medications, doses
 * (a number with a mass/volume/unit near a drug name), vitals, other numbers
 * with a unit or a lab name, durations, sides, findings asserted or denied, and
 * allergies. Anything hedged or conditional ("if fever develops", "rule out
 * pneumonia") is not a claim: it asserts nothing about the patient.
 */
import type { Side } from '../lexicon/anatomy.ts';
import { mentionsOf, polarityOf, type AnalyzedText, type Frequency, type Mention, type SideLink } from './analyze.ts';
import type { Quantity } from './quantities.ts';

/** Another term of the claim's sentence, used to pick the relevant source mentions when the source says both things. */
export interface ContextTerm {
  kind: Mention['kind'];
  concept: string;
}

interface Span {
  startTok: number;
  endTok: number;
}

export type DraftClaim = Span & (
  | { kind: 'medication'; medication: string }
  | { kind: 'dose'; quantity: Quantity; medication: string; frequency?: Frequency }
  | { kind: 'vital'; quantity: Quantity; vital: string }
  | { kind: 'number'; quantity: Quantity; lab?: string }
  | { kind: 'duration'; quantity: Quantity; context?: Mention }
  | { kind: 'duration'; anchor: string }
  | { kind: 'laterality'; side: Side; body: string; context: ContextTerm[] }
  | { kind: 'finding' | 'negation'; finding: string; context: ContextTerm[] }
  | { kind: 'allergy'; allergen: string; negated: boolean }
);

const doseDimensions = new Set(['mass', 'volume', 'units', 'meq', 'count', 'dose-per-weight']);
const unitVitals: Record<string, string> = { bpm: 'hr', mmhg: 'bp', celsius: 'temp', fahrenheit: 'temp', degree: 'temp' };
const sinceWords = new Set(['since', 'depuis']);

export function extractClaims(draft: AnalyzedText): DraftClaim[] {
  const claims: DraftClaim[] = [];
  const isClaim = (at: number): boolean => polarityOf(draft, at) !== 'uncertain' && polarityOf(draft, at) !== 'asked';
  const allergenStarts = new Set<number>();
  for (const statement of draft.allergies) {
    const { mention, allergen, polarity } = statement;
    allergenStarts.add(mention.startTok);
    if (polarity !== 'affirmed' && polarity !== 'negated') continue;
    if (allergen === '*' && polarity === 'affirmed') continue; // "seasonal allergies": nothing specific to check
    claims.push({ kind: 'allergy', allergen, negated: polarity === 'negated', startTok: mention.startTok, endTok: mention.endTok });
  }
  for (const med of mentionsOf(draft, 'med')) {
    if (!allergenStarts.has(med.startTok) && isClaim(med.startTok)) claims.push({ kind: 'medication', medication: med.concept, startTok: med.startTok, endTok: med.endTok });
  }
  const bySentence = mentionsBySentence(draft);
  const sentenceOf = (mention: Mention): readonly Mention[] => bySentence.get(draft.tokens[mention.startTok]?.sentence ?? -1) ?? [];
  for (const finding of mentionsOf(draft, 'finding')) {
    const polarity = polarityOf(draft, finding.startTok);
    const context = termsNear(draft, finding, sentenceOf(finding), 'body');
    if (polarity === 'affirmed' || polarity === 'negated') claims.push({ kind: polarity === 'negated' ? 'negation' : 'finding', finding: finding.concept, context, startTok: finding.startTok, endTok: finding.endTok });
  }
  for (const link of draft.sideLinks) {
    if (!isClaim(link.sideMention.startTok)) continue;
    claims.push({ kind: 'laterality', side: link.side, body: link.body.concept, context: termsNear(draft, link.body, sentenceOf(link.body), 'finding'), ...coveringSpan(link) });
  }
  for (const anchor of mentionsOf(draft, 'anchor')) {
    const before = draft.tokens[anchor.startTok - 1]?.norm ?? '';
    if (sinceWords.has(before) && isClaim(anchor.startTok)) claims.push({ kind: 'duration', anchor: anchor.concept, startTok: anchor.startTok - 1, endTok: anchor.endTok });
  }
  for (const quantity of draft.quantities) {
    if (draft.frequencyQuantities.has(quantity) || !isClaim(quantity.startTok)) continue;
    const claim = classifyQuantity(draft, quantity, bySentence.get(draft.tokens[quantity.startTok]?.sentence ?? -1) ?? []);
    if (claim) claims.push(claim);
  }
  return claims.sort((a, b) => a.startTok - b.startTok || a.endTok - b.endTok);
}

const contextWords = 8;

/** Terms of `kind` in the mention's sentence within 8 words of it. */
function termsNear(draft: AnalyzedText, mention: Mention, sentence: readonly Mention[], kind: Mention['kind']): ContextTerm[] {
  return sentence
    .filter((other) => other.kind === kind
      && (other.endTok <= mention.startTok ? wordsBetween(draft, other.endTok, mention.startTok) : wordsBetween(draft, mention.endTok, other.startTok)) <= contextWords)
    .map((other) => ({ kind: other.kind, concept: other.concept }));
}

function coveringSpan(link: SideLink): Span {
  return { startTok: Math.min(link.sideMention.startTok, link.body.startTok), endTok: Math.max(link.sideMention.endTok, link.body.endTok) };
}

function mentionsBySentence(draft: AnalyzedText): Map<number, Mention[]> {
  const bySentence = new Map<number, Mention[]>();
  for (const kind of ['med', 'finding', 'vital', 'lab', 'event', 'body'] as const) {
    for (const mention of mentionsOf(draft, kind)) {
      const sentence = draft.tokens[mention.startTok]?.sentence ?? -1;
      const list = bySentence.get(sentence) ?? [];
      list.push(mention);
      bySentence.set(sentence, list);
    }
  }
  return bySentence;
}

/** Words between two token positions (punctuation not counted). */
function wordsBetween(draft: AnalyzedText, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (draft.tokens[i]?.kind !== 'punct') count++;
  return count;
}

/** The nearest mention of `kind` ending at most `before` words ahead of the quantity, or starting at most `after` words past it. */
function nearest(draft: AnalyzedText, quantity: Quantity, sentence: readonly Mention[], kind: Mention['kind'], before: number, after: number): Mention | undefined {
  let best: Mention | undefined;
  let bestDistance = Infinity;
  for (const mention of sentence) {
    if (mention.kind !== kind) continue;
    const distance = mention.endTok <= quantity.startTok ? wordsBetween(draft, mention.endTok, quantity.startTok)
      : mention.startTok >= quantity.endTok ? wordsBetween(draft, quantity.endTok, mention.startTok) + 0.5 : Infinity;
    const limit = mention.endTok <= quantity.startTok ? before : after;
    if (distance <= limit && distance < bestDistance) {
      best = mention;
      bestDistance = distance;
    }
  }
  return best;
}

function classifyQuantity(draft: AnalyzedText, quantity: Quantity, sentence: readonly Mention[]): DraftClaim | undefined {
  const span = { startTok: quantity.startTok, endTok: quantity.endTok };
  const unit = quantity.unit;
  if (quantity.age) return { kind: 'number', quantity, lab: 'age', ...span };
  if (unit?.dim === 'time') {
    const context = nearest(draft, quantity, sentence, 'finding', 12, 6) ?? nearest(draft, quantity, sentence, 'med', 12, 6) ?? nearest(draft, quantity, sentence, 'event', 8, 4);
    return context ? { kind: 'duration', quantity, context, ...span } : { kind: 'duration', quantity, ...span };
  }
  if (unit && doseDimensions.has(unit.dim)) {
    const med = nearest(draft, quantity, sentence, 'med', 8, 4);
    if (med) {
      const frequency = draft.frequencies.find((f) => f.startTok >= quantity.endTok && f.startTok - quantity.endTok <= 4);
      return frequency ? { kind: 'dose', quantity, medication: med.concept, frequency, ...span } : { kind: 'dose', quantity, medication: med.concept, ...span };
    }
  }
  const keyword = nearest(draft, quantity, sentence, 'vital', 4, 0);
  const vital = keyword?.concept ?? (unit ? unitVitals[unit.id] : undefined);
  if (vital && (vital === 'bp') === (quantity.second !== undefined)) return { kind: 'vital', quantity, vital, ...span };
  const lab = nearest(draft, quantity, sentence, 'lab', 4, 2);
  if (lab) return { kind: 'number', quantity, lab: lab.concept, ...span };
  if (unit || quantity.second !== undefined) return { kind: 'number', quantity, ...span };
  return undefined;
}
