import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { readAciEncounters, type Encounter } from '../../safety/testdata/grounding-pairs.ts';
import { defaultDataDir } from '../../safety/testdata/public-sources.ts';
import type { WorkflowEvent } from '../draft.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { evaluateSoapNote } from './eval.ts';
import { soapNoteWorkflow, type SoapNoteContent } from './index.ts';
import { soapNotePrompt } from './prompt.ts';
import { sectionNames } from './schema.ts';

let model: LlamaChatModel;
let runner: WorkflowRunner;
let encounters: Encounter[];

before(async () => {
  // 2048 tokens: at 1024 the system prompt and data instruction alone fill the synthetic tokenizer's context
  // (it spends ~2 characters a token), and the workflow refuses with payload_too_large rather than truncating.
  model = await loadTinyChatModel({ contextSize: 2048, sequences: 1 });
  runner = createWorkflowRunner({ model, workflows: [soapNoteWorkflow as unknown as AnyWorkflow] });
  encounters = (await readAciEncounters()).slice(0, 6);
});

after(async () => {
  await model.dispose();
});

function assertSchemaValid(content: SoapNoteContent, transcript: string): void {
  assert.equal(typeof content.chiefComplaint, 'string');
  for (const name of sectionNames) {
    for (const statement of content.sections[name]) {
      assert.equal(typeof statement.text, 'string');
      assert.ok(Array.isArray(statement.findings));
      for (const span of statement.grounding) assert.ok(span.start >= 0 && span.start < span.end && span.end <= transcript.length);
    }
  }
  for (const medication of content.medications) assert.ok(medication.name.length > 0);
  for (const allergy of content.allergies) assert.ok(allergy.substance.length > 0);
}

test('end to end on a real ACI-BENCH dialogue: a schema-valid draft with full provenance', async () => {
  const [encounter] = encounters;
  assert.ok(encounter);
  const draft = await runner.run('soap-note', { transcript: encounter.dialogue });
  assert.equal(draft.status, 'draft');
  assertSchemaValid(draft.content as SoapNoteContent, encounter.dialogue);
  const { provenance } = draft;
  assert.equal(provenance.promptTemplate.sha256, soapNotePrompt.sha256);
  assert.match(provenance.inputSha256, /^[0-9a-f]{64}$/);
  assert.equal(provenance.model.id, model.info.id);
  assert.equal(provenance.model.synthetic, true);
  assert.ok(provenance.timings.modelCalls >= 1 && provenance.timings.completionTokens > 0);
});

test('a transcript far longer than the context is chunked, extracted and merged in bounded time', async () => {
  const long = encounters.map((encounter) => encounter.dialogue).join('\n');
  assert.ok(long.length > 25_000, `${long.length} characters ≫ 2048 tokens`);
  const events: WorkflowEvent[] = [];
  const started = performance.now();
  const draft = await runner.run('soap-note', { transcript: long }, { onEvent: (event) => events.push(event) });
  const seconds = (performance.now() - started) / 1000;
  const chunks = events.filter((event) => event.type === 'prefill-progress' && event.stage.startsWith('chunk ')).length;
  assert.ok(chunks > 1, `${chunks} chunks`);
  assert.ok(seconds < 120, `${seconds.toFixed(1)} s`);
  assertSchemaValid(draft.content as SoapNoteContent, long);
});

test('abort mid-generation rejects with aborted', async () => {
  const [encounter] = encounters;
  assert.ok(encounter);
  const controller = new AbortController();
  const onEvent = (event: WorkflowEvent): void => {
    if (event.type === 'text-delta') controller.abort();
  };
  await assert.rejects(runner.run('soap-note', { transcript: encounter.dialogue }, { signal: controller.signal, onEvent }), (error) => isNorthstationError(error, 'aborted'));
});

test('the evaluation runs over an ACI-BENCH file and reports every figure', async () => {
  const items: unknown[] = [];
  const { aggregate } = await evaluateSoapNote({ runner, dataFile: join(defaultDataDir(), 'encounters', 'aci-bench-valid.csv'), limit: 2, onItem: (item) => items.push(item) });
  assert.equal(items.length, 2);
  assert.equal(aggregate.items, 2);
  assert.equal(aggregate.schemaValid + Object.values(aggregate.errors).reduce((sum, count) => sum + count, 0), 2);
  assert.ok(aggregate.meanRougeL >= 0 && aggregate.meanRougeL <= 1);
  assert.ok(aggregate.groundingRate >= 0 && aggregate.groundingRate <= 1);
});
