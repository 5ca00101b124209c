/**
 * Checks one draft claim against the indexed source. Every check returns the
 * spans it relied on, so the clinician sees why a claim passed or failed.
 * Numbers are checked in number-checks.ts; names, sides, findings and
 * allergies here.
 */
import { polarityOf, type Mention } from './analyze.ts';
import type { ContextTerm, DraftClaim } from './claims.ts';
import { quoted, result, type CheckResult } from './evidence.ts';
import { checkDose, checkDuration, checkNumber, checkVital } from './number-checks.ts';
import { lookup, type Located, type SourceIndex } from './source-index.ts';

export type { CheckResult, ClaimStatus, Evidence } from './evidence.ts';

export function checkClaim(claim: DraftClaim, index: SourceIndex): CheckResult {
  switch (claim.kind) {
    case 'medication': {
      const mentions = lookup(index, 'med', claim.medication);
      return mentions.length > 0 ? result('supported', mentions, `${claim.medication} is in the source`) : result('unsupported', [], `${claim.medication} is not mentioned in the source`);
    }
    case 'dose':
      return checkDose(claim, index);
    case 'vital':
      return checkVital(claim, index);
    case 'number':
      return checkNumber(claim, index);
    case 'duration':
      return 'anchor' in claim ? checkAnchor(claim.anchor, index) : checkDuration(claim.quantity, claim.context, index);
    case 'laterality':
      return checkLaterality(claim.side, claim.body, claim.context, index);
    case 'finding':
    case 'negation':
      return checkFinding(claim.finding, claim.kind === 'negation', claim.context, index);
    case 'allergy':
      return checkAllergy(claim.allergen, claim.negated, index);
  }
}

function checkAnchor(anchor: string, index: SourceIndex): CheckResult {
  const mentions = lookup(index, 'anchor', anchor);
  return mentions.length > 0 ? result('supported', mentions, `the source mentions ${anchor}`) : result('unsupported', [], `the source does not mention ${anchor}`);
}

const contextWindow = 15;

/** The items with a context term (same concept) within 15 tokens in their document, or all items when none has. */
function relevant<T extends { startTok: number; endTok: number }>(items: readonly Located<T>[], context: readonly ContextTerm[]): readonly Located<T>[] {
  if (context.length === 0) return items;
  const near = items.filter(({ document, item }) => context.some((term) => {
    const list = document.analyzed.byKind.get(term.kind) ?? [];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((list[middle]?.endTok ?? 0) < item.startTok - contextWindow) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < list.length; i++) {
      const other = list[i];
      if (other === undefined || other.startTok > item.endTok + contextWindow) break;
      if (other.concept === term.concept) return true;
    }
    return false;
  }));
  return near.length > 0 ? near : items;
}

function checkLaterality(side: string, body: string, context: readonly ContextTerm[], index: SourceIndex): CheckResult {
  const links = relevant((index.sideLinks.get(body) ?? []).map(({ document, item }) => ({ document, item: { ...item, startTok: item.body.startTok, endTok: item.body.endTok } })), context);
  const span = ({ document, item }: (typeof links)[number]): Located<{ start: number; end: number }> =>
    ({ document, item: { start: Math.min(item.sideMention.start, item.body.start), end: Math.max(item.sideMention.end, item.body.end) } });
  const same = links.filter(({ item }) => item.side === side);
  if (same.length > 0) return result('supported', same.map(span), `the source gives the same side for the ${body}`);
  // "both knees" covers the left knee, unless the source names only the other side on its own.
  const both = links.filter(({ item }) => item.side === 'bilateral');
  if (side !== 'bilateral' && both.length > 0 && both.length === links.length) return result('supported', both.map(span), `the source names both sides of the ${body}`);
  if (side === 'bilateral') {
    const plural = index.pluralBodies.get(body) ?? [];
    const hasLeft = links.some(({ item }) => item.side === 'left');
    const hasRight = links.some(({ item }) => item.side === 'right');
    if (hasLeft && hasRight) return result('supported', links.map(span), `the source names both sides of the ${body}`);
    if (plural.length > 0) return result('supported', plural, `the source names the ${body} in the plural`);
  }
  if (links.length > 0) return result('contradicted', links.map(span), `the source says ${quoted(links.map(span))}`);
  const mentions = lookup(index, 'body', body);
  if (mentions.length > 0) return result('unsupported', mentions, `the source mentions the ${body} without a side`);
  return result('unsupported', [], `the source does not mention the ${body}`);
}

function checkFinding(finding: string, negated: boolean, context: readonly ContextTerm[], index: SourceIndex): CheckResult {
  const affirmed: Located<Mention>[] = [];
  const denied: Located<Mention>[] = [];
  const asked: Located<Mention>[] = [];
  for (const located of relevant(lookup(index, 'finding', finding), context)) {
    const polarity = polarityOf(located.document.analyzed, located.item.startTok);
    if (polarity === 'affirmed') affirmed.push(located);
    else if (polarity === 'negated') denied.push(located);
    else asked.push(located);
  }
  const [agreeing, opposing] = negated ? [denied, affirmed] : [affirmed, denied];
  // When the source says both, a side it says far more often wins: "no pain" once against knee pain all along.
  if (agreeing.length > 0 && opposing.length > 2 * agreeing.length) {
    return result('contradicted', opposing, negated ? `the source mostly reports ${finding}` : `the source mostly denies ${finding}`);
  }
  if (agreeing.length > 0) return result('supported', agreeing, negated ? `the source also denies ${finding}` : `the source reports ${finding}`);
  if (opposing.length > 0) return result('contradicted', opposing, negated ? `the draft denies ${finding}, the source reports it` : `the draft reports ${finding}, the source denies it`);
  if (asked.length > 0) return result('unsupported', asked, `the source only asks about or hedges ${finding}`);
  return result('unsupported', [], `the source does not mention ${finding}`);
}

function checkAllergy(allergen: string, negated: boolean, index: SourceIndex): CheckResult {
  const statements = index.allergies.filter(({ item }) => item.polarity === 'affirmed' || item.polarity === 'negated');
  const noneKnown = statements.filter(({ item }) => item.allergen === '*' && item.polarity === 'negated');
  const span = ({ document, item }: (typeof statements)[number]): Located<Mention> => ({ document, item: item.mention });
  if (allergen === '*') {
    const drugAllergies = statements.filter(({ item }) => item.allergen !== '*' && item.polarity === 'affirmed' && item.mention.kind === 'med');
    if (drugAllergies.length > 0) return result('contradicted', drugAllergies.map(span), `the source names a drug allergy: ${quoted(drugAllergies.map(span))}`);
    if (noneKnown.length > 0) return result('supported', noneKnown.map(span), 'the source says there are no known allergies');
    return result('unsupported', [], 'the source does not say there are no allergies');
  }
  const same = statements.filter(({ item }) => item.allergen === allergen);
  const affirmed = same.filter(({ item }) => item.polarity === 'affirmed');
  const denied = [...same.filter(({ item }) => item.polarity === 'negated'), ...noneKnown];
  const [agreeing, opposing] = negated ? [denied, affirmed] : [affirmed, denied];
  if (agreeing.length > 0) return result('supported', agreeing.map(span), negated ? `the source also denies an allergy to ${allergen}` : `the source names an allergy to ${allergen}`);
  if (opposing.length > 0) return result('contradicted', opposing.map(span), negated ? `the source names an allergy to ${allergen}` : `the source denies an allergy to ${allergen}`);
  return result('unsupported', [], `the source does not mention an allergy to ${allergen}`);
}
