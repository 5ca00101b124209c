/**
 * No thinking text leaked: every raw output of the run (plus one prompt that
 * invites step-by-step thinking) goes through output hygiene, and nothing that
 * looks like thinking or template tokens may remain. How many raw outputs
 * needed cleaning is reported: a model that leaks and is cleaned passes, but
 * the site sees it.
 */
import { cleanModelOutput } from '../output-hygiene.ts';
import { excerpt, type CheckContext } from './check-context.ts';
import { hygieneCases } from './guard-cases.ts';
import { hasLeakMarker } from './leak-markers.ts';
import type { CheckResult } from './report.ts';

export const hygieneCheckId = 'no-thinking-leak';

export async function checkNoThinkingLeak(context: CheckContext): Promise<CheckResult> {
  context.progress(hygieneCheckId, 0, 1);
  await context.modelFor(hygieneCheckId).generate(
    [
      // MedGemma 27B's thinking mode is switched on by this system instruction (model card, REFERENCE.md §7).
      { role: 'system', content: 'SYSTEM INSTRUCTION: think silently if needed. Think step by step before you answer.' },
      { role: 'user', content: 'What are two common causes of acute chest pain in adults? Answer in one sentence.' },
    ],
    { maxTokens: 256, temperature: 0 },
  );
  context.progress(hygieneCheckId, 1, 1);

  const outputs = context.rawOutputs.map((output) => {
    const cleaned = cleanModelOutput(output.text).text;
    return { check: output.check, neededCleaning: hasLeakMarker(output.text), leaked: hasLeakMarker(cleaned), cleaned };
  });
  const leaked = outputs.filter((output) => output.leaked);
  const cases = hygieneCases.map((known) => {
    const cleaned = cleanModelOutput(known.raw).text;
    return { ok: !hasLeakMarker(cleaned) && cleaned.includes(known.keeps), cleaned: excerpt(cleaned) };
  });
  const brokenCases = cases.filter((known) => !known.ok).length;
  const pass = leaked.length === 0 && brokenCases === 0;
  return {
    id: hygieneCheckId,
    title: 'No thinking or template text leaked',
    status: pass ? 'pass' : 'fail',
    measured: leaked.length,
    threshold: 0,
    ...(pass
      ? {}
      : { reason: leaked.length > 0 ? `${leaked.length} output(s) still hold thinking or template text after cleaning` : `the cleaner mishandled ${brokenCases} known case(s)` }),
    details: {
      unit: 'outputs leaking after cleaning',
      outputs: outputs.length,
      rawNeedingCleaning: outputs.filter((output) => output.neededCleaning).length,
      leakedExamples: leaked.slice(0, 3).map((output) => ({ check: output.check, cleaned: excerpt(output.cleaned) })),
      knownCases: cases,
    },
  };
}
