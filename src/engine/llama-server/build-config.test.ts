import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCacheKey, buildLayout, cmakeConfigureArgs, parseBuildProgress } from './build-config.ts';

const shaA = 'a'.repeat(64);
const shaB = 'b'.repeat(64);

test('the cache key changes with the source and with the flags, and only with them', () => {
  assert.equal(buildCacheKey(shaA, { cuda: false }), buildCacheKey(shaA, { cuda: false }));
  assert.notEqual(buildCacheKey(shaA, { cuda: false }), buildCacheKey(shaB, { cuda: false }));
  assert.notEqual(buildCacheKey(shaA, { cuda: false }), buildCacheKey(shaA, { cuda: true }));
  assert.match(buildCacheKey(shaA, { cuda: false }), /^[0-9a-f]{16}$/);
});

test('configure arguments: Release, native CPU, no curl, CUDA only when asked', () => {
  const cpu = cmakeConfigureArgs({ cuda: false });
  for (const flag of ['-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF', '-DGGML_CUDA=OFF']) assert.ok(cpu.includes(flag), flag);
  assert.ok(cmakeConfigureArgs({ cuda: true }).includes('-DGGML_CUDA=ON'));
});

test('flag variants share the source checkout but not the build directory', () => {
  const cpu = buildLayout('/home/ns', shaA, { cuda: false });
  const gpu = buildLayout('/home/ns', shaA, { cuda: true });
  assert.equal(cpu.sourceDir, gpu.sourceDir);
  assert.notEqual(cpu.buildDir, gpu.buildDir);
  assert.equal(cpu.lockFile, gpu.lockFile, 'one lock per machine, whatever the flags');
  assert.ok(cpu.binary.startsWith(`${cpu.buildDir}/`));
  assert.ok(cpu.root.startsWith('/home/ns/'));
});

test('progress lines from ninja and make are parsed; anything else is not', () => {
  assert.deepEqual(parseBuildProgress('[42/336] Building CXX object src/llama.cpp.o'), { done: 42, total: 336 });
  assert.deepEqual(parseBuildProgress('[ 37%] Building C object ggml.c.o'), { percent: 37 });
  assert.equal(parseBuildProgress('warning: [42/336] inside a message'), undefined);
  assert.equal(parseBuildProgress('-- Configuring done'), undefined);
});
