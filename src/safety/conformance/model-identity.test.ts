import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ChatModel } from '../../engine/chat-model.ts';
import { registerModelFile } from '../../engine/models/register-model-file.ts';
import { openModelRegistry } from '../../engine/models/registry.ts';
import { sha256File } from '../../engine/models/sha256.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTinyModel } from '../../engine/synthetic/test-models.ts';
import { identityKey, modelIdentity } from './model-identity.ts';

let home: string;
let path: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'northstation-identity-'));
  path = join(home, 'tiny.gguf');
  await copyFile(await ensureTinyModel(), path);
});
after(async () => { await rm(home, { recursive: true, force: true }); });

/** Only `info` matters to modelIdentity; nothing is generated. */
function modelWith(info: ChatModel['info']): ChatModel {
  return { info, capabilities: { text: true, image: false, jsonSchema: true, lora: false }, generate: () => Promise.reject(new Error('unused')), dispose: () => Promise.resolve() };
}

describe('modelIdentity', () => {
  test('hashes an unregistered file, reporting progress', async () => {
    let reported = 0;
    const identity = await modelIdentity(modelWith({ id: 'tiny', backend: 'llama', synthetic: true, details: { path } }), { home, onHashProgress: () => { reported++; } });
    assert.equal(identity.file?.sha256, await sha256File(path));
    assert.equal(identity.file.sha256Source, 'computed');
    assert.ok(reported > 0);
  });

  test('takes the registry hash while the file is unchanged since registration, and hashes again after a write', async () => {
    const registered = await registerModelFile({ path, home, id: 'tiny', knownSha256: 'b'.repeat(64), now: () => new Date(Date.now() + 60_000) });
    const model = modelWith({ id: 'tiny', backend: 'llama', synthetic: true, details: { path, lora: '/a.gguf@1' } });
    const fromRegistry = await modelIdentity(model, { home });
    assert.equal(fromRegistry.file?.sha256Source, 'registry');
    assert.equal(fromRegistry.file.sha256, registered.sha256); // the registry's word, hence the deliberately wrong hash here
    assert.equal(fromRegistry.lora, '/a.gguf@1');

    const later = new Date(Date.now() + 120_000);
    await utimes(path, later, later);
    const rehashed = await modelIdentity(model, { home });
    assert.equal(rehashed.file?.sha256Source, 'computed');
    assert.equal(rehashed.file.sha256, await sha256File(path));
  });

  test('other bytes of the same size with the mtime set back (utimes) are hashed, not taken from the registry', async () => {
    const swapped = join(home, 'swapped.gguf');
    await copyFile(path, swapped);
    const registered = await registerModelFile({ path: swapped, home, id: 'swapped' });
    assert.ok(registered.device !== undefined && registered.inode !== undefined);
    const model = modelWith({ id: 'swapped', backend: 'llama', synthetic: true, details: { path: swapped } });
    assert.equal((await modelIdentity(model, { home })).file?.sha256Source, 'registry');

    await sleep(30); // past the file system's coarse clock, so the write's ctime is after registration
    const { size } = await stat(swapped);
    const handle = await open(swapped, 'r+');
    await handle.write(Buffer.from([0x5a, 0xa5, 0x5a, 0xa5]), 0, 4, size - 4);
    await handle.close();
    await utimes(swapped, 0, 0);
    assert.equal((await stat(swapped)).size, registered.sizeBytes);
    const identity = await modelIdentity(model, { home });
    assert.equal(identity.file?.sha256Source, 'computed');
    assert.notEqual(identity.file.sha256, registered.sha256);
    assert.equal(identity.file.sha256, await sha256File(swapped));
  });

  test('another file renamed onto the registered path, or a record without device and inode, is hashed', async () => {
    const original = join(home, 'renamed.gguf');
    await copyFile(path, original);
    await registerModelFile({ path: original, home, id: 'renamed', now: () => new Date(Date.now() + 60_000) });
    const model = modelWith({ id: 'renamed', backend: 'llama', synthetic: true, details: { path: original } });
    assert.equal((await modelIdentity(model, { home })).file?.sha256Source, 'registry');
    // A different inode at the same path (same size, times before "registration").
    const replacement = join(home, 'replacement.gguf');
    await copyFile(path, replacement);
    assert.notEqual((await stat(replacement)).ino, (await stat(original)).ino);
    await rename(replacement, original);
    assert.equal((await modelIdentity(model, { home })).file?.sha256Source, 'computed');

    // An old record (no device, inode), otherwise unchanged.
    const registry = openModelRegistry({ home });
    const legacy = join(home, 'legacy.gguf');
    await copyFile(path, legacy);
    const json = JSON.parse(await readFile(registry.file, 'utf8')) as { version: 1; models: Array<Record<string, unknown>> };
    json.models.push({ ...json.models[0], id: 'legacy', path: legacy, device: undefined, inode: undefined, addedAt: new Date(Date.now() + 60_000).toISOString() });
    await writeFile(registry.file, JSON.stringify(json));
    assert.equal((await registry.find('legacy'))?.inode, undefined);
    const old = await modelIdentity(modelWith({ id: 'legacy', backend: 'llama', synthetic: true, details: { path: legacy } }), { home });
    assert.equal(old.file?.sha256Source, 'computed');
  });

  test('an upstream is its model name and sorted base URLs; the key ignores the file hash', async () => {
    const identity = await modelIdentity(modelWith({ id: 'ward', backend: 'openai', synthetic: false, details: { upstreamModel: 'google/medgemma-4b-it', upstreams: 'http://b/v1/ http://a/v1/' } }));
    assert.deepEqual(identity.upstream, { model: 'google/medgemma-4b-it', baseUrls: ['http://a/v1/', 'http://b/v1/'] });
    assert.equal(identityKey(identity), 'openai:google/medgemma-4b-it@http://a/v1/,http://b/v1/');
    const file = { path: '/m.gguf', sizeBytes: 1, sha256Source: 'computed' as const };
    assert.equal(
      identityKey({ id: 'm', backend: 'llama', synthetic: false, file: { ...file, sha256: 'a'.repeat(64) } }),
      identityKey({ id: 'm', backend: 'llama', synthetic: false, file: { ...file, sha256: 'b'.repeat(64) } }),
    );
  });
});
