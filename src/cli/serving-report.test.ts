import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateFromCatalog } from '../engine/catalog/sizing.ts';
import type { ModelInfo } from '../engine/chat-model.ts';
import { ScriptedModel } from '../safety/test-scripted-model.ts';
import { memoryEstimateBytes, servingReportFor } from './serving-report.ts';

const info = (overrides: Partial<ModelInfo>): ModelInfo => ({ id: 'medgemma-4b-it', backend: 'llama', synthetic: false, contextSize: 4096, details: { quantisation: 'Q4_K_M', sequences: 2 }, ...overrides });

test('memoryEstimateBytes: the catalog sizing at the loaded context, sequences and quantisation', async () => {
  const expected = estimateFromCatalog({ modelId: 'medgemma-4b-it', quant: 'Q4_K_M', contextSize: 4096, sequences: 2, flashAttention: true }).totalBytes;
  assert.ok(expected > 1e9);
  assert.equal(await memoryEstimateBytes(info({})), expected);
  // More sequences hold more KV cache: the estimate follows what was loaded.
  const more = (await memoryEstimateBytes(info({ details: { quantisation: 'Q4_K_M', sequences: 4 } }))) ?? 0;
  assert.ok(more > expected);
});

test('memoryEstimateBytes: null when it cannot say, never a guess', async () => {
  assert.equal(await memoryEstimateBytes(info({ backend: 'openai' })), null, 'an upstream model');
  assert.equal(await memoryEstimateBytes(info({ id: 'llama-3-8b' })), null, 'not in the catalog');
  assert.equal(await memoryEstimateBytes(info({ details: { quantisation: 'Q9_X' } })), null, 'an unknown quantisation');
  assert.equal(await memoryEstimateBytes(info({ contextSize: undefined })), null, 'no context size');
  assert.equal(await memoryEstimateBytes(info({ details: { path: '/nonexistent/model.gguf', quantisation: 'Q4_K_M' } })), null, 'a file it cannot read');
});

test('servingReportFor: identity and conformance from the serving model, the records database kind, the imaging listener', async () => {
  const model = new ScriptedModel([], { id: 'unknown-model' });
  const identity = { id: 'unknown-model', backend: 'llama' as const, synthetic: false };
  const conformance = { outcome: 'passed' as const, at: '2026-01-01T00:00:00.000Z', overrideReason: null, refusal: null, checks: [{ id: 'schema-adherence', title: 'Schema adherence', status: 'pass' as const }] };
  const postgres = await servingReportFor({ model, identity, conformance }, { records: { db: 'postgres://ns@db.example:5432/records' }, imagingListener: { port: 11112, aeTitle: 'NS' } });
  assert.deepEqual(postgres, { identity, conformance, memoryEstimateBytes: null, records: 'postgresql', imagingListener: { port: 11112, aeTitle: 'NS' } });
  const sqlite = await servingReportFor({ model, identity, conformance }, { records: {} });
  assert.equal(sqlite.records, 'sqlite');
  assert.equal(sqlite.imagingListener, null);
});
