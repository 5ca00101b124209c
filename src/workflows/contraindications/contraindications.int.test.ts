import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { createContraindicationsWorkflow, type Contraindications } from './index.ts';

let model: LlamaChatModel;
let runner: WorkflowRunner;
const input = { proposedMedication: 'Ibuprofen 400 mg', medications: ['Warfarin 5 mg'], allergies: [], conditions: ['Asthma'] };

before(async () => {
  // The tiny model's tokenizer is nearly character-level: the prompt needs a larger context than its default.
  model = await loadTinyChatModel({ contextSize: 4096 });
  runner = createWorkflowRunner({ model, workflows: [createContraindicationsWorkflow({ maxTokens: 2048 }) as unknown as AnyWorkflow] });
});

after(async () => {
  await model.dispose();
});

test('end to end through the real llama.cpp path: a schema-valid draft that always holds the rule item, whatever the model wrote', async () => {
  const draft = await runner.run('contraindications', input);
  const { items } = draft.content as Contraindications;
  assert.equal(draft.status, 'draft');
  for (const item of items) assert.ok([...input.medications, ...input.conditions].includes(item.with), item.with);
  assert.ok(items.some((item) => item.kind === 'interaction' && item.with === 'Warfarin 5 mg' && item.basis !== 'model'));
});

test('aborting mid-generation rejects with aborted', async () => {
  const controller = new AbortController();
  let deltas = 0;
  await assert.rejects(
    runner.run('contraindications', input, { signal: controller.signal, onEvent: (event) => { if (event.type === 'text-delta' && ++deltas === 3) controller.abort(); } }),
    (error) => isNorthstationError(error, 'aborted'),
  );
});
