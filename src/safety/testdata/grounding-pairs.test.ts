import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { groundDraft } from '../grounding.ts';
import { buildGroundingPairs, measureGrounding } from './grounding-pairs.ts';
import { plantErrors, plantedErrorTypes } from './grounding-plant.ts';
import { defaultDataDir } from './public-sources.ts';

const noData = existsSync(join(defaultDataDir(), 'encounters')) ? false : `ACI-BENCH not found at ${defaultDataDir()}`;

test('plantErrors: each planted region holds the changed text', () => {
  const note = 'HISTORY OF PRESENT ILLNESS\n\nHe has left knee pain for 3 weeks. He denies fever.\nMetformin 500 mg twice daily.';
  const dialogue = '[patient] my left knee hurts , three weeks now . no fever . metformin 500 mg twice a day .';
  const { note: draft, planted } = plantErrors(note, dialogue, groundDraft(note, { text: dialogue }), 2);
  assert.deepEqual(new Set(planted.map((plant) => plant.type)), new Set(['dose', 'laterality', 'negation', 'duration', 'added-medication']));
  for (const plant of planted) {
    assert.equal(draft.slice(plant.start, plant.end), plant.after);
    assert.notEqual(plant.before, plant.after);
  }
  assert.match(draft, /right knee/);
  assert.match(draft, /1000 mg/);
});

test('grounding measurement set: ≥ 100 real encounters with planted errors', { skip: noData }, async () => {
  const pairs = await buildGroundingPairs();
  assert.ok(pairs.length >= 100, `${pairs.length} pairs`);
  const planted = pairs.flatMap((pair) => pair.planted);
  assert.ok(planted.length >= 500, `${planted.length} planted errors`);
  for (const type of plantedErrorTypes) assert.ok(planted.filter((plant) => plant.type === type).length >= 40, `${type} planted at least 40 times`);
  for (const pair of pairs) for (const plant of pair.planted) assert.equal(pair.draft.slice(plant.start, plant.end), plant.after);
});

// Thresholds a little under what was measured (recall 0.93, false-flag rate 0.13 on 207 encounters), so a regression fails.
test('grounding measurement: recall on planted errors and false flags on unmodified claims', { skip: noData }, async () => {
  const result = await measureGrounding();
  assert.ok(result.recall >= 0.9, `recall ${result.recall}`);
  for (const type of plantedErrorTypes) assert.ok(result.byType[type].recall >= 0.8, `${type} recall ${result.byType[type].recall}`);
  assert.ok(result.falseFlagRate <= 0.15, `false-flag rate on unmodified claims ${result.falseFlagRate}`);
  assert.ok(result.unmodifiedClaims >= 5000, `${result.unmodifiedClaims} unmodified claims`);
});
