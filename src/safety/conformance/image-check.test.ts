import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import type { ChatMessage } from '../../engine/chat-model.ts';
import { createCheckContext } from './check-context.ts';
import { checkImageInput } from './image-check.ts';
import { solidPng } from './solid-png.ts';
import { functionModel } from './test-function-model.ts';

const imageDigest = (messages: readonly ChatMessage[]): string => {
  const content = messages.at(-1)?.content;
  const part = content === undefined || typeof content === 'string' ? undefined : content.find((item) => item.type === 'image');
  return part?.type === 'image' ? `an image ${createHash('sha256').update(part.data).digest('hex').slice(0, 8)}` : 'no image';
};

describe('image input check', () => {
  test('passes when two different images give different answers', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(imageDigest, { image: true }), {}));
    assert.equal(result.status, 'pass');
  });

  test('fails when the answer ignores the image (a projector that was dropped)', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(() => 'A chest X-ray.', { image: true }), {}));
    assert.equal(result.status, 'fail');
    assert.match(result.reason ?? '', /not reaching the model/);
  });

  test('is skipped, with the reason, for text-only models', async () => {
    const result = await checkImageInput(createCheckContext(functionModel(imageDigest), {}));
    assert.equal(result.status, 'skip');
    assert.match(result.reason ?? '', /does not declare image input/);
  });
});

describe('solidPng', () => {
  test('is a valid PNG whose pixels are the colour asked for', () => {
    const png = Buffer.from(solidPng(4, 200));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    assert.equal(png.readUInt32BE(16), 4);
    const idatLength = png.readUInt32BE(33);
    assert.equal(png.toString('ascii', 37, 41), 'IDAT');
    const rows = inflateSync(png.subarray(41, 41 + idatLength));
    assert.deepEqual([...rows], [0, 200, 200, 200, 200, 0, 200, 200, 200, 200, 0, 200, 200, 200, 200, 0, 200, 200, 200, 200]);
    assert.equal(png.toString('ascii', png.length - 8, png.length - 4), 'IEND');
  });
});
