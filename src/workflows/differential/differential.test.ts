import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ScriptedModel } from '../../safety/test-scripted-model.ts';
import { createWorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { differentialWorkflow, type Differential } from './index.ts';

const caseSummary = '58-year-old man with crushing chest pain for 2 hours, diaphoresis, heart rate 110. No fever. Smoker.';

function runnerWith(answers: string[]) {
  const model = new ScriptedModel(answers);
  return { model, runner: createWorkflowRunner({ model, workflows: [differentialWorkflow as unknown as AnyWorkflow] }) };
}

test('definitive statements are hedged and flagged; findings not in the summary are flagged; ranked by likelihood', async () => {
  const answer = {
    items: [
      { diagnosis: 'Musculoskeletal chest pain', likelihood: 'less likely', supporting: [], opposing: ['diaphoresis'] },
      { diagnosis: 'The patient has an acute myocardial infarction', likelihood: 'more likely', supporting: ['crushing chest pain', 'heart rate 130'], opposing: ['fever'] },
    ],
    redFlags: [{ condition: 'Aortic dissection', why: 'chest pain' }],
  };
  const { model, runner } = runnerWith([JSON.stringify(answer)]);
  const draft = await runner.run('differential', { caseSummary });
  const content = draft.content as Differential;
  assert.match(JSON.stringify(model.calls[0]?.messages), /SOURCE-DATA [0-9a-f]+ kind=note/);
  assert.deepEqual(content.items.map((item) => item.likelihood), ['more likely', 'less likely']);

  const [first] = content.items;
  assert.ok(first);
  assert.notEqual(first.diagnosis, answer.items[1]?.diagnosis, 'the definitive wording is rewritten');
  assert.ok(first.findings.some((finding) => finding.rule === 'definitive-diagnosis' && finding.field === 'diagnosis'));
  // "heart rate 130" contradicts the summary's 110; the opposing "fever" is denied by the summary.
  assert.ok(first.findings.some((finding) => finding.rule === 'ungrounded-claim' && finding.field === 'supporting.1'));
  assert.ok(first.findings.some((finding) => finding.rule === 'ungrounded-claim' && finding.field === 'opposing.0'));
  assert.ok(!first.findings.some((finding) => finding.field === 'supporting.0'), 'a finding the summary states stands');
  assert.equal(content.redFlags[0]?.condition, 'Aortic dissection');
  for (const finding of first.findings) assert.ok(draft.findings.includes(finding));
});

test('bad input is a bad_request naming the field', async () => {
  const { runner } = runnerWith([]);
  for (const [input, field] of [[{}, 'caseSummary'], [{ caseSummary: '  ' }, 'caseSummary'], [{ caseSummary, language: 'es' }, 'language']] as const) {
    await assert.rejects(runner.run('differential', input), (error) => isNorthstationError(error, 'bad_request') && error.details.field === field, field);
  }
});
