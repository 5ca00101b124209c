/**
 * Accuracy on PubMedQA, asked with a JSON schema so the answer is exactly
 * yes / no / maybe. The pass threshold for a catalog model is its published
 * figure minus 10 points: room for quantisation loss, prompt differences and
 * sampling error (at 100 questions and ~70 % accuracy the standard error is
 * ~4.6 points, so 10 points is about two of them); falling further below the
 * model card is a sign of broken weights, template or tokenizer. A model with
 * no published figure needs a site threshold (qaThreshold); random weights
 * cannot pass and the check says so. A site threshold may be stricter than
 * the default but never makes a pass out of a score below it: such a run
 * fails, saying so, and serving the model takes an audited
 * `--override-conformance` (docs/conformance.md).
 */
import { isNorthstationError } from '../../core/errors.ts';
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';
import { generateWithSchema } from '../output-hygiene.ts';
import type { CheckContext } from './check-context.ts';
import { publishedPubMedQa } from './published-figure.ts';
import { pubmedQaAnswers, type PubMedQaAnswer, type PubMedQaItem } from './pubmedqa.ts';
import type { CheckResult, ModelIdentity } from './report.ts';

export const accuracyCheckId = 'pubmedqa-accuracy';
/** Points below the published figure that still pass. */
export const publishedMarginPoints = 10;

const answerSchema: JsonSchema = {
  type: 'object',
  properties: { answer: { enum: [...pubmedQaAnswers] } },
  required: ['answer'],
  additionalProperties: false,
};

/** Abstracts are a few hundred words; the cap only keeps a pathological entry inside small contexts. */
const maxContextChars = 6000;

export function pubmedQaMessages(item: PubMedQaItem): ChatMessage[] {
  return [
    { role: 'system', content: 'You answer biomedical research questions from the abstract given. Reply with JSON: {"answer": "yes" | "no" | "maybe"}.' },
    { role: 'user', content: `Abstract:\n${item.contexts.join('\n').slice(0, maxContextChars)}\n\nQuestion: ${item.question}\nAnswer yes, no or maybe.` },
  ];
}

export interface AccuracyOptions {
  identity: ModelIdentity;
  /** Site's own pass threshold in percent; wins over the published one. Default: published − 10, or none. */
  qaThreshold?: number;
}

export async function checkPubMedQaAccuracy(context: CheckContext, sample: readonly PubMedQaItem[], options: AccuracyOptions): Promise<CheckResult> {
  const model = context.modelFor(accuracyCheckId);
  const answers: Array<{ pmid: string; expected: PubMedQaAnswer; given: PubMedQaAnswer | null; error?: string }> = [];
  for (const [index, item] of sample.entries()) {
    context.progress(accuracyCheckId, index, sample.length);
    try {
      const result = await generateWithSchema(model, pubmedQaMessages(item), { schema: answerSchema, maxRepairs: 1, maxTokens: 32, signal: context.signal });
      answers.push({ pmid: item.pmid, expected: item.answer, given: (result.value as { answer: PubMedQaAnswer }).answer });
    } catch (error) {
      // An unanswerable question counts as wrong; only an abort stops the run.
      if (!isNorthstationError(error) || error.code === 'aborted') throw error;
      answers.push({ pmid: item.pmid, expected: item.answer, given: null, error: error.code });
    }
  }
  context.progress(accuracyCheckId, sample.length, sample.length);

  const correct = answers.filter((answer) => answer.given === answer.expected).length;
  const accuracy = sample.length === 0 ? 0 : round1((100 * correct) / sample.length);
  const published = publishedPubMedQa(options.identity);
  const defaultThreshold = published ? round1(published.score - publishedMarginPoints) : undefined;
  const threshold = options.qaThreshold ?? defaultThreshold;
  const verdict = lowered(judge(accuracy, threshold, options.identity.synthetic, sample.length), accuracy, defaultThreshold, options.qaThreshold);
  return {
    id: accuracyCheckId,
    title: 'Accuracy on PubMedQA (PQA-L, expert-labelled)',
    status: verdict.pass ? 'pass' : 'fail',
    measured: accuracy,
    threshold: threshold ?? null,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    details: {
      unit: 'percent correct',
      questions: sample.length,
      correct,
      unanswered: answers.filter((answer) => answer.given === null).length,
      wilson95: wilsonInterval(correct, sample.length),
      majorityBaseline: round1((100 * sample.filter((item) => item.answer === 'yes').length) / Math.max(1, sample.length)),
      published: published ?? 'no published figure',
      defaultThreshold: defaultThreshold ?? 'none (no published figure)',
      thresholdSource: options.qaThreshold !== undefined ? 'site (--qa-threshold)' : published ? `published − ${publishedMarginPoints} points` : 'none',
      note: 'Published MedGemma figures are on the PubMedQA test split; this samples the 1000 expert-labelled questions (the test split is a subset).',
      answers: answers.map((answer) => [answer.pmid, answer.expected, answer.given ?? answer.error ?? null]),
    },
  };
}

function judge(accuracy: number, threshold: number | undefined, synthetic: boolean, questions: number): { pass: boolean; reason?: string } {
  if (synthetic) return { pass: false, reason: 'synthetic model: random weights cannot answer medical questions (expected failure)' };
  if (questions === 0) return { pass: false, reason: 'no questions were asked' };
  if (threshold === undefined) {
    return { pass: false, reason: `no published figure for this model; set the site's own threshold with --qa-threshold PERCENT` };
  }
  if (accuracy < threshold) return { pass: false, reason: `accuracy ${accuracy} % is below the threshold ${threshold} %` };
  return { pass: true };
}

/** A site threshold below the default (published − margin) does not turn a score under the default into a pass. */
function lowered(verdict: { pass: boolean; reason?: string }, accuracy: number, defaultThreshold: number | undefined, siteThreshold: number | undefined): { pass: boolean; reason?: string } {
  if (!verdict.pass || siteThreshold === undefined || defaultThreshold === undefined) return verdict;
  if (siteThreshold >= defaultThreshold || accuracy >= defaultThreshold) return verdict;
  return {
    pass: false,
    reason:
      `accuracy ${accuracy} % meets the site threshold ${siteThreshold} % but not the default ${defaultThreshold} % (published − ${publishedMarginPoints} points); ` +
      'a lowered threshold does not make a passing report: serving this model takes --override-conformance "REASON" (audited)',
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** 95 % Wilson score interval in percent: honest error bars for small samples. */
function wilsonInterval(successes: number, trials: number): [number, number] {
  if (trials === 0) return [0, 100];
  const z = 1.96;
  const p = successes / trials;
  const centre = (p + (z * z) / (2 * trials)) / (1 + (z * z) / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / (1 + (z * z) / trials);
  return [round1(100 * Math.max(0, centre - half)), round1(100 * Math.min(1, centre + half))];
}
