/**
 * What the browser tests do again and again: sign in through the form, check
 * a screen against WCAG 2.1 AA with axe-core (run through the DevTools
 * protocol, so the page's Content-Security-Policy stays on), and read the
 * public data the tests use.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sharedDataDir } from '../../src/core/shared-data.ts';
import { parseCsv } from '../../src/safety/testdata/public-sources.ts';
import type { WebAccount, WebHarness, WebRole } from './harness.ts';

export async function signIn(page: Page, account: WebAccount): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('signed-in-user').waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

/** Fails naming every WCAG 2.1 A/AA violation axe-core finds on the page as it is now. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  // A string, evaluated in the page: axe runs on the page's DOM (window, document), which Node's types do not describe.
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    if (!('axe' in window)) { ${axeSource} }
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target })) }));
  })()`);
  const described = violations.map((violation) => `${violation.id} (${violation.impact ?? '?'}): ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
  assert.deepEqual(described, [], `WCAG 2.1 AA violations on ${screen}`);
}

/** The first dialogue of ACI-BENCH's validation set (doctor–patient, CC BY 4.0; ../shared/data). */
export function aciBenchTranscript(): string {
  const rows = parseCsv(readFileSync(join(sharedDataDir(), 'encounters', 'aci-bench-valid.csv'), 'utf8'));
  const header = rows[0] ?? [];
  const dialogue = header.indexOf('dialogue');
  const transcript = rows[1]?.[dialogue];
  assert.ok(transcript !== undefined && transcript.length > 500, 'an ACI-BENCH dialogue');
  return transcript;
}

export function sharedDicom(name: string): string {
  return join(sharedDataDir(), 'dicom', name);
}

/**
 * A SOAP draft made through the API as `role` (from the start of an ACI-BENCH dialogue), for tests
 * that begin on a draft; with the JSON headers of that role's session for further API calls.
 */
export async function soapDraftViaApi(web: WebHarness, role: WebRole, patient: string): Promise<{ draft: { id: string; version: number }; headers: Record<string, string> }> {
  const headers = { authorization: `Bearer ${await web.apiToken(role)}`, 'content-type': 'application/json' };
  const opened = (await (await fetch(`${web.url}/api/encounters`, { method: 'POST', headers, body: JSON.stringify({ patient: { displayName: patient } }) })).json()) as { encounter: { id: string } };
  const created = await fetch(`${web.url}/api/drafts`, { method: 'POST', headers, body: JSON.stringify({ encounterId: opened.encounter.id, workflow: 'soap-note', input: { transcript: aciBenchTranscript().slice(0, 1500) } }) });
  assert.equal(created.status, 201);
  return { draft: (await created.json()) as { id: string; version: number }, headers };
}
