import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSlotForPrompt, commonPrefixLength, reusablePrefixLength, type SequenceCacheView } from './prefix-reuse.ts';

const view = (heldTokens: number[], oldestCachedPosition = 0, lastUsed = 0): SequenceCacheView => ({
  heldTokens,
  oldestCachedPosition: heldTokens.length === 0 ? -1 : oldestCachedPosition,
  lastUsed,
});

test('common prefix length', () => {
  assert.equal(commonPrefixLength([1, 2, 3], [1, 2, 4]), 2);
  assert.equal(commonPrefixLength([], [1]), 0);
  assert.equal(commonPrefixLength([1, 2], [1, 2, 3]), 2);
});

test('the last prompt token is always evaluated', () => {
  assert.equal(reusablePrefixLength(view([1, 2, 3]), [1, 2, 3], undefined), 2);
  assert.equal(reusablePrefixLength(view([1, 2, 3, 4, 5]), [1, 2, 3], undefined), 2);
});

test('without a sliding window any shared prefix is reusable', () => {
  assert.equal(reusablePrefixLength(view([1, 2, 3, 9, 9]), [1, 2, 3, 4, 5], undefined), 3);
});

test('with a truncated sliding-window cache, reuse needs the window before the prefix end', () => {
  const held = Array.from({ length: 100 }, (_, i) => i);
  const prompt = [...held.slice(0, 60), 1000, 1001];
  // window 16: the token at position 60 needs positions 44..59 cached
  assert.equal(reusablePrefixLength(view(held, 40), prompt, 16), 60);
  assert.equal(reusablePrefixLength(view(held, 44), prompt, 16), 60);
  assert.equal(reusablePrefixLength(view(held, 45), prompt, 16), 0);
  // a prefix shorter than the window needs everything from position 0
  assert.equal(reusablePrefixLength(view(held, 0), [0, 1, 2, 7], 16), 3);
  assert.equal(reusablePrefixLength(view(held, 1), [0, 1, 2, 7], 16), 0);
});

test('chooses the slot with the longest reusable prefix', () => {
  const views = new Map([
    ['empty', view([])],
    ['other', view([5, 6, 7])],
    ['match', view([1, 2, 3, 4, 9])],
  ]);
  const chosen = chooseSlotForPrompt([...views.keys()], (slot) => views.get(slot)!, [1, 2, 3, 4, 5], undefined);
  assert.equal(chosen, 'match');
});

test('a new prompt takes an empty slot rather than erasing a cache for a few shared template tokens', () => {
  const header = [2, 4, 5, 6];
  const views = new Map([
    ['cached', view([...header, ...Array.from({ length: 600 }, (_, i) => 100 + i)])],
    ['empty', view([])],
  ]);
  const prompt = [...header, 900, 901, 902];
  assert.equal(chooseSlotForPrompt(['cached', 'empty'], (slot) => views.get(slot)!, prompt, undefined), 'empty');
});

test('a follow-up reuses its slot even though the old answer is erased', () => {
  const system = Array.from({ length: 600 }, (_, i) => 100 + i);
  const views = new Map([
    ['empty', view([])],
    ['held', view([...system, 7, 7, 7, ...Array.from({ length: 64 }, () => 9)])],
  ]);
  assert.equal(chooseSlotForPrompt(['empty', 'held'], (slot) => views.get(slot)!, [...system, 8, 8], undefined), 'held');
});

test('with no empty slot, the one whose loss costs least is taken', () => {
  const header = [2, 4, 5, 6];
  const views = new Map([
    ['long', view([...header, ...Array.from({ length: 600 }, () => 1)], 0, 1)],
    ['short', view([...header, 3, 3, 3], 0, 2)],
  ]);
  assert.equal(chooseSlotForPrompt(['long', 'short'], (slot) => views.get(slot)!, [...header, 8], undefined), 'short');
});

test('ties go to the least recently used slot', () => {
  const views = new Map([
    ['recent', view([5, 6], 0, 9)],
    ['old', view([7, 8], 0, 2)],
  ]);
  assert.equal(chooseSlotForPrompt(['recent', 'old'], (slot) => views.get(slot)!, [1, 2], undefined), 'old');
});
