/**
 * Single sign-on in Chromium against a real OpenID provider on 127.0.0.1
 * (oidc-provider's development login): a physician signs in with "sign in with
 * your organisation", and signs a draft by confirming at the provider in a
 * popup (no password exists for her here); the draft is signed by her.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startTestProvider, type TestProvider } from '../../src/server/clinical/oidc-test-support.ts';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';
import { assertAccessible, soapDraftViaApi } from './flows.ts';

const accounts = { 'sub-physician-1': { name: 'Priya Oidc', preferred_username: 'priya.oidc', roles: ['physician'] } };

let web: WebHarness;
let provider: TestProvider | undefined;
before(async () => {
  web = await startWebHarness({
    oidc: async (redirectUri) => {
      provider = await startTestProvider(accounts, redirectUri);
      return provider.options();
    },
  });
});
after(async () => {
  await web.close();
  await provider?.close();
});

/** The provider's development login and consent forms, as a person fills them in, until the page leaves the provider. */
async function throughProviderPages(page: Page, account: string): Promise<void> {
  const issuer = new URL(provider?.issuer ?? '').origin;
  // A popup starts on about:blank and is sent to the provider a moment later.
  await page.waitForURL((url) => url.origin === issuer);
  for (let step = 0; step < 10; step += 1) {
    await page.waitForLoadState();
    const before = page.url();
    if (new URL(before).origin !== issuer) return;
    const login = page.locator('input[name="login"]');
    if ((await login.count()) > 0) {
      await login.fill(account);
      await page.locator('input[name="password"]').fill('anything');
    }
    await page.locator('button[type="submit"]').first().click();
    // Each form posts and redirects: the next step starts on the page it lands on. A step-up
    // popup closes itself once back at the app.
    try {
      await page.waitForURL((url) => url.href !== before);
    } catch (error) {
      if (page.isClosed()) return;
      throw error;
    }
  }
}

test('a physician signs in by single sign-on and signs a draft after confirming at the provider', { timeout: 300_000 }, async () => {
  const { draft } = await soapDraftViaApi(web, 'nurse', 'Test Patient Sso');

  const { page, assertNoProblems } = await web.newPage();
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in with your organisation (single sign-on)' }).click();
  await throughProviderPages(page, 'sub-physician-1');
  await page.getByTestId('signed-in-user').filter({ hasText: 'Priya Oidc' }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('sso'), null, 'the one-time code is gone from the address bar');

  await page.goto(`/#/drafts/${draft.id}`);
  await page.getByTestId('sign-button').click();
  // No password field for a single sign-on session: confirmation happens at the provider.
  assert.equal(await page.getByTestId('sign-password').count(), 0);
  const popupOpened = page.waitForEvent('popup');
  await page.getByTestId('sign-stepup').click();
  const popup = await popupOpened;
  await throughProviderPages(popup, 'sub-physician-1');
  if (!popup.isClosed()) await popup.waitForEvent('close');
  await page.getByRole('dialog').getByRole('status').filter({ hasText: 'Confirmed' }).waitFor();
  await assertAccessible(page, 'sign dialog after single sign-on confirmation');
  await page.getByTestId('sign-confirm').click();
  await page.getByTestId('draft-status').filter({ hasText: 'Signed' }).waitFor();
  assert.match(await page.getByTestId('signature').innerText(), /by Priya Oidc \(physician\)/);
  await screenshot(page, 'sso-signed');
  // The test provider's development pages (not the app: its CSP allows no outbound request) ask
  // Google for a web font, which this offline machine cannot resolve, and the provider for a favicon it lacks.
  const providerOrigin = new URL(provider?.issuer ?? 'http://invalid').origin;
  assertNoProblems([/https:\/\/fonts\.googleapis\.com\//, new RegExp(`\\(${providerOrigin.replaceAll('.', '\\.')}/favicon\\.ico\\)$`)]);
});
