import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { readGguf } from '../../engine/gguf/reader.ts';
import { ensureFreeSpace, run } from './synth-model.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'northstation-synth-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command with stdout and stderr captured. */
async function capture(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('synth-model command', () => {
  const badFlags: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--out', 'x.gguf', '--shape', 'huge'], /--shape must be one of tiny, medgemma-4b, medgemma-27b; got "huge"/],
    [['--out', 'x.gguf', '--quant', 'q5_k'], /--quant must be one of f16, q8_0, q4_0/],
    [['--shape', 'tiny'], /--out FILE is required/],
    [['--out', 'x.gguf', '--seed=-1'], /--seed must be an integer/],
    [['--out', 'x.gguf', '--seed', 'abc'], /--seed must be an integer/],
    [['--out', 'x.gguf', '--rank', '4'], /--rank needs --lora/],
    [['--lora', '--out', 'x.gguf', '--quant', 'q4_0'], /--quant does not apply to --lora/],
    [['--lora', '--out', 'x.gguf', '--rank', '0'], /--rank must be an integer from 1 to 1024/],
    [['--lora', '--out', 'x.gguf', '--alpha', 'much'], /--alpha must be a positive number/],
    [['--out', 'x.gguf', 'extra'], /unexpected argument "extra"/],
    [['--projector', 'huge', '--out', 'x.gguf'], /--projector must be one of tiny, medgemma-4b; got "huge"/],
    [['--projector', 'tiny', '--type', 'q4_0', '--out', 'x.gguf'], /--type must be one of f16, q8_0/],
    [['--projector', 'tiny', '--quant', 'q8_0', '--out', 'x.gguf'], /--quant does not apply to --projector/],
    [['--projector', 'tiny', '--lora', '--out', 'x.gguf'], /--lora does not apply to --projector/],
    [['--type', 'f16', '--out', 'x.gguf'], /--type needs --projector/],
  ];
  for (const [args, message] of badFlags) {
    test(`refuses ${args.join(' ')}`, async () => {
      const result = await capture(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /usage: northstation synth-model/);
    });
  }

  test('--help prints usage', async () => {
    const result = await capture(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /--shape/);
  });

  test('writes a tiny model, then refuses to overwrite it without --force', async () => {
    const out = join(dir, 'tiny.gguf');
    const first = await capture(['--shape', 'tiny', '--quant', 'q8_0', '--out', out, '--seed', '3']);
    assert.equal(first.code, 0);
    assert.match(first.stdout, /^wrote .*tiny\.gguf: synthetic tiny q8_0 model, [\d.]+ kB, seed 3/);
    const file = await readGguf(out);
    assert.equal(file.metadata['northstation.synthetic.seed'], 3);
    await assert.rejects(capture(['--out', out]), (error: unknown) => isNorthstationError(error, 'conflict') && /--force/.test(error.message));
    assert.equal((await capture(['--out', out, '--force'])).code, 0);
  });

  test('writes a LoRA adapter', async () => {
    const out = join(dir, 'adapter.gguf');
    const result = await capture(['--lora', '--rank', '2', '--arch', 'llama', '--out', out]);
    assert.equal(result.code, 0);
    const file = await readGguf(out);
    assert.equal(file.metadata['adapter.type'], 'lora');
    assert.equal(file.architecture, 'llama');
  });

  test('writes a tiny q8_0 vision projector, then refuses to overwrite it without --force', async () => {
    const out = join(dir, 'mmproj.gguf');
    const result = await capture(['--projector', 'tiny', '--type', 'q8_0', '--out', out, '--seed', '4']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^wrote .*mmproj\.gguf: synthetic tiny q8_0 vision projector, [\d.]+ kB, seed 4/);
    const file = await readGguf(out);
    assert.equal(file.metadata['clip.projector_type'], 'gemma3');
    assert.equal(file.metadata['general.file_type'], 7);
    await assert.rejects(capture(['--projector', 'tiny', '--out', out]), (error: unknown) => isNorthstationError(error, 'conflict'));
  });

  test('refuses a directory as --out', async () => {
    await assert.rejects(capture(['--out', dir, '--force']), (error: unknown) => isNorthstationError(error, 'conflict'));
  });

  test('refuses with numbers when the disk is too small', async () => {
    await assert.rejects(ensureFreeSpace(join(dir, 'big.gguf'), 10 ** 18), (error: unknown) => {
      assert.ok(isNorthstationError(error, 'model_too_large'));
      assert.match(error.message, /needs 1000000 TB but .* has only [\d.]+ [KMGT]?B free/);
      return true;
    });
    await writeFile(join(dir, 'small.txt'), 'x');
    await ensureFreeSpace(join(dir, 'small.gguf'), 1);
  });

  test('refuses an output directory that does not exist', async () => {
    await assert.rejects(ensureFreeSpace(join(dir, 'missing', 'x.gguf'), 1), (error: unknown) => isNorthstationError(error, 'not_found'));
  });
});
