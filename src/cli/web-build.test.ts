/**
 * ensureWebBuild (web-build.ts) over a fixture repository with a fake
 * builder: a missing or stale build is rebuilt and stamped, a fresh one is
 * left alone, any source (web/src, src/clinical, package-lock.json) makes it
 * stale, and a failed build leaves the previous one in place. The real Vite
 * build runs in test/web/smoke.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildStampName, currentBuildHash, ensureWebBuild, webSourceFiles, webSourceHash } from './web-build.ts';

const root = mkdtempSync(join(tmpdir(), 'ns-web-build-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

const write = (path: string, text: string): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
write('web/index.html', '<!doctype html><title>Northstation</title>');
write('web/vite.config.ts', 'export default {};');
write('web/src/main.tsx', 'console.log(1);');
write('web/src/ward/list.tsx', 'export {};');
write('web/notes.md', 'not a source');
write('src/clinical/news2.ts', 'export const x = 1;');
write('src/other/ignored.ts', 'export const y = 1;');
write('package-lock.json', '{}');

let builds = 0;
const lines: string[] = [];
const fakeBuild = (outDir: string): Promise<void> => {
  builds += 1;
  mkdirSync(join(outDir, 'assets'));
  writeFileSync(join(outDir, 'index.html'), `build ${builds}`);
  writeFileSync(join(outDir, 'assets', `index-${builds}.js`), '');
  return Promise.resolve();
};
const ensure = () => ensureWebBuild({ root, build: fakeBuild, log: (line) => lines.push(line) });
const served = (): string => readFileSync(join(root, 'web', 'dist', 'index.html'), 'utf8');

test('web build: the sources are web/ (index.html, vite config, src/**), src/clinical/** and package-lock.json', async () => {
  assert.deepEqual(await webSourceFiles(root), ['package-lock.json', 'src/clinical/news2.ts', 'web/index.html', 'web/src/main.tsx', 'web/src/ward/list.tsx', 'web/vite.config.ts']);
  assert.match(await webSourceHash(root), /^[0-9a-f]{64}$/);
});

test('web build: none yet → builds and stamps; fresh → no build; stale → rebuilds, whole', async () => {
  assert.equal(await currentBuildHash(root), undefined);
  const first = await ensure();
  assert.equal(first.built, true);
  assert.equal(builds, 1);
  assert.equal(served(), 'build 1');
  assert.equal(readFileSync(join(root, 'web', 'dist', buildStampName), 'utf8').trim(), first.hash);
  assert.match(lines.join('\n'), /Building the web UI[^]*Web UI built in \d+\.\d s/);

  const second = await ensure();
  assert.deepEqual(second, { ...first, built: false });
  assert.equal(builds, 1, 'a fresh build is not rebuilt');

  for (const [path, text] of [['web/src/ward/list.tsx', 'export const changed = 1;'], ['src/clinical/news2.ts', 'export const x = 2;'], ['package-lock.json', '{"v":2}'], ['web/src/new-file.ts', '']] as const) {
    const before: number = builds;
    write(path, text);
    const rebuilt = await ensure();
    assert.equal(rebuilt.built, true, `${path} changed`);
    assert.equal(builds, before + 1);
    assert.equal(served(), `build ${builds}`);
    assert.equal(existsSync(join(root, 'web', 'dist', 'assets', `index-${before}.js`)), false, 'the old build is replaced, not merged');
    assert.equal((await ensure()).built, false);
  }

  const unrelated = builds;
  write('src/other/ignored.ts', 'export const y = 2;');
  write('web/notes.md', 'changed');
  assert.equal((await ensure()).built, false, 'files outside the sources do not rebuild');
  assert.equal(builds, unrelated);
  assert.equal((await ensureWebBuild({ root, build: fakeBuild, log: () => undefined, force: true })).built, true);
});

test('web build: a deleted stamp or index.html means a rebuild; a failed build keeps the previous one', async () => {
  await ensure();
  rmSync(join(root, 'web', 'dist', buildStampName));
  assert.equal((await ensure()).built, true);
  rmSync(join(root, 'web', 'dist', 'index.html'));
  assert.equal((await ensure()).built, true);

  const kept = served();
  write('web/src/main.tsx', 'console.log(2);');
  await assert.rejects(ensureWebBuild({ root, log: () => undefined, build: () => Promise.reject(new Error('vite failed')) }), /vite failed/);
  assert.equal(served(), kept, 'the previous build is still served');
  assert.notEqual(await currentBuildHash(root), await webSourceHash(root), 'and still stale: the next call builds again');
  await assert.rejects(ensureWebBuild({ root, log: () => undefined, build: () => Promise.resolve() }), /wrote no index\.html/);
  assert.equal((await ensure()).built, true);
});
