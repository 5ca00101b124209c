import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isNorthstationError, type ErrorCode } from '../../core/errors.ts';
import { ensureTinyLora, ensureTinyModel } from '../synthetic/test-models.ts';
import { greeting, loadTinyChatModel } from './test-tiny-llama.ts';

let directory: string;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'northstation-llama-load-'));
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

const refusedAs = (code: ErrorCode, pattern?: RegExp) => (error: unknown) => {
  assert.ok(isNorthstationError(error, code), `expected ${code}, got ${String(error)}`);
  if (pattern) assert.match(error.message, pattern);
  return true;
};

test('a missing model file is not_found', async () => {
  await assert.rejects(loadTinyChatModel({ modelPath: join(directory, 'absent.gguf') }), refusedAs('not_found', /absent\.gguf/));
});

test('a file that is not GGUF is model_invalid', async () => {
  const path = join(directory, 'notes.gguf');
  await writeFile(path, 'this is a text file, not a model\n'.repeat(10));
  await assert.rejects(loadTinyChatModel({ modelPath: path }), refusedAs('model_invalid', /not a valid GGUF file/));
});

test('a truncated GGUF is model_invalid', async () => {
  const whole = await readFile(await ensureTinyModel());
  const path = join(directory, 'truncated.gguf');
  await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
  await assert.rejects(loadTinyChatModel({ modelPath: path }), refusedAs('model_invalid', /truncated\.gguf/));
});

test('a LoRA adapter loaded as the model is model_invalid', async () => {
  await assert.rejects(loadTinyChatModel({ modelPath: await ensureTinyLora() }), refusedAs('model_invalid', /is a LoRA adapter/));
});

test('a model larger than the available memory is model_too_large, with the numbers', async () => {
  const oneMiB = 1024 * 1024;
  await assert.rejects(
    loadTinyChatModel({ availableMemory: () => Promise.resolve({ ramBytes: oneMiB, vramBytes: 0 }) }),
    (error) => {
      assert.ok(isNorthstationError(error, 'model_too_large'));
      assert.match(error.message, /needs \d[\d.e-]* GiB .* but 0\.00098 GiB is available/);
      assert.equal(error.details.availableBytes, oneMiB);
      assert.ok(Number(error.details.neededBytes) > oneMiB);
      return true;
    },
  );
});

test('a context too large for this machine is refused before llama.cpp allocates it', async () => {
  // The tiny model's training context with a million sequences: terabytes of KV cache, against the real free memory.
  await assert.rejects(loadTinyChatModel({ contextSize: 8192, sequences: 1_000_000 }), (error) => {
    assert.ok(isNorthstationError(error, 'model_too_large'));
    assert.match(error.message, /KV cache [\d.]+ GiB for 1000000 × 8192 tokens/);
    assert.ok(Number(error.details.kvCacheBytes) > Number(error.details.availableBytes));
    return true;
  });
});

test('bad configuration is config_invalid', async () => {
  await assert.rejects(loadTinyChatModel({ sequences: 0 }), refusedAs('config_invalid', /sequences/));
  await assert.rejects(loadTinyChatModel({ threads: 1.5 }), refusedAs('config_invalid', /threads/));
  await assert.rejects(loadTinyChatModel({ lora: [{ path: 'x.gguf', scale: Number.NaN }] }), refusedAs('config_invalid', /scale/));
});

test('after all those refusals the backend still loads and runs a model', async () => {
  const model = await loadTinyChatModel();
  try {
    assert.equal((await model.generate(greeting, { maxTokens: 3 })).usage.completionTokens, 3);
  } finally {
    await model.dispose();
  }
});
