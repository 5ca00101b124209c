import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../core/log.ts';
import { isNorthstationError } from '../core/errors.ts';
import { openModelFromArgs, type ModelArgValues } from './model-args.ts';

/** Each of these is refused before anything is loaded, built or started. */
async function refused(values: ModelArgValues, message: RegExp): Promise<void> {
  await assert.rejects(openModelFromArgs(values, silentLogger), (error) => isNorthstationError(error, 'bad_request') && message.test(error.message));
}

test('--mmproj goes with --model; the synthetic pair is --synthetic-vision', async () => {
  await refused({ synthetic: true, mmproj: 'tiny' }, /--mmproj FILE goes with --model FILE.*--synthetic-vision/);
  await refused({ upstream: ['http://127.0.0.1:1/v1'], mmproj: 'x.gguf' }, /--mmproj FILE goes with --model FILE/);
});

test('--synthetic-vision is a model choice of its own', async () => {
  await refused({ synthetic: true, 'synthetic-vision': true }, /choose exactly one of .*--synthetic-vision/);
  await refused({ model: 'm.gguf', 'synthetic-vision': true }, /choose exactly one/);
});

test('--llama-server needs a projector; embedded-only flags are refused with one', async () => {
  await refused({ model: 'm.gguf', 'llama-server': '/usr/bin/llama-server' }, /--llama-server PATH serves a model with --mmproj/);
  await refused({ model: 'm.gguf', mmproj: 'p.gguf', lora: ['a.gguf'] }, /--lora is not supported with a vision projector/);
  await refused({ model: 'm.gguf', mmproj: 'p.gguf', cpu: true }, /--cpu is not supported with a vision projector/);
});
