/**
 * differential: a case summary → a ranked, hedged differential with the
 * supporting and opposing findings for each candidate, and red flags that need
 * urgent exclusion. Every text the model wrote goes through reviewDraft: the
 * diagnoses for hedging (they are inferences, so not grounded), the findings
 * and reasons for hedging and grounding against the case summary.
 */
import { z } from 'zod';
import type { Finding, Language } from '../../safety/finding.ts';
import { languages, reviewText } from '../reviewed-text.ts';
import { differentialContentSchema } from './content-schema.ts';
import type { Workflow } from '../workflow.ts';
import { differentialMessages, differentialPrompt, differentialSchema, likelihoods, type DifferentialAnswer, type Likelihood } from './prompt.ts';

export const maxCaseSummaryChars = 20_000;

const differentialInput = z.object({
  caseSummary: z.string().trim().min(1).max(maxCaseSummaryChars),
  language: z.enum(languages).optional(),
});
export type DifferentialInput = z.infer<typeof differentialInput>;

/** A finding with the field of the item it is in (e.g. "supporting.1"); offsets index that field's text as the model wrote it. */
export type FieldFinding = Finding & { field: string };

export interface Differential {
  items: { diagnosis: string; likelihood: Likelihood; supporting: string[]; opposing: string[]; findings: FieldFinding[] }[];
  redFlags: { condition: string; why: string; findings: FieldFinding[] }[];
}

export interface DifferentialOptions {
  /** Default 1024. */
  maxTokens?: number;
}

export function createDifferentialWorkflow(options: DifferentialOptions = {}): Workflow<DifferentialInput, Differential> {
  const maxTokens = options.maxTokens ?? 1024;
  return {
    name: 'differential',
    version: '1',
    input: differentialInput,
    content: differentialContentSchema,
    prompt: differentialPrompt,
    languageOf: (input) => input.language ?? 'en',
    run: async (input, context) => {
      const language = input.language ?? 'en';
      const { messages, contained } = differentialMessages(input.caseSummary, language);
      context.emit({ type: 'prefill-progress', stage: 'differential', done: 0, total: 1 });
      const answer = (await context.generate(messages, { schema: differentialSchema, maxTokens })) as DifferentialAnswer;
      const review = reviewer(input.caseSummary, language);
      // The model ranks; the code only groups by likelihood (stable, so its order stays within a group).
      const items = [...answer.items]
        .sort((a, b) => likelihoods.indexOf(a.likelihood) - likelihoods.indexOf(b.likelihood))
        .map((item) => {
          const findings: FieldFinding[] = [];
          return {
            diagnosis: review(item.diagnosis, 'diagnosis', false, findings),
            likelihood: item.likelihood,
            supporting: item.supporting.map((text, index) => review(text, `supporting.${index}`, true, findings)),
            opposing: item.opposing.map((text, index) => review(text, `opposing.${index}`, true, findings)),
            findings,
          };
        });
      const redFlags = answer.redFlags.map((flag) => {
        const findings: FieldFinding[] = [];
        return { condition: review(flag.condition, 'condition', false, findings), why: review(flag.why, 'why', true, findings), findings };
      });
      const all = [...contained.findings, ...items.flatMap((item) => item.findings), ...redFlags.flatMap((flag) => flag.findings)];
      return { content: { items, redFlags }, findings: all };
    },
  };
}

export const differentialWorkflow = createDifferentialWorkflow();

/** Reviews one field; `grounded` fields are checked against the case summary, diagnoses only for hedging. */
function reviewer(caseSummary: string, language: Language) {
  return (text: string, field: string, grounded: boolean, findings: FieldFinding[]): string => {
    const review = reviewText(text, grounded ? { text: caseSummary } : undefined, language);
    findings.push(...review.findings.map((finding) => ({ ...finding, field })));
    return review.text;
  };
}
