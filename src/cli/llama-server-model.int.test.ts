/**
 * `--synthetic-vision` end to end on the real llama-server: the model opened
 * the way serve/run/validate/eval open it takes images, names its projector
 * (path and SHA-256) for provenance and the conformance identity, reuses the
 * image's encoding for a second question when the image comes first, and
 * stops its child when disposed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ChatMessage, ChatModel, ImagePart } from '../engine/chat-model.ts';
import { ensureTinyProjector } from '../engine/synthetic/test-models.ts';
import { pngFrom } from '../engine/synthetic/png.ts';
import { modelIdentity } from '../safety/conformance/model-identity.ts';
import { openModelFromArgs } from './model-args.ts';
import { silentLogger } from '../core/log.ts';

/** Pids of this process's children (Linux), to see the llama-server child come and go. */
function childPids(): Set<number> {
  const pids = new Set<number>();
  for (const task of readdirSync('/proc/self/task')) {
    for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/)) if (pid !== '') pids.add(Number(pid));
  }
  return pids;
}

let model: ChatModel;
let childrenBefore: Set<number>;

before(async () => {
  childrenBefore = childPids();
  model = await openModelFromArgs({ 'synthetic-vision': true, threads: '1', context: '1024' }, silentLogger);
});

after(async () => {
  await model.dispose();
});

const image: ImagePart = { type: 'image', data: pngFrom(224, 224, (x, y) => [x, y, 128]), mimeType: 'image/png' };
const system: ChatMessage = { role: 'system', content: 'You read one image for a clinician and answer briefly.' };
const ask = (content: (ImagePart | { type: 'text'; text: string })[]) => model.generate([system, { role: 'user', content }], { maxTokens: 8, temperature: 0 });

describe('--synthetic-vision through llama-server', () => {
  test('takes images, is marked synthetic, and names its projector by SHA-256', async () => {
    assert.equal(model.capabilities.image, true);
    assert.equal(model.info.synthetic, true);
    assert.equal(model.info.backend, 'llama');
    assert.equal(model.info.id, 'synthetic-tiny-vision');
    const projector = await ensureTinyProjector();
    const sha256 = createHash('sha256').update(await readFile(projector)).digest('hex');
    assert.equal(model.info.details.projector, projector);
    assert.equal(model.info.details.projectorSha256, sha256);
    assert.match(String(model.info.details.engine), /^llama-server /);
    const identity = await modelIdentity(model);
    assert.equal(identity.projector?.sha256, sha256);
    assert.equal(identity.file?.path, model.info.details.path);
  });

  test('a second question about the same image reuses the cached image and prefix', async (t) => {
    const first = await ask([image, { type: 'text', text: 'What colours are in it?' }]);
    const second = await ask([image, { type: 'text', text: 'Is anything abnormal in the upper left corner?' }]);
    t.diagnostic(`image first: 1st ${first.usage.cachedPromptTokens}/${first.usage.promptTokens} cached, 2nd ${second.usage.cachedPromptTokens}/${second.usage.promptTokens}`);
    // Everything up to the end of the image (system text, 16 image tokens and their 2 markers) was kept.
    assert.ok(second.usage.cachedPromptTokens >= 18 + 10, `cached ${second.usage.cachedPromptTokens}`);
    assert.ok(second.usage.cachedPromptTokens > second.usage.promptTokens / 2);

    // The question before the image: the prompts part before the image, so it is encoded again.
    const third = await ask([{ type: 'text', text: 'What colours are in it?' }, image]);
    const fourth = await ask([{ type: 'text', text: 'Is anything abnormal in the upper left corner?' }, image]);
    t.diagnostic(`question first: 2nd ${fourth.usage.cachedPromptTokens}/${fourth.usage.promptTokens} cached (3rd ${third.usage.cachedPromptTokens}/${third.usage.promptTokens})`);
    assert.ok(fourth.usage.cachedPromptTokens < second.usage.cachedPromptTokens - 16);
  });

  test('disposing the model stops the llama-server child', async () => {
    const spawned = [...childPids()].filter((pid) => !childrenBefore.has(pid));
    assert.equal(spawned.length, 1, 'one llama-server child while the model is open');
    await model.dispose();
    assert.equal(childPids().has(spawned[0] ?? -1), false);
  });
});
