import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHelpOptions } from './binary-check.ts';
import { buildServerArgs, buildServerEnv, type ServerLaunch } from './server-args.ts';

const launch: ServerLaunch = { model: '/m/model.gguf', port: 4321, threads: 2, contextSize: 2048, parallel: 1, alias: 'model', supported: new Set() };

function valueOf(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

test('loopback, port, model, threads, context, alias', () => {
  const args = buildServerArgs(launch);
  assert.equal(valueOf(args, '--host'), '127.0.0.1');
  assert.equal(valueOf(args, '--port'), '4321');
  assert.equal(valueOf(args, '-m'), '/m/model.gguf');
  assert.equal(valueOf(args, '--threads'), '2');
  assert.equal(valueOf(args, '--ctx-size'), '2048');
  assert.equal(valueOf(args, '--parallel'), '1');
  assert.equal(valueOf(args, '--alias'), 'model');
  assert.equal(args.includes('--mmproj'), false);
  assert.equal(args.includes('--api-key'), false, 'the key goes in the environment');
});

test('a projector adds --mmproj; hardening flags only when the binary lists them', () => {
  const help = 'usage: --host HOST --no-webui  --no-slots, --slots   --log-colors [on|off|auto]  --swa-full  use full-size SWA cache';
  const args = buildServerArgs({ ...launch, projector: '/m/mmproj.gguf', supported: parseHelpOptions(help) });
  assert.equal(valueOf(args, '--mmproj'), '/m/mmproj.gguf');
  assert.ok(args.includes('--no-webui'));
  assert.ok(args.includes('--no-slots'));
  assert.equal(valueOf(args, '--log-colors'), 'off');
  assert.ok(args.includes('--swa-full'), 'a full sliding-window cache, so a prompt prefix (an image) is reused');
  assert.equal(args.includes('--offline'), false);
  assert.equal(buildServerArgs(launch).includes('--swa-full'), false);
});

test('the environment carries the key and none of the parent LLAMA_* settings', () => {
  const env = buildServerEnv('k3y', { PATH: '/bin', LLAMA_ARG_HOST: '0.0.0.0', LLAMA_API_KEY: 'old', LLAMA_ARG_ENDPOINT_SLOTS: '1' });
  assert.deepEqual(env, { PATH: '/bin', LLAMA_API_KEY: 'k3y' });
});
