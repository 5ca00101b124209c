import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { ensureTinyModel } from '../synthetic/test-models.ts';
import { pullModel, type PullEvent, type PullModelOptions } from './pull-model.ts';
import { openModelRegistry } from './registry.ts';
import { startTestHub, type TestHub } from './test-hub.ts';

let model: Buffer;
let hub: TestHub;
let root: string;

const fileName = 'medgemma-tiny-F16.gguf';
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

before(async () => {
  model = await readFile(await ensureTinyModel());
  const files = { [fileName]: model, 'medgemma-tiny-Q8_0.gguf': Buffer.from('other quant'), 'mmproj-medgemma-tiny-F16.gguf': Buffer.from('projector'), 'README.md': Buffer.from('# readme') };
  hub = await startTestHub({
    'acme/normal': { files },
    'acme/flaky': { files: { [fileName]: model }, behaviour: 'drop-half-once' },
    'acme/broken': { files: { [fileName]: model }, behaviour: 'drop-half-always' },
    'acme/norange': { files: { [fileName]: model }, behaviour: 'ignore-range' },
    'acme/nolfs': { files: { [fileName]: model }, behaviour: 'no-lfs' },
    'acme/tampered': { files: { [fileName]: model }, behaviour: 'wrong-checksum' },
    'acme/notgguf': { files: { 'fake-F16.gguf': Buffer.from('this is not a GGUF file, whatever its name says') } },
    'acme/gated': { files: { [fileName]: model }, behaviour: 'gated' },
  });
  root = await mkdtemp(join(tmpdir(), 'northstation-pull-'));
});

after(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

/** A fresh data home per test, and the events the pull reported. */
async function pull(spec: string, extra: Partial<PullModelOptions> = {}, home?: string) {
  const events: PullEvent[] = [];
  const dir = home ?? (await mkdtemp(join(root, 'home-')));
  const result = pullModel({ spec, hub: hub.url, token: 'hf_secret', home: dir, retryDelayMs: 10, onEvent: (e) => events.push(e), ...extra });
  return { result, events, home: dir };
}

const requestsFor = (repo: string) => hub.requests.filter((r) => r.path.includes(`/${repo}/`));
const isCode = (code: Parameters<typeof isNorthstationError>[1], pattern?: RegExp) => (error: unknown) =>
  isNorthstationError(error, code) && (pattern === undefined || pattern.test(error.message));

test('pull lists the repo, picks the quant, downloads, verifies and registers', async () => {
  const { result, events, home } = await pull('hf:acme/normal:F16');
  const registered = await result;
  const destination = join(home, 'models', 'hf', 'acme', 'normal', fileName);
  assert.equal(registered.path, destination);
  assert.equal(registered.sha256, sha(model));
  assert.equal(registered.synthetic, true);
  assert.deepEqual(registered.source, { kind: 'huggingface', hub: hub.url, repo: 'acme/normal', file: fileName });
  assert.deepEqual(await readFile(destination), model);
  await assert.rejects(stat(`${destination}.part`));
  assert.deepEqual(await openModelRegistry({ home }).list(), [registered]);
  // Both hosts were announced before contact: the hub, then its "CDN".
  const hosts = events.flatMap((e) => (e.type === 'contacting' ? [e.host] : []));
  assert.deepEqual(hosts, [new URL(hub.url).host, `localhost:${new URL(hub.url).port}`]);
  assert.ok(events.some((e) => e.type === 'download-verified'));
});

test('the token goes to the hub host only, never to the host it redirects to', () => {
  const requests = requestsFor('acme/normal');
  const hubHost = new URL(hub.url).host;
  assert.ok(requests.some((r) => r.host === hubHost));
  for (const r of requests) assert.equal(r.authorization, r.host === hubHost ? 'Bearer hf_secret' : undefined, `${r.host}${r.path}`);
  assert.ok(requests.some((r) => r.host.startsWith('localhost:') && r.path.startsWith('/cdn/')));
});

test('a connection dropped half-way is resumed with a Range request', async () => {
  const { result, events } = await pull('hf:acme/flaky:F16');
  assert.equal((await result).sha256, sha(model));
  const ranges = requestsFor('acme/flaky').filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range);
  assert.equal(ranges.length, 2);
  assert.equal(ranges[0], undefined);
  assert.match(ranges[1] ?? '', /^bytes=[1-9]\d*-$/);
  assert.ok(events.some((e) => e.type === 'download-retry'));
  assert.ok(events.some((e) => e.type === 'download-started' && e.resumeFromBytes > 0));
});

test('a pull that gives up leaves the .part; the next pull continues it', async () => {
  const first = await pull('hf:acme/broken:F16', { maxAttempts: 2 });
  await assert.rejects(first.result, isCode('upstream_error', /run the pull again to resume/));
  const part = join(first.home, 'models', 'hf', 'acme', 'broken', `${fileName}.part`);
  const partial = (await stat(part)).size;
  assert.ok(partial > 0 && partial < model.length, `partial ${partial}`);
  hub.setBehaviour('acme/broken', 'normal');
  const seen = requestsFor('acme/broken').length;
  const second = await pull('hf:acme/broken:F16', {}, first.home);
  assert.equal((await second.result).sha256, sha(model));
  const cdn = requestsFor('acme/broken').slice(seen).filter((r) => r.path.startsWith('/cdn/'));
  assert.deepEqual(cdn.map((r) => r.range), [`bytes=${partial}-`]);
});

test('an id already taken is refused before anything is downloaded', async () => {
  const first = await pull('hf:acme/normal:F16');
  await first.result;
  const seen = requestsFor('acme/nolfs').length;
  const clash = await pull('hf:acme/nolfs:F16', {}, first.home);
  await assert.rejects(clash.result, isCode('conflict', /--id/));
  assert.equal(requestsFor('acme/nolfs').slice(seen).filter((r) => r.path.startsWith('/cdn/')).length, 0);
  const renamed = await pull('hf:acme/nolfs:F16', { id: 'nolfs-copy' }, first.home);
  assert.equal((await renamed.result).id, 'nolfs-copy');
});

test('a server that ignores Range (200 instead of 206) makes the download start over', async () => {
  const home = await mkdtemp(join(root, 'home-'));
  const dir = join(home, 'models', 'hf', 'acme', 'norange');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${fileName}.part`), Buffer.from('garbage that must not survive'));
  const { result, events } = await pull('hf:acme/norange:F16', {}, home);
  assert.equal((await result).sha256, sha(model));
  assert.ok(events.some((e) => e.type === 'download-restarted'));
  assert.deepEqual(await readFile(join(dir, fileName)), model);
});

test('without an LFS record in the listing, the x-linked-etag header supplies the SHA-256', async () => {
  const { result } = await pull('hf:acme/nolfs:F16');
  assert.equal((await result).sha256, sha(model));
});

test('a checksum mismatch is refused and the download deleted', async () => {
  const { result, home } = await pull('hf:acme/tampered:F16');
  await assert.rejects(result, isCode('model_invalid', /checksum mismatch/));
  const dir = join(home, 'models', 'hf', 'acme', 'tampered');
  await assert.rejects(stat(join(dir, `${fileName}.part`)));
  await assert.rejects(stat(join(dir, fileName)));
  assert.deepEqual(await openModelRegistry({ home }).list(), []);
});

test('bytes that match their checksum but are not a GGUF are refused and deleted', async () => {
  const { result, home } = await pull('hf:acme/notgguf:F16');
  await assert.rejects(result, isCode('model_invalid', /not a valid GGUF.*deleted/));
  await assert.rejects(stat(join(home, 'models', 'hf', 'acme', 'notgguf', 'fake-F16.gguf')));
});

test('gated, missing repository, missing quant', async () => {
  await assert.rejects((await pull('hf:acme/gated:F16')).result, isCode('upstream_refused', /HF_TOKEN/));
  await assert.rejects((await pull('hf:acme/nowhere:F16')).result, isCode('not_found'));
  await assert.rejects((await pull('hf:acme/normal:Q2_K')).result, isCode('not_found', /medgemma-tiny-F16\.gguf/));
});

test('pulling a file already downloaded and registered returns the record without fetching', async () => {
  const first = await pull('hf:acme/normal:F16');
  const registered = await first.result;
  const before = requestsFor('acme/normal').filter((r) => r.path.startsWith('/cdn/')).length;
  const again = await pull('hf:acme/normal:F16', {}, first.home);
  assert.deepEqual(await again.result, registered);
  assert.equal(requestsFor('acme/normal').filter((r) => r.path.startsWith('/cdn/')).length, before);
});
