/**
 * contraindications: a proposed medication + the patient's medications,
 * allergies and conditions → potential contraindications and interactions to
 * check, hedged, each tied to an entry of the input. An item whose `with` is
 * not an entry of the list its kind refers to is dropped and reported; a small
 * rule table (rules.ts) adds what the model missed and raises what it
 * under-rated.
 */
import { z } from 'zod';
import type { Finding } from '../../safety/finding.ts';
import { languages, reviewText, wholeTextFinding } from '../reviewed-text.ts';
import { contraindicationsContentSchema } from './content-schema.ts';
import type { Workflow } from '../workflow.ts';
import {
  contraindicationsMessages, contraindicationsPrompt, contraindicationsSchema, inputText, severities,
  type ContraindicationKind, type ModelItem, type Severity,
} from './prompt.ts';
import { ruleItems } from './rules.ts';

const entry = z.string().trim().min(1).max(200);
const entries = z.array(entry).max(200);

const contraindicationsInput = z.object({
  proposedMedication: entry,
  medications: entries,
  allergies: entries,
  conditions: entries,
  language: z.enum(languages).optional(),
});
export type ContraindicationsInput = z.infer<typeof contraindicationsInput>;

export interface ContraindicationItem {
  kind: ContraindicationKind;
  /** An entry of the input, as the input spells it. */
  with: string;
  concern: string;
  severity: Severity;
  /** Who raised it: the model, the rule table, or both (severity is then the more cautious). */
  basis: 'model' | 'rule' | 'model+rule';
  /** Findings on `concern`, with `field` "items.N.concern" (offsets index the model's text). */
  findings: FieldFinding[];
}

/**
 * A finding with the text its offsets index: "input" (the lists as rendered
 * for the model, `inputText`), "items.N.concern" (item N's concern as the model
 * wrote it) or "answer.items.N.with" (the model's N-th item, left out).
 */
export type FieldFinding = Finding & { field: string };

export interface Contraindications {
  items: ContraindicationItem[];
}

const listOf: Record<ContraindicationKind, 'medications' | 'allergies' | 'conditions'> = {
  interaction: 'medications', duplicate: 'medications', allergy: 'allergies', condition: 'conditions',
};
const rank = (severity: Severity): number => severities.indexOf(severity);
const moreCautious = (a: Severity, b: Severity): Severity => (rank(a) >= rank(b) ? a : b);
const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export function createContraindicationsWorkflow(options: { maxTokens?: number } = {}): Workflow<ContraindicationsInput, Contraindications> {
  const maxTokens = options.maxTokens ?? 768;
  return {
    name: 'contraindications',
    version: '1',
    input: contraindicationsInput,
    content: contraindicationsContentSchema,
    prompt: contraindicationsPrompt,
    languageOf: (input) => input.language ?? 'en',
    run: async (input, context) => {
      const language = input.language ?? 'en';
      const { messages, contained } = contraindicationsMessages(input, language);
      context.emit({ type: 'prefill-progress', stage: 'contraindications', done: 0, total: 1 });
      const answer = (await context.generate(messages, { schema: contraindicationsSchema, maxTokens })) as { items: ModelItem[] };
      const findings: FieldFinding[] = contained.findings.map((finding) => ({ ...finding, field: 'input' }));
      const source = { text: inputText(input) };
      const items: ContraindicationItem[] = [];
      for (const [index, item] of answer.items.entries()) {
        const list = listOf[item.kind];
        const match = input[list].find((candidate) => same(candidate, item.with));
        if (match === undefined) {
          findings.push({ ...wholeTextFinding(item.with, `Left out: the model's ${item.kind} item names “${item.with.slice(0, 100)}”, which is not an entry of the patient's ${list}; it may be invented. Check the lists.`), field: `answer.items.${index}.with` });
          continue;
        }
        const duplicate = items.find((kept) => kept.kind === item.kind && kept.with === match);
        if (duplicate) {
          duplicate.severity = moreCautious(duplicate.severity, item.severity);
          continue;
        }
        const review = reviewText(item.concern, source, language);
        items.push({ kind: item.kind, with: match, concern: review.text, severity: item.severity, basis: 'model', findings: review.findings.map((finding) => ({ ...finding, field: '' })) });
      }
      for (const rule of ruleItems(input)) {
        const found = items.find((kept) => kept.kind === rule.kind && same(kept.with, rule.with));
        if (found) {
          found.severity = moreCautious(found.severity, rule.severity);
          found.basis = 'model+rule';
        } else {
          items.push({ ...rule, basis: 'rule', findings: [] });
        }
      }
      // Most cautious first; stable, so the model's order stays within a severity.
      items.sort((a, b) => rank(b.severity) - rank(a.severity));
      // Each concern's findings name the item they are in, as the draft orders them.
      for (const [index, item] of items.entries()) {
        for (const finding of item.findings) finding.field = `items.${index}.concern`;
        findings.push(...item.findings);
      }
      return { content: { items }, findings };
    },
  };
}

export const contraindicationsWorkflow = createContraindicationsWorkflow();
