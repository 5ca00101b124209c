import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changed, diffWords } from './diff.ts';

const render = (before: string, after: string): string =>
  diffWords(before, after).map((part) => (part.kind === 'same' ? part.text : part.kind === 'added' ? `{+${part.text}+}` : `[-${part.text}-]`)).join('');

test('a changed word shows as removed then added, the rest unchanged', () => {
  assert.equal(render('Chest pain for two days.', 'Chest pain for three days.'), 'Chest pain for [-two-]{+three+} days.');
});

test('both sides can be rebuilt from the parts', () => {
  const before = 'BP 120/80, HR 88.\nNo allergies.';
  const after = 'BP 118/80, HR 88.\nAllergic to penicillin.\nNo fever.';
  const parts = diffWords(before, after);
  assert.equal(parts.filter((part) => part.kind !== 'added').map((part) => part.text).join(''), before);
  assert.equal(parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join(''), after);
  assert.ok(changed(parts));
});

test('identical texts have no change', () => {
  assert.equal(changed(diffWords('same text', 'same text')), false);
  assert.deepEqual(diffWords('', ''), []);
});
