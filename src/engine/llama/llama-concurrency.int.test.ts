import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { ChatMessage } from '../chat-model.ts';
import { greeting, loadTinyChatModel, longSystemPrompt } from './test-tiny-llama.ts';

interface LogLine {
  event: string;
  request?: number;
  sequence?: number;
  [field: string]: unknown;
}

function capturingLogger(): { lines: LogLine[]; logger: ReturnType<typeof createLogger> } {
  const lines: LogLine[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as LogLine) }) };
}

const question = (n: number): ChatMessage[] => [{ role: 'user', content: `Question number ${n}, please answer.` }];

test('4 concurrent requests on 2 sequences all complete, served first come first served', async () => {
  const { lines, logger } = capturingLogger();
  const model = await loadTinyChatModel({ sequences: 2, logger });
  try {
    const results = await Promise.all([1, 2, 3, 4].map((n) => model.generate(question(n), { maxTokens: 40 })));
    for (const result of results) assert.equal(result.usage.completionTokens, 40);
    const starts = lines.filter((line) => line.event === 'llama_generation_started');
    assert.deepEqual(
      starts.map((line) => line.request),
      [1, 2, 3, 4],
    );
    // Two ran at once on distinct sequences; the later two waited for them.
    assert.notEqual(starts[0]!.sequence, starts[1]!.sequence);
    assert.ok(Number(starts[2]!.queuedMs) > 0);
    // Every request's usage says it ran to its own maxTokens: none was starved or cut short.
    assert.deepEqual(
      results.map((result) => result.finishReason),
      ['length', 'length', 'length', 'length'],
    );
  } finally {
    await model.dispose();
  }
});

test('a full queue refuses with overloaded; an aborted waiter leaves the queue at once', async () => {
  const model = await loadTinyChatModel({ sequences: 1, maxQueueLength: 1 });
  try {
    const running = model.generate(greeting, { maxTokens: 200 });
    const controller = new AbortController();
    const waiting = model.generate(greeting, { maxTokens: 5, signal: controller.signal });
    await assert.rejects(model.generate(greeting, { maxTokens: 5 }), (error) => isNorthstationError(error, 'overloaded'));
    controller.abort();
    await assert.rejects(waiting, (error) => isNorthstationError(error, 'aborted'));
    // The aborted waiter freed its place: the next request may queue again.
    const next = model.generate(greeting, { maxTokens: 5 });
    assert.equal((await running).usage.completionTokens, 200);
    assert.equal((await next).usage.completionTokens, 5);
  } finally {
    await model.dispose();
  }
});

test('dispose rejects waiting and running requests with aborted', async () => {
  const model = await loadTinyChatModel({ sequences: 1 });
  let started!: () => void;
  const firstText = new Promise<void>((resolve) => (started = resolve));
  const running = model.generate(greeting, { maxTokens: 900, onTextDelta: () => { started(); } });
  const waiting = model.generate(greeting, { maxTokens: 5 });
  const runningOutcome = running.then(
    () => 'completed',
    (error: unknown) => (isNorthstationError(error, 'aborted') ? 'aborted' : String(error)),
  );
  await firstText; // dispose while the running request is mid-generation, not before it starts
  await model.dispose();
  await assert.rejects(waiting, (error) => isNorthstationError(error, 'aborted'));
  assert.equal(await runningOutcome, 'aborted');
  await assert.rejects(model.generate(greeting), (error) => isNorthstationError(error, 'aborted'));
});

test('a shared long system prompt is reused from the KV cache', async () => {
  const model = await loadTinyChatModel({ sequences: 2 });
  try {
    const system = longSystemPrompt(300);
    const ask = (prompt: string, user: string): Promise<Awaited<ReturnType<typeof model.generate>>> =>
      model.generate(
        [
          { role: 'system', content: prompt },
          { role: 'user', content: user },
        ],
        { maxTokens: 32 },
      );
    const first = await ask(system, 'What is the first question?');
    assert.equal(first.usage.cachedPromptTokens, 0);
    const second = await ask(system, 'And a second one?');
    assert.ok(second.usage.promptTokens > 300, `prompt tokens ${second.usage.promptTokens}`);
    // Everything up to the user's own words came from the cache.
    assert.ok(second.usage.cachedPromptTokens > 300, `cached ${second.usage.cachedPromptTokens}`);
    assert.ok(second.usage.promptTokens - second.usage.cachedPromptTokens < 20);

    // Less prompt evaluation shows as a shorter time to first token; minima over a few runs tame a busy machine.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 1; run <= 3; run++) {
      const coldResult = await ask(longSystemPrompt(300, run), 'Fresh prompt?');
      const warmResult = await ask(system, `Follow-up ${run}?`);
      // The fresh prompts go to the other sequence instead of evicting the shared one.
      assert.ok(warmResult.usage.cachedPromptTokens > 300, `run ${run}: cached ${warmResult.usage.cachedPromptTokens}`);
      cold.push(coldResult.timings.timeToFirstTokenMs);
      warm.push(warmResult.timings.timeToFirstTokenMs);
    }
    assert.ok(Math.min(...warm) < Math.min(...cold), `warm ${warm.join(', ')} ms vs cold ${cold.join(', ')} ms`);
  } finally {
    await model.dispose();
  }
});

test('the sequence holding the matching prefix is chosen among free ones', async () => {
  const model = await loadTinyChatModel({ sequences: 2 });
  try {
    const systemA = longSystemPrompt(200, 1);
    const systemB = longSystemPrompt(200, 2);
    const ask = (system: string): ReturnType<typeof model.generate> =>
      model.generate(
        [
          { role: 'system', content: system },
          { role: 'user', content: 'Go.' },
        ],
        { maxTokens: 3 },
      );
    // Fill both sequences concurrently, one prompt each.
    await Promise.all([ask(systemA), ask(systemB)]);
    const a = await ask(systemA);
    const b = await ask(systemB);
    assert.equal(a.usage.cachedPromptTokens, a.usage.promptTokens - 1);
    assert.equal(b.usage.cachedPromptTokens, b.usage.promptTokens - 1);
  } finally {
    await model.dispose();
  }
});

test('a prefix whose sliding window is gone is evaluated afresh, with the same output', async () => {
  // The tiny model's window is 512 tokens and its windowed layers keep about 1280 cells per sequence.
  const model = await loadTinyChatModel({ sequences: 1, contextSize: 2048 });
  try {
    const system = longSystemPrompt(100);
    const followUp: ChatMessage[] = [
      { role: 'system', content: system },
      { role: 'user', content: 'Short question.' },
    ];
    const fresh = await model.generate(followUp, { maxTokens: 8 });
    // A long first request pushes the cached window far past the end of the shared system prompt.
    const long = await model.generate([{ role: 'system', content: system }, { role: 'user', content: longSystemPrompt(700, 5) }], {
      maxTokens: 4,
    });
    assert.ok(long.usage.promptTokens > 1400, `prompt tokens ${long.usage.promptTokens}`);
    const after = await model.generate(followUp, { maxTokens: 8 });
    assert.equal(after.usage.cachedPromptTokens, 0);
    assert.equal(after.text, fresh.text);
    // With the long request gone from the cache, the reuse is exact again.
    const again = await model.generate(followUp, { maxTokens: 8 });
    assert.equal(again.usage.cachedPromptTokens, again.usage.promptTokens - 1);
    assert.equal(again.text, fresh.text);
  } finally {
    await model.dispose();
  }
});

test('an abort during a long prompt lands between batches, and the sequence stays usable', async () => {
  const model = await loadTinyChatModel({ sequences: 1, contextSize: 2048, batchSize: 16 });
  try {
    const messages: ChatMessage[] = [{ role: 'user', content: longSystemPrompt(600, 3) }];
    const controller = new AbortController();
    const started = performance.now();
    const running = model.generate(messages, { maxTokens: 500, signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 1);
    await assert.rejects(running, (error) => isNorthstationError(error, 'aborted'));
    assert.ok(performance.now() - started < 1000);
    const after = await model.generate(messages, { maxTokens: 8 });
    const reference = await loadTinyChatModel({ sequences: 1, contextSize: 2048 });
    try {
      assert.equal(after.text, (await reference.generate(messages, { maxTokens: 8 })).text);
    } finally {
      await reference.dispose();
    }
  } finally {
    await model.dispose();
  }
});
