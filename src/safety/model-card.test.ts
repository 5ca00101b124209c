import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelInfo } from '../engine/chat-model.ts';
import { findCatalogModel } from '../engine/catalog/medgemma.ts';
import { catalogIdFor, modelCardNotice, type ModelCardStatus } from './model-card.ts';

const info = (overrides: Partial<ModelInfo>): ModelInfo => ({ id: 'model', backend: 'llama', synthetic: false, details: {}, ...overrides });

const table: ReadonlyArray<{ model: ModelInfo | string; status: ModelCardStatus; catalogId: string | null }> = [
  { model: 'medgemma-4b-it', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: 'medgemma-4b-it-Q4_K_M.gguf', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: '/models/medgemma-4b-it-Q8_0.gguf', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: 'C:\\models\\MedGemma-4B-IT-BF16.gguf', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: 'medgemma-4b-pt-F16.gguf', status: 'catalog', catalogId: 'medgemma-4b-pt' },
  { model: 'medgemma-1.5-4b-it-Q4_K_M.gguf', status: 'catalog', catalogId: 'medgemma-1.5-4b-it' },
  { model: 'medgemma-27b-text-it-IQ3_XS.gguf', status: 'catalog', catalogId: 'medgemma-27b-text-it' },
  { model: 'medgemma-27b-it-Q4_K_M-00001-of-00002.gguf', status: 'catalog', catalogId: 'medgemma-27b-it' },
  { model: 'unsloth_medgemma-27b-text-it-GGUF', status: 'catalog', catalogId: 'medgemma-27b-text-it' },
  { model: 'google/medgemma-4b-it', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: 'medgemma-4b-it-qat-q4_0.gguf', status: 'catalog', catalogId: 'medgemma-4b-it' },
  { model: info({ id: 'site-model', details: { path: '/srv/medgemma-27b-text-it-Q8_0.gguf' } }), status: 'catalog', catalogId: 'medgemma-27b-text-it' },
  { model: info({ id: 'vllm', backend: 'openai', details: { upstreamModel: 'google/medgemma-27b-it' } }), status: 'catalog', catalogId: 'medgemma-27b-it' },
  { model: 'medgemma:4b', status: 'family', catalogId: null },
  { model: 'medgemma-2b-experimental.gguf', status: 'family', catalogId: null },
  { model: 'llama-3-8b-instruct-Q4_K_M.gguf', status: 'unknown', catalogId: null },
  { model: 'gemma-3-4b-it-Q4_K_M.gguf', status: 'unknown', catalogId: null },
  { model: info({ id: 'medgemma-4b-it', synthetic: true }), status: 'synthetic', catalogId: null },
  { model: info({ id: 'tiny-gemma3-f16', synthetic: true }), status: 'synthetic', catalogId: null },
];

for (const { model, status, catalogId } of table) {
  const name = typeof model === 'string' ? model : `${model.id} (${JSON.stringify(model.details)}, synthetic ${model.synthetic})`;
  test(`model card notice for ${name}: ${status}`, () => {
    const notice = modelCardNotice(model);
    assert.equal(notice.status, status);
    assert.equal(notice.catalogId, catalogId);
    assert.ok(notice.text.includes(notice.intendedUse));
    for (const limitation of notice.limitations) assert.ok(notice.text.includes(limitation));
  });
}

test('a catalog model carries the catalog entry intended use and limitations word for word', () => {
  const notice = modelCardNotice('medgemma-27b-text-it-Q4_K_M.gguf');
  const entry = findCatalogModel('medgemma-27b-text-it');
  assert.equal(notice.intendedUse, entry.intendedUse);
  assert.deepEqual(notice.limitations, entry.limitations);
  assert.match(notice.text, /Not for direct diagnosis or treatment\./);
  assert.match(notice.text, /^Drafted by medgemma-27b-text-it-Q4_K_M\.gguf \(MedGemma 27B text/);
});

test('a synthetic model says it has random weights and is not a medical model', () => {
  const notice = modelCardNotice(info({ id: 'medgemma-4b-it', synthetic: true }));
  assert.match(notice.text, /random weights, not a medical model/i);
  assert.match(notice.text, /never use its output for patient care/i);
});

test('an unknown model says it is not in the catalog and its limitations are unknown', () => {
  const notice = modelCardNotice('mystery.gguf');
  assert.match(notice.text, /not in the Northstation catalog/);
  assert.match(notice.text, /limitations are unknown/);
});

test('an unidentified MedGemma variant still carries the family limitations', () => {
  assert.deepEqual(modelCardNotice('medgemma:27b').limitations, findCatalogModel('medgemma-4b-it').limitations);
});

test('catalogIdFor never confuses the 27B text and multimodal variants or 4B and 1.5 4B', () => {
  assert.equal(catalogIdFor('medgemma-27b-text-it'), 'medgemma-27b-text-it');
  assert.equal(catalogIdFor('medgemma-27b-it'), 'medgemma-27b-it');
  assert.equal(catalogIdFor('medgemma-1.5-4b-it'), 'medgemma-1.5-4b-it');
  assert.equal(catalogIdFor('xmedgemma-4b-itx'), undefined);
});
