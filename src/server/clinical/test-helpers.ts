/** Shared by the clinical API tests: a temporary store with one user per role, the app over it, and request helpers. */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ChatModel } from '../../engine/chat-model.ts';
import { createLogger } from '../../core/log.ts';
import type { Actor } from '../../records/audit.ts';
import { generateDataKey } from '../../records/field-cipher.ts';
import type { Role } from '../../records/accounts/policy.ts';
import { openSqliteStore, type SqliteRecordsStore } from '../../records/sqlite-store.ts';
import { soapDraft } from '../../records/test-fixtures.ts';
import { ScriptedModel } from '../../safety/test-scripted-model.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../../workflows/runner.ts';
import { soapNoteWorkflow } from '../../workflows/soap-note/index.ts';
import type { AnyWorkflow } from '../../workflows/workflow.ts';
import { buildClinicalApp, type ClinicalAppLimits } from './app.ts';
import type { OidcOptions } from './oidc.ts';
import type { ServingReport } from './serving-report.ts';
import { contentSamples } from './content-samples.test-support.ts';

export const password = 'amber kettle ribbon 42';
const fast = { N: 2 ** 10, r: 8, p: 1 };
const system: Actor = { userId: 'system', role: 'admin', client: 'test' };

export const transcript = [
  '[doctor] what brings you in today?',
  "[patient] i've had a cough and a fever for three days.",
  '[doctor] your temperature is 38.4.',
].join('\n');

const soapAnswer = JSON.stringify({
  chiefComplaint: 'Cough and fever',
  subjective: ['Cough and fever for three days.'],
  objective: ['Temperature 38.4.'],
  assessment: ['Possible chest infection.'],
  plan: ['Review in two days.'],
  medications: [],
  allergies: [],
});

/** A soap-note runner over a scripted model that gives the same answer `calls` times. */
export function scriptedRunner(calls = 100, model: ChatModel = scriptedModel(calls)): WorkflowRunner {
  return createWorkflowRunner({ model, workflows: [soapNoteWorkflow as unknown as AnyWorkflow] });
}

/** The scripted model `scriptedRunner` uses, for a test that also hands it to the app (GET /api/status). */
export function scriptedModel(calls = 100): ChatModel {
  return new ScriptedModel(Array<string>(calls).fill(soapAnswer));
}

export interface Harness {
  app: FastifyInstance;
  store: SqliteRecordsStore;
  /** User ids by role. */
  ids: Record<Role, string>;
  /** Bearer tokens by role: login sessions for people, an API token for the integration. */
  tokens: Record<Role, string>;
  usernames: Record<Role, string>;
  logLines: string[];
  clock: { now: number };
  /** The app's imaging folder (received DICOM files, uploads), inside the harness's temporary folder. */
  imagingDirectory: string;
  close(): Promise<void>;
}

export const roleNames = ['nurse', 'physician', 'admin', 'integration'] as const satisfies readonly Role[];

export interface HarnessOptions {
  runner?: WorkflowRunner | null;
  model?: ChatModel;
  limits?: Partial<ClinicalAppLimits>;
  oidc?: OidcOptions;
  workflows?: readonly AnyWorkflow[];
  servingReport?: ServingReport;
}

/**
 * A test file's `fresh(options)`: a new harness per call (on `defaults()`, then `options`), every
 * one closed once the file's tests have run.
 */
export function freshHarnesses(defaults: () => HarnessOptions = () => ({})): (options?: HarnessOptions) => Promise<Harness> {
  const open: Harness[] = [];
  after(async () => {
    for (const h of open) await h.close();
  });
  return async (options = {}) => {
    const h = await harness({ ...defaults(), ...options });
    open.push(h);
    return h;
  };
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'ns-clinical-'));
  const logLines: string[] = [];
  const clock = { now: Date.parse('2026-01-01T08:00:00Z') };
  // One clock for the app and the store: sessions expire by the store's, rate limits by the app's.
  const store = await openSqliteStore({ path: join(dir, 'records.sqlite'), key: generateDataKey(), passwordParams: fast, now: () => new Date(clock.now) });
  const runner = options.runner === null ? undefined : (options.runner ?? scriptedRunner());
  const imagingDirectory = join(dir, 'imaging');
  const app = buildClinicalApp({
    store,
    imagingDirectory,
    ...(runner === undefined ? {} : { runner }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.oidc === undefined ? {} : { oidc: options.oidc }),
    ...(options.workflows === undefined ? {} : { workflows: options.workflows }),
    ...(options.servingReport === undefined ? {} : { servingReport: options.servingReport }),
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    // Every test signs in from 127.0.0.1: the per-IP sign-in limit is raised unless a test sets it.
    limits: { loginBurst: 1000, ...options.limits },
    now: () => clock.now,
  });
  const usernames: Record<Role, string> = { nurse: 'nina.nurse', physician: 'paul.physician', admin: 'ada.admin', integration: 'intake.bot' };
  const ids = {} as Record<Role, string>;
  const tokens = {} as Record<Role, string>;
  for (const role of roleNames) {
    const user = await store.createUser({ username: usernames[role], roles: [role], password }, system);
    ids[role] = user.id;
  }
  for (const role of ['nurse', 'physician', 'admin'] as const) {
    const response = await app.inject({ method: 'POST', url: '/api/session', payload: { username: usernames[role], password } });
    tokens[role] = response.json<{ token: string }>().token;
  }
  tokens.integration = (await store.issueApiToken(ids.integration, system)).token;
  return {
    app,
    store,
    ids,
    tokens,
    usernames,
    logLines,
    clock,
    imagingDirectory,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request as `role` (or unauthenticated when role is undefined). */
export function call(h: Harness, role: Role | undefined, options: InjectOptions): Promise<LightMyRequestResponse> {
  const headers = { ...(options.headers ?? {}), ...(role === undefined ? {} : { authorization: `Bearer ${h.tokens[role]}` }) };
  return h.app.inject({ ...options, headers });
}

/**
 * A patient, encounter and draft made directly in the store, created by
 * `createdBy` (a user id): by default a soap-note draft whose content matches
 * the soap-note content schema; `workflow` and `content` seed others (the store
 * takes any content, so a test can seed content the API would refuse).
 */
export async function seed(h: Harness, createdBy: string, options: { signed?: boolean; workflow?: keyof typeof contentSamples; content?: unknown } = {}): Promise<{ encounterId: string; draftId: string }> {
  const actor: Actor = { userId: createdBy, role: 'nurse', client: 'test' };
  const patient = await h.store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, actor);
  const encounter = await h.store.createEncounter({ patientId: patient.id }, actor);
  const workflow = options.workflow ?? 'soap-note';
  const base = soapDraft(options.content ?? contentSamples[workflow]());
  const draft = await h.store.createDraft({ encounterId: encounter.id, input: { transcript }, draft: { ...base, workflow, provenance: { ...base.provenance, workflow } } }, actor);
  if (options.signed === true) await h.store.signDraft(draft.id, draft.version, { userId: h.ids.physician, role: 'physician', client: 'test' });
  return { encounterId: encounter.id, draftId: draft.id };
}

export function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  const body = response.json<{ error?: { code?: unknown; message?: unknown } }>();
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') throw new Error(`not the error shape: ${response.body}`);
  return { code: body.error.code, message: body.error.message };
}
