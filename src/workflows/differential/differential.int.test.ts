import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { createDifferentialWorkflow, type Differential } from './index.ts';
import { likelihoods } from './prompt.ts';

let model: LlamaChatModel;
let runner: WorkflowRunner;
const input = { caseSummary: 'Woman, 34, with fever 38.9 °C, dysuria and right flank pain for two days.' };

before(async () => {
  // The tiny model's tokenizer is nearly character-level: the prompt needs a larger context than its default.
  model = await loadTinyChatModel({ contextSize: 4096 });
  runner = createWorkflowRunner({ model, workflows: [createDifferentialWorkflow({ maxTokens: 2048 }) as unknown as AnyWorkflow] });
});

after(async () => {
  await model.dispose();
});

test('end to end through the real llama.cpp path: a schema-valid draft', async () => {
  const draft = await runner.run('differential', input);
  const content = draft.content as Differential;
  assert.equal(draft.status, 'draft');
  assert.ok(content.items.length <= 8);
  for (const item of content.items) {
    assert.ok(likelihoods.includes(item.likelihood));
    assert.ok(Array.isArray(item.supporting) && Array.isArray(item.opposing) && Array.isArray(item.findings));
  }
  assert.equal(draft.provenance.promptTemplate.id, 'differential');
});

test('aborting mid-generation rejects with aborted', async () => {
  const controller = new AbortController();
  let deltas = 0;
  await assert.rejects(
    runner.run('differential', input, { signal: controller.signal, onEvent: (event) => { if (event.type === 'text-delta' && ++deltas === 3) controller.abort(); } }),
    (error) => isNorthstationError(error, 'aborted'),
  );
});
