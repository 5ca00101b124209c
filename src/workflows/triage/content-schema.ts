/**
 * The triage draft's content (`TriageContent`) as the JSON Schema that edits,
 * amendments and signatures are checked against (content-schema.ts). The
 * rules' part (scores, flags, alerts, extremes) is described as fully as the
 * model's, so a stored triage record always reads as the rules wrote it.
 */
import type { DeteriorationCode, News2Parameter, News2Risk } from '../../clinical/index.ts';
import type { SirsCriterion } from '../../clinical/sepsis.ts';
import type { JsonSchema } from '../../engine/chat-model.ts';
import { keysOf, languageSchema, listOf, nullable, object, oneOf, text, texts } from '../content-schema.ts';
import type { FinalLevelSource } from './decide-level.ts';
import type { TriageContent } from './index.ts';
import { complaintModifierNames, ctasLevels } from './model-output.ts';

const number: JsonSchema = { type: 'number' };
const boolean: JsonSchema = { type: 'boolean' };
const level = oneOf(ctasLevels);

const finalSources = keysOf<FinalLevelSource>({ suggestion: true, floor: true, agreement: true, default: true });
const deteriorationCodes = keysOf<DeteriorationCode>({
  'news2-urgent': true,
  'news2-emergency': true,
  'news2-single-parameter-3': true,
  'qsofa-positive': true,
  'shock-index-high': true,
  'gcs-drop': true,
  paediatric: true,
  'incomplete-vitals': true,
});
const news2Parameters = keysOf<News2Parameter>({ respiratoryRate: true, spo2: true, airOrOxygen: true, systolicBP: true, heartRate: true, consciousness: true, temperature: true });
const news2Risks = keysOf<News2Risk>({ low: true, 'low-medium': true, medium: true, high: true });
const sirsCriteria = keysOf<SirsCriterion>({ temperature: true, heartRate: true, respiratory: true, whiteCells: true });
const modelOutputs = keysOf<TriageContent['modelOutput']>({ usable: true, unusable: true });

const news2 = object({
  total: number,
  maxTotal: number,
  risk: oneOf(news2Risks),
  response: text,
  parameters: object({}, Object.fromEntries(news2Parameters.map((name) => [name, number]))),
  missing: listOf(oneOf(news2Parameters)),
  complete: boolean,
  singleParameterThree: boolean,
  consciousnessFromGcs: boolean,
});
const sirsList = listOf(oneOf(sirsCriteria));

export const triageContentSchema: JsonSchema = object({
  ctas: object({
    suggested: nullable(level),
    floor: nullable(level),
    final: level,
    finalFrom: oneOf(finalSources),
    reasons: texts,
    paediatric: boolean,
    missing: texts,
    notApplicable: texts,
  }),
  flags: listOf(oneOf(deteriorationCodes)),
  alerts: listOf(object({ code: oneOf(deteriorationCodes), message: text })),
  extremes: listOf(object({ field: text, value: number, message: text })),
  scores: object({
    news2,
    qsofa: object({ score: number, positive: nullable(boolean), missing: texts }),
    sirs: object({ met: nullable(boolean), count: number, criteria: sirsList, evaluated: sirsList, missing: sirsList }),
    shockIndex: nullable(number),
    gcs: nullable(number),
  }),
  modifiers: listOf(object({ name: oneOf(complaintModifierNames), evidence: text, usualLevel: nullable(number) })),
  rationale: nullable(text),
  modelOutput: oneOf(modelOutputs),
  language: languageSchema,
});
