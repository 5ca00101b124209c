/**
 * The role × route matrix (issue #6): every route, as every role, with the
 * status written out by hand here; not computed from the policy, so a change
 * to policy.ts that changes who may do what fails this test until the table
 * is updated on purpose.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import type { Role } from '../../records/accounts/policy.ts';
import type { LightMyRequestResponse } from 'fastify';
import { contentSamples } from './content-samples.test-support.ts';
import { seedFhir } from './fhir-test-support.ts';
import { imagingDraft, images, receiveStudy, storedUpload, visionRunner } from './imaging-test-support.ts';
import { ssoSession, startTestProvider, type TestProvider } from './oidc-test-support.ts';
import { call, harness, password, roleNames, seed, transcript, type Harness } from './test-helpers.ts';

type Cell = Record<Role, number>;

interface Row {
  route: string;
  expected: Cell;
  /** Builds the request for one cell (seeding what the route needs). */
  request(h: Harness, role: Role): Promise<InjectOptions>;
  /** Undoes what the request changed in the harness (run after each cell). */
  after?(h: Harness, role: Role): void;
}

/** The shared tokens a sign-out row swapped out, put back by its `after`. */
const swapped = new Map<Role, string>();

/** A real OpenID provider on loopback: the single sign-on rows sign people in through it. */
let provider: TestProvider;

/** Puts back the shared token a row swapped out. */
const restoreToken = (h: Harness, role: Role): void => {
  const shared = swapped.get(role);
  if (shared !== undefined) h.tokens[role] = shared;
  swapped.delete(role);
};

const rows: Row[] = [
  {
    route: 'POST /api/session',
    expected: { nurse: 201, physician: 201, admin: 201, integration: 201 },
    request: (h, role) => Promise.resolve({ method: 'POST', url: '/api/session', payload: { username: h.usernames[role], password } }),
  },
  {
    // People sign out a fresh session (not the shared one); the integration's API token is not a session: 400.
    route: 'DELETE /api/session',
    expected: { nurse: 204, physician: 204, admin: 204, integration: 400 },
    request: async (h, role) => {
      if (role !== 'integration') {
        const login = await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames[role], password } });
        swapped.set(role, h.tokens[role]);
        h.tokens[role] = login.json<{ token: string }>().token;
      }
      return { method: 'DELETE', url: '/api/session' };
    },
    after: (h, role) => {
      const shared = swapped.get(role);
      if (shared !== undefined) h.tokens[role] = shared;
      swapped.delete(role);
    },
  },
  {
    // Public: a bearer token changes nothing.
    route: 'GET /api/oidc/login',
    expected: { nurse: 302, physician: 302, admin: 302, integration: 302 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/oidc/login' }),
  },
  {
    // Public: without a pending sign-in (and its browser cookie) every caller gets 400, whatever its token.
    route: 'GET /api/oidc/callback',
    expected: { nurse: 400, physician: 400, admin: 400, integration: 400 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/oidc/callback?state=not-a-pending-sign-in&code=x' }),
  },
  {
    // Public: without a code the web UI's sign-in issued (and its browser cookie) every caller gets 400, whatever its token.
    route: 'POST /api/oidc/exchange',
    expected: { nurse: 400, physician: 400, admin: 400, integration: 400 },
    request: () => Promise.resolve({ method: 'POST', url: '/api/oidc/exchange', payload: { code: 'not-a-sign-on-code-0123456789' } }),
  },
  {
    // Local-password sessions: a physician re-enters the password instead (400); roles that may never sign: 403.
    route: 'GET /api/oidc/reauth (local sessions, an API token)',
    expected: { nurse: 403, physician: 400, admin: 403, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/oidc/reauth?purpose=sign' }),
  },
  {
    // Single sign-on sessions (the integration keeps its API token): only a role that may sign is sent to the provider.
    route: 'GET /api/oidc/reauth (single sign-on sessions)',
    expected: { nurse: 403, physician: 302, admin: 403, integration: 403 },
    request: async (h, role) => {
      if (role !== 'integration') {
        swapped.set(role, h.tokens[role]);
        h.tokens[role] = (await ssoSession(h, provider.issuer, `sso-${role}`)).token;
      }
      return { method: 'GET', url: '/api/oidc/reauth?purpose=sign' };
    },
    after: restoreToken,
  },
  {
    route: 'POST /api/encounters',
    expected: { nurse: 201, physician: 201, admin: 403, integration: 201 },
    request: () => Promise.resolve({ method: 'POST', url: '/api/encounters', payload: { patient: { displayName: 'Ada Example', birthDate: '1970-01-01' } } }),
  },
  {
    route: 'POST /api/drafts',
    expected: { nurse: 201, physician: 201, admin: 403, integration: 201 },
    request: async (h) => {
      const { encounterId } = await seed(h, h.ids.nurse);
      return { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'soap-note', input: { transcript } } };
    },
  },
  {
    route: 'POST /api/drafts (Accept: text/event-stream)',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => {
      const { encounterId } = await seed(h, h.ids.nurse);
      return { method: 'POST', url: '/api/drafts', headers: { accept: 'text/event-stream' }, payload: { encounterId, workflow: 'soap-note', input: { transcript } } };
    },
  },
  {
    route: 'POST /api/imaging/uploads',
    expected: { nurse: 201, physician: 201, admin: 403, integration: 201 },
    request: () => Promise.resolve({ method: 'POST', url: '/api/imaging/uploads', headers: { 'content-type': 'image/png' }, payload: images.cxr }),
  },
  {
    // Each role drafts from an upload of its own (the admin from a nurse's: refused before the upload is looked at).
    route: "POST /api/drafts (imaging-read from the caller's own upload)",
    expected: { nurse: 201, physician: 201, admin: 403, integration: 201 },
    request: async (h, role) => {
      const { encounterId } = await seed(h, h.ids.nurse);
      // Stored directly, so the shared tokens' rate-limit buckets are not spent on the upload.
      const id = await storedUpload(h, h.ids[role === 'admin' ? 'nurse' : role]);
      return { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { upload: id } } };
    },
  },
  {
    // A received instance is patient data from the archive: patient readers only.
    route: 'POST /api/drafts (imaging-read from a received study instance)',
    expected: { nurse: 201, physician: 201, admin: 403, integration: 403 },
    request: async (h) => {
      const { encounterId } = await seed(h, h.ids.nurse);
      const { sopInstanceUid } = await receiveStudy(h);
      return { method: 'POST', url: '/api/drafts', payload: { encounterId, workflow: 'imaging-read', input: { studyInstance: sopInstanceUid } } };
    },
  },
  {
    // The image a draft was read from, for whoever may read the draft (an integration: its own drafts only).
    // On fresh tokens, as the export rows: the shared tokens' buckets have no room for more rows.
    route: "GET /api/drafts/:id/image (a nurse's imaging read from her upload)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/api/drafts/${await imagingDraft(h, h.ids.nurse, { upload: await storedUpload(h, h.ids.nurse) })}/image` };
    },
    after: restoreToken,
  },
  {
    route: "GET /api/drafts/:id/image (the integration's own imaging read from its upload)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/api/drafts/${await imagingDraft(h, h.ids.integration, { upload: await storedUpload(h, h.ids.integration) })}/image` };
    },
    after: restoreToken,
  },
  {
    route: "GET /api/drafts/:id/image (a nurse's imaging read from a received study instance)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/api/drafts/${await imagingDraft(h, h.ids.nurse, { studyInstance: (await receiveStudy(h)).sopInstanceUid })}/image` };
    },
    after: restoreToken,
  },
  {
    // The viewer's pixels open as the upload does: its uploader only while no draft names it (others: the same 404 as an unknown id).
    route: "GET /api/imaging/uploads/:id/view (a nurse's upload no draft names)",
    expected: { nurse: 200, physician: 404, admin: 403, integration: 404 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/api/imaging/uploads/${await storedUpload(h, h.ids.nurse)}/view?size=64` };
    },
    after: restoreToken,
  },
  {
    // …and then whoever may read a draft made from it (an integration: its own drafts only).
    route: "GET /api/imaging/uploads/:id/view (the integration's upload its own draft names)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      const upload = await storedUpload(h, h.ids.integration);
      await imagingDraft(h, h.ids.integration, { upload });
      return { method: 'GET', url: `/api/imaging/uploads/${upload}/view?size=64` };
    },
    after: restoreToken,
  },
  {
    // A received instance is patient data from the archive: patient readers only.
    route: 'GET /api/studies/instances/:sopInstanceUid/view',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/api/studies/instances/${(await receiveStudy(h)).sopInstanceUid}/view?size=64` };
    },
    after: restoreToken,
  },
  {
    route: "GET /api/drafts/:id (a nurse's draft)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/api/drafts/${(await seed(h, h.ids.nurse)).draftId}` }),
  },
  {
    route: "GET /api/drafts/:id (the integration's own draft)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => ({ method: 'GET', url: `/api/drafts/${(await seed(h, h.ids.integration)).draftId}` }),
  },
  {
    route: 'PATCH /api/drafts/:id',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({
      method: 'PATCH',
      url: `/api/drafts/${(await seed(h, h.ids.nurse)).draftId}`,
      headers: { 'if-match': '"1"' },
      payload: { content: { ...contentSamples['soap-note'](), chiefComplaint: 'Edited.' } },
    }),
  },
  {
    route: 'POST /api/drafts/:id/sign',
    expected: { nurse: 403, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({
      method: 'POST',
      url: `/api/drafts/${(await seed(h, h.ids.nurse)).draftId}/sign`,
      headers: { 'if-match': '"1"' },
      payload: { password },
    }),
  },
  {
    route: 'POST /api/drafts/:id/amend',
    expected: { nurse: 403, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({
      method: 'POST',
      url: `/api/drafts/${(await seed(h, h.ids.nurse, { signed: true })).draftId}/amend`,
      payload: { reason: 'wrong temperature', content: { ...contentSamples['soap-note'](), chiefComplaint: 'Corrected.' }, password },
    }),
  },
  {
    route: 'POST /api/drafts/:id/withdraw',
    expected: { nurse: 403, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'POST', url: `/api/drafts/${(await seed(h, h.ids.nurse)).draftId}/withdraw`, payload: { reason: 'wrong patient', password } }),
  },
  {
    route: 'GET /api/worklist',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/worklist?state=draft' }),
  },
  {
    // Studies carry patient details: patient readers only.
    route: 'GET /api/studies',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/studies?modality=CT' }),
  },
  {
    route: 'GET /api/status',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/status' }),
  },
  {
    route: 'GET /api/site',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/site' }),
  },
  {
    route: 'GET /docs',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/docs' }),
  },
  {
    // The web UI's static files (web-ui.ts; a fixture build, see before()): public, a bearer token changes nothing.
    route: 'GET /',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/' }),
  },
  {
    route: 'GET /* (a hashed bundle)',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/assets/index-abc123.js' }),
  },
  {
    route: 'GET /* (a path of the UI: index.html)',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/worklist' }),
  },
  {
    route: 'GET /api/audit',
    expected: { nurse: 403, physician: 403, admin: 200, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/audit' }),
  },
  {
    route: 'GET /api/audit (search: action, time, limit)',
    expected: { nurse: 403, physician: 403, admin: 200, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/audit?action=draft.sign&from=2026-01-01T00:00:00Z&limit=5' }),
  },
  {
    route: 'GET /api/audit/verify',
    expected: { nurse: 403, physician: 403, admin: 200, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/audit/verify' }),
  },
  {
    // Everyone signed in reads and sets their own (an integration's API token too).
    route: 'GET /api/me',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/me' }),
  },
  {
    route: 'PUT /api/me/preferences',
    expected: { nurse: 200, physician: 200, admin: 200, integration: 200 },
    request: () => Promise.resolve({ method: 'PUT', url: '/api/me/preferences', payload: { language: 'fr' } }),
  },
  {
    // Patient names on the worklist: patient readers only (the admin may not read drafts at all; the integration reads no patients).
    route: 'GET /api/worklist (include=patient)',
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: () => Promise.resolve({ method: 'GET', url: '/api/worklist?include=patient&order=newest' }),
  },
  {
    route: "GET /fhir/R4/Composition/:id (a nurse's SOAP note)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Composition/${(await seedFhir(h, h.ids.nurse)).soapId}` }),
  },
  {
    route: "GET /fhir/R4/Composition/:id (the integration's own SOAP note)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Composition/${(await seedFhir(h, h.ids.integration)).soapId}` }),
  },
  {
    route: "GET /fhir/R4/Bundle/:id (a nurse's SOAP note)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Bundle/${(await seedFhir(h, h.ids.nurse)).soapId}` }),
  },
  {
    route: "GET /fhir/R4/Bundle/:id (a nurse's imaging read)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Bundle/${(await seed(h, h.ids.nurse, { workflow: 'imaging-read' })).draftId}` }),
  },
  {
    route: "GET /fhir/R4/DiagnosticReport/:id (a nurse's imaging read)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/DiagnosticReport/${(await seed(h, h.ids.nurse, { workflow: 'imaging-read' })).draftId}` }),
  },
  {
    route: "GET /fhir/R4/DiagnosticReport/:id (the integration's own imaging read)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/DiagnosticReport/${(await seed(h, h.ids.integration, { workflow: 'imaging-read' })).draftId}` }),
  },
  {
    route: "GET /fhir/R4/Observation (a nurse's patient: an integration gets an empty searchset)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Observation?subject=Patient/${(await seedFhir(h, h.ids.nurse)).patientId}` }),
  },
  {
    route: "GET /fhir/R4/Patient/:id/$export (a nurse's patient)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 403 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Patient/${(await seedFhir(h, h.ids.nurse)).patientId}/$export` }),
  },
  {
    route: "GET /fhir/R4/Patient/:id/$export (the integration's own patient)",
    expected: { nurse: 200, physician: 200, admin: 403, integration: 200 },
    request: async (h) => ({ method: 'GET', url: `/fhir/R4/Patient/${(await seedFhir(h, h.ids.integration)).patientId}/$export` }),
  },
  {
    route: "GET /fhir/R4/Patient/:id/$export (Prefer: respond-async, a nurse's patient)",
    expected: { nurse: 202, physician: 202, admin: 403, integration: 403 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/fhir/R4/Patient/${(await seedFhir(h, h.ids.nurse)).patientId}/$export`, headers: { prefer: 'respond-async' } };
    },
    after: restoreToken,
  },
  {
    route: "GET /fhir/R4/Patient/:id/$export (Prefer: respond-async, the integration's own patient)",
    expected: { nurse: 202, physician: 202, admin: 403, integration: 202 },
    request: async (h, role) => {
      await freshTokenFor(h, role);
      return { method: 'GET', url: `/fhir/R4/Patient/${(await seedFhir(h, h.ids.integration)).patientId}/$export`, headers: { prefer: 'respond-async' } };
    },
    after: restoreToken,
  },
  {
    // Each role polls a finished job of its own; an admin may start none, so it tries a nurse's: 404, as for anyone's but the owner's.
    route: 'GET /fhir/R4/$export-status/:job (own job; admin: a nurse\'s)',
    expected: { nurse: 200, physician: 200, admin: 404, integration: 200 },
    request: async (h, role) => ({ method: 'GET', url: (await finishedExport(h, role)).statusPath }),
    after: restoreToken,
  },
  {
    route: 'GET /fhir/R4/$export-file/:job/:type (own job; admin: a nurse\'s)',
    expected: { nurse: 200, physician: 200, admin: 404, integration: 200 },
    request: async (h, role) => ({ method: 'GET', url: (await finishedExport(h, role)).filePath }),
    after: restoreToken,
  },
  {
    route: 'DELETE /fhir/R4/$export-status/:job (own job; admin: a nurse\'s)',
    expected: { nurse: 202, physician: 202, admin: 404, integration: 202 },
    request: async (h, role) => ({ method: 'DELETE', url: (await finishedExport(h, role)).statusPath }),
    after: restoreToken,
  },
];

/**
 * The asynchronous export rows run on fresh tokens (swapped in for the cell,
 * put back by `restoreToken`): the shared tokens' rate-limit buckets never
 * refill on the harness's fixed clock, and starting and polling jobs would
 * spend them.
 */
async function freshToken(h: Harness, role: Role): Promise<string> {
  if (role === 'integration') return (await h.store.issueApiToken(h.ids.integration, { userId: 'system', role: 'admin', client: 'test' })).token;
  return (await h.app.inject({ method: 'POST', url: '/api/session', payload: { username: h.usernames[role], password } })).json<{ token: string }>().token;
}

async function freshTokenFor(h: Harness, role: Role, token?: string): Promise<void> {
  swapped.set(role, h.tokens[role]);
  h.tokens[role] = token ?? (await freshToken(h, role));
}

/** The jobs the rows below started (status path, owner's token): deleted before the next one starts, so no user reaches its job limit. */
const startedExports: { statusPath: string; token: string }[] = [];

/**
 * A finished asynchronous export owned by `role` (by a nurse for the admin,
 * who may start none), of the integration's own patient so that every role
 * but the admin may export it; with `role`'s token swapped for a fresh one.
 */
async function finishedExport(h: Harness, role: Role): Promise<{ statusPath: string; filePath: string }> {
  for (const started of startedExports.splice(0)) {
    await h.app.inject({ method: 'DELETE', url: started.statusPath, headers: { authorization: `Bearer ${started.token}` } });
  }
  const owner = role === 'admin' ? 'nurse' : role;
  const token = await freshToken(h, owner);
  await freshTokenFor(h, role, owner === role ? token : undefined);
  const as = (options: InjectOptions): Promise<LightMyRequestResponse> => h.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
  const { patientId } = await seedFhir(h, h.ids.integration);
  const kickOff = await as({ method: 'GET', url: `/fhir/R4/Patient/${patientId}/$export`, headers: { prefer: 'respond-async' } });
  assert.equal(kickOff.statusCode, 202, kickOff.body);
  const statusPath = new URL(String(kickOff.headers['content-location'])).pathname;
  startedExports.push({ statusPath, token });
  for (let poll = 0; poll < 1000; poll++) {
    const status = await as({ method: 'GET', url: statusPath });
    if (status.statusCode === 200) {
      const output = status.json<{ output: { url: string }[] }>().output;
      return { statusPath, filePath: new URL(output[0]?.url ?? '').pathname };
    }
    assert.equal(status.statusCode, 202, status.body);
    await setTimeout(2);
  }
  throw new Error('the export did not finish');
}

/** The stable error code: the one error shape, or an OperationOutcome's issue details on the /fhir/R4 routes. */
function errorCodeOf(route: string, response: LightMyRequestResponse): string | undefined {
  if (route.includes(' /fhir/R4/')) {
    const body = response.json<{ resourceType?: string; issue?: { details?: { coding?: { code?: string }[] } }[] }>();
    assert.equal(body.resourceType, 'OperationOutcome', route);
    assert.match(String(response.headers['content-type']), /^application\/fhir\+json/, route);
    return body.issue?.[0]?.details?.coding?.[0]?.code;
  }
  assert.deepEqual(Object.keys(response.json<object>()), ['error']);
  return response.json<{ error: { code: string } }>().error.code;
}

let h: Harness;
before(async () => {
  // A fixture web UI build for the GET / rows: the default root (web/dist) exists only once built.
  const webRoot = mkdtempSync(join(tmpdir(), 'ns-matrix-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Northstation</title>');
  writeFileSync(join(webRoot, 'assets', 'index-abc123.js'), '');
  process.env.NORTHSTATION_WEB_ROOT = webRoot;
  provider = await startTestProvider({
    'sso-nurse': { preferred_username: 'nurse.sso', roles: ['nurse'] },
    'sso-physician': { preferred_username: 'physician.sso', roles: ['physician'] },
    'sso-admin': { preferred_username: 'admin.sso', roles: ['admin'] },
  });
  // A vision runner: it drafts SOAP notes as the default one does, and imaging reads too.
  // The harness clock stands still, so no token's bucket refills: the burst is raised to cover every row (rate-limit.test.ts tests the limits).
  h = await harness({ oidc: provider.options(), runner: visionRunner().runner, limits: { requestBurst: 1000 } });
});
after(async () => {
  await h.close();
  await provider.close();
});

test('matrix: the public routes answer without credentials', async () => {
  for (const row of rows.filter((candidate) => publicRows.has(candidate.route))) {
    const response = await call(h, undefined, await row.request(h, 'nurse'));
    assert.equal(response.statusCode, publicRows.get(row.route), row.route);
  }
});

test('matrix: every route in the OpenAPI document has a row here', async () => {
  const documented = (await call(h, undefined, { method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, unknown>> }>().paths;
  for (const [path, operations] of Object.entries(documented)) {
    for (const method of Object.keys(operations)) {
      const route = `${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`;
      assert.ok(rows.some((row) => row.route === route || row.route.startsWith(`${route} `)), `no matrix row for ${route}`);
    }
  }
});

for (const row of rows) {
  test(`matrix: ${row.route}`, async () => {
    for (const role of roleNames) {
      const response = await call(h, role, await row.request(h, role));
      row.after?.(h, role);
      assert.equal(response.statusCode, row.expected[role], `${row.route} as ${role}: ${response.body.slice(0, 300)}`);
      if (response.statusCode === 403) assert.equal(errorCodeOf(row.route, response), 'forbidden');
    }
  });
}

/** The routes that need no credentials, and what they answer without any. */
const publicRows = new Map([
  ['POST /api/session', 201],
  ['GET /docs', 200],
  ['GET /api/site', 200],
  ['GET /', 200],
  ['GET /* (a hashed bundle)', 200],
  ['GET /* (a path of the UI: index.html)', 200],
  ['GET /api/oidc/login', 302],
  ['GET /api/oidc/callback', 400],
  ['POST /api/oidc/exchange', 400],
]);

test('matrix: every route refuses a request without credentials (401, one shape), except signing in and the docs', async () => {
  for (const row of rows) {
    if (publicRows.has(row.route)) continue;
    const response = await call(h, undefined, await row.request(h, 'nurse'));
    row.after?.(h, 'nurse');
    assert.equal(response.statusCode, 401, row.route);
    assert.equal(errorCodeOf(row.route, response), 'unauthorized', row.route);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
  }
});
