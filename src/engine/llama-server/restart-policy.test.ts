import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRestartPolicy } from './restart-policy.ts';

const options = { quickDeathMs: 1_000, maxQuickDeaths: 3, baseDelayMs: 100, maxDelayMs: 300 };

test('quick deaths back off, are capped, and end in giving up', () => {
  const policy = createRestartPolicy(options);
  assert.deepEqual(policy.onDeath(0), { action: 'restart', delayMs: 200, quickDeaths: 1 });
  assert.deepEqual(policy.onDeath(999), { action: 'restart', delayMs: 300, quickDeaths: 2 });
  assert.deepEqual(policy.onDeath(10), { action: 'give-up', quickDeaths: 3 });
});

test('a death after a long run starts a fresh count', () => {
  const policy = createRestartPolicy(options);
  policy.onDeath(0);
  policy.onDeath(0);
  assert.deepEqual(policy.onDeath(60_000), { action: 'restart', delayMs: 100, quickDeaths: 0 });
  assert.equal(policy.onDeath(0).action, 'restart');
  assert.equal(policy.onDeath(0).action, 'restart');
  assert.equal(policy.onDeath(0).action, 'give-up');
});
