/**
 * A triage nurse in Chromium: types vitals and sees NEWS2, qSOFA, shock index
 * and the CTAS floor computed in the browser (the same rules as the server,
 * checked against scoreInput here); an impossible value is refused at its
 * field; "Suggest CTAS" streams the triage workflow on the tiny synthetic
 * model and shows suggested, floor and final, never less urgent than the floor.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scoreInput } from '../../src/clinical/index.ts';
import { screenshot, startWebHarness, type WebHarness } from './harness.ts';
import { assertAccessible, signIn } from './flows.ts';

let web: WebHarness;
before(async () => {
  web = await startWebHarness();
});
after(async () => {
  await web.close();
});

const vitals = { age: '67', respiratoryRate: '26', spo2: '89', heartRate: '128', systolicBP: '88', diastolicBP: '50', temperature: '38.9' };

test('a nurse triages a patient and sees the CTAS floor live, then suggested vs floor vs final', { timeout: 300_000 }, async () => {
  const { page, assertNoProblems } = await web.newPage();
  await signIn(page, web.users.nurse);
  await page.getByRole('link', { name: 'Triage' }).click();
  await page.getByLabel('Patient name').fill('Test Patient Triage');
  await page.getByLabel('Triage note').fill('67-year-old with fever, productive cough and new confusion since this morning.');

  const expected = scoreInput({ age: 67, respiratoryRate: 26, spo2: 89, spo2Scale: 1, heartRate: 128, systolicBP: 88, diastolicBP: 50, temperature: 38.9, temperatureUnit: 'C' });
  assert.notEqual(expected.ctas.floor, null, 'these vitals fire a floor');
  for (const [field, value] of Object.entries(vitals)) await page.getByTestId(`vital-${field}`).fill(value);
  await page.getByTestId('ctas-floor').filter({ hasText: `CTAS ${expected.ctas.floor}` }).waitFor();
  assert.match(await page.getByTestId('news2-score').innerText(), new RegExp(`^${expected.news2.total}\\b`));
  assert.match(await page.getByTestId('qsofa-score').innerText(), new RegExp(`^${expected.qsofa.score}\\b`));
  assert.equal(await page.getByTestId('shock-index').innerText(), expected.shockIndex?.toFixed(2));
  for (const alert of expected.alerts) await page.getByTestId('live-flags').getByText(alert.message).waitFor();

  // An impossible heart rate is refused at the field and keeps the workflow from running.
  await page.getByTestId('vital-heartRate').fill('700');
  await page.getByText(/^Refused:/).first().waitFor();
  assert.equal(await page.getByTestId('vital-heartRate').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('suggest-ctas').isDisabled(), true);
  await screenshot(page, 'triage-refused-value');
  await page.getByTestId('vital-heartRate').fill(vitals.heartRate);
  await page.getByTestId('ctas-floor').filter({ hasText: `CTAS ${expected.ctas.floor}` }).waitFor();
  await assertAccessible(page, 'triage intake');

  await page.getByTestId('suggest-ctas').click();
  await page.getByTestId('triage-result').waitFor({ timeout: 240_000 });
  assert.equal(await page.getByTestId('ctas-result-floor').innerText(), `CTAS ${expected.ctas.floor}`);
  const final = Number((await page.getByTestId('ctas-final').innerText()).replace('CTAS ', ''));
  assert.ok(final >= 1 && final <= (expected.ctas.floor ?? 5), `final CTAS ${final} is at least as urgent as the floor`);
  assert.match(await page.getByTestId('ctas-suggested').innerText(), /^(CTAS [1-5]|none)$/);
  const flags = await page.getByTestId('deterioration-flags').innerText();
  for (const code of expected.flags) assert.ok(flags.includes(code), `flag ${code} shown`);
  await page.getByTestId('limitations').waitFor();
  await page.getByTestId('synthetic-banner').waitFor();
  await screenshot(page, 'triage-result');
  assertNoProblems();
});
