import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lcsLength, rougeL, wordTokens } from './rouge.ts';

test('ROUGE-L matches a hand-computed example', () => {
  // candidate: "the cat sat on the mat" (6 words); reference: "The cat was on the red mat." (7 words)
  // LCS = the cat on the mat = 5 → P = 5/6, R = 5/7, F1 = 2·(5/6)(5/7)/((5/6)+(5/7)) = 10/13
  const score = rougeL('the cat sat on the mat', 'The cat was on the red mat.');
  assert.equal(lcsLength(wordTokens('the cat sat on the mat'), wordTokens('The cat was on the red mat.')), 5);
  assert.ok(Math.abs(score.precision - 5 / 6) < 1e-12);
  assert.ok(Math.abs(score.recall - 5 / 7) < 1e-12);
  assert.ok(Math.abs(score.f1 - 10 / 13) < 1e-12);
});

test('ROUGE-L edge cases: identical, disjoint, empty, order matters', () => {
  assert.equal(rougeL('Chest pain, 3 days.', 'chest pain 3 days').f1, 1);
  assert.deepEqual(rougeL('cough', 'fever'), { precision: 0, recall: 0, f1: 0 });
  assert.deepEqual(rougeL('', 'fever'), { precision: 0, recall: 0, f1: 0 });
  assert.equal(lcsLength(['a', 'b', 'c'], ['c', 'b', 'a']), 1);
  assert.equal(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a']), 4);
});
