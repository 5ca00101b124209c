import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isNorthstationError } from '../../core/errors.ts';
import { sharedDataDir } from '../../core/shared-data.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../runner.ts';
import type { AnyWorkflow } from '../workflow.ts';
import { createHistorySummaryWorkflow, type HistorySummary } from './index.ts';
import { sections } from './prompt.ts';

// The tiny model's tokenizer is nearly character-level (about 1.25 characters a token), hence charsPerToken and a 4096 context.
// 512 output tokens: its grammar-bound answers run to 100–400 tokens, and a cut-off answer would cost two repair calls.
const tinyOptions = { charsPerToken: 1.2, maxChunkTokens: 1000, mapMaxTokens: 512 };
const fhir = (name: string): string => join(sharedDataDir(), 'fhir', name);
const smallBundle = fhir('synthea-Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json');
const largeBundle = fhir('synthea-Fletcher_Hyatt_fe0562b5-f517-4951-8366-32fdab088930.json');

let model: LlamaChatModel;
let runner: WorkflowRunner;

before(async () => {
  model = await loadTinyChatModel({ contextSize: 4096 });
  runner = createWorkflowRunner({ model, workflows: [createHistorySummaryWorkflow(tinyOptions) as unknown as AnyWorkflow] });
});

after(async () => {
  await model.dispose();
});

function assertSchemaValid(content: HistorySummary, bundleIds: ReadonlySet<string>): void {
  for (const section of sections) {
    for (const item of content[section]) {
      assert.equal(typeof item.text, 'string');
      assert.ok(item.sources.length > 0);
      for (const id of item.sources) assert.ok(bundleIds.has(id), `${id} is in the bundle`);
      assert.ok(Array.isArray(item.findings));
    }
  }
}

interface TestBundle {
  resourceType: 'Bundle';
  entry: { resource: { resourceType: string; id: string } }[];
}

const loadBundle = (path: string): TestBundle => JSON.parse(readFileSync(path, 'utf8')) as TestBundle;

function idsOf(bundle: TestBundle): Set<string> {
  return new Set(bundle.entry.map(({ resource }) => `${resource.resourceType}/${resource.id}`));
}

test('a small Synthea bundle end to end through the real llama.cpp path: a schema-valid draft citing only its resources', async () => {
  const bundle = loadBundle(smallBundle);
  const draft = await runner.run('history-summary', { bundle });
  const content = draft.content as HistorySummary;
  assert.equal(draft.status, 'draft');
  assertSchemaValid(content, idsOf(bundle));
  assert.ok(draft.provenance.timings.modelCalls >= content.coverage.chunks);
});

test('the 3.9 MB bundle: many map calls, memory flat across chunks and bounded overall', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const bundle = loadBundle(largeBundle);
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const heapAtChunk: number[] = [];
  const startedAt = performance.now();
  const draft = await runner.run('history-summary', { bundle }, {
    onEvent: (event) => {
      if (event.type !== 'prefill-progress') return;
      gc();
      heapAtChunk.push(process.memoryUsage().heapUsed - baseline);
    },
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const content = draft.content as HistorySummary;
  assertSchemaValid(content, idsOf(bundle));
  assert.ok(content.coverage.chunks >= 20, `${content.coverage.chunks} chunks`);
  assert.equal(content.coverage.summarisedChunks + content.coverage.notes.length, content.coverage.chunks);
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  const peak = Math.max(...heapAtChunk);
  // Retained heap after chunk 3 against the last chunk: a leak per chunk would show as growth with the chunk count.
  const early = heapAtChunk[3] ?? 0;
  const late = heapAtChunk.at(-1) ?? 0;
  console.log(`history-summary 3.9 MB bundle: ${content.coverage.chunks} chunks, ${seconds.toFixed(1)} s, heap +${mb(early)} MB after chunk 3, +${mb(late)} MB at the end, peak +${mb(peak)} MB`);
  assert.ok(peak < 200e6, `peak heap growth ${mb(peak)} MB`);
  assert.ok(late - early < 10e6, `heap grew ${mb(late - early)} MB between chunk 3 and chunk ${heapAtChunk.length - 1}`);
  assert.ok(seconds < 60, `${seconds} s`);
});

test('aborting mid-generation rejects with aborted', async () => {
  const bundle = loadBundle(smallBundle);
  const controller = new AbortController();
  let deltas = 0;
  await assert.rejects(
    runner.run('history-summary', { bundle }, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'text-delta' && ++deltas === 5) controller.abort();
      },
    }),
    (error) => isNorthstationError(error, 'aborted'),
  );
  assert.equal(deltas >= 5, true);
});
