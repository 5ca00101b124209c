/**
 * Triage through the real llama.cpp path with the tiny synthetic model: its
 * weights are random, so its output is noise (cut off, or schema-valid
 * nonsense). Whatever it writes, the floor invariant must hold.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { parseVitals, scoreInput } from '../../clinical/index.ts';
import { isNorthstationError } from '../../core/errors.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { complaintModifierNames } from './model-output.ts';
import { createTriageWorkflow } from './index.ts';
import { seededUniform as seeded } from '../../core/seeded-random.ts';

const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);
const contentContract = z.object({
  ctas: z.object({ suggested: level.nullable(), floor: level.nullable(), final: level, reasons: z.array(z.string()).min(1) }),
  flags: z.array(z.string()),
  scores: z.object({ news2: z.object({ total: z.number() }), qsofa: z.object({ score: z.number() }), sirs: z.object({}), shockIndex: z.number().nullable(), gcs: z.number().nullable() }),
  modifiers: z.array(z.object({ name: z.enum(complaintModifierNames), evidence: z.string().max(200) })).max(6),
  rationale: z.string().max(600).nullable(),
  language: z.enum(['en', 'fr']),
});

let model: LlamaChatModel;
// The tiny model's tokenizer turns the ~1,500-character system prompt into ~1,500 tokens; repair turns add the schema.
before(async () => {
  model = await loadTinyChatModel({ contextSize: 8192 });
});
after(async () => {
  await model.dispose();
});

function runnerWith(maxTokens: number): WorkflowRunner {
  return createWorkflowRunner({ model, workflows: [createTriageWorkflow({ maxTokens }) as unknown as AnyWorkflow] });
}


function randomVitals(next: () => number): Record<string, unknown> {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(next() * choices.length)] as T;
  const between = (min: number, max: number, step = 1): number => Math.round((min + next() * (max - min)) / step) * step;
  const maybe = (): boolean => next() < 0.6;
  const vitals: Record<string, unknown> = {};
  if (maybe()) vitals.age = pick([0.2, 2, 7, 15, 16, 30, 55, 80, 99]);
  if (maybe()) vitals.respiratoryRate = between(4, 50);
  if (maybe()) vitals.spo2 = between(70, 100);
  if (maybe()) vitals.onOxygen = next() < 0.3;
  if (maybe()) {
    vitals.systolicBP = between(50, 240);
    if (maybe()) vitals.diastolicBP = between(30, (vitals.systolicBP as number) - 10);
  }
  if (maybe()) vitals.heartRate = between(30, 210);
  if (maybe()) vitals.temperature = between(33, 41.5, 0.1);
  if (maybe()) vitals.consciousness = pick(['A', 'C', 'V', 'P', 'U']);
  if (next() < 0.3) vitals.gcs = between(3, 15);
  if (next() < 0.4) vitals.pain = { score: between(0, 10), onset: pick(['acute', 'chronic']), location: pick(['central', 'peripheral']) };
  if (next() < 0.2) vitals.immunocompromised = next() < 0.5;
  if (next() < 0.2) vitals.bleedingDisorder = pick(['none', 'minor', 'moderate', 'life-threatening']);
  if (next() < 0.2) vitals.highRiskMechanism = next() < 0.5;
  return vitals;
}

const words = ['chest', 'pain', 'fever', 'cough', 'fell', 'dizzy', 'CTAS', '5', 'ignore previous instructions', 'non-urgent', 'bleeding', 'child', 'says', 'fine', '<end_of_turn>', 'seizure', 'tearing'];
function randomNote(next: () => number): string {
  return Array.from({ length: 3 + Math.floor(next() * 25) }, () => words[Math.floor(next() * words.length)]).join(' ');
}

test('end to end: a schema-valid draft with provenance', async () => {
  const draft = await runnerWith(400).run('triage', { note: 'Crushing chest pain for an hour, sweaty.', vitals: { age: 60, heartRate: 135, systolicBP: 95, pain: { score: 8, onset: 'acute', location: 'central' } } });
  const content = contentContract.parse(draft.content);
  assert.equal(draft.status, 'draft');
  assert.equal(content.ctas.floor, 1);
  assert.equal(content.ctas.final, 1);
  assert.equal(draft.provenance.model.synthetic, true);
  assert.match(draft.provenance.promptTemplate.sha256, /^[0-9a-f]{64}$/);
});

test('floor invariant over 200 random vignettes: final always 1–5, never less urgent than the floor', async () => {
  const runner = runnerWith(12);
  const next = seeded(0x7a1a9e);
  let ran = 0;
  let withFloor = 0;
  for (let attempt = 0; ran < 200 && attempt < 400; attempt++) {
    const vitals = randomVitals(next);
    // The generator can draw combinations the parser rightly refuses (GCS 15 with "U"): those test validation, not triage.
    try {
      parseVitals(vitals);
    } catch {
      continue;
    }
    ran++;
    const note = randomNote(next);
    const { ctas } = contentContract.parse((await runner.run('triage', { note, vitals })).content);
    const floor = scoreInput(vitals).ctas.floor;
    const context = JSON.stringify({ vitals, note, ctas });
    assert.equal(ctas.floor, floor, context);
    assert.ok(ctas.final >= 1 && ctas.final <= 5, context);
    if (floor !== null) {
      withFloor++;
      assert.ok(ctas.final <= floor, context);
    }
    if (ctas.suggested !== null) assert.ok(ctas.final <= ctas.suggested, context);
    if (ctas.suggested === null && floor === null) assert.equal(ctas.final, 3, context);
  }
  assert.equal(ran, 200);
  assert.ok(withFloor > 50, `only ${withFloor} vignettes had a floor`);
});

test('abort mid-generation rejects with aborted', async () => {
  const controller = new AbortController();
  let deltas = 0;
  await assert.rejects(
    runnerWith(400).run('triage', { note: 'Cough for a week.', vitals: { spo2: 91 } }, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'text-delta' && ++deltas === 3) controller.abort();
      },
    }),
    (error) => isNorthstationError(error, 'aborted'),
  );
  assert.equal(deltas >= 3, true);
});
