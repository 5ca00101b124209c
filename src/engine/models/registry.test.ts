import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ensureTinyLora, ensureTinyModel } from '../synthetic/test-models.ts';
import { defaultModelId, registerModelFile } from './register-model-file.ts';
import { openModelRegistry } from './registry.ts';
import { sha256File } from './sha256.ts';

let home: string;
let tiny: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'northstation-registry-'));
  tiny = await ensureTinyModel();
});
after(() => rm(home, { recursive: true, force: true }));

const isCode = (code: Parameters<typeof isNorthstationError>[1]) => (error: unknown) => isNorthstationError(error, code);

test('add records path, sha256, architecture, quantisation, size and the synthetic flag', async () => {
  const hashed: number[] = [];
  const model = await registerModelFile({ path: tiny, home, onHashProgress: (done) => hashed.push(done), now: () => new Date('2026-01-02T03:04:05Z') });
  assert.equal(model.id, 'tiny-gemma3-f16');
  assert.equal(model.path, tiny);
  assert.equal(model.sha256, await sha256File(tiny));
  assert.equal(model.architecture, 'gemma3');
  assert.equal(model.quantisation, 'F16');
  assert.equal(model.synthetic, true);
  assert.equal(model.addedAt, '2026-01-02T03:04:05.000Z');
  assert.deepEqual(model.source, { kind: 'file' });
  assert.ok(hashed.length > 0);
  assert.deepEqual(await openModelRegistry({ home }).list(), [model]);
});

test('adding the same file again is a no-op; the same id for other bytes is a conflict', async () => {
  const again = await registerModelFile({ path: tiny, home });
  assert.equal((await openModelRegistry({ home }).list()).length, 1);
  assert.equal(again.id, 'tiny-gemma3-f16');
  const copy = join(home, 'copy.gguf');
  await copyFile(tiny, copy);
  await assert.rejects(registerModelFile({ path: copy, home, id: 'tiny-gemma3-f16' }), isCode('conflict'));
  const other = await registerModelFile({ path: copy, home, id: 'copy-2' });
  assert.equal(other.sha256, again.sha256);
  assert.deepEqual((await openModelRegistry({ home }).list()).map((m) => m.id), ['tiny-gemma3-f16', 'copy-2']);
});

test('the registry is written atomically: no temp files left beside it', async () => {
  const entries = await readdir(join(home, 'models'));
  assert.deepEqual(entries, ['registry.json']);
  const json = JSON.parse(await readFile(join(home, 'models', 'registry.json'), 'utf8')) as { version: number };
  assert.equal(json.version, 1);
});

test('invalid files are refused with the reader\'s error and nothing is recorded', async () => {
  const before = (await openModelRegistry({ home }).list()).length;
  const text = join(home, 'notes.gguf');
  await writeFile(text, 'not a model at all, just some text');
  await assert.rejects(registerModelFile({ path: text, home }), (error: unknown) => isCode('model_invalid')(error) && /wrong magic/.test((error as Error).message));
  const cut = join(home, 'cut.gguf');
  await copyFile(tiny, cut);
  await truncate(cut, 200_000);
  await assert.rejects(registerModelFile({ path: cut, home }), (error: unknown) => isCode('model_invalid')(error) && /truncated/.test((error as Error).message));
  await assert.rejects(registerModelFile({ path: join(home, 'missing.gguf'), home }), isCode('not_found'));
  await assert.rejects(registerModelFile({ path: await ensureTinyLora(), home }), (error: unknown) => isCode('model_invalid')(error) && /LoRA/.test((error as Error).message));
  await assert.rejects(registerModelFile({ path: tiny, home, id: 'Bad Id' }), isCode('bad_request'));
  assert.equal((await openModelRegistry({ home }).list()).length, before);
});

test('a malformed registry file is config_invalid, not silently replaced', async () => {
  const other = await mkdtemp(join(tmpdir(), 'northstation-registry-bad-'));
  try {
    const file = openModelRegistry({ home: other }).file;
    await registerModelFile({ path: tiny, home: other });
    await writeFile(file, '{"version": 1, "models": [{"id": 3}]}');
    await assert.rejects(openModelRegistry({ home: other }).list(), isCode('config_invalid'));
    await writeFile(file, '{ nope');
    await assert.rejects(openModelRegistry({ home: other }).list(), isCode('config_invalid'));
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

test('default ids come from the file name', () => {
  assert.equal(defaultModelId('/m/MedGemma-4B-it-Q4_K_M.gguf'), 'medgemma-4b-it-q4_k_m');
  assert.equal(defaultModelId('/m/my model (final).GGUF'), 'my-model-final-');
  assert.equal(defaultModelId('/m/.gguf'), 'model');
});
