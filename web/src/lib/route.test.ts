import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hrefOf, parseRoute } from './route.ts';

test('routes round-trip through the hash', () => {
  for (const route of [{ name: 'triage' }, { name: 'audit' }, { name: 'draft', id: 'dr_12ab' }] as const) {
    assert.deepEqual(parseRoute(hrefOf(route)), route);
  }
});

test('unknown or malformed hashes fall back to the worklist', () => {
  assert.deepEqual(parseRoute(''), { name: 'worklist' });
  assert.deepEqual(parseRoute('#/nowhere'), { name: 'worklist' });
  assert.deepEqual(parseRoute('#/drafts/'), { name: 'worklist' });
  assert.deepEqual(parseRoute('#/drafts/<script>'), { name: 'worklist' });
});
