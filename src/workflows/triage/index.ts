/**
 * Triage: a note and vitals in, a CTAS draft out. The model proposes a level
 * and the complaint modifiers it found; the clinical rules compute the floor
 * and every score; the final level is the more urgent of the two and exists
 * whatever the model wrote (decide-level.ts).
 */
import { scoreInput, type CtasLevel, type DeteriorationCode, type DeteriorationFlag, type ExtremeValue, type ScoreReport } from '../../clinical/index.ts';
import { isNorthstationError } from '../../core/errors.ts';
import type { Language } from '../../safety/finding.ts';
import { triageContentSchema } from './content-schema.ts';
import type { Workflow, WorkflowContext } from '../workflow.ts';
import { decideFinalLevel, type FinalLevelSource } from './decide-level.ts';
import { triageInputSchema, type TriageInput } from './input.ts';
import { triageProposalSchema, type TriageProposal } from './model-output.ts';
import { triagePrompt, triageMessages } from './prompt.ts';
import { groundingVitals, reviewProposal, type ReviewedModifier, type TriageFinding } from './review.ts';

export interface TriageContent {
  ctas: {
    /** The model's level; null when its output was unusable. */
    suggested: CtasLevel | null;
    /** The rules' floor; null when no vital-sign modifier fired (not the same as normal: see `missing`). */
    floor: CtasLevel | null;
    /** The more urgent of suggested and floor; never missing. */
    final: CtasLevel;
    finalFrom: FinalLevelSource;
    /** Why: the decision first, then each rule that fired, then any problem with the model's output. */
    reasons: string[];
    paediatric: boolean;
    /** Measurements a floor modifier needed and did not get. */
    missing: string[];
    notApplicable: string[];
  };
  /** Deterioration flag codes, from the rules only. */
  flags: DeteriorationCode[];
  /** The same flags with the message a clinician reads. */
  alerts: DeteriorationFlag[];
  /** Extreme but possible values to re-check at the bedside. */
  extremes: ExtremeValue[];
  scores: Pick<ScoreReport, 'news2' | 'qsofa' | 'sirs' | 'shockIndex' | 'gcs'>;
  modifiers: ReviewedModifier[];
  /** Hedged where the model asserted a diagnosis; null when its output was unusable. */
  rationale: string | null;
  modelOutput: 'usable' | 'unusable';
  language: Language;
}

export interface TriageWorkflowOptions {
  /** Most tokens the model may write per attempt. Default 768: a 600-character rationale and six modifiers fit. */
  maxTokens?: number;
}

/** Why the model gave no usable suggestion, keyed by the error that stopped it. */
export const unusableSuggestionReasons = {
  schema_violation: "the model's suggestion was unusable (its output did not match the triage schema after repair attempts): the level comes from the rules",
  payload_too_large: "the model's suggestion was unusable (the note is longer than the model's context): the level comes from the rules",
} as const;

type UnusableCause = keyof typeof unusableSuggestionReasons;

export function createTriageWorkflow(options: TriageWorkflowOptions = {}): Workflow<TriageInput, TriageContent> {
  const maxTokens = options.maxTokens ?? 768;
  return {
    name: 'triage',
    version: '1.0.0',
    input: triageInputSchema,
    content: triageContentSchema,
    prompt: triagePrompt,
    languageOf: (input) => input.language ?? 'en',
    run: (input, context) => runTriage(input, context, maxTokens),
  };
}

export const triageWorkflow = createTriageWorkflow();

async function runTriage(input: TriageInput, context: WorkflowContext, maxTokens: number): Promise<{ content: TriageContent; findings: TriageFinding[] }> {
  const language = input.language ?? 'en';
  // Scored before the model is called: the floor exists even when the model fails or is aborted later.
  const report = scoreInput(input.vitals);
  const { messages, injectionFindings } = triageMessages(input.note, input.vitals, language);
  const attempt = await propose(context, messages, maxTokens);
  const proposal = 'proposal' in attempt ? attempt.proposal : null;
  const reviewed = proposal ? reviewProposal(proposal, { text: input.note, vitals: groundingVitals(input.vitals) }, language) : null;

  const suggested = proposal?.suggestedLevel ?? null;
  const decision = decideFinalLevel(suggested, report.ctas.floor);
  const content: TriageContent = {
    ctas: {
      suggested,
      floor: report.ctas.floor,
      final: decision.final,
      finalFrom: decision.source,
      reasons: [decision.reason, ...report.ctas.reasons, ...('unusable' in attempt ? [unusableSuggestionReasons[attempt.unusable]] : [])],
      paediatric: report.ctas.paediatric,
      missing: report.ctas.missing,
      notApplicable: report.ctas.notApplicable,
    },
    flags: report.flags,
    alerts: report.alerts,
    extremes: report.extremes,
    scores: { news2: report.news2, qsofa: report.qsofa, sirs: report.sirs, shockIndex: report.shockIndex, gcs: report.gcs },
    modifiers: reviewed?.modifiers ?? [],
    rationale: reviewed?.rationale ?? null,
    modelOutput: proposal ? 'usable' : 'unusable',
    language,
  };
  const noteFindings = injectionFindings.map((finding) => ({ ...finding, field: 'note' }));
  return { content, findings: [...noteFindings, ...(reviewed?.findings ?? [])] };
}

/**
 * The model's proposal, or why there is none. Output that never fit the schema
 * and a note too long for the context still give a draft, because the floor
 * and the default level do not need the model; aborts and backend failures
 * propagate, since then nothing was decided at all.
 */
async function propose(
  context: WorkflowContext,
  messages: Parameters<WorkflowContext['generate']>[0],
  maxTokens: number,
): Promise<{ proposal: TriageProposal } | { unusable: UnusableCause }> {
  try {
    // The schema validated it (ajv in generateWithSchema), so the cast only names the shape.
    return { proposal: (await context.generate(messages, { schema: triageProposalSchema, maxTokens, stage: 'suggest CTAS level' })) as TriageProposal };
  } catch (error) {
    if (isNorthstationError(error, 'schema_violation')) return { unusable: 'schema_violation' };
    if (isNorthstationError(error, 'payload_too_large')) return { unusable: 'payload_too_large' };
    throw error;
  }
}

export type { TriageInput } from './input.ts';
export { decideFinalLevel, defaultLevelReason, defaultLevelWithoutSuggestionOrFloor } from './decide-level.ts';
export { complaintModifiers, type ComplaintModifierName } from './model-output.ts';
