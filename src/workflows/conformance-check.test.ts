import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelCapabilities } from '../engine/chat-model.ts';
import { ScriptedModel } from '../safety/test-scripted-model.ts';
import { workflowSchemaCheck } from './conformance-check.ts';
import { workflows } from './index.ts';
import { loadTinyChatModel } from '../engine/llama/test-tiny-llama.ts';

test('a model that never answers in the schema fails the check on every workflow, with the reason per workflow', async () => {
  const garbage = new ScriptedModel(Array.from({ length: 200 }, () => 'I think the answer is probably fine.'), { contextSize: 8192 });
  const result = await workflowSchemaCheck(workflows)(garbage, undefined);
  assert.equal(result.status, 'fail');
  assert.equal(result.measured, `0/${workflows.length}`);
  for (const workflow of workflows) assert.notEqual(result.details[workflow.name], 'ok', workflow.name);
  assert.match(result.reason ?? '', /triage: the model produced no usable triage suggestion/);
});

test('the tiny synthetic model, grammar-constrained, produces every workflow draft from schema-valid output', async () => {
  const model = await loadTinyChatModel({ contextSize: 8192, sequences: 1 });
  try {
    const result = await workflowSchemaCheck(workflows)(model, undefined);
    assert.equal(result.status, 'pass', JSON.stringify(result.details));
  } finally {
    await model.dispose();
  }
});

test('imaging-read is measured on models that take images, and not applicable to the others', async () => {
  class VisionModel extends ScriptedModel {
    override readonly capabilities: ModelCapabilities = { text: true, image: true, jsonSchema: true, lora: false };
  }
  const imaging = workflows.filter((workflow) => workflow.name === 'imaging-read');
  const answer = JSON.stringify({ findings: 'A regular pattern.', impression: 'No structure is identified.', answer: 'A pattern is visible.' });
  const vision = await workflowSchemaCheck(imaging)(new VisionModel([answer]), undefined);
  assert.deepEqual([vision.status, vision.details['imaging-read']], ['pass', 'ok']);
  const garbled = await workflowSchemaCheck(imaging)(new VisionModel(['no', 'no', 'no']), undefined);
  assert.equal(garbled.status, 'fail');
  const textOnly = await workflowSchemaCheck(imaging)(new ScriptedModel([]), undefined);
  assert.deepEqual([textOnly.status, textOnly.threshold], ['pass', '0/1']);
  assert.match(String(textOnly.details['imaging-read']), /not applicable/);
});
