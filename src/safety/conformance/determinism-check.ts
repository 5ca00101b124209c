/**
 * Determinism at temperature 0: the same request twice must give the same
 * text, or a reviewer could not reproduce what a draft was based on. One
 * free-text request and one schema-constrained request (the grammar path).
 */
import type { ChatMessage, GenerateOptions } from '../../engine/chat-model.ts';
import type { CheckContext } from './check-context.ts';
import { goldenTasks } from './golden-tasks.ts';
import type { CheckResult } from './report.ts';

export const determinismCheckId = 'determinism';

interface Probe {
  id: string;
  messages: readonly ChatMessage[];
  options: GenerateOptions;
}

function probes(jsonSchema: boolean): Probe[] {
  const free: Probe = {
    id: 'free-text',
    messages: [{ role: 'user', content: 'In two sentences, what should a nurse check first in a patient with new confusion?' }],
    options: { maxTokens: 96, temperature: 0 },
  };
  const triage = goldenTasks.find((task) => task.id === 'triage');
  if (!jsonSchema || !triage) return [free];
  return [free, { id: 'json-triage', messages: triage.messages, options: { maxTokens: triage.maxTokens, temperature: 0, jsonSchema: triage.schema } }];
}

export async function checkDeterminism(context: CheckContext): Promise<CheckResult> {
  const model = context.modelFor(determinismCheckId);
  const list = probes(model.capabilities.jsonSchema);
  const results: Array<{ probe: string; identical: boolean; firstDifferenceAt?: number }> = [];
  for (const [index, probe] of list.entries()) {
    context.progress(determinismCheckId, index, list.length);
    // Sequential on purpose: the second run may reuse the first one's cache, which must not change the text.
    const first = await model.generate(probe.messages, probe.options);
    const second = await model.generate(probe.messages, probe.options);
    const identical = first.text === second.text;
    results.push({ probe: probe.id, identical, ...(identical ? {} : { firstDifferenceAt: firstDifference(first.text, second.text) }) });
  }
  context.progress(determinismCheckId, list.length, list.length);
  const differing = results.filter((result) => !result.identical).map((result) => result.probe);
  return {
    id: determinismCheckId,
    title: 'Determinism at temperature 0',
    status: differing.length === 0 ? 'pass' : 'fail',
    measured: `${results.length - differing.length}/${results.length} identical`,
    threshold: 'every request repeated gives identical text',
    ...(differing.length > 0 ? { reason: `repeated requests differ: ${differing.join(', ')}` } : {}),
    details: { probes: results },
  };
}

function firstDifference(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}
