/**
 * The web UI loads in a real browser (Chromium, headless) from the real
 * clinical server: a page titled Northstation, served with the
 * Content-Security-Policy, and no console error, page error or failed request
 * (a CSP violation would be a console error). Screenshot: test-results/smoke-home.png.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';

let web: WebHarness;
before(async () => {
  web = await startWebHarness();
});
after(async () => {
  await web.close();
});

test('web smoke: / loads in Chromium with its title, the CSP and no errors', { timeout: 120_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  const response = await page.goto('/', { waitUntil: 'networkidle' });
  assert.ok(response, 'a response for /');
  assert.equal(response.status(), 200);
  const headers = response.headers();
  assert.match(headers['content-security-policy'] ?? '', /default-src 'self'; script-src 'self';/);
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.match(await page.title(), /Northstation/);
  // The app rendered something into its root (React ran under the CSP).
  await page.waitForFunction('document.getElementById("root")?.childElementCount > 0', undefined, { timeout: 15_000 });
  const path = await screenshot(page, 'smoke-home');
  assert.ok(existsSync(path) && statSync(path).size > 0, path);
  assertNoProblems();
});

test('web smoke: a UI path deep in the app loads the same page (SPA fallback)', { timeout: 60_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  const response = await page.goto('/worklist', { waitUntil: 'networkidle' });
  assert.equal(response?.status(), 200);
  assert.match(await page.title(), /Northstation/);
  await screenshot(page, 'smoke-deep-path');
  assertNoProblems();
});
