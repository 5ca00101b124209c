/**
 * The clinical API's OpenAPI 3.1 document, served at `GET /docs` (no auth, no
 * PHI). Request bodies and queries come from the zod schemas the routes parse
 * with (`z.toJSONSchema`), so the document cannot drift from validation.
 * Every route the app registers must have an entry in `routeDocs` (app.ts
 * refuses to start otherwise).
 */
import { z } from 'zod';
import { amendBody, auditQuery, draftBody, editBody, encounterBody, observationQuery, oidcExchangeBody, oidcLoginQuery, preferencesBody, reauthQuery, sessionBody, signBody, studiesQuery, withdrawBody, worklistQuery } from './schemas.ts';
import { viewQuery } from './imaging-view.ts';

export interface RouteDoc {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify's pattern, e.g. '/api/drafts/:id'. */
  url: string;
  summary: string;
  /** False for the routes that need no bearer token. */
  auth: boolean;
  body?: z.ZodType;
  /** A raw (non-JSON) request body in one of these media types, e.g. an image upload. */
  rawBody?: readonly string[];
  query?: z.ZodType;
  /** Sends `If-Match: <version>`. */
  ifMatch?: boolean;
  /** Answers application/fhir+json, errors as OperationOutcome. */
  fhir?: boolean;
  /** Single sign-on: registered (and documented) only when OIDC is configured. */
  oidc?: boolean;
  /** The web UI's static files (web-ui.ts): public, no PHI, not part of the JSON API. */
  webUi?: boolean;
  /** Success status and what it returns. */
  ok: { status: number; description: string; sse?: boolean; binary?: readonly string[] };
}

/** What the two image view routes share (imaging-view.ts). */
const viewSummary =
  "decoded on the server for the web UI's viewer (window/level and zoom in a canvas): frame (0-based, default 0; one the file lacks: 400) area-averaged so its longer side is at most size (64–2048, default 1024; never upscaled). kind 'mono': pixels are Float32 little-endian values after the Modality LUT (e.g. Hounsfield units), not windowed; window is the file's first window in those units (null when none), invert true for MONOCHROME1 (show 255 − the windowed value). kind 'rgb': RGBA, 8 bits a sample. An undecodable file (transfer syntax, photometric): 501 unsupported";

export const routeDocs: readonly RouteDoc[] = [
  { method: 'POST', url: '/api/session', summary: 'Sign in with a local account; returns a session bearer token', auth: false, body: sessionBody, ok: { status: 201, description: "{ token, tokenType: 'Bearer', expiresAt, user: { id, username, displayName, roles, language } }" } },
  { method: 'GET', url: '/api/oidc/login', summary: 'Single sign-on (only when OIDC is configured): redirects to the identity provider (authorization code with PKCE, state and nonce). client=web: the callback then ends in a 303 to /?sso=<one-time code> for POST /api/oidc/exchange, instead of answering the session', auth: false, oidc: true, query: oidcLoginQuery, ok: { status: 302, description: 'Redirect to the identity provider' } },
  { method: 'GET', url: '/api/oidc/callback', summary: "Single sign-on (only when OIDC is configured): the identity provider's redirect back; returns a session bearer token as POST /api/session does, or (finishing a step-up) 200 { stepUp: { purpose, expiresAt } }", auth: false, oidc: true, ok: { status: 201, description: 'The session token and user' } },
  {
    method: 'GET',
    url: '/api/oidc/reauth',
    summary: 'Step-up re-authentication (only when OIDC is configured; a single sign-on session): redirects to the identity provider with prompt=login and max_age=0 (with Accept: application/json, 200 { location }); the callback then allows one sign, amend or withdraw (the purpose) without a password, within 5 minutes; with client=web the callback ends in a 303 to /?stepup=<purpose> for the web UI instead of answering JSON',
    auth: true,
    oidc: true,
    query: reauthQuery,
    ok: { status: 302, description: 'Redirect to the identity provider' },
  },
  { method: 'POST', url: '/api/oidc/exchange', summary: "Single sign-on from the web UI (only when OIDC is configured): swaps the one-time code of the callback's /?sso= redirect for a session; single use, within 60 s, from the browser that signed in (its HttpOnly cookie); else 400", auth: false, oidc: true, body: oidcExchangeBody, ok: { status: 201, description: 'The session token and user, as POST /api/session answers' } },
  { method: 'DELETE', url: '/api/session', summary: 'Sign out: the session token in Authorization stops working at once (API tokens are revoked by an admin instead)', auth: true, ok: { status: 204, description: 'Signed out' } },
  { method: 'GET', url: '/api/me', summary: 'The signed-in user (session or API token), roles as the users table has them now', auth: true, ok: { status: 200, description: "{ id, username, displayName, roles, language: 'en' | 'fr', singleSignOn: whether this session re-authenticates at the identity provider }" } },
  { method: 'PUT', url: '/api/me/preferences', summary: "The signed-in user's own preferences (the web UI's language); audited as user.preferences", auth: true, body: preferencesBody, ok: { status: 200, description: 'The user, as GET /api/me answers' } },
  { method: 'POST', url: '/api/encounters', summary: 'Create a patient and an encounter', auth: true, body: encounterBody, ok: { status: 201, description: 'The patient and encounter' } },
  {
    method: 'POST',
    url: '/api/drafts',
    summary:
      "Run a workflow and store its draft. An imaging-read input may name { upload } (an id from POST /api/imaging/uploads: the caller's own, or one a draft the caller may read was made from) or { studyInstance } (a SOP Instance UID the DICOM listener received; needs patient.read) instead of image, plus frame, question, clinicalContext, language: the server reads the file, the draft keeps the reference. With Accept: text/event-stream, streams progress events (prefill-progress, e.g. stage 'encoding image' before an imaging read's model call; text-delta, guard-finding) and ends with draft-stored or error",
    auth: true,
    body: draftBody,
    ok: { status: 201, description: 'The stored draft (ETag: its version); 200 with an event stream when asked for one', sse: true },
  },
  { method: 'GET', url: '/api/drafts/:id', summary: 'Read a draft (an audited read)', auth: true, ok: { status: 200, description: 'The draft (ETag: its version)' } },
  { method: 'PATCH', url: '/api/drafts/:id', summary: "Edit a draft (optimistic locking); the content must match the workflow's content schema, else 422 schema_violation naming the JSON path", auth: true, body: editBody, ifMatch: true, ok: { status: 200, description: 'The edited draft' } },
  { method: 'POST', url: '/api/drafts/:id/sign', summary: "Sign a draft, re-authenticating with the password (single sign-on users: after GET /api/oidc/reauth?purpose=sign, without one); a draft whose content does not match its workflow's content schema is 422 schema_violation", auth: true, body: signBody, ifMatch: true, ok: { status: 200, description: 'The signed document' } },
  { method: 'POST', url: '/api/drafts/:id/amend', summary: "Amend a signed document with a reason and re-authentication (the password, or a step-up for purpose=amend); the content must match the workflow's content schema, else 422 schema_violation", auth: true, body: amendBody, ok: { status: 200, description: 'The amended document' } },
  { method: 'POST', url: '/api/drafts/:id/withdraw', summary: "Mark a document 'entered-in-error', with re-authentication (the password, or a step-up for purpose=withdraw)", auth: true, body: withdrawBody, ok: { status: 200, description: 'The withdrawn document' } },
  { method: 'GET', url: '/api/worklist', summary: "Draft summaries by state, workflow and patient (an audited read; no content), a page at a time: pass the answer's next as ?after= for the following page (oldest first for state=draft, newest first otherwise, unless order= says). include=patient adds each row's patient { id, displayName } (needs patient.read, else 403; audited as a patient.read per patient on the page)", auth: true, query: worklistQuery, ok: { status: 200, description: '{ drafts: (DraftSummary & { patient?: { id, displayName } })[], next?: string } (next absent on the last page)' } },
  {
    method: 'POST',
    url: '/api/imaging/uploads',
    summary:
      'Upload an image for an imaging read: the file itself as the body (application/dicom, image/png or image/jpeg; at most 64 MiB on this route). The header is checked as the decoders would (an SR or other file without pixel data: 400; over the limits: 413; another Content-Type: 400), then the file is kept encrypted (audited upload.create). The id is random; it opens for the uploader, and for whoever may read a draft made from it. An upload no draft names expires 24 h after upload (expiresAt)',
    auth: true,
    rawBody: ['application/dicom', 'image/png', 'image/jpeg'],
    ok: { status: 201, description: '{ upload: { id, byteSize, sha256, expiresAt, mediaType, rows, columns, frames, modality } }' },
  },
  {
    method: 'GET',
    url: '/api/drafts/:id/image',
    summary:
      "The original image an imaging read was made from (an audited read: draft.read, then upload.read or study.read), for whoever may read the draft: the uploaded file with its Content-Type, or a received instance's Part 10 file as application/dicom. 404 for a draft with no uploaded or received image (another workflow, an inline image) or an upload no longer kept",
    auth: true,
    ok: { status: 200, description: 'The file itself', binary: ['application/dicom', 'image/png', 'image/jpeg'] },
  },
  {
    method: 'GET',
    url: '/api/imaging/uploads/:id/view',
    summary: `An upload (POST /api/imaging/uploads) ${viewSummary}. Opens as drafting from it does (an audited upload.read): for its uploader, or whoever may read a draft made from it; anyone else, and an unknown or expired id: 404`,
    auth: true,
    query: viewQuery,
    ok: { status: 200, description: "{ width, height, frameCount, frame, kind: 'mono' | 'rgb', invert, window: { center, width } | null, range: { min, max }, sourceWidth, sourceHeight, modality: string | null, pixels: base64 } (Cache-Control: no-store)" },
  },
  {
    method: 'GET',
    url: '/api/studies/instances/:sopInstanceUid/view',
    summary: `An instance the DICOM listener received (its SOP Instance UID, from GET /api/studies) ${viewSummary}. Needs patient.read (an audited study.read); an unknown UID: 404`,
    auth: true,
    query: viewQuery,
    ok: { status: 200, description: "{ width, height, frameCount, frame, kind: 'mono' | 'rgb', invert, window: { center, width } | null, range: { min, max }, sourceWidth, sourceHeight, modality: string | null, pixels: base64 } (Cache-Control: no-store)" },
  },
  { method: 'GET', url: '/api/studies', summary: 'DICOM studies received by the storage listener, newest first, optionally of one modality (an audited read: rows carry patient details)', auth: true, query: studiesQuery, ok: { status: 200, description: '{ studies: StudySummary[] }' } },
  { method: 'GET', url: '/api/audit', summary: 'Audit events (no PHI), newest first, filtered by action (exact), userId, resourceId and time (from inclusive, to exclusive); an audited read', auth: true, query: auditQuery, ok: { status: 200, description: '{ events: AuditEvent[], next?: number } (next: pass as ?before= for the older page; absent when the page was not full)' } },
  { method: 'GET', url: '/api/audit/verify', summary: "Walks the whole audit hash chain (as './northstation audit verify' does)", auth: true, ok: { status: 200, description: '{ ok, checked, headHash, firstBrokenSeq?, reason? }' } },
  { method: 'GET', url: '/api/status', summary: 'The model, its conformance, memory and limitations, the site and the workflows this server runs (no PHI; unknown fields are null)', auth: true, ok: { status: 200, description: '{ model: { id, backend, synthetic, contextSize?, capabilities, health, quantisation, fileBytes, sha256 } | null, memory: { processRssBytes, estimateBytes }, conformance, limitations, site: { records, imagingListener }, workflows }' } },
  { method: 'GET', url: '/fhir/R4/Composition/:id', summary: 'A SOAP note as a FHIR R4 document Bundle (Composition first; an audited read). Errors are OperationOutcomes', auth: true, fhir: true, ok: { status: 200, description: 'Bundle (type document)' } },
  { method: 'GET', url: '/fhir/R4/Bundle/:id', summary: "A draft's FHIR Bundle by the draft id (an audited read): a SOAP note's document Bundle, or an imaging read's collection Bundle (DiagnosticReport, Patient, clinicians, ImagingStudy when the file was DICOM, Device, Provenance). Errors are OperationOutcomes", auth: true, fhir: true, ok: { status: 200, description: 'Bundle (type document or collection)' } },
  {
    method: 'GET',
    url: '/fhir/R4/DiagnosticReport/:id',
    summary: 'An imaging read as a FHIR R4 DiagnosticReport, by the draft id (an audited read): preliminary while a draft, final once signed, amended, entered-in-error. Errors are OperationOutcomes',
    auth: true,
    fhir: true,
    ok: { status: 200, description: 'DiagnosticReport' },
  },
  { method: 'GET', url: '/fhir/R4/Observation', summary: "Triage Observations (CTAS, NEWS2, vitals) of a patient's or an encounter's triage drafts (audited reads). Errors are OperationOutcomes", auth: true, fhir: true, query: observationQuery, ok: { status: 200, description: 'Bundle (type searchset)' } },
  {
    method: 'GET',
    url: '/fhir/R4/Patient/:id/$export',
    summary:
      "Everything the caller may read about a patient: SOAP documents' resources, triage Observations, imaging reads' DiagnosticReports (with ImagingStudy), Provenance, Device (audited reads), as one Bundle (fewer than 500 documents). With Prefer: respond-async (FHIR Bulk Data), any number of documents (bounded by the job's size), 202 with Content-Location: the status URL (GET /fhir/R4/$export-status/{job}); at most 3 live jobs per user (429) and 20 in all (503). Errors are OperationOutcomes",
    auth: true,
    fhir: true,
    ok: { status: 200, description: 'Bundle (type collection); 202 with Content-Location when asked for the asynchronous export' },
  },
  {
    method: 'GET',
    url: '/fhir/R4/$export-status/:job',
    summary: "The status of an asynchronous Patient $export (started with Prefer: respond-async; only its owner sees it, others get 404): 202 with X-Progress and Retry-After while it runs, then 200 with the Bulk Data manifest { transactionTime, request, requiresAccessToken, output: [{ type, url, count }], error } until it expires 1 hour after completing; a failed export answers its error as an OperationOutcome",
    auth: true,
    fhir: true,
    ok: { status: 200, description: 'The Bulk Data manifest (application/json)' },
  },
  { method: 'DELETE', url: '/fhir/R4/$export-status/:job', summary: 'Cancel an asynchronous Patient $export and delete its files (owner only; others get 404)', auth: true, fhir: true, ok: { status: 202, description: 'Cancelled and deleted' } },
  {
    method: 'GET',
    url: '/fhir/R4/$export-file/:job/:type',
    summary: 'One output file of a completed asynchronous Patient $export: every exported resource of one type, one per line (application/fhir+ndjson; owner only, others get 404; each download is an audited patient.read)',
    auth: true,
    fhir: true,
    ok: { status: 200, description: 'NDJSON (application/fhir+ndjson)' },
  },
  { method: 'GET', url: '/api/site', summary: 'What the sign-in screen needs before anyone signs in: { oidc: whether single sign-on is offered, synthetic: whether the loaded model has random weights (null: no model) }', auth: false, ok: { status: 200, description: '{ oidc, synthetic }' } },
  { method: 'GET', url: '/docs', summary: 'This OpenAPI document', auth: false, ok: { status: 200, description: 'OpenAPI 3.1 JSON' } },
  { method: 'GET', url: '/', summary: "The web UI (web-ui.ts): its index.html, no-cache; 404 'not_found' while the UI is not built. Public static files, no PHI", auth: false, webUi: true, ok: { status: 200, description: 'index.html', binary: ['text/html'] } },
  {
    method: 'GET',
    url: '/*',
    summary:
      "The web UI's files: /assets/… (content-hashed bundles: scripts, styles, images, fonts) cached as immutable for a year, others no-cache; else its index.html for the UI's own paths (client-side routing). Never for /api, /fhir or /docs paths, nor for a path with a file extension the build does not hold (404). Public static files, no PHI",
    auth: false,
    webUi: true,
    ok: { status: 200, description: 'The file, or index.html', binary: ['text/html', 'text/javascript', 'text/css', 'application/octet-stream'] },
  },
];

const errorShape = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', description: 'A stable NorthstationError code' }, message: { type: 'string' } },
    },
  },
} as const;

const fhirErrorResponse = (description: string) => ({ description, content: { 'application/fhir+json': { schema: { $ref: '#/components/schemas/OperationOutcome' } } } });

const operationOutcomeShape = {
  type: 'object',
  required: ['resourceType', 'issue'],
  properties: {
    resourceType: { const: 'OperationOutcome' },
    issue: { type: 'array', items: { type: 'object', description: 'severity, code (FHIR issue-type) and details.coding[0].code: the stable NorthstationError code' } },
  },
} as const;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 already: only the dialect marker goes.
  const converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete converted.$schema;
  return converted;
}

/** Rate limits (app.ts ClinicalAppLimits): per bearer token, and per client IP for signing in. Always in the one error shape. */
const rateLimitedResponse = {
  description: "Too many requests with this token (or sign-in attempts from this address): code 'rate_limited', in the one error shape",
  headers: { 'Retry-After': { description: 'Whole seconds until a request may succeed', schema: { type: 'integer', minimum: 1 } } },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: RouteDoc): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  for (const match of route.url.matchAll(/:(\w+)/g)) parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string', maxLength: 100 } });
  if (route.ifMatch === true) parameters.push({ name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'The draft version you read, e.g. "3"' });
  if (route.query !== undefined) {
    const query = jsonSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  const okContent: Record<string, unknown> =
    route.ok.binary === undefined ? { [route.fhir === true ? 'application/fhir+json' : 'application/json']: { schema: {} } } : Object.fromEntries(route.ok.binary.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));
  if (route.ok.sse === true) okContent['text/event-stream'] = { schema: { type: 'string' } };
  return {
    summary: route.summary,
    ...(route.webUi === true ? { tags: ['web UI'] } : {}),
    ...(route.auth ? {} : { security: [] }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
    ...(route.rawBody === undefined ? {} : { requestBody: { required: true, content: Object.fromEntries(route.rawBody.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) } }),
    responses: {
      [String(route.ok.status)]: route.ok.status === 204 ? { description: route.ok.description } : { description: route.ok.description, content: okContent },
      ...(route.auth || (route.method === 'POST' && route.url === '/api/session') || route.url.startsWith('/api/oidc/') ? { '429': rateLimitedResponse } : {}),
      ...(route.fhir === true
        ? { '4XX': fhirErrorResponse('A client error, as a FHIR OperationOutcome'), '5XX': fhirErrorResponse('A server error, as a FHIR OperationOutcome') }
        : { '4XX': errorResponse('A client error, in the one error shape'), '5XX': errorResponse('A server error or no model loaded (503), in the one error shape') }),
    },
  };
}

/** The document; the single sign-on routes are in it only when `oidc` (they exist only then). */
export function openApiDocument(options: { oidc?: boolean } = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeDocs) {
    if (route.oidc === true && options.oidc !== true) continue;
    const path = route.url.replaceAll(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Northstation clinical API', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: "An API token ('ns_…') or a session token from POST /api/session ('nss_…')" } },
      schemas: { Error: errorShape, OperationOutcome: operationOutcomeShape },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
