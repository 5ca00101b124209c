import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ggmlType } from '../gguf/constants.ts';
import { ggufValue, writeGguf, type GgufTensorSpec, type GgufWriteValue } from '../gguf/writer.ts';
import { inspectLoraFile, inspectModelFile } from './model-file-check.ts';

let directory: string;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'northstation-model-check-'));
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

const zeros = (name: string, shape: readonly number[]): GgufTensorSpec => ({
  name,
  shape,
  ggmlType: ggmlType.F32,
  data: function* () {
    yield new Uint8Array(shape.reduce((product, dim) => product * dim, 4));
  },
});

let fileCounter = 0;
async function write(metadata: Record<string, GgufWriteValue>, tensors: GgufTensorSpec[]): Promise<string> {
  const path = join(directory, `file-${++fileCounter}.gguf`);
  await writeGguf({ path, metadata, tensors });
  return path;
}

const modelMetadata = (architecture = 'gemma3'): Record<string, GgufWriteValue> => ({
  'general.architecture': ggufValue.string(architecture),
  'general.type': ggufValue.string('model'),
});

const loraMetadata = (architecture = 'gemma3'): Record<string, GgufWriteValue> => ({
  'general.architecture': ggufValue.string(architecture),
  'general.type': ggufValue.string('adapter'),
  'adapter.type': ggufValue.string('lora'),
});

// ggml order: [in, out] for weights; token_embd is [hidden, vocab].
const modelTensors = (): GgufTensorSpec[] => [zeros('token_embd.weight', [16, 40]), zeros('blk.0.attn_q.weight', [16, 32])];

const loraPair = (base: string, a: number[], b: number[]): GgufTensorSpec[] => [zeros(`${base}.lora_a`, a), zeros(`${base}.lora_b`, b)];

const refusedAs = (code: 'model_invalid' | 'unsupported', pattern: RegExp) => (error: unknown) => {
  assert.ok(isNorthstationError(error, code), String(error));
  assert.match(error.message, pattern);
  return true;
};

test('a Gemma 3 model passes', async () => {
  const model = await inspectModelFile(await write(modelMetadata(), modelTensors()));
  assert.equal(model.architecture, 'gemma3');
});

test('another architecture is unsupported', async () => {
  const path = await write(modelMetadata('llama'), modelTensors());
  await assert.rejects(inspectModelFile(path), refusedAs('unsupported', /architecture "llama" is not supported/));
});

test('an adapter passed as a model is refused', async () => {
  const path = await write(loraMetadata(), loraPair('blk.0.attn_q.weight', [16, 4], [4, 32]));
  await assert.rejects(inspectModelFile(path), refusedAs('model_invalid', /is a LoRA adapter, not a model/));
});

test('a matching adapter passes, token embedding included', async () => {
  const model = await inspectModelFile(await write(modelMetadata(), modelTensors()));
  const path = await write(loraMetadata(), [
    ...loraPair('blk.0.attn_q.weight', [16, 4], [4, 32]),
    ...loraPair('token_embd.weight', [4, 40], [4, 16]),
  ]);
  await inspectLoraFile(path, model);
});

test('adapter tensors that do not fit the model are refused', async () => {
  const model = await inspectModelFile(await write(modelMetadata(), modelTensors()));
  const cases: Array<[GgufTensorSpec[], RegExp]> = [
    [loraPair('blk.0.attn_q.weight', [8, 4], [4, 32]), /does not match the model's tensor blk\.0\.attn_q\.weight/],
    [loraPair('blk.0.attn_q.weight', [16, 4], [2, 32]), /does not match/],
    [loraPair('blk.7.attn_q.weight', [16, 4], [4, 32]), /which the model does not have/],
    [[zeros('blk.0.attn_q.weight.lora_a', [16, 4])], /only one half/],
    [[zeros('unrelated', [4])], /holds no LoRA tensors/],
  ];
  for (const [tensors, pattern] of cases) {
    await assert.rejects(inspectLoraFile(await write(loraMetadata(), tensors), model), refusedAs('model_invalid', pattern));
  }
});

test('an adapter for another architecture or of another kind is refused', async () => {
  const model = await inspectModelFile(await write(modelMetadata(), modelTensors()));
  const pair = loraPair('blk.0.attn_q.weight', [16, 4], [4, 32]);
  await assert.rejects(
    inspectLoraFile(await write(loraMetadata('llama'), pair), model),
    refusedAs('model_invalid', /architecture "llama" but the model is "gemma3"/),
  );
  await assert.rejects(inspectLoraFile(await write(modelMetadata(), pair), model), refusedAs('model_invalid', /is not an adapter/));
  const control = { ...loraMetadata(), 'adapter.type': ggufValue.string('control_vector') };
  await assert.rejects(inspectLoraFile(await write(control, pair), model), refusedAs('model_invalid', /is not a LoRA adapter/));
});
