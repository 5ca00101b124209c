/**
 * The web UI's static routes (web-ui.ts) on the real clinical app, over a
 * fixture build: content types, caching, the SPA fallback, the security
 * headers, the API's paths left alone, path traversal refused, and the
 * answer while the UI is not built.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { call, harness, type Harness } from './test-helpers.ts';
import { contentTypeOf, immutableCaching, resolveStaticFile, webUiSecurityHeaders } from './web-ui.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-web-ui-'));
const root = join(dir, 'dist');
const index = '<!doctype html><html><head><title>Northstation</title><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), index);
writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log("ui");');
writeFileSync(join(root, 'assets', 'index-def456.css'), 'body{margin:0}');
writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(join(root, '.build-hash'), 'stamp');
// Outside the web root: must never be served.
writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
symlinkSync(dir, join(root, 'assets', 'up'));
// The harness builds the app with the default web root: point it at the fixture.
process.env.NORTHSTATION_WEB_ROOT = root;

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string): Promise<LightMyRequestResponse> => h.app.inject({ method: 'GET', url });

function assertSecurityHeaders(response: LightMyRequestResponse, url: string): void {
  for (const [name, value] of Object.entries(webUiSecurityHeaders)) assert.equal(response.headers[name], value, `${url}: ${name}`);
}

test('web UI: GET / answers index.html without credentials, no-cache, with the security headers', async () => {
  const response = await get('/');
  assert.equal(response.statusCode, 200);
  assert.equal(response.body, index);
  assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(response.headers['cache-control'], 'no-cache');
  assertSecurityHeaders(response, '/');
  assert.match(String(response.headers['content-security-policy']), /script-src 'self';/);
  assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
});

test('web UI: HEAD is public where GET is (curl -I /), and still needs credentials on the API', async () => {
  const head = await h.app.inject({ method: 'HEAD', url: '/' });
  assert.equal(head.statusCode, 200);
  assert.match(String(head.headers['content-type']), /^text\/html/);
  assert.equal((await h.app.inject({ method: 'HEAD', url: '/api/worklist' })).statusCode, 401);
});

test('web UI: hashed bundles are immutable, with their content types', async () => {
  const script = await get('/assets/index-abc123.js');
  assert.equal(script.statusCode, 200);
  assert.equal(script.body, 'console.log("ui");');
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(script.headers['cache-control'], immutableCaching);
  assertSecurityHeaders(script, 'script');
  const style = await get('/assets/index-def456.css');
  assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
  const icon = await get('/favicon.svg');
  assert.equal(icon.statusCode, 200);
  assert.equal(icon.headers['content-type'], 'image/svg+xml');
  assert.equal(icon.headers['cache-control'], 'no-cache');
  assert.equal(contentTypeOf('x.woff2'), 'font/woff2');
  assert.equal(contentTypeOf('x.unknown'), 'application/octet-stream');
});

test("web UI: the UI's own paths fall back to index.html; a missing file or bundle is a 404 with the headers", async () => {
  for (const url of ['/worklist', '/drafts/d_123', '/triage/new?x=1']) {
    const response = await get(url);
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.body, index, url);
    assertSecurityHeaders(response, url);
  }
  const favicon = await get('/favicon.ico');
  assert.equal(favicon.statusCode, 204, 'no favicon in the build: empty, not an error');
  assertSecurityHeaders(favicon, '/favicon.ico');
  for (const url of ['/assets/index-old999.js', '/robots.txt', '/drafts/report.pdf']) {
    const response = await get(url);
    assert.equal(response.statusCode, 404, url);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'not_found');
    assertSecurityHeaders(response, url);
  }
});

test('web UI: /api, /fhir and /docs paths are never answered with the UI; the API still works', async () => {
  for (const url of ['/api/no-such-route', '/api', '/fhir/R4/NoSuchType/1', '/docs/extra']) {
    // As every unknown route of the API: not public (401 without a token), 404 with one.
    const anonymous = await get(url);
    assert.equal(anonymous.statusCode, 401, url);
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
    assert.doesNotMatch(anonymous.body, /<html/);
    const signedIn = await call(h, 'nurse', { method: 'GET', url });
    assert.equal(signedIn.statusCode, 404, url);
    assert.equal(signedIn.json<{ error: { code: string } }>().error.code, 'not_found', url);
    assert.doesNotMatch(signedIn.body, /<html/);
  }
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/status' })).statusCode, 200);
  assert.equal((await get('/api/status')).statusCode, 401, 'the API keeps its authentication');
  const docs = await get('/docs');
  assert.equal(docs.statusCode, 200);
  assert.equal(docs.headers['content-security-policy'], undefined, 'the UI headers stay on the UI routes');
});

test('web UI: no path leaves the web root (.., encoded .., symbolic links, dot files)', async () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/assets/link.txt',
    '/assets/up/secret.txt',
    '/assets/%00index-abc123.js',
    '/.build-hash',
    '/assets/.hidden',
    '//etc/passwd',
    '/assets//etc/passwd',
  ];
  for (const url of attempts) {
    const response = await get(url);
    assert.doesNotMatch(response.body, /TOP-SECRET|root:/, url);
    assert.ok(response.statusCode === 404 || response.statusCode === 400 || (response.statusCode === 200 && response.body === index), `${url}: ${response.statusCode}`);
  }
  assert.equal(await resolveStaticFile(root, '../secret.txt'), undefined);
  assert.equal(await resolveStaticFile(root, 'assets/../../secret.txt'), undefined);
  assert.equal(await resolveStaticFile(root, 'assets/link.txt'), undefined);
  assert.equal(await resolveStaticFile(root, 'assets'), undefined, 'a folder is not a file');
  assert.equal(await resolveStaticFile(root, '.build-hash'), undefined);
  assert.ok((await resolveStaticFile(root, 'assets/index-abc123.js'))?.endsWith('index-abc123.js'));
});

test('web UI: not built → 404 saying how to build it, with the headers', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'ns-web-ui-empty-'));
  process.env.NORTHSTATION_WEB_ROOT = empty;
  const bare = await harness();
  try {
    for (const url of ['/', '/worklist', '/assets/index-abc123.js']) {
      const response = await bare.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.match(response.json<{ error: { message: string } }>().error.message, /web UI is not built/, url);
      assertSecurityHeaders(response, url);
    }
  } finally {
    await bare.close();
    process.env.NORTHSTATION_WEB_ROOT = root;
    rmSync(empty, { recursive: true, force: true });
  }
});
