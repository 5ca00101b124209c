/**
 * The safety layer on everything the model wrote for triage: the rationale and
 * each modifier's evidence go through reviewDraft with the note and vitals as
 * the grounding source, so definitive diagnoses come back hedged and flagged and
 * claims the note does not support are flagged. Each finding says which field
 * its offsets index (`field`), since one draft holds several model texts.
 */
import type { Finding, Language } from '../../safety/finding.ts';
import type { GroundingSource } from '../../safety/grounding.ts';
import { reviewText } from '../reviewed-text.ts';
import { complaintModifiers, type ComplaintModifierName, type TriageProposal } from './model-output.ts';

export type TriageFinding = Finding & { field: string };

export interface ReviewedModifier {
  name: ComplaintModifierName;
  /** The model's evidence, hedged where it asserted a diagnosis. */
  evidence: string;
  /** The level this modifier usually sets (guidance shown to the model; null for "other"). */
  usualLevel: number | null;
}

export interface ReviewedProposal {
  rationale: string;
  modifiers: ReviewedModifier[];
  findings: TriageFinding[];
}

export function reviewProposal(proposal: TriageProposal, source: GroundingSource, language: Language): ReviewedProposal {
  const findings: TriageFinding[] = [];
  const review = (text: string, field: string): string => {
    const result = reviewText(text, source, language);
    findings.push(...result.findings.map((finding) => ({ ...finding, field })));
    return result.text;
  };
  const rationale = review(proposal.rationale, 'rationale');
  const modifiers = proposal.modifiers.map((modifier, index) => ({
    name: modifier.name,
    evidence: review(modifier.evidence, `modifiers.${index}.evidence`),
    usualLevel: complaintModifiers[modifier.name],
  }));
  return { rationale, modifiers, findings };
}

/** Vitals as grounding facts: the scalar fields only (pain is an object; its score is not what a rationale quotes). */
export function groundingVitals(vitals: Readonly<Record<string, unknown>>): Record<string, number | string | boolean> {
  const scalars: Record<string, number | string | boolean> = {};
  for (const [key, value] of Object.entries(vitals)) {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') scalars[key] = value;
  }
  return scalars;
}
