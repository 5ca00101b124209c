import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readGguf } from '../gguf/reader.ts';
import { ensureTinyLora, ensureTinyModel, ensureTinyProjector, syntheticWriterVersion } from './test-models.ts';

const run = promisify(execFile);

test('ensureTinyModel and ensureTinyLora return readable, cached files', async () => {
  const model = await ensureTinyModel();
  assert.equal(await ensureTinyModel(), model);
  assert.equal((await readGguf(model)).metadata['northstation.synthetic'], true);
  const lora = await ensureTinyLora();
  assert.equal((await readGguf(lora)).metadata['general.type'], 'adapter');
  const other = await ensureTinyLora({ architecture: 'llama' });
  assert.notEqual(other, lora);
  assert.equal((await readGguf(other)).architecture, 'llama');
});

test('ensureTinyProjector returns a cached gemma3 projector sized for the tiny model', async () => {
  const projector = await ensureTinyProjector();
  assert.equal(await ensureTinyProjector(), projector);
  const [file, model] = await Promise.all([readGguf(projector), readGguf(await ensureTinyModel())]);
  assert.equal(file.metadata['clip.projector_type'], 'gemma3');
  assert.equal(file.metadata['clip.vision.projection_dim'], model.metadata['gemma3.embedding_length']);
});

test('concurrent processes racing on an empty cache all get the same whole file', async () => {
  const isolated = await mkdtemp(join(tmpdir(), 'northstation-cache-race-'));
  try {
    const script = [
      "import { createHash } from 'node:crypto';",
      "import { readFileSync } from 'node:fs';",
      `import { ensureTinyModel } from ${JSON.stringify(new URL('./test-models.ts', import.meta.url).href)};`,
      "const path = await ensureTinyModel();",
      "console.log(createHash('sha256').update(readFileSync(path)).digest('hex'));",
    ].join('\n');
    const env = { ...process.env, TMPDIR: isolated };
    const outputs = await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ['--input-type=module', '--eval', script], { env })),
    );
    const hashes = outputs.map((output) => output.stdout.trim());
    assert.equal(new Set(hashes).size, 1);
    const files = await readdir(join(isolated, `northstation-synthetic-v${syntheticWriterVersion}`));
    assert.deepEqual(files, ['tiny-gemma3-f16.gguf'], 'no temp files left behind');
  } finally {
    await rm(isolated, { recursive: true, force: true });
  }
});
