/** Each check's own logic on models whose answers the test chooses: what is counted, and when a check fails. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPubMedQaAccuracy } from './accuracy-check.ts';
import { createCheckContext } from './check-context.ts';
import { checkDeterminism } from './determinism-check.ts';
import { goldenTasks } from './golden-tasks.ts';
import { checkNoThinkingLeak } from './hygiene-check.ts';
import type { PubMedQaItem } from './pubmedqa.ts';
import type { ModelIdentity } from './report.ts';
import { checkSchemaAdherence } from './schema-check.ts';
import { functionModel, lastUserText } from './test-function-model.ts';

const triage = goldenTasks.filter((task) => task.id === 'triage');
const validTriage = '{"ctasLevel": 2, "modifiers": ["chest pain"], "rationale": "Possible acute coronary syndrome; clinician to confirm."}';

describe('schema adherence', () => {
  test('counts the repairs a model needed and passes when the repair validates', async () => {
    let calls = 0;
    const model = functionModel(() => (++calls === 1 ? '{"ctasLevel": 9}' : `<unused94>thought\nlevel two<unused95>${validTriage}`));
    const context = createCheckContext(model, {});
    const result = await checkSchemaAdherence(context, triage);
    assert.equal(result.status, 'pass');
    assert.equal(result.details.repairsNeeded, 1);
    assert.equal(context.rawOutputs.length, 2, 'the refused first answer is kept for the hygiene check');
  });

  test('fails, naming the task, when no attempt validates', async () => {
    const result = await checkSchemaAdherence(createCheckContext(functionModel(() => 'CTAS 2.'), {}), triage);
    assert.equal(result.status, 'fail');
    assert.equal(result.measured, '0/1');
    assert.match(result.reason ?? '', /no valid output for triage/);
  });
});

describe('no thinking leak', () => {
  test('counts outputs that needed cleaning and passes when cleaning removed it all', async () => {
    const model = functionModel(() => '<unused94>thought\nThe user wants causes.<unused95>Possible causes include ACS and PE.<end_of_turn>');
    const context = createCheckContext(model, {});
    const result = await checkNoThinkingLeak(context);
    assert.equal(result.status, 'pass');
    assert.equal(result.details.rawNeedingCleaning, 1);
    assert.equal(result.measured, 0);
  });
});

describe('determinism', () => {
  test('fails when a repeated request gives other text, and says where it differs', async () => {
    let calls = 0;
    const model = functionModel((_messages, options) => (options.jsonSchema ? validTriage : `Check glucose first. ${++calls}`));
    const result = await checkDeterminism(createCheckContext(model, {}));
    assert.equal(result.status, 'fail');
    assert.deepEqual(result.details.probes, [{ probe: 'free-text', identical: false, firstDifferenceAt: 21 }, { probe: 'json-triage', identical: true }]);
  });
});

describe('PubMedQA accuracy', () => {
  const items: PubMedQaItem[] = Array.from({ length: 10 }, (_, index) => ({
    pmid: String(index),
    question: `Question number ${index}?`,
    contexts: ['An abstract.'],
    answer: index < 6 ? 'yes' : index < 9 ? 'no' : 'maybe',
  }));
  const truth = new Map(items.map((item) => [item.question, item.answer]));
  const oracle = functionModel((messages) => {
    const question = /Question: (.*)\n/.exec(lastUserText(messages))?.[1] ?? '';
    return JSON.stringify({ answer: truth.get(question) });
  });
  const catalogModel: ModelIdentity = { id: 'medgemma-4b-it-q4_k_m', backend: 'llama', synthetic: false };

  test('a catalog model passes at or above its published figure − 10 points', async () => {
    const result = await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: catalogModel });
    assert.equal(result.status, 'pass');
    assert.equal(result.measured, 100);
    assert.equal(result.threshold, 63.4);
    assert.deepEqual(result.details.published, { catalogId: 'medgemma-4b-it', benchmark: 'PubMedQA', score: 73.4 });
  });

  test('fails below it; unanswerable questions count as wrong', async () => {
    const alwaysYes = functionModel(() => '{"answer": "yes"}');
    const result = await checkPubMedQaAccuracy(createCheckContext(alwaysYes, {}), items, { identity: catalogModel });
    assert.equal(result.status, 'fail');
    assert.equal(result.measured, 60);
    assert.match(result.reason ?? '', /below the threshold 63.4/);
    const garbled = await checkPubMedQaAccuracy(createCheckContext(functionModel(() => 'yes'), {}), items, { identity: catalogModel });
    assert.equal(garbled.measured, 0);
    assert.equal(garbled.details.unanswered, 10);
  });

  test('a site threshold below the published figure − 10 does not pass a score under that default', async () => {
    const alwaysYes = functionModel(() => '{"answer": "yes"}');
    const lowered = await checkPubMedQaAccuracy(createCheckContext(alwaysYes, {}), items, { identity: catalogModel, qaThreshold: 50 });
    assert.equal(lowered.measured, 60);
    assert.equal(lowered.threshold, 50);
    assert.equal(lowered.status, 'fail');
    assert.match(lowered.reason ?? '', /meets the site threshold 50 % but not the default 63.4 %.*--override-conformance/);
    assert.equal(lowered.details.defaultThreshold, 63.4);
    // Above the default, or a stricter site threshold: judged as usual.
    assert.equal((await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: catalogModel, qaThreshold: 50 })).status, 'pass');
    assert.equal((await checkPubMedQaAccuracy(createCheckContext(alwaysYes, {}), items, { identity: catalogModel, qaThreshold: 55 })).reason, lowered.reason?.replace('50 %', '55 %'));
    assert.equal((await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: catalogModel, qaThreshold: 90 })).status, 'pass');
  });

  test('a model with no published figure needs the site threshold; a synthetic one never passes', async () => {
    const site: ModelIdentity = { id: 'site-finetune', backend: 'llama', synthetic: false };
    const unjudged = await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: site });
    assert.equal(unjudged.status, 'fail');
    assert.match(unjudged.reason ?? '', /no published figure.*--qa-threshold/);
    const judged = await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: site, qaThreshold: 80 });
    assert.equal(judged.status, 'pass');
    const synthetic = await checkPubMedQaAccuracy(createCheckContext(oracle, {}), items, { identity: { ...site, synthetic: true }, qaThreshold: 0 });
    assert.equal(synthetic.status, 'fail');
    assert.match(synthetic.reason ?? '', /synthetic model/);
  });
});
