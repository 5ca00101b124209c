/**
 * The browser tests' harness: the real clinical app (buildClinicalApp, with
 * the web UI built by ensureWebBuild) listening on 127.0.0.1, over a fresh
 * encrypted SQLite records database in a temporary folder, with the tiny
 * synthetic Gemma model (random weights, real llama.cpp) running every
 * workflow; accounts `nurse`, `physician` and `admin` with random passwords
 * handed to the test; and Debian's Chromium driven by playwright-core.
 *
 *   const web = await startWebHarness();
 *   after(() => web.close());
 *   test('…', async () => {
 *     const { page, assertNoProblems } = await web.newPage();
 *     await page.goto('/');                                  // baseURL is web.url
 *     await page.getByLabel('Username').fill(web.users.nurse.username);
 *     await page.getByLabel('Password').fill(web.users.nurse.password);
 *     …
 *     await screenshot(page, 'worklist-nurse');            // test-results/worklist-nurse.png
 *     assertNoProblems();                                   // no console error, page error or failed request
 *   });
 *
 * Chromium is required (CI installs Debian's `chromium`): nothing is skipped
 * when it is missing, the harness fails saying so.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureWebBuild, repositoryRoot } from '../../src/cli/web-build.ts';
import { openModelFromArgs } from '../../src/cli/model-args.ts';
import { createLogger } from '../../src/core/log.ts';
import type { ChatModel } from '../../src/engine/chat-model.ts';
import { generateDataKey } from '../../src/records/field-cipher.ts';
import type { RecordsRepository } from '../../src/records/repository.ts';
import { openSqliteStore } from '../../src/records/sqlite-store.ts';
import { buildClinicalApp } from '../../src/server/clinical/app.ts';
import type { OidcOptions } from '../../src/server/clinical/oidc.ts';
import { startServer } from '../../src/server/listen.ts';
import { workflows } from '../../src/workflows/index.ts';
import { createWorkflowRunner } from '../../src/workflows/runner.ts';

/** Debian's Chromium (CI: apt-get install chromium). NORTHSTATION_CHROMIUM overrides. */
export const chromiumPath = process.env.NORTHSTATION_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots go here (repository root; ignored by git). */
export const screenshotDirectory = join(repositoryRoot, 'test-results');

export const webRoles = ['nurse', 'physician', 'admin'] as const;
export type WebRole = (typeof webRoles)[number];

export interface WebAccount {
  username: string;
  password: string;
  id: string;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught page errors, failed requests and 5xx answers, in order, as text. */
  problems: string[];
  /**
   * Requests reported as net::ERR_ABORTED: the page cancelled them itself (a screen's
   * AbortController when the clinician moves on, a navigation), or Chromium reports a
   * Cache-Control: no-store event stream that was read to its end that way (Playwright issue
   * 42742; the drafts' streams are no-store). Not failures, so not problems: a server that drops
   * a connection shows as another net:: error. The tests check what a stream delivered instead.
   */
  aborted: string[];
  /** Fails listing the problems, but those matching one of `allowed` (e.g. an expected 401 on a wrong password). */
  assertNoProblems: (allowed?: readonly RegExp[]) => void;
}

export interface WebHarness {
  /** The server's base URL, e.g. http://127.0.0.1:41234 (pages get it as baseURL). */
  url: string;
  /** The accounts, by role; username = role, the password random per run. */
  users: Record<WebRole, WebAccount>;
  /** The records store behind the server (seed data with it; actors: `actorFor`). */
  store: RecordsRepository;
  /** Where the server keeps images (uploads, and what a DICOM listener on `store` receives). */
  imagingDirectory: string;
  /** The model the workflows run on (the tiny synthetic one unless `model` was given). */
  model: ChatModel;
  browser: Browser;
  /** Warning and error log lines of the server (no PHI: the app never logs content). */
  logLines: string[];
  /** A fresh browser context and page, watched for problems; closed by `close()`. */
  newPage(options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<WatchedPage>;
  /** A session bearer token for `role`, from POST /api/session (for API calls from the test). */
  apiToken(role: WebRole): Promise<string>;
  close(): Promise<void>;
}

export interface WebHarnessOptions {
  /** The model behind the workflows. Default: the tiny synthetic Gemma on the CPU (real llama.cpp; random text). */
  model?: ChatModel;
  /** A web UI build to serve as it is. Default: the repository's, built first when web/ changed (ensureWebBuild). */
  webRoot?: string;
  /** Single sign-on: the OIDC options for the app, given its callback URL (the server's port is chosen first). */
  oidc?: (redirectUri: string) => OidcOptions | Promise<OidcOptions>;
}

/** Cheap scrypt for the accounts: tests sign in often. */
const testPasswordParams = { N: 2 ** 10, r: 8, p: 1 } as const;

const system = { userId: 'system', role: 'admin', client: 'web-harness' } as const;

/** The Chromium flags for a headless run in a container. */
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] as const;

export async function startWebHarness(options: WebHarnessOptions = {}): Promise<WebHarness> {
  assert.ok(existsSync(chromiumPath), `Chromium is needed for the browser tests: ${chromiumPath} is missing (apt-get install chromium, or set NORTHSTATION_CHROMIUM)`);
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const outDir = options.webRoot ?? (await ensureWebBuild()).outDir;
    const dir = await mkdtemp(join(tmpdir(), 'ns-web-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const logLines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (line) => logLines.push(line) });
    const model = options.model ?? (await openModelFromArgs({ synthetic: true, cpu: true, threads: '2', context: '8192', sequences: '2' }, logger));
    if (options.model === undefined) cleanups.push(() => model.dispose());
    const store = await openSqliteStore({ path: join(dir, 'records.sqlite'), key: generateDataKey(), passwordParams: testPasswordParams });
    cleanups.push(() => store.close());

    const users = {} as Record<WebRole, WebAccount>;
    for (const role of webRoles) {
      const password = crypto.randomUUID();
      const user = await store.createUser({ username: role, displayName: `Test ${role}`, roles: [role], password }, system);
      users[role] = { username: role, password, id: user.id };
    }

    const imagingDirectory = join(dir, 'imaging');
    // The port is known before the app is built: an identity provider needs the callback URL up front.
    const port = await freePort();
    const oidc = options.oidc === undefined ? undefined : await options.oidc(`http://127.0.0.1:${port}/api/oidc/callback`);
    const app = buildClinicalApp({
      ...(oidc === undefined ? {} : { oidc }),
      store,
      runner: createWorkflowRunner({ model, workflows }),
      model,
      logger,
      imagingDirectory,
      webRoot: outDir,
      // One browser signs in again and again from 127.0.0.1.
      limits: { loginAttemptsPerMinute: 10_000, loginBurst: 10_000, requestsPerMinute: 100_000, requestBurst: 10_000 },
    });
    const server = await startServer({ app, port, logger, shutdownSignals: [] });
    cleanups.push(() => server.close());

    const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
    cleanups.push(() => browser.close());

    const newPage: WebHarness['newPage'] = async (pageOptions = {}) => {
      const context = await browser.newContext({ baseURL: server.url, locale: pageOptions.locale ?? 'en-GB', viewport: pageOptions.viewport ?? { width: 1280, height: 800 } });
      cleanups.push(() => context.close());
      const page = await context.newPage();
      return { page, context, ...watch(page) };
    };

    const apiToken = async (role: WebRole): Promise<string> => {
      const response = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: users[role].username, password: users[role].password }) });
      assert.equal(response.status, 201, `sign-in as ${role}`);
      return ((await response.json()) as { token: string }).token;
    };

    return { url: server.url, users, store, imagingDirectory, model, browser, logLines, newPage, apiToken, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Records what a page reports going wrong: console errors, uncaught errors, failed requests, 5xx answers. */
export function watch(page: Page): Pick<WatchedPage, 'problems' | 'aborted' | 'assertNoProblems'> {
  const problems: string[] = [];
  const aborted: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown';
    const line = `request failed: ${request.method()} ${request.url()}: ${reason}`;
    if (reason === 'net::ERR_ABORTED') aborted.push(line);
    else problems.push(line);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`server error: ${response.request().method()} ${response.url()} → ${response.status()}`);
  });
  return {
    problems,
    aborted,
    assertNoProblems: (allowed = []) => {
      const left = problems.filter((problem) => !allowed.some((pattern) => pattern.test(problem)));
      assert.deepEqual(left, [], `the page reported problems:\n${left.join('\n')}`);
    },
  };
}

/** Saves a full-page screenshot to test-results/<name>.png (name: letters, digits, - and _) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  assert.match(name, /^[A-Za-z0-9_-]+$/, 'a screenshot name is letters, digits, - and _');
  await mkdir(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A port free on 127.0.0.1 right now (the OS picks it; released for the server to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}
