/**
 * The clinical HTTP API (issue #6): sessions, encounters, drafts (create by
 * running a workflow, edit with optimistic locking, sign and amend with
 * re-authentication, withdraw; progress by Server-Sent Events when the client
 * sends `Accept: text/event-stream`), the worklist, audit queries, model
 * status and the OpenAPI document (`GET /docs`, openapi.ts), over a
 * RecordsRepository.
 * Built without listening: tests drive it with `app.inject`.
 *
 * Routes are thin: parse (zod) → authorise (accounts/policy.ts, never a role
 * name here) → call the store. The store keeps the records rules (audit,
 * immutability, versions); the policy keeps who may do what.
 *
 * Authentication: `Authorization: Bearer <token>` on every route but
 * `POST /api/session` and `GET /docs`, with either an API token ('ns_…', checked by the
 * store) or a session token from `POST /api/session` ('nss_…', kept in the
 * records store, so it survives a restart and works on every gateway; see
 * sessions.ts). With `oidc` options, `GET /api/oidc/login` and
 * `GET /api/oidc/callback` (oidc.ts) also issue session tokens, by single sign-on.
 *
 * Content: every edit, amendment and signature is checked against the
 * draft's workflow content schema (workflows/content-schema.ts, the schema the
 * runner checked the model-made content with); a mismatch is 422
 * 'schema_violation' naming the path, never the value, and nothing is stored.
 *
 * Errors: one shape, `{ error: { code, message } }` (errors.ts). CORS stays
 * closed: no Access-Control-* header is ever sent, so browsers on other
 * origins cannot read answers.
 *
 * Privacy: Fastify's logger stays off; one log line per request (method,
 * route pattern, status, duration, error code, user id), never a URL, a body,
 * a token or an error message.
 */
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { dataHome } from '../../core/data-home.ts';
import { badRequest, NorthstationError, notFound } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { authorise, can, isRole, rules, type Action, type Principal } from '../../records/accounts/policy.ts';
import { hashToken, tokenPrefix } from '../../records/accounts/api-tokens.ts';
import type { Actor, RecordsRepository, StoredDraft, User } from '../../records/repository.ts';
import type { ChatModel } from '../../engine/chat-model.ts';
import { assertContent } from '../../workflows/content-schema.ts';
import { workflows as allWorkflows } from '../../workflows/index.ts';
import type { WorkflowRunner } from '../../workflows/runner.ts';
import type { AnyWorkflow } from '../../workflows/workflow.ts';
import { importPatientBundleValue } from '../../fhir/import-bundle.ts';
import { toClinicalError } from './errors.ts';
import { fhirRoutes } from './fhir-routes.ts';
import { ImageUploads } from './image-uploads.ts';
import { ImagingDraftInputs, imagingRoutes } from './imaging-routes.ts';
import { StudyArchive } from '../../records/study-archive.ts';
import { registerOidcRoutes, type OidcOptions } from './oidc.ts';
import { openApiDocument, routeDocs } from './openapi.ts';
import { webUi } from './web-ui.ts';
import { amendBody, auditQuery, draftBody, editBody, encounterBody, parse, parseIfMatch, preferencesBody, sessionBody, signBody, studiesQuery, withdrawBody, worklistQuery, type StepUpPurpose } from './schemas.ts';
import { statusBody, type ServingReport } from './serving-report.ts';
import { RateLimiter } from './rate-limit.ts';
import { isSessionTokenShaped, SessionStore, type ExternalSubject, type Session } from './sessions.ts';
import { logClosedRequest, whenRequestClosed } from '../request-closed.ts';

export interface ClinicalAppLimits {
  /** Largest request body in bytes. Default: 1 MiB (transcripts are text). */
  bodyLimitBytes: number;
  /**
   * Largest `POST /api/drafts` body in bytes: a patient's FHIR bundle for a history summary is
   * larger than any transcript (a long Synthea history is about 4 MB). Default: 16 MiB.
   */
  draftBodyLimitBytes: number;
  /** How long a login session lasts. Default: 8 hours (one shift). */
  sessionTtlMs: number;
  /** Live login sessions per user; signing in once more revokes that user's oldest. Default: 10. */
  maxSessionsPerUser: number;
  /** Live login sessions in all (a bound on the sessions table); past it sign-in answers 503. Default: 10,000. */
  maxSessions: number;
  /** Sustained requests per minute per bearer token (session or API token). Default: 120. */
  requestsPerMinute: number;
  /** Requests a token may send at once after a quiet spell. Default: 30. */
  requestBurst: number;
  /** Sign-in attempts (`POST /api/session`) per minute per client IP, successful or not. Default: 10. */
  loginAttemptsPerMinute: number;
  /** Sign-in attempts an IP may make at once. Default: 10. */
  loginBurst: number;
  /** Rate-limit buckets kept per limiter (memory bound; idle ones are forgotten first). Default: 10,000. */
  maxRateLimitBuckets: number;
}

export const defaultClinicalAppLimits: Readonly<ClinicalAppLimits> = {
  bodyLimitBytes: 1024 * 1024,
  draftBodyLimitBytes: 16 * 1024 * 1024,
  sessionTtlMs: 8 * 60 * 60 * 1000,
  maxSessionsPerUser: 10,
  maxSessions: 10_000,
  requestsPerMinute: 120,
  requestBurst: 30,
  loginAttemptsPerMinute: 10,
  loginBurst: 10,
  maxRateLimitBuckets: 10_000,
};

export interface ClinicalAppOptions {
  store: RecordsRepository;
  /** Runs workflows for `POST /api/drafts`; without one that route answers 503. */
  runner?: WorkflowRunner;
  /** The runner's model, described by `GET /api/status` (id, backend, capabilities, health). */
  model?: ChatModel;
  logger: Logger;
  limits?: Partial<ClinicalAppLimits>;
  /**
   * Clock for what the app times itself (rate limits, pending single sign-on logins), in ms. Default: Date.now.
   * Session and step-up expiry follow the store's clock: every gateway judges them alike.
   */
  now?: () => number;
  /** OpenID Connect single sign-on (oidc.ts); its routes exist only when this is given. */
  oidc?: OidcOptions;
  /**
   * The workflows whose content schemas check edits, amendments and
   * signatures, by the stored draft's workflow name; a draft of a workflow not
   * here cannot be changed or signed. Default: every workflow (workflows/index.ts).
   */
  workflows?: readonly AnyWorkflow[];
  /**
   * The imaging folder: received DICOM files (the storage listener writes there too) and image
   * uploads (`uploads/`). Default: `<data home>/imaging`, where `serve` puts the listener's files.
   */
  imagingDirectory?: string;
  /**
   * What `GET /api/status` adds about the serving model and the site (conformance, file hash,
   * memory estimate, records database, imaging listener); `serve` fills it. Default: all unknown (null).
   */
  servingReport?: ServingReport;
  /** The built web UI served at / (web-ui.ts). Default: the repository's web/dist (or NORTHSTATION_WEB_ROOT). */
  webRoot?: string;
}

/** Unauthenticated routes that start or finish a sign-in: limited per client IP. */
const signInRoutes = new Set(['POST /api/session', 'GET /api/oidc/login', 'GET /api/oidc/callback', 'POST /api/oidc/exchange']);

const publicRoutes = new Set(routeDocs.filter((route) => !route.auth).map((route) => `${route.method} ${route.url}`));

export function buildClinicalApp({ store, runner, model, logger, limits, now, oidc, workflows = allWorkflows, imagingDirectory = join(dataHome(), 'imaging'), servingReport = {}, webRoot }: ClinicalAppOptions): FastifyInstance {
  const resolved = { ...defaultClinicalAppLimits, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new NorthstationError('config_invalid', `${name} must be a positive integer`, { [name]: value });
  }
  const { bodyLimitBytes, sessionTtlMs } = resolved;
  const app = Fastify({ logger: false, bodyLimit: bodyLimitBytes });
  const sessions = new SessionStore(store, { ttlMs: sessionTtlMs, maxPerUser: resolved.maxSessionsPerUser, maxTotal: resolved.maxSessions });
  const tokenLimiter = new RateLimiter({ perMinute: resolved.requestsPerMinute, burst: resolved.requestBurst, maxBuckets: resolved.maxRateLimitBuckets }, now);
  const loginLimiter = new RateLimiter({ perMinute: resolved.loginAttemptsPerMinute, burst: resolved.loginBurst, maxBuckets: resolved.maxRateLimitBuckets }, now);
  const users = new WeakMap<FastifyRequest, User>();
  /** The login session a request came with, as looked up at its start (logout, step-up). */
  const requestSessions = new WeakMap<FastifyRequest, Session>();
  const errorCodes = new WeakMap<FastifyRequest, string>();
  const contentSchemas = new Map(workflows.map((workflow) => [workflow.name, workflow.content]));
  const uploads = new ImageUploads(store, imagingDirectory);
  const imagingInputs = new ImagingDraftInputs({ uploads, archive: new StudyArchive(store, imagingDirectory) });

  // Every route is in the OpenAPI document: registering one without an entry in routeDocs fails here.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      if (!routeDocs.some((doc) => doc.method === method && doc.url === route.url)) {
        throw new NorthstationError('config_invalid', `route ${method} ${route.url} has no entry in openapi.ts routeDocs`);
      }
    }
  });

  /** The authenticated user (every route but the public ones runs after `authenticate`). */
  const userOf = (request: FastifyRequest): User => {
    const user = users.get(request);
    if (user === undefined) throw new NorthstationError('unauthorized', 'sign in first: send Authorization: Bearer <token>');
    return user;
  };

  /**
   * A 429 in the error shape, with Retry-After in whole seconds. Sent from the
   * onRequest hook rather than thrown, because the error handler sets its own
   * Retry-After only for 503s.
   */
  const tooManyRequests = (request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number, message: string): FastifyReply => {
    const failure = toClinicalError(new NorthstationError('rate_limited', message, { retryAfterSeconds }));
    errorCodes.set(request, failure.code);
    return reply.code(failure.status).header('retry-after', String(retryAfterSeconds)).send(failure.body);
  };

  app.addHook('onRequest', async (request, reply) => {
    logWhenClosed(request, reply, logger, users, errorCodes);
    // HEAD is answered by the GET route (Fastify registers both): public or not as the GET is.
    const route = `${request.method === 'HEAD' ? 'GET' : request.method} ${request.routeOptions.url ?? ''}`;
    if (signInRoutes.has(route)) {
      // Per client IP: sign-in is the one unauthenticated route that costs a password hash.
      const decision = loginLimiter.take(`ip:${request.ip}`);
      if (!decision.allowed) return tooManyRequests(request, reply, decision.retryAfterSeconds, `too many sign-in attempts from this address; try again in ${decision.retryAfterSeconds} s`);
    }
    if (publicRoutes.has(route)) return;
    const credential = bearerOf(request);
    // Keyed by the token's hash, never the raw token, and limited before the store is asked (API
    // tokens and sessions both live there), so a flood with one token costs no database work.
    const apiToken = credential.startsWith(tokenPrefix);
    if (apiToken || isSessionTokenShaped(credential)) {
      const decision = tokenLimiter.take(`${apiToken ? 'api' : 'session'}:${hashToken(credential)}`);
      if (!decision.allowed) return tooManyRequests(request, reply, decision.retryAfterSeconds, `too many requests with this token; try again in ${decision.retryAfterSeconds} s`);
    }
    const session = apiToken ? undefined : await sessions.session(credential);
    if (session !== undefined) requestSessions.set(request, session);
    users.set(request, await authenticate(credential, request, store, session));
  });

  app.setErrorHandler((error, request, reply) => {
    const failure = toClinicalError(error);
    errorCodes.set(request, failure.code);
    if (failure.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (failure.status === 503) void reply.header('retry-after', '5');
    return reply.code(failure.status).send(failure.body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route in the clinical API');
  });

  // — session —

  app.post('/api/session', async (request, reply) => {
    const { username, password } = parse(sessionBody, request.body);
    const user = await store.authenticate(username, password, contextOf(request));
    return sendSession(reply, user);
  });

  /** A new login session for `user`, answered as `POST /api/session` answers (also after single sign-on). */
  async function sendSession(reply: FastifyReply, user: User, external?: ExternalSubject): Promise<FastifyReply> {
    const session = await sessions.issue(user, external, contextOf(reply.request));
    return reply.code(201).send({
      token: session.token,
      tokenType: 'Bearer',
      expiresAt: new Date(session.expiresAt).toISOString(),
      user: publicUser(user),
    });
  }

  if (oidc !== undefined) registerOidcRoutes(app, { options: oidc, store, sendSession, contextOf, userOf, sessionOf });

  app.delete('/api/session', async (request, reply) => {
    const user = userOf(request);
    const session = requestSessions.get(request);
    if (session === undefined) throw new NorthstationError('bad_request', 'only a session token signs out; an API token is revoked by an admin instead');
    await sessions.revoke(session.token, { userId: user.id, role: user.roles.join('+') || 'none', ...contextOf(request) });
    return reply.code(204).send();
  });

  // — the signed-in user —

  // singleSignOn: whether this session re-authenticates at the identity provider (sign, amend, withdraw) rather than by password.
  app.get('/api/me', (request) => ({ ...publicUser(userOf(request)), singleSignOn: requestSessions.get(request)?.external !== undefined }));

  app.put('/api/me/preferences', async (request) => {
    const user = userOf(request);
    const { language } = parse(preferencesBody, request.body);
    // Anyone signed in, for themselves only: the id is the caller's, never taken from the request.
    const updated = await store.setUserLanguage(user.id, language, { userId: user.id, role: user.roles.join('+') || 'none', ...contextOf(request) });
    return publicUser(updated);
  });

  // — encounters —

  app.post('/api/encounters', async (request, reply) => {
    const user = userOf(request);
    const { patient } = parse(encounterBody, request.body);
    // The policy has no separate encounter action: opening an encounter is the first step of creating a draft.
    const actor = await authoriseOn(user, 'draft.create', request);
    const created = await store.createPatient({ displayName: patient.displayName, ...(patient.birthDate === undefined ? {} : { birthDate: patient.birthDate }) }, actor);
    const encounter = await store.createEncounter({ patientId: created.id }, actor);
    return reply.code(201).send({ patient: created, encounter });
  });

  // — drafts —

  app.post('/api/drafts', { bodyLimit: resolved.draftBodyLimitBytes }, async (request, reply) => {
    const user = userOf(request);
    const body = withImportedContext(parse(draftBody, request.body));
    const actor = await authoriseOn(user, 'draft.create', request);
    if (runner === undefined) throw new NorthstationError('overloaded', 'no model is loaded on this server, so drafts cannot be generated; start it with a model');
    // An imaging read may name an upload or a received instance: the workflow runs on the file, the draft keeps the reference.
    const runInput = await imagingInputs.resolve(body.workflow, body.input, user, (action) => actorFor(user, action, request));
    if (wantsEventStream(request)) {
      await streamDraft(request, reply, runner, { ...body, runInput }, actor);
      return reply;
    }
    const draft = await runner.run(body.workflow, runInput, { signal: abortOnClose(reply) });
    const stored = await store.createDraft({ encounterId: body.encounterId, input: body.input, draft }, actor);
    return sendDraft(reply.code(201), stored);
  });

  app.get('/api/drafts/:id', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    // A read writes its audit event; a user with no read permission at all is refused before any read.
    refuseIfNeverAllowed(user, 'draft.read');
    const draft = await store.getDraft(id, actorFor(user, 'draft.read', request));
    authorise(principal(user), 'draft.read', draft);
    return sendDraft(reply, draft);
  });

  app.patch('/api/drafts/:id', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    const version = parseIfMatch(request.headers['if-match']);
    const { content } = parse(editBody, request.body);
    const actor = await authoriseOn(user, 'draft.edit', request, id);
    const draft = await store.getDraft(id, actorFor(user, 'draft.read', request));
    checkContent(draft.workflow, content, 'the edited content');
    return sendDraft(reply, await store.editDraft(id, version, content, actor));
  });

  app.post('/api/drafts/:id/sign', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    const version = parseIfMatch(request.headers['if-match']);
    const { password } = parse(signBody, request.body);
    const actor = await authoriseOn(user, 'draft.sign', request, id);
    const draft = await store.getDraft(id, actorFor(user, 'draft.read', request));
    // Only the version the signer names is signed: any other version is the store's 'conflict', and an edit
    // between this check and the signature changes the version, so the content checked is the content signed.
    if (draft.version === version && draft.status === 'draft') checkContent(draft.workflow, draft.currentContent, "the draft's current content", 'edit it before signing');
    return sendDraft(reply, await reauthenticated(user, password, request, 'sign', () => store.signDraft(id, version, actor)));
  });

  app.post('/api/drafts/:id/amend', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    const { reason, content, password } = parse(amendBody, request.body);
    const actor = await authoriseOn(user, 'draft.amend', request, id);
    const draft = await store.getDraft(id, actorFor(user, 'draft.read', request));
    checkContent(draft.workflow, content, 'the amended content');
    return sendDraft(reply, await reauthenticated(user, password, request, 'amend', () => store.amend(id, reason, content, actor)));
  });

  app.post('/api/drafts/:id/withdraw', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    const { reason, password } = parse(withdrawBody, request.body);
    const actor = await authoriseOn(user, 'draft.withdraw', request, id);
    return sendDraft(reply, await reauthenticated(user, password, request, 'withdraw', () => store.withdraw(id, reason, actor)));
  });

  // — worklist —

  app.get('/api/worklist', async (request) => {
    const user = userOf(request);
    const query = parse(worklistQuery, request.query, 'query');
    refuseIfNeverAllowed(user, 'draft.read');
    // Patient names are patient data: asked for without patient.read is refused, never silently dropped.
    const withPatients = query.include === 'patient';
    if (withPatients) authorise(principal(user), 'patient.read');
    // Whoever may read every draft sees every draft; an 'own'-scoped reader (an integration) only its own.
    const onlyOwn = !can(principal(user), 'draft.read');
    const page = await store.listDraftsPage(
      {
        limit: query.limit,
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.workflow === undefined ? {} : { workflow: query.workflow }),
        ...(query.patientId === undefined ? {} : { patientId: query.patientId }),
        ...(query.order === undefined ? {} : { order: query.order }),
        ...(withPatients ? { withPatients } : {}),
        ...(onlyOwn ? { createdBy: user.id } : {}),
        ...(query.after === undefined ? {} : { after: query.after }),
      },
      actorFor(user, 'draft.read', request),
    );
    // `next` only while more rows follow: its absence is how a client knows it has them all.
    return page.next === undefined ? { drafts: page.drafts } : { drafts: page.drafts, next: page.next };
  });

  // — received imaging studies (the DICOM storage listener's worklist) —

  app.get('/api/studies', async (request) => {
    const user = userOf(request);
    const query = parse(studiesQuery, request.query, 'query');
    // The rows carry patient names and ids (decrypted): whoever may read patients may list them.
    authorise(principal(user), 'patient.read');
    const filter = { limit: query.limit, ...(query.modality === undefined ? {} : { modality: query.modality }) };
    return { studies: await store.listStudies(filter, actorFor(user, 'patient.read', request)) };
  });

  // — status and docs —

  // Public, for the sign-in screen: whether to offer single sign-on and to show the synthetic-model
  // banner before anyone signs in. Nothing about patients or the site's configuration beyond that.
  app.get('/api/site', () => ({ oidc: oidc !== undefined, synthetic: model?.info.synthetic ?? null }));

  app.get('/api/status', (request, reply) => {
    userOf(request);
    return reply.send(statusBody(model, runner?.workflows ?? [], servingReport, process.memoryUsage.rss()));
  });

  const docs = JSON.stringify(openApiDocument({ oidc: oidc !== undefined }));
  app.get('/docs', (_request, reply) => reply.type('application/json; charset=utf-8').send(docs));

  // — audit —

  app.get('/api/audit', async (request) => {
    const user = userOf(request);
    const query = parse(auditQuery, request.query, 'query');
    const actor = await authoriseOn(user, 'audit.read', request);
    const { before, ...filters } = query;
    const events = await store.searchAuditEvents({ ...filters, ...(before === undefined ? {} : { beforeSeq: before }) }, actor);
    // A full page may have more behind it: `next` is the `before` for the following (older) page.
    const last = events.at(-1);
    return events.length === query.limit && last !== undefined && last.seq > 1 ? { events, next: last.seq } : { events };
  });

  app.get('/api/audit/verify', async (request) => {
    const user = userOf(request);
    await authoriseOn(user, 'audit.read', request);
    // The whole chain, in pages (bounded memory); not an audited read: it returns no event, only whether they link.
    return store.verifyAuditChain();
  });

  // — FHIR R4 reads (fhir-routes.ts: its own error handler answers OperationOutcomes) —

  void app.register(fhirRoutes, { store, userOf, onError: (request, code) => errorCodes.set(request, code), ...(now === undefined ? {} : { now }) });

  // — imaging uploads (imaging-routes.ts: raw image bodies up to 64 MiB, on that route only) —

  void app.register(imagingRoutes, { uploads, inputs: imagingInputs, store, logger, userOf });

  // — the web UI's static files (web-ui.ts: public, same-origin, with its own security headers) —

  void app.register(webUi, webRoot === undefined ? {} : { root: webRoot });

  /**
   * Authorises `action` and returns the actor to record it under. Rules scoped
   * 'own' need the resource: the draft `id` is then read (an audited read) to
   * learn who created it.
   */
  async function authoriseOn(user: User, action: Action, request: FastifyRequest, id?: string): Promise<Actor> {
    if (!can(principal(user), action)) {
      refuseIfNeverAllowed(user, action);
      if (id === undefined) authorise(principal(user), action);
      else authorise(principal(user), action, await store.getDraft(id, actorFor(user, 'draft.read', request)));
    }
    return actorFor(user, action, request);
  }

  /**
   * `POST /api/drafts` as Server-Sent Events: the runner's progress events as
   * they come, then `draft-stored` (the stored draft) or `error` (the error
   * shape). The client going away aborts the workflow, and nothing is stored.
   */
  async function streamDraft(request: FastifyRequest, reply: FastifyReply, workflows: WorkflowRunner, body: { encounterId: string; workflow: string; input: unknown; runInput: unknown }, actor: Actor): Promise<void> {
    const signal = abortOnClose(reply);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown): void => {
      if (!raw.writableEnded && !raw.destroyed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      const draft = await workflows.run(body.workflow, body.runInput, {
        signal,
        onEvent: (event) => {
          if (event.type !== 'draft-ready') send(event.type, event);
        },
      });
      signal.throwIfAborted();
      const stored = await store.createDraft({ encounterId: body.encounterId, input: body.input, draft }, actor);
      send('draft-stored', stored);
    } catch (error) {
      const failure = toClinicalError(error);
      errorCodes.set(request, failure.code);
      send('error', failure.body);
    } finally {
      if (!raw.writableEnded) raw.end();
    }
  }

  /**
   * 'schema_violation' (422) unless `content` matches the content schema of
   * `workflow`; a workflow with no schema here fails closed. Checked before the
   * re-authentication, so a malformed request costs no password attempt or step-up grant.
   */
  function checkContent(workflow: string, content: unknown, what: string, hint?: string): void {
    const schema = contentSchemas.get(workflow);
    if (schema === undefined) throw new NorthstationError('schema_violation', `no content schema for workflow "${workflow}" on this server: its drafts cannot be changed or signed here`, { workflow });
    try {
      assertContent(workflow, schema, content, what);
    } catch (error) {
      if (hint !== undefined && error instanceof NorthstationError) throw new NorthstationError(error.code, `${error.message}; ${hint}`, error.details);
      throw error;
    }
  }

  /** The login session a request came with (undefined for an API token), as looked up when the request began. */
  function sessionOf(request: FastifyRequest): Session | undefined {
    return requestSessions.get(request);
  }

  /**
   * Runs a sign, amend or withdraw once the signer has proved it is still
   * them: with the password (a wrong one is 'unauthorized' and counts towards
   * lockout), or, without one, on a session opened by single sign-on, with its
   * unused step-up grant for this purpose (oidc.ts). The grant is taken before
   * `act` runs, by one conditional UPDATE in the store, so two requests (on any
   * gateways) cannot spend one grant, and given back when
   * `act` fails (nothing was signed). A session of neither kind without a
   * password is 'bad_request', as a body without the field always was.
   */
  async function reauthenticated<T>(user: User, password: string | undefined, request: FastifyRequest, purpose: StepUpPurpose, act: () => Promise<T>): Promise<T> {
    if (password !== undefined) {
      try {
        await store.authenticate(user.username, password, contextOf(request));
      } catch (error) {
        if (error instanceof NorthstationError && error.code === 'unauthorized') {
          throw new NorthstationError('unauthorized', 're-authentication failed: enter your own password to sign, amend or withdraw', { userId: user.id });
        }
        throw error;
      }
      return act();
    }
    const session = sessionOf(request);
    if (session?.external === undefined) throw badRequest('body.password: re-enter your password to sign, amend or withdraw', { field: 'body.password' });
    const grant = await sessions.takeStepUp(session, purpose);
    if (grant === undefined) {
      throw new NorthstationError('unauthorized', `re-authenticate at your identity provider first (GET /api/oidc/reauth?purpose=${purpose}); each re-authentication allows one ${purpose} within a few minutes`, { userId: user.id });
    }
    try {
      return await act();
    } catch (error) {
      await sessions.restoreStepUp(session, grant);
      throw error;
    }
  }

  return app;
}

/** The bearer token the request carries, or 'unauthorized'. */
function bearerOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer +(\S+)$/i.exec(header.trim());
  const token = match?.[1];
  if (token === undefined) throw new NorthstationError('unauthorized', 'sign in first: send Authorization: Bearer <token>');
  return token;
}

/** The user behind an API token (checked by the store) or a session (already looked up). */
async function authenticate(token: string, request: FastifyRequest, store: RecordsRepository, session: Session | undefined): Promise<User> {
  if (token.startsWith(tokenPrefix)) return store.authenticateToken(token, contextOf(request));
  if (session === undefined) throw new NorthstationError('unauthorized', 'the session is unknown, signed out or has expired: sign in again');
  return session.user;
}

const principal = (user: User): Principal => ({ id: user.id, roles: user.roles });

/** 'forbidden' when none of the user's roles grants `action` on any resource (no need to read the resource). */
function refuseIfNeverAllowed(user: User, action: Action): void {
  if (!user.roles.some((role) => isRole(role) && rules[role][action] !== undefined)) authorise(principal(user), action);
}

/** The actor for the audit trail, acting in the first of the user's roles that grants `action`. */
function actorFor(user: User, action: Action, request: FastifyRequest): Actor {
  const role = user.roles.find((candidate) => can({ id: user.id, roles: [candidate] }, action)) ?? user.roles[0] ?? 'none';
  return { userId: user.id, role, ...contextOf(request) };
}

function contextOf(request: FastifyRequest): { ip: string; client: string } {
  return { ip: request.ip, client: 'api' };
}

function idOf(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > 100) throw new NorthstationError('bad_request', 'a draft id is required', { field: 'id' });
  return id;
}

const publicUser = (user: User) => ({ id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, language: user.language });

/** The draft, with its version as the ETag the next change sends back in If-Match. */
function sendDraft(reply: FastifyReply, draft: StoredDraft): FastifyReply {
  return reply.header('etag', `"${draft.version}"`).send(draft);
}

/** Whether the client asked for Server-Sent Events. */
function wantsEventStream(request: FastifyRequest): boolean {
  return /(^|,)\s*text\/event-stream\b/i.test(request.headers.accept ?? '');
}

/** Aborts the workflow when the client goes away before the answer is sent. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new NorthstationError('aborted', 'the client closed the request'));
  });
  return controller.signal;
}

function logWhenClosed(request: FastifyRequest, reply: FastifyReply, logger: Logger, users: WeakMap<FastifyRequest, User>, errorCodes: WeakMap<FastifyRequest, string>): void {
  whenRequestClosed(request, reply, (closed) => {
    logClosedRequest(logger, request, closed, { userId: users.get(request)?.id, errorCode: errorCodes.get(request) });
  });
}

/**
 * A patient bundle given as workflow context (history-summary) goes through
 * the FHIR import first: one patient per bundle, every resource about that
 * patient, sizes bounded (fhir/import-bundle.ts). A bundle mixing patients
 * would otherwise let one patient's history leak into another's summary.
 */
function withImportedContext<T extends { workflow: string; input: unknown }>(body: T): T {
  if (body.workflow !== 'history-summary') return body;
  const input = body.input as { bundle?: unknown } | null;
  // Anything else is the workflow's own input error, reported by its schema.
  if (input === null || typeof input !== 'object' || input.bundle === undefined) return body;
  return { ...body, input: { ...input, bundle: importPatientBundleValue(input.bundle).historySummaryInput.bundle } };
}
