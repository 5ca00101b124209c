import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentText, diffSummary, editDistance } from './quality.ts';

test('edit distance: the classic cases', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(editDistance('flaw', 'lawn'), 2);
});

test('diff summary names the changed sections and counts characters', () => {
  const ai = { subjective: 'Cough for 3 days.', objective: 'T 38.1', assessment: 'Viral URTI', plan: 'Rest' };
  const signed = { subjective: 'Cough for 3 days.', objective: 'T 38.4', assessment: 'Viral URTI', plan: 'Rest, fluids' };
  const summary = diffSummary(ai, signed);
  assert.deepEqual(summary.sectionsChanged, ['objective', 'plan']);
  assert.equal(summary.editDistance, 1 + ', fluids'.length);
  assert.equal(summary.unchanged, false);
  assert.equal(summary.signedLength, contentText(signed).length);
});

test('unchanged content: distance 0, no sections', () => {
  const content = { plan: 'Rest', nested: { a: [1, 2] } };
  assert.deepEqual(diffSummary(content, structuredClone(content)), { editDistance: 0, aiLength: contentText(content).length, signedLength: contentText(content).length, sectionsChanged: [], unchanged: true });
});

test('a section added or removed counts as changed; plain strings compare whole', () => {
  assert.deepEqual(diffSummary({ a: 'x' }, { a: 'x', b: 'y' }).sectionsChanged, ['b']);
  assert.deepEqual(diffSummary('abc', 'abd').sectionsChanged, ['(content)']);
  assert.equal(diffSummary('abc', 'abd').editDistance, 1);
});
