/**
 * The runner itself, on a small echo workflow defined here and a scripted
 * model: input validation naming the field, events in order, provenance
 * (hashes, counts), the per-workflow concurrency limit and aborts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { z } from 'zod';
import { isNorthstationError } from '../core/errors.ts';
import { findingAt } from '../safety/finding.ts';
import { ScriptedModel } from '../safety/test-scripted-model.ts';
import type { WorkflowEvent } from './draft.ts';
import { definePromptTemplate } from './prompt-template.ts';
import { createWorkflowRunner } from './runner.ts';
import type { AnyWorkflow, Workflow } from './workflow.ts';

const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
const prompt = definePromptTemplate('echo', '1', { system: 'Answer in JSON.' });

/** Sends the question to the model once and flags the word "certainly" in the answer. */
const echoWorkflow: Workflow<{ question: string; count?: number }, { answer: string }> = {
  name: 'echo',
  version: '1.0.0',
  input: z.object({ question: z.string().min(1), count: z.number().int().optional() }).strict(),
  // The content is the model's answer unchanged, so one schema serves both.
  content: schema,
  prompt,
  run: async (input, context) => {
    const value = (await context.generate([{ role: 'system', content: prompt.parts.system ?? '' }, { role: 'user', content: input.question }], { schema, maxTokens: 32, stage: 'answer' })) as { answer: string };
    const at = value.answer.indexOf('certainly');
    return { content: value, findings: at === -1 ? [] : [findingAt(value.answer, 'definitive-diagnosis', at, at + 9, 'certainty')] };
  },
};
const workflows = [echoWorkflow] as unknown as readonly AnyWorkflow[];

test('a run validates, streams events in order and returns a draft with provenance', async () => {
  const model = new ScriptedModel(['{"answer": "certainly fine"}'], { details: { engine: 'scripted 1', quantisation: 'Q4_0' } });
  const runner = createWorkflowRunner({ model, workflows, modelSha256: 'ab'.repeat(32) });
  const events: WorkflowEvent['type'][] = [];
  const draft = await runner.run('echo', { question: 'ok?' }, { onEvent: (event) => events.push(event.type) });

  assert.equal(draft.status, 'draft');
  assert.deepEqual(draft.content, { answer: 'certainly fine' });
  assert.deepEqual(events, ['prefill-progress', 'guard-finding', 'draft-ready']);
  const { provenance } = draft;
  assert.equal(provenance.workflowVersion, '1.0.0');
  assert.equal(provenance.promptTemplate.sha256, prompt.sha256);
  assert.equal(provenance.inputSha256, createHash('sha256').update('{"question":"ok?"}').digest('hex'));
  assert.deepEqual(provenance.model, { id: 'scripted-safety-model', backend: 'llama', sha256: 'ab'.repeat(32), quantisation: 'Q4_0', synthetic: false });
  assert.equal(provenance.engine, 'scripted 1');
  assert.equal(provenance.timings.modelCalls, 1);
  assert.ok(draft.limitations.text.length > 0, 'the model card notice travels with every draft');
});

test('the prompt hash changes with the template text', () => {
  assert.notEqual(definePromptTemplate('echo', '1', { system: 'Answer in JSON!' }).sha256, prompt.sha256);
});

test('invalid input is a bad request naming the field; no model call is made', async () => {
  const model = new ScriptedModel([]);
  const runner = createWorkflowRunner({ model, workflows });
  await assert.rejects(runner.run('echo', { question: '' }), (error) => isNorthstationError(error, 'bad_request') && error.details.field === 'question');
  await assert.rejects(runner.run('echo', { question: 'x', count: 1.5 }), (error) => isNorthstationError(error, 'bad_request') && error.details.field === 'count');
  await assert.rejects(runner.run('echo', { question: 'x', extra: 1 }), (error) => isNorthstationError(error, 'bad_request'));
  await assert.rejects(runner.run('nope', {}), (error) => isNorthstationError(error, 'not_found') && /workflows: echo/.test(error.message));
  assert.equal(model.calls.length, 0);
});

test('a schema the model keeps breaking fails after bounded repairs with the raw text kept', async () => {
  const model = new ScriptedModel(['not json', '{"wrong": 1}', 'still not']);
  const runner = createWorkflowRunner({ model, workflows });
  await assert.rejects(runner.run('echo', { question: 'x' }), (error) => isNorthstationError(error, 'schema_violation') && Array.isArray(error.details.rawTexts));
  assert.equal(model.calls.length, 3);
});

test('the concurrency limit queues runs of one workflow; an aborted waiter leaves the queue', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let running = 0;
  let peak = 0;
  const slow: Workflow<{ question: string }, string> = {
    ...(echoWorkflow as unknown as Workflow<{ question: string }, string>),
    name: 'slow',
    content: { type: 'string' },
    run: async () => {
      running++;
      peak = Math.max(peak, running);
      await gate;
      running--;
      return { content: 'done', findings: [] };
    },
  };
  const runner = createWorkflowRunner({ model: new ScriptedModel([]), workflows: [slow] as unknown as readonly AnyWorkflow[], concurrencyPerWorkflow: 1 });
  const first = runner.run('slow', { question: 'a' });
  const abandoned = new AbortController();
  const waiting = runner.run('slow', { question: 'b' }, { signal: abandoned.signal });
  const third = runner.run('slow', { question: 'c' });
  abandoned.abort();
  await assert.rejects(waiting, (error) => isNorthstationError(error, 'aborted'));
  release();
  await Promise.all([first, third]);
  assert.equal(peak, 1);
});

test("content that departs from the workflow's own content schema is a schema_violation naming the path, not a draft", async () => {
  const sloppy: Workflow<{ question: string }, unknown> = {
    ...(echoWorkflow as unknown as Workflow<{ question: string }, unknown>),
    name: 'sloppy',
    run: () => Promise.resolve({ content: { answer: 42 }, findings: [] }),
  };
  const runner = createWorkflowRunner({ model: new ScriptedModel([]), workflows: [sloppy] as unknown as readonly AnyWorkflow[] });
  await assert.rejects(runner.run('sloppy', { question: 'a' }), (error) => {
    assert.ok(isNorthstationError(error, 'schema_violation'));
    assert.equal(error.details.path, '/answer');
    assert.match(error.message, /sloppy draft schema at \/answer: it must be string/);
    return true;
  });
});
