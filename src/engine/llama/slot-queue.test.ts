import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import { SlotQueue } from './slot-queue.ts';

const settled = async (): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
};

test('hands out free slots immediately', async () => {
  const queue = new SlotQueue(['a', 'b']);
  assert.equal(await queue.acquire(), 'a');
  assert.equal(await queue.acquire(), 'b');
  assert.equal(queue.freeCount, 0);
});

test('waiters are served first come, first served', async () => {
  const queue = new SlotQueue(['only']);
  const holder = await queue.acquire();
  const order: number[] = [];
  const waiting = [1, 2, 3].map((n) =>
    queue.acquire().then((slot) => {
      order.push(n);
      queue.release(slot);
    }),
  );
  assert.equal(queue.waitingCount, 3);
  queue.release(holder);
  await Promise.all(waiting);
  assert.deepEqual(order, [1, 2, 3]);
});

test('a newcomer cannot overtake a waiter when a slot frees', async () => {
  const queue = new SlotQueue(['only']);
  const holder = await queue.acquire();
  const order: string[] = [];
  const first = queue.acquire().then(() => order.push('waiter'));
  queue.release(holder);
  const late = queue.acquire().then(() => order.push('newcomer'));
  await first;
  await settled();
  assert.deepEqual(order, ['waiter']);
  queue.release('only');
  await late;
  assert.deepEqual(order, ['waiter', 'newcomer']);
});

test('an aborted waiter leaves the queue at once and the next one moves up', async () => {
  const queue = new SlotQueue(['only']);
  const holder = await queue.acquire();
  const controller = new AbortController();
  const aborted = queue.acquire({ signal: controller.signal });
  const next = queue.acquire();
  controller.abort();
  await assert.rejects(aborted, (error) => isNorthstationError(error, 'aborted'));
  assert.equal(queue.waitingCount, 1);
  queue.release(holder);
  assert.equal(await next, 'only');
});

test('an already aborted signal rejects without queueing', async () => {
  const queue = new SlotQueue(['only']);
  await assert.rejects(queue.acquire({ signal: AbortSignal.abort() }), (error) => isNorthstationError(error, 'aborted'));
  assert.equal(queue.freeCount, 1);
});

test('a full queue refuses with overloaded', async () => {
  const queue = new SlotQueue(['only'], { maxWaiting: 1 });
  await queue.acquire();
  const waiting = queue.acquire();
  await assert.rejects(queue.acquire(), (error) => isNorthstationError(error, 'overloaded'));
  queue.release('only');
  assert.equal(await waiting, 'only');
});

test('choose picks among the free slots', async () => {
  const queue = new SlotQueue(['a', 'b', 'c']);
  assert.equal(await queue.acquire({ choose: (free) => free.find((slot) => slot === 'b') ?? free[0]! }), 'b');
  assert.deepEqual(queue.freeCount, 2);
});

test('a waiter chooses when it is served', async () => {
  const queue = new SlotQueue(['a', 'b']);
  const a = await queue.acquire();
  const b = await queue.acquire();
  const waiting = queue.acquire({ choose: (free) => free.at(-1)! });
  queue.release(a);
  assert.equal(await waiting, 'a');
  queue.release(b);
});

test('close rejects waiters and later acquires', async () => {
  const queue = new SlotQueue(['only']);
  await queue.acquire();
  const waiting = queue.acquire();
  queue.close(new NorthstationError('aborted', 'model disposed'));
  await assert.rejects(waiting, (error) => isNorthstationError(error, 'aborted'));
  await assert.rejects(queue.acquire(), (error) => isNorthstationError(error, 'aborted'));
});
