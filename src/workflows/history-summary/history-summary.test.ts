import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { textOf } from '../../engine/chat-model.ts';
import { ScriptedModel } from '../../safety/test-scripted-model.ts';
import { createWorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { createHistorySummaryWorkflow, type HistorySummary, type HistorySummaryOptions } from './index.ts';
import type { MapAnswer } from './prompt.ts';
import { SummaryMerge } from './merge.ts';
import { renderBundle, type RenderedFact } from './render.ts';
import { testBundle } from './test-bundle.ts';

type Item = { text: string; sources: string[] };
const empty: MapAnswer = { problems: [], medications: [], allergies: [], recentResults: [], encounters: [] };
const answer = (parts: Partial<Record<keyof MapAnswer, Item[]>>): string => JSON.stringify({ ...empty, ...parts });

/** One resource per chunk: a tiny chunk budget makes every line its own map call. */
function runnerWith(answers: string[], options: HistorySummaryOptions = {}) {
  const model = new ScriptedModel(answers, { contextSize: 4096 });
  const workflow = createHistorySummaryWorkflow({ maxChunkTokens: 20, mapMaxTokens: 200, ...options });
  return { model, runner: createWorkflowRunner({ model, workflows: [workflow as unknown as AnyWorkflow] }) };
}

test('resources render to one line each with their reference; only the latest result per test; non-clinical resources skipped', () => {
  const facts = renderBundle(testBundle().entry.map((entry) => entry.resource));
  assert.deepEqual(
    facts.map((fact) => fact.text),
    [
      'AllergyIntolerance/a1: allergy to Penicillin; high; 2010-01-01',
      'Condition/c2: Type 2 diabetes mellitus; active; 2018-06-01',
      'Condition/c1: Hypertension; active; 2015-03-01',
      'MedicationRequest/m1: Metformin 500 MG Oral Tablet; active; 2018-06-02',
      'Observation/o2: Hemoglobin A1c 7.2 %; 2020-01-01',
      'Encounter/e1: General examination of patient; 2020-01-01',
    ],
  );
});

test('map-reduce: one call per chunk, progress per chunk, citations merged across chunks, invented ids dropped with a finding', async () => {
  const answers = [
    answer({ allergies: [{ text: 'Penicillin allergy', sources: ['AllergyIntolerance/a1'] }] }),
    answer({ problems: [{ text: 'Type 2 diabetes', sources: ['Condition/c2'] }, { text: 'Heart failure', sources: ['Condition/zz9'] }] }),
    // A definitive diagnosis the record does not hold: hedged and flagged.
    answer({ problems: [{ text: 'Hypertension', sources: ['Condition/c1'] }] }),
    answer({ medications: [{ text: 'Metformin 500 MG', sources: ['MedicationRequest/m1', 'MedicationRequest/made-up'] }], problems: [{ text: 'type 2 diabetes', sources: ['Condition/c2'] }] }),
    answer({ recentResults: [{ text: 'Hemoglobin A1c 7.2 %', sources: ['Observation/o2'] }] }),
    answer({ encounters: [{ text: 'General examination', sources: ['Encounter/e1'] }], problems: [{ text: 'Diagnosis: pneumonia', sources: ['Encounter/e1'] }] }),
  ];
  const { model, runner } = runnerWith(answers);
  const progress: number[] = [];
  const draft = await runner.run('history-summary', { bundle: testBundle() }, { onEvent: (event) => { if (event.type === 'prefill-progress') progress.push(event.done); } });
  const content = draft.content as HistorySummary;
  assert.equal(model.calls.length, 6);
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(content.coverage, { resources: 6, chunks: 6, summarisedChunks: 6, notes: [] });
  // The record's lines reach the model only inside a source-data block.
  const userText = textOf(model.calls[0]?.messages[1]?.content ?? '');
  assert.match(userText, /<<<SOURCE-DATA [0-9a-f]+ kind=fhir>>>\nAllergyIntolerance\/a1: allergy to Penicillin/);

  assert.deepEqual(content.allergies.map((item) => [item.text, item.sources]), [['Penicillin allergy', ['AllergyIntolerance/a1']]]);
  // "type 2 diabetes" from chunk 4 merges into chunk 2's item; "Heart failure" cited an invented id and is gone.
  const problems = content.problems.map((item) => item.text);
  assert.equal(problems.filter((text) => /diabetes/i.test(text)).length, 1);
  assert.ok(!problems.some((text) => /heart failure/i.test(text)));
  const dropped = draft.findings.find((finding) => finding.excerpt === 'Heart failure');
  assert.match(dropped?.message ?? '', /Condition\/zz9.*not in the bundle/);

  const pneumonia = content.problems.find((item) => /pneumonia/.test(item.text));
  assert.ok(pneumonia);
  assert.notEqual(pneumonia.text, 'Diagnosis: pneumonia');
  assert.ok(pneumonia.findings.some((finding) => finding.rule === 'definitive-diagnosis'));
  assert.ok(pneumonia.findings.some((finding) => finding.rule === 'ungrounded-claim' && /pneumonia/.test(finding.excerpt)));

  const metformin = content.medications[0];
  assert.ok(metformin);
  assert.deepEqual(metformin.sources, ['MedicationRequest/m1']);
  assert.ok(metformin.findings.some((finding) => /MedicationRequest\/made-up.*removed/.test(finding.message)));
  assert.equal(content.recentResults[0]?.date, '2020-01-01');
  // Every finding on an item is also on the draft.
  for (const section of [content.problems, content.medications]) for (const item of section) for (const finding of item.findings) assert.ok(draft.findings.includes(finding));
});

test('a newer result of the same test replaces the older one; the same resource is not listed twice', async () => {
  const bundle = testBundle();
  // Two A1c observations under different codes-as-text would both render; same code keeps the newest only at render time,
  // so here the model reports the same result twice in two chunks.
  const answers = [
    answer({}), answer({}), answer({}), answer({}),
    answer({ recentResults: [{ text: 'HbA1c 7.2 %', sources: ['Observation/o2'] }] }),
    answer({ recentResults: [{ text: 'A1c 7.2%', sources: ['Observation/o2'] }] }),
  ];
  const { runner } = runnerWith(answers);
  const content = (await runner.run('history-summary', { bundle })).content as HistorySummary;
  assert.deepEqual(content.recentResults.map((item) => item.text), ['HbA1c 7.2 %']);
});

test('maxChunks caps the map calls and says so: a coverage note and a finding, never silently', async () => {
  const { model, runner } = runnerWith([answer({}), answer({})], { maxChunks: 2 });
  const draft = await runner.run('history-summary', { bundle: testBundle() });
  const content = draft.content as HistorySummary;
  assert.equal(model.calls.length, 2);
  assert.equal(content.coverage.summarisedChunks, 2);
  assert.match(content.coverage.notes[0] ?? '', /Resources 3–6 of 6 \(chunks 3–6\) were not summarised: .*maxChunks/);
  assert.ok(draft.findings.some((finding) => finding.excerpt === content.coverage.notes[0] && /incomplete/.test(finding.message)));
});

test('an answer that stays invalid after repairs leaves its chunk out with a note; the run goes on', async () => {
  const { model, runner } = runnerWith(['nope', 'still no', '{"problems": 1}', answer({})], { maxChunks: 2 });
  const content = (await runner.run('history-summary', { bundle: testBundle() })).content as HistorySummary;
  assert.equal(model.calls.length, 4);
  assert.equal(content.coverage.summarisedChunks, 1);
  assert.match(content.coverage.notes[0] ?? '', /chunk 1\) were not summarised/);
});

test('bad input is a bad_request naming the field', async () => {
  const { runner } = runnerWith([]);
  const cases: [unknown, string][] = [
    [{}, 'bundle'],
    [{ bundle: { resourceType: 'Patient', entry: [] } }, 'bundle.resourceType'],
    [{ bundle: { resourceType: 'Bundle' } }, 'bundle.entry'],
    [{ bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Condition' } }] } }, 'bundle.entry.0.resource.id'],
    [{ bundle: testBundle(), language: 'de' }, 'language'],
  ];
  for (const [input, field] of cases) {
    await assert.rejects(runner.run('history-summary', input), (error) => isNorthstationError(error, 'bad_request') && error.details.field === field, field);
  }
});

test('items that share a resource but say different things are both kept; a merge or a dropped result is reported', () => {
  const facts = new Map<string, RenderedFact>([
    ['Condition/c1', { id: 'Condition/c1', text: 'Condition/c1: Hypertension; active; 2015-03-01', date: '2015-03-01' }],
    ['Condition/c2', { id: 'Condition/c2', text: 'Condition/c2: Type 2 diabetes mellitus; active; 2018-06-01', date: '2018-06-01' }],
    ['Observation/o1', { id: 'Observation/o1', text: 'Observation/o1: Hemoglobin A1c 6.5 %; 2019-01-01', date: '2019-01-01', codeKey: 'loinc|4548-4' }],
    ['Observation/o2', { id: 'Observation/o2', text: 'Observation/o2: Hemoglobin A1c 7.2 %; 2020-01-01', date: '2020-01-01', codeKey: 'loinc|4548-4' }],
    ['Observation/o3', { id: 'Observation/o3', text: 'Observation/o3: LDL 3.1 mmol/L; 2020-01-01', date: '2020-01-01', codeKey: 'loinc|13457-7' }],
  ]);
  const merge = new SummaryMerge(facts);
  const add = (parts: Partial<Record<keyof MapAnswer, Item[]>>) => merge.add({ ...empty, ...parts });
  add({ problems: [{ text: 'Hypertension', sources: ['Condition/c1'] }] });
  add({ problems: [{ text: 'Type 2 diabetes', sources: ['Condition/c2', 'Condition/c1'] }] });
  assert.deepEqual(merge.result().problems.map((item) => [item.text, item.sources]), [
    ['Type 2 diabetes', ['Condition/c1', 'Condition/c2']],
    ['Hypertension', ['Condition/c1']],
  ]);
  assert.equal(merge.findings.length, 0);

  // Same resources, other wording: merged, and the discarded wording is reported.
  add({ problems: [{ text: 'High blood pressure', sources: ['Condition/c1'] }] });
  assert.equal(merge.result().problems.length, 2);
  assert.ok(merge.findings.some((finding) => finding.excerpt === 'High blood pressure' && /Merged into “Hypertension”/.test(finding.message)));

  // Results: an item sharing a resource with a newer one is not silently dropped.
  add({ recentResults: [{ text: 'HbA1c 6.5 %', sources: ['Observation/o1'] }] });
  add({ recentResults: [{ text: 'LDL 3.1 and HbA1c 6.5 %', sources: ['Observation/o3', 'Observation/o1'] }] });
  assert.deepEqual(merge.result().recentResults.map((item) => item.text), ['LDL 3.1 and HbA1c 6.5 %', 'HbA1c 6.5 %']);
  // An older result of the same test is left out with a finding.
  add({ recentResults: [{ text: 'HbA1c 7.2 %', sources: ['Observation/o2'] }] });
  assert.deepEqual(merge.result().recentResults.map((item) => item.text), ['HbA1c 7.2 %', 'LDL 3.1 and HbA1c 6.5 %']);
  assert.ok(merge.findings.some((finding) => finding.excerpt === 'HbA1c 6.5 %' && /older result of the same test/.test(finding.message)));
});
