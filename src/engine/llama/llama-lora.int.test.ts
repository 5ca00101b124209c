import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ensureTinyLora, ensureTinyModel } from '../synthetic/test-models.ts';
import { greeting, loadTinyChatModel } from './test-tiny-llama.ts';

const generateGreedy = async (lora?: { path: string; scale: number }): Promise<string> => {
  const model = await loadTinyChatModel({ sequences: 1, ...(lora ? { lora: [lora] } : {}) });
  try {
    return (await model.generate(greeting, { maxTokens: 24, temperature: 0 })).text;
  } finally {
    await model.dispose();
  }
};

test('a LoRA adapter at scale 1 changes greedy output; at scale 0 it matches the base model', async () => {
  const path = await ensureTinyLora();
  const base = await generateGreedy();
  const adapted = await generateGreedy({ path, scale: 1 });
  const neutral = await generateGreedy({ path, scale: 0 });
  assert.notEqual(adapted, base);
  assert.equal(neutral, base);
});

test('the adapter is reported in the model details', async () => {
  const path = await ensureTinyLora();
  const model = await loadTinyChatModel({ sequences: 1, lora: [{ path, scale: 0.5 }] });
  try {
    assert.equal(model.info.details.lora, `${path}@0.5`);
  } finally {
    await model.dispose();
  }
});

test('a LoRA adapter for another architecture is refused before llama.cpp sees it', async () => {
  const path = await ensureTinyLora({ architecture: 'llama' });
  await assert.rejects(loadTinyChatModel({ lora: [{ path, scale: 1 }] }), (error) => {
    assert.ok(isNorthstationError(error, 'model_invalid'));
    assert.match(error.message, /architecture "llama" but the model is "gemma3"/);
    assert.match(error.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return true;
  });
  // The process is alive and the backend still loads models.
  assert.equal(await generateGreedy(), await generateGreedy());
});

test('a missing LoRA file is not_found', async () => {
  await assert.rejects(
    loadTinyChatModel({ lora: [{ path: '/nonexistent/northstation/adapter.gguf', scale: 1 }] }),
    (error) => isNorthstationError(error, 'not_found'),
  );
});

test('a model file passed as a LoRA adapter is refused', async () => {
  await assert.rejects(loadTinyChatModel({ lora: [{ path: await ensureTinyModel(), scale: 1 }] }), (error) => {
    assert.ok(isNorthstationError(error, 'model_invalid'));
    assert.match(error.message, /is not an adapter/);
    return true;
  });
});
