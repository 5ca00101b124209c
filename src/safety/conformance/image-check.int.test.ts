/**
 * The image check against the real llama.cpp (supervised llama-server, the
 * tiny synthetic model). It must pass the tiny model with its projector, and
 * refuse the same model when the image cannot matter: a projector whose patch
 * embedding is all zeros (it loads, produces its 16 image tokens, but they are
 * the same for every picture: bias plus position embeddings), and a server
 * with no projector at all behind a client that claims image input.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readGguf } from '../../engine/gguf/reader.ts';
import { createBuildReporter } from '../../engine/llama-server/build-progress.ts';
import { buildLlamaServer, llamaServerOpenAiOptions, startLlamaServer } from '../../engine/llama-server/index.ts';
import { createOpenAiChatModel } from '../../engine/openai/index.ts';
import { ensureTinyModel, ensureTinyProjector } from '../../engine/synthetic/test-models.ts';
import { createCheckContext } from './check-context.ts';
import { checkImageInput, imageIgnoredReason } from './image-check.ts';
import type { CheckResult } from './report.ts';

let binary: string;
let dir: string;

before(async () => {
  binary = (await buildLlamaServer({ onEvent: createBuildReporter((line) => process.stderr.write(`${line}\n`)) })).binary;
  dir = await mkdtemp(join(tmpdir(), 'northstation-image-check-int-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the check on the tiny model served with `projector`; `image: true` whatever the server loaded. */
async function checkWith(projector: string | undefined): Promise<CheckResult> {
  const server = await startLlamaServer({ binary, model: await ensureTinyModel(), ...(projector === undefined ? {} : { projector }), threads: 1, contextSize: 1024 });
  const model = await createOpenAiChatModel(llamaServerOpenAiOptions(server, { image: true }));
  try {
    return await checkImageInput(createCheckContext(model, {}));
  } finally {
    await model.dispose();
    await server.close();
  }
}

/** A copy of the tiny projector whose patch embedding (the only tensor that reads pixels) is zero. */
async function blindProjector(): Promise<string> {
  const source = await ensureTinyProjector();
  const path = join(dir, 'mmproj-blind.gguf');
  await copyFile(source, path);
  const tensor = (await readGguf(path)).tensors.find((entry) => entry.name === 'v.patch_embd.weight');
  assert.ok(tensor, 'the tiny projector has a patch embedding');
  const file = await open(path, 'r+');
  try {
    await file.write(Buffer.alloc(tensor.byteSize), 0, tensor.byteSize, tensor.offset);
  } finally {
    await file.close();
  }
  return path;
}

describe('image check on llama-server with the tiny model', () => {
  test('passes with the tiny projector: different images, different answers; the repeat is identical', async () => {
    const result = await checkWith(await ensureTinyProjector());
    assert.equal(result.status, 'pass', JSON.stringify(result.details));
    assert.equal(result.details.repeatIdentical, true);
    assert.equal(result.warnings, undefined);
  });

  test('refuses a projector that cannot see pixels (zero patch embedding): identical answers', async () => {
    const result = await checkWith(await blindProjector());
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, imageIgnoredReason);
    assert.equal(result.details.ramp, result.details.checks);
  });

  test('refuses a model served without its projector but declared image-capable', async () => {
    const result = await checkWith(undefined);
    assert.equal(result.status, 'fail');
    assert.match(result.reason ?? '', /refused an image/);
  });
});
