/**
 * The rest of the UI in Chromium: the synthetic-model banner; sign-in by
 * keyboard alone; French chosen once and kept for the user on the server
 * (a new browser, signed in again, is in French); the model status screen;
 * the audit trail for an admin with the chain verified; every screen passes
 * axe-core's WCAG 2.1 AA rules.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';
import { assertAccessible, signIn } from './flows.ts';

let web: WebHarness;
before(async () => {
  web = await startWebHarness();
});
after(async () => {
  await web.close();
});

test('sign-in works from the keyboard alone and shows the synthetic-model banner', { timeout: 120_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  await page.goto('/');
  await page.getByTestId('synthetic-banner').waitFor();
  await assertAccessible(page, 'sign-in');
  await page.getByLabel('Username').focus();
  await page.keyboard.type(web.users.nurse.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(web.users.nurse.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-user').waitFor();
  await page.getByTestId('synthetic-banner').waitFor();
  await assertAccessible(page, 'worklist');
  await screenshot(page, 'worklist-nurse');
  assertNoProblems();
});

test('French is kept per user: chosen once, it is there at the next sign-in in another browser', { timeout: 120_000 }, async () => {
  const first = await web.newPage();
  await signIn(first.page, web.users.physician);
  const saved = first.page.waitForResponse((response) => response.url().endsWith('/api/me/preferences'));
  await first.page.getByTestId('language-toggle').click();
  assert.equal((await saved).status(), 200);
  await first.page.getByRole('link', { name: 'Liste de travail' }).waitFor();
  assert.equal(await first.page.locator('html').getAttribute('lang'), 'fr-CA');
  await assertAccessible(first.page, 'worklist (French)');

  const second = await web.newPage({ locale: 'en-GB' });
  await signIn(second.page, web.users.physician);
  await second.page.getByRole('link', { name: 'Liste de travail' }).waitFor();
  await second.page.getByRole('link', { name: 'Triage' }).click();
  await second.page.getByLabel('Nom du patient').waitFor();
  await screenshot(second.page, 'triage-french');
  await second.page.getByTestId('language-toggle').click();
  await second.page.getByRole('link', { name: 'Worklist' }).waitFor();
  first.assertNoProblems();
  second.assertNoProblems();
});

test('the status screen shows the synthetic model; an admin searches the audit trail and verifies the chain', { timeout: 120_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.admin);
  // An admin does not read patients: no worklist, triage or notes in the navigation.
  assert.equal(await page.getByRole('link', { name: 'Worklist' }).count(), 0);
  await page.getByRole('link', { name: 'Model and site' }).click();
  await page.getByTestId('status-screen').waitFor();
  assert.equal(await page.getByTestId('status-model-id').innerText(), web.model.info.id);
  assert.match(await page.getByTestId('status-synthetic').innerText(), /random weights/);
  await assertAccessible(page, 'status');
  await screenshot(page, 'status');

  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByTestId('audit-table').waitFor();
  await page.getByTestId('verify-chain').click();
  const result = await page.getByTestId('chain-result').innerText();
  assert.match(result, /Chain intact: \d+ events verified/);
  await page.getByLabel('Action').fill('login.success');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('audit-table').getByRole('cell', { name: 'login.success', exact: true }).first().waitFor();
  const actions = await page.getByTestId('audit-table').locator('tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(actions.length > 0 && actions.every((action) => action === 'login.success'), `only login.success events: ${actions.join(', ')}`);
  await assertAccessible(page, 'audit');
  await screenshot(page, 'audit');
  assertNoProblems();
});
