/**
 * The synthetic vision projector against the real llama.cpp: llama-server
 * (built and supervised by src/engine/llama-server) must load the tiny model
 * with the tiny projector, count the projector's 16 image tokens in the
 * prompt, and answer two different images differently at temperature 0 — the
 * check a deployment needs that an image is actually seen, not dropped.
 *
 * The first run on a machine builds llama-server (about 10 minutes on 2
 * cores); later runs reuse the cached build.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBuildReporter } from '../llama-server/build-progress.ts';
import { buildLlamaServer, startLlamaServer, type LlamaServer } from '../llama-server/index.ts';
import { pngDataUri, pngFrom } from './png.ts';
import { imageTokens, projectorShapes } from './projector-shapes.ts';
import { writeSyntheticProjector } from './projector-writer.ts';
import { ensureTinyModel, ensureTinyProjector } from './test-models.ts';

let binary: string;
let server: LlamaServer;

function start(projector: string): Promise<LlamaServer> {
  return ensureTinyModel().then((model) => startLlamaServer({ binary, model, projector, threads: 1, contextSize: 1024 }));
}

before(async () => {
  binary = (await buildLlamaServer({ onEvent: createBuildReporter((line) => process.stderr.write(`${line}\n`)) })).binary;
  server = await start(await ensureTinyProjector());
});

after(async () => {
  await server.close();
});

type Part = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

interface Completion {
  text: string;
  promptTokens: number;
}

async function complete(parts: Part[], target: LlamaServer = server): Promise<Completion> {
  const response = await fetch(`${target.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
    body: JSON.stringify({
      model: target.alias,
      messages: [{ role: 'user', content: parts }],
      max_tokens: 16,
      temperature: 0,
    }),
  });
  const body = (await response.json()) as {
    choices?: Array<{ message?: { content?: string } }>;
    usage?: { prompt_tokens?: number };
    error?: { message?: string };
  };
  assert.equal(response.status, 200, body.error?.message);
  return { text: body.choices?.[0]?.message?.content ?? '', promptTokens: body.usage?.prompt_tokens ?? -1 };
}

const question: Part = { type: 'text', text: 'Describe the image.' };
// Two images with nothing in common: a left-to-right red ramp, and blue-green checks.
const ramp = pngDataUri(pngFrom(224, 224, (x) => [x, 40, 255 - x]));
const checks = pngDataUri(pngFrom(224, 224, (x, y) => ((x >> 4) + (y >> 4)) % 2 === 0 ? [0, 200, 90] : [20, 20, 220]));
const image = (url: string): Part => ({ type: 'image_url', image_url: { url } });

describe('tiny synthetic projector in llama-server', () => {
  test('the server loaded the projector and accepts image parts', () => {
    assert.equal(server.image, true);
    assert.equal(server.state(), 'ready');
  });

  test('an image adds its 16 tokens (and its start and end markers) to the prompt', async () => {
    const textOnly = await complete([question]);
    const withImage = await complete([image(ramp), question]);
    assert.equal(imageTokens(projectorShapes.tiny), 16);
    // mtmd wraps a Gemma 3 image as <start_of_image> + 16 embeddings + <end_of_image>.
    assert.equal(withImage.promptTokens - textOnly.promptTokens, 16 + 2);
  });

  test('greedy output depends on the image: same image same text, other image other text', async () => {
    const first = await complete([image(ramp), question]);
    const again = await complete([image(ramp), question]);
    const other = await complete([image(checks), question]);
    assert.ok(first.text.length > 0);
    assert.equal(again.text, first.text);
    assert.notEqual(other.text, first.text);
  });

  test('a q8_0 projector (Q8_0 and F16 matrices mixed) loads and sees images too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'northstation-projector-int-'));
    const q8 = await start((await writeSyntheticProjector({ shape: 'tiny', type: 'q8_0', out: join(dir, 'mmproj-q8_0.gguf') })).path);
    try {
      const first = await complete([image(ramp), question], q8);
      const other = await complete([image(checks), question], q8);
      assert.equal(first.promptTokens, (await complete([image(ramp), question])).promptTokens);
      assert.notEqual(other.text, first.text);
    } finally {
      await q8.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
