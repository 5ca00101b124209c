/**
 * A physician in Chromium drafts a SOAP note from an ACI-BENCH transcript on
 * the tiny synthetic model, edits it, sees the edit in the diff against the
 * AI draft, signs with the password, and finds it signed in the worklist.
 * A signed note is amended (reason, password) and then marked entered in
 * error. A nurse opening a draft sees no sign button, and the API refuses her anyway.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';
import { aciBenchTranscript, assertAccessible, signIn, soapDraftViaApi } from './flows.ts';

let web: WebHarness;
before(async () => {
  web = await startWebHarness();
});
after(async () => {
  await web.close();
});

const edit = 'Reviewed with the patient: symptoms started two weeks ago.';

test('a physician drafts, edits and signs a SOAP note from an ACI-BENCH transcript; the worklist shows it signed', { timeout: 600_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.physician);
  await page.getByRole('link', { name: 'Encounter note' }).click();
  await page.getByLabel('Patient name').fill('Test Patient Soap');
  await page.getByTestId('transcript').fill(aciBenchTranscript());
  await assertAccessible(page, 'encounter note');
  await page.getByTestId('draft-soap').click();
  await page.getByTestId('workflow-progress').waitFor();
  await page.getByTestId('soap-note').waitFor({ timeout: 540_000 });
  assert.equal(await page.getByTestId('draft-status').innerText(), 'Awaiting review');
  for (const section of ['subjective', 'objective', 'assessment', 'plan']) await page.getByTestId(`section-${section}`).waitFor();
  await page.getByTestId('limitations').waitFor();
  await assertAccessible(page, 'SOAP review');
  await screenshot(page, 'soap-draft');

  // Edit: the first statement if the model wrote one, else a new one.
  const statements = page.getByTestId('statement-text');
  if ((await statements.count()) === 0) await page.getByRole('button', { name: 'Add a statement to Subjective' }).click();
  await statements.first().fill(edit);
  assert.equal(await page.getByTestId('sign-button').isDisabled(), true, 'no signing with unsaved edits');
  await page.getByTestId('toggle-diff').click();
  await page.getByTestId('diff').locator('ins', { hasText: 'symptoms started two weeks ago' }).waitFor();
  const saved = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().includes('/api/drafts/'));
  await page.getByTestId('save-edits').click();
  assert.equal((await saved).status(), 200);
  await screenshot(page, 'soap-edited-diff');

  await page.getByTestId('sign-button').click();
  await page.getByRole('dialog').waitFor();
  await assertAccessible(page, 'sign dialog');
  // A mistyped password is refused in the dialog: the physician stays signed in, nothing is signed.
  await page.getByTestId('sign-password').fill('not my password at all');
  await page.getByTestId('sign-confirm').click();
  await page.getByRole('dialog').getByRole('alert').filter({ hasText: /re-authentication failed/ }).waitFor();
  assert.equal(await page.getByTestId('signed-in-user').count(), 1);
  assert.equal(await page.getByTestId('draft-status').innerText(), 'Awaiting review');
  await page.getByTestId('sign-password').fill(web.users.physician.password);
  await page.getByTestId('sign-confirm').click();
  await page.getByTestId('draft-status').filter({ hasText: 'Signed' }).waitFor();
  assert.match(await page.getByTestId('signature').innerText(), /^Signed .+ by Test physician \(physician\)\.$/);
  await screenshot(page, 'soap-signed');

  const id = new URL(page.url()).hash.replace('#/drafts/', '');
  const token = await web.apiToken('physician');
  const stored = (await (await fetch(`${web.url}/api/drafts/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; currentContent: { sections: Record<string, { text: string }[]> } };
  assert.equal(stored.status, 'signed');
  assert.ok(Object.values(stored.currentContent.sections).flat().some((statement) => statement.text === edit), 'the signed content holds the edit');

  await page.getByRole('link', { name: 'Worklist' }).click();
  await page.getByTestId('tab-signed').click();
  const row = page.locator(`[data-testid="worklist-row"][data-status="signed"]`, { hasText: 'Test Patient Soap' });
  await row.waitFor();
  await screenshot(page, 'worklist-signed');
  // The one expected refusal: the mistyped password's 401.
  assertNoProblems([/console error: Failed to load resource: the server responded with a status of 401 .*\/api\/drafts\/[^/]+\/sign\)$/]);
});

test('a nurse sees no sign button on a draft, and the API refuses her signature', { timeout: 300_000 }, async () => {
  const { draft, headers } = await soapDraftViaApi(web, 'nurse', 'Test Patient Nurse');

  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.nurse);
  await page.goto(`/#/drafts/${draft.id}`);
  await page.getByTestId('soap-note').waitFor();
  await page.getByTestId('no-sign').waitFor();
  assert.equal(await page.getByTestId('sign-button').count(), 0);
  await screenshot(page, 'soap-nurse-no-sign');

  const refused = await fetch(`${web.url}/api/drafts/${draft.id}/sign`, { method: 'POST', headers: { ...headers, 'if-match': String(draft.version) }, body: JSON.stringify({ password: web.users.nurse.password }) });
  assert.equal(refused.status, 403);
  assertNoProblems();
});

test('a physician amends a signed note with a reason, then marks it entered in error', { timeout: 300_000 }, async () => {
  const { draft: created, headers } = await soapDraftViaApi(web, 'physician', 'Test Patient Amend');
  const signed = await fetch(`${web.url}/api/drafts/${created.id}/sign`, { method: 'POST', headers: { ...headers, 'if-match': String(created.version) }, body: JSON.stringify({ password: web.users.physician.password }) });
  assert.equal(signed.status, 200);

  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.physician);
  await page.goto(`/#/drafts/${created.id}`);
  await page.getByTestId('draft-status').filter({ hasText: 'Signed' }).waitFor();
  const statements = page.getByTestId('statement-text');
  if ((await statements.count()) === 0) await page.getByRole('button', { name: 'Add a statement to Plan' }).click();
  await statements.first().fill('Amended: follow-up in one week.');
  await page.getByTestId('amend-button').click();
  await page.getByTestId('amend-reason').fill('Follow-up interval corrected after discussion with the patient.');
  await page.getByTestId('amend-password').fill(web.users.physician.password);
  await assertAccessible(page, 'amend dialog');
  await page.getByTestId('amend-confirm').click();
  await page.getByTestId('draft-status').filter({ hasText: 'Amended' }).waitFor();
  assert.match(await page.getByTestId('amendment').innerText(), /Follow-up interval corrected/);
  await screenshot(page, 'soap-amended');

  await page.getByTestId('withdraw-button').click();
  await page.getByTestId('withdraw-reason').fill('Charted on the wrong patient.');
  await page.getByTestId('withdraw-password').fill(web.users.physician.password);
  await page.getByTestId('withdraw-confirm').click();
  await page.getByTestId('draft-status').filter({ hasText: 'Entered in error' }).waitFor();
  assert.equal(await page.getByTestId('withdraw-button').count(), 0);
  const stored = (await (await fetch(`${web.url}/api/drafts/${created.id}`, { headers })).json()) as { status: string; amendments: { reason: string }[]; withdrawal: { reason: string } | null };
  assert.equal(stored.status, 'entered-in-error');
  assert.deepEqual(stored.amendments.map((amendment) => amendment.reason), ['Follow-up interval corrected after discussion with the patient.']);
  assert.equal(stored.withdrawal?.reason, 'Charted on the wrong patient.');
  await screenshot(page, 'soap-entered-in-error');
  assertNoProblems();
});
