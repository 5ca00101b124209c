import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { catalogIdFor, publishedPubMedQa } from './published-figure.ts';
import { fileIdentity } from './test-reports.ts';

describe('publishedPubMedQa', () => {
  const cases: Array<[string, string | undefined, number | undefined]> = [
    ['/models/medgemma-4b-it-Q4_K_M.gguf', 'medgemma-4b-it', 73.4],
    ['/models/medgemma-1.5-4b-it-Q8_0.gguf', 'medgemma-1.5-4b-it', 68.2],
    ['/models/MedGemma_27B_Text_IT.Q4_K_M.gguf', 'medgemma-27b-text-it', 76.8],
    ['/models/medgemma-27b-it-Q4_K_M.gguf', 'medgemma-27b-it', undefined], // catalog model, no published PubMedQA
    ['/models/medgemma-4b-pt.gguf', 'medgemma-4b-pt', undefined],
    ['/models/site-finetune.gguf', undefined, undefined],
  ];
  for (const [path, catalogId, score] of cases) {
    test(`${path} → ${catalogId ?? 'no catalog model'}`, () => {
      const identity = fileIdentity(path, 'f'.repeat(64), { id: 'x' });
      assert.equal(catalogIdFor(identity), catalogId);
      assert.equal(publishedPubMedQa(identity)?.score, score);
    });
  }

  test('an upstream is matched by its model name', () => {
    const identity = { id: 'ward-model', backend: 'openai' as const, synthetic: false, upstream: { model: 'google/medgemma-4b-it', baseUrls: ['http://10.0.0.5:8000/v1'] } };
    assert.equal(publishedPubMedQa(identity)?.score, 73.4);
  });
});
