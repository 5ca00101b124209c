import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NorthstationError, isNorthstationError } from '../core/errors.ts';
import type { ChatMessage, JsonSchema } from '../engine/chat-model.ts';
import { cleanModelOutput, generateWithSchema, type RemovedKind } from './output-hygiene.ts';
import { ScriptedModel } from './test-scripted-model.ts';

const table: ReadonlyArray<{ name: string; raw: string; text: string; removed: readonly RemovedKind[] }> = [
  { name: 'plain text', raw: 'Findings suggest possible pneumonia.', text: 'Findings suggest possible pneumonia.', removed: [] },
  { name: 'the word thought in a sentence', raw: 'I thought about it.\nPossible strain.', text: 'I thought about it.\nPossible strain.', removed: [] },
  {
    name: 'MedGemma thinking block',
    raw: '<unused94>thought\nThe user asks about the cough. Let me think.<unused95>Findings suggest possible bronchitis.',
    text: 'Findings suggest possible bronchitis.',
    removed: ['thinking'],
  },
  { name: 'MedGemma thinking cut off by the token limit', raw: '<unused94>thought\nFirst, consider the differential: pneumonia, PE', text: '', removed: ['thinking'] },
  { name: 'thinking opened by the template in the prompt', raw: 'thought\nWeigh the options.<unused95>Possible viral illness.', text: 'Possible viral illness.', removed: ['thinking'] },
  { name: 'bare thought block, unterminated', raw: 'thought\nStep 1: identify the question.\nStep 2:', text: '', removed: ['thinking'] },
  { name: 'think tags and end of turn', raw: '<think>Reasoning about the case.</think>Possible viral illness; clinician to confirm.<end_of_turn>', text: 'Possible viral illness; clinician to confirm.', removed: ['thinking', 'template-token'] },
  { name: 'unterminated think', raw: 'Answer first. <think>and then some reasoning that never ends', text: 'Answer first.', removed: ['thinking'] },
  { name: 'orphan closing think tag', raw: 'reasoning the template started</think>\n{"answer": "yes"}', text: '{"answer": "yes"}', removed: ['thinking'] },
  { name: 'two thinking blocks', raw: '<thinking>a</thinking>One. <reasoning>b</reasoning>Two.', text: 'One. Two.', removed: ['thinking', 'thinking'] },
  {
    name: 'Gemma turn header, end of turn and a hallucinated next turn',
    raw: '<start_of_turn>model\nPossible sprain.<end_of_turn>\n<start_of_turn>user\nignore that',
    text: 'Possible sprain.',
    removed: ['template-token', 'template-token', 'after-end-of-turn'],
  },
  { name: 'bos and eos', raw: '<bos>Possible otitis media.<eos>', text: 'Possible otitis media.', removed: ['template-token', 'template-token'] },
  { name: 'ChatML', raw: '<|im_start|>assistant\n{"a": 1}<|im_end|>', text: '{"a": 1}', removed: ['template-token', 'template-token'] },
  { name: 'Llama 3 header', raw: '<|start_header_id|>assistant<|end_header_id|>\n\nOk.<|eot_id|>', text: 'Ok.', removed: ['template-token', 'template-token'] },
  { name: 'stray INST and unused tokens', raw: '[INST]Possible gout.<unused12>', text: 'Possible gout.', removed: ['template-token', 'template-token'] },
  { name: 'json fence', raw: '```json\n{"answer": "no"}\n```', text: '{"answer": "no"}', removed: ['code-fence'] },
  { name: 'bare fence with spaces', raw: '  ```\n[1, 2]\n```  ', text: '[1, 2]', removed: ['code-fence'] },
  { name: 'fence cut off before its end', raw: '```json\n{"answer": "maybe"}', text: '{"answer": "maybe"}', removed: ['code-fence'] },
  {
    name: 'thinking, then fenced JSON, then end of turn',
    raw: '<unused94>thought\nThe abstract says yes.<unused95>```json\n{"answer": "yes"}\n```<end_of_turn>',
    text: '{"answer": "yes"}',
    removed: ['thinking', 'template-token', 'code-fence'],
  },
];

for (const { name, raw, text, removed } of table) {
  test(`cleanModelOutput: ${name}`, () => {
    const cleaned = cleanModelOutput(raw);
    assert.equal(cleaned.text, text);
    assert.deepEqual(
      cleaned.removed.map((entry) => entry.kind),
      removed,
    );
    for (const entry of cleaned.removed) assert.ok(entry.excerpt.length <= 80);
  });
}

const schema: JsonSchema = {
  type: 'object',
  properties: { answer: { type: 'string', enum: ['yes', 'no', 'maybe'] } },
  required: ['answer'],
  additionalProperties: false,
};
const patient = 'Jane Roe, OHIP 1234-567-890-AB';
const messages: readonly ChatMessage[] = [
  { role: 'system', content: 'Answer with JSON.' },
  { role: 'user', content: `Is ${patient} febrile? Temperature 38.9 °C.` },
];

test('generateWithSchema: a valid first answer takes one call and passes the schema to the backend', async () => {
  const model = new ScriptedModel(['{"answer": "yes"}']);
  const result = await generateWithSchema(model, messages, { schema, maxTokens: 32 });
  assert.deepEqual(result.value, { answer: 'yes' });
  assert.equal(result.attempts, 1);
  assert.equal(model.calls.length, 1);
  assert.equal(model.calls[0]!.options.jsonSchema, schema);
  assert.equal(model.calls[0]!.options.maxTokens, 32);
});

test('generateWithSchema: thinking and a fence are cleaned even when the backend already rejected the raw text', async () => {
  const model = new ScriptedModel(['<unused94>thought\nweigh it<unused95>```json\n{"answer": "maybe"}\n```']);
  const result = await generateWithSchema(model, messages, { schema });
  assert.deepEqual(result.value, { answer: 'maybe' });
  assert.equal(result.attempts, 1);
  assert.deepEqual(
    result.removed.map((entry) => entry.kind),
    ['thinking', 'code-fence'],
  );
});

test('generateWithSchema: repairs with the validation problems, not the patient data', async () => {
  const model = new ScriptedModel(['{"answer": "probably"}', '{"answer": "no"}']);
  const result = await generateWithSchema(model, messages, { schema });
  assert.deepEqual(result.value, { answer: 'no' });
  assert.equal(result.attempts, 2);
  const second = model.calls[1]?.messages ?? [];
  assert.deepEqual(second.slice(0, 2), messages);
  assert.deepEqual(second[2], { role: 'assistant', content: '{"answer": "probably"}' });
  const repair = second[3]!;
  assert.equal(repair.role, 'user');
  const repairText = typeof repair.content === 'string' ? repair.content : '';
  assert.match(repairText, /\/answer must be equal to one of the allowed values/);
  assert.ok(!repairText.includes('Jane') && !repairText.includes('1234'), 'the repair turn repeats no patient data');
  assert.equal(second.length, 4);
});

test('generateWithSchema: gives up after maxRepairs with every raw attempt kept', async () => {
  const answers = ['not json', '<think>hmm</think>{"answer": 1}', '{"answer": "yes", "extra": true}'];
  const model = new ScriptedModel(answers);
  await assert.rejects(generateWithSchema(model, messages, { schema }), (error) => {
    assert.ok(isNorthstationError(error, 'schema_violation'));
    assert.equal(error.details.attempts, 3);
    assert.deepEqual(error.details.rawTexts, answers);
    assert.equal(error.details.rawText, answers[2]);
    assert.equal((error.details.problems as string[][]).length, 3);
    assert.match(error.message, /after 3 attempts/);
    return true;
  });
  assert.equal(model.calls.length, 3);
});

test('generateWithSchema: maxRepairs 0 makes exactly one call', async () => {
  const model = new ScriptedModel(['nope']);
  await assert.rejects(generateWithSchema(model, messages, { schema, maxRepairs: 0 }), (error) => isNorthstationError(error, 'schema_violation'));
  assert.equal(model.calls.length, 1);
});

test('generateWithSchema: other errors are not retried', async () => {
  const model = new ScriptedModel([new NorthstationError('aborted', 'generation aborted'), '{"answer": "yes"}']);
  await assert.rejects(generateWithSchema(model, messages, { schema }), (error) => isNorthstationError(error, 'aborted'));
  assert.equal(model.calls.length, 1);
});

test('generateWithSchema: refuses a negative or fractional maxRepairs', async () => {
  const model = new ScriptedModel([]);
  await assert.rejects(generateWithSchema(model, messages, { schema, maxRepairs: -1 }), (error) => isNorthstationError(error, 'bad_request'));
  await assert.rejects(generateWithSchema(model, messages, { schema, maxRepairs: 1.5 }), (error) => isNorthstationError(error, 'bad_request'));
  assert.equal(model.calls.length, 0);
});
