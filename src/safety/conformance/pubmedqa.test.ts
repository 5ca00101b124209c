import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stratifiedSample } from './pubmedqa.ts';

// The PQA-L answer mix (SOURCES.md): yes 552, no 338, maybe 110.
const items = [
  ...Array.from({ length: 552 }, (_, i) => ({ pmid: `y${i}`, answer: 'yes' })),
  ...Array.from({ length: 338 }, (_, i) => ({ pmid: `n${i}`, answer: 'no' })),
  ...Array.from({ length: 110 }, (_, i) => ({ pmid: `m${i}`, answer: 'maybe' })),
];
const count = (sample: Array<{ answer: string }>, answer: string): number => sample.filter((item) => item.answer === answer).length;

describe('stratifiedSample', () => {
  test('keeps the answer mix of the whole set', () => {
    const sample = stratifiedSample(items, 100, 7);
    assert.deepEqual([count(sample, 'yes'), count(sample, 'no'), count(sample, 'maybe')], [55, 34, 11]);
    const small = stratifiedSample(items, 6, 7);
    assert.deepEqual([count(small, 'yes'), count(small, 'no'), count(small, 'maybe')], [3, 2, 1]);
  });

  test('same seed, same questions in the same order, whatever the input order', () => {
    const a = stratifiedSample(items, 50, 3).map((item) => item.pmid);
    const b = stratifiedSample([...items].reverse(), 50, 3).map((item) => item.pmid);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, stratifiedSample(items, 50, 4).map((item) => item.pmid));
  });

  test('no duplicates; 0 or more than the set takes everything', () => {
    const sample = stratifiedSample(items, 300, 1);
    assert.equal(new Set(sample.map((item) => item.pmid)).size, 300);
    assert.equal(stratifiedSample(items, 0, 1).length, 1000);
    assert.equal(stratifiedSample(items, 5000, 1).length, 1000);
  });
});
