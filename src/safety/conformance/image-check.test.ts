import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { NorthstationError } from '../../core/errors.ts';
import type { ChatMessage } from '../../engine/chat-model.ts';
import { createCheckContext } from './check-context.ts';
import { checkImageInput, imageCheckImages, imageIgnoredReason } from './image-check.ts';
import { functionModel } from './test-function-model.ts';

const imageOf = (messages: readonly ChatMessage[]): Uint8Array | undefined => {
  const content = messages.at(-1)?.content;
  const part = content === undefined || typeof content === 'string' ? undefined : content.find((item) => item.type === 'image');
  return part?.type === 'image' ? part.data : undefined;
};

const imageDigest = (messages: readonly ChatMessage[]): string => {
  const data = imageOf(messages);
  return data === undefined ? 'no image' : `an image ${createHash('sha256').update(data).digest('hex').slice(0, 8)}`;
};

describe('image input check', () => {
  test('passes when two different images give different answers, with no warning when repeats agree', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(imageDigest, { image: true }), {}));
    assert.equal(result.status, 'pass');
    assert.equal(result.warnings, undefined);
    assert.equal(result.details.repeatIdentical, true);
  });

  test('refuses a model whose answer ignores the image (a projector dropped or mismatched)', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(() => 'A chest X-ray.', { image: true }), {}));
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, imageIgnoredReason);
    assert.match(result.reason ?? '', /projector missing, mismatched or ignored/);
  });

  test('asks greedily with a fixed seed, the image before the question', async () => {
    const seen: { temperature?: number | undefined; seed?: number | undefined; first?: string }[] = [];
    const model = functionModel((messages, options) => {
      const content = messages.at(-1)?.content;
      seen.push({ temperature: options.temperature, seed: options.seed, ...(typeof content === 'string' || content === undefined ? {} : { first: content[0]?.type ?? '' }) });
      return imageDigest(messages);
    }, { image: true });
    await checkImageInput(createCheckContext(model, {}));
    assert.equal(seen.length, 3);
    for (const call of seen) assert.deepEqual(call, { temperature: 0, seed: seen[0]?.seed, first: 'image' });
    assert.equal(typeof seen[0]?.seed, 'number');
  });

  test('a repeat that differs is a warning, not a refusal', async () => {
    let calls = 0;
    const model = functionModel((messages) => `${imageDigest(messages)} #${String(calls++)}`, { image: true });
    const result = await checkImageInput(createCheckContext(model, {}));
    assert.equal(result.status, 'pass');
    assert.equal(result.details.repeatIdentical, false);
    const warnings = result.warnings ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /not deterministic/);
  });

  test('an image refused by the backend fails the check with its code', async () => {
    const model = functionModel(() => { throw new NorthstationError('upstream_error', 'image input is not supported'); }, { image: true });
    const result = await checkImageInput(createCheckContext(model, {}));
    assert.equal(result.status, 'fail');
    assert.match(result.reason ?? '', /refused an image: upstream_error/);
  });

  test('is not applicable, with the reason, for text-only models', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(imageDigest), {}));
    assert.equal(result.status, 'skip');
    assert.match(result.reason ?? '', /not applicable: the model does not declare image input/);
  });

  test('the two test images are valid, different PNGs', () => {
    const { ramp, checks } = imageCheckImages;
    for (const png of [ramp, checks]) assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.notDeepEqual(ramp, checks);
  });
});
