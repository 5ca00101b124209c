/**
 * FHIR R4 read endpoints on the clinical app (issue #6, "FHIR R4"):
 *
 * - `GET /fhir/R4/Composition/:id` and `GET /fhir/R4/Bundle/:id`: the SOAP note
 *   document Bundle of a stored soap-note draft (preliminary, final, amended
 *   or entered-in-error as the records say); `Bundle/:id` of an imaging-read
 *   draft is its collection Bundle (imaging-fhir.ts);
 * - `GET /fhir/R4/DiagnosticReport/:id`: an imaging-read draft's report;
 * - `GET /fhir/R4/Observation?subject=Patient/:id` or `?encounter=Encounter/:id`:
 *   the triage Observations of that patient's (encounter's) triage drafts, as
 *   a searchset Bundle;
 * - `GET /fhir/R4/Patient/:id/$export`: one collection Bundle of everything the
 *   caller may read about the patient (each SOAP document's resources, each
 *   triage export, each imaging read's report), every resource once; fewer than 500 documents
 *   (the asynchronous export has no such cap).
 * - the same with `Prefer: respond-async` (FHIR Bulk Data): 202 with
 *   `Content-Location: …/fhir/R4/$export-status/:job`; that URL answers 202
 *   with `X-Progress` and `Retry-After` while the job runs, then 200 with the
 *   manifest, whose output URLs (`…/fhir/R4/$export-file/:job/:type`) serve
 *   one NDJSON file per resource type; `DELETE` on it cancels and deletes the
 *   job. Jobs, their owners, bounds and expiry: bulk-export.ts.
 *
 * Same authentication as the other routes (the app's onRequest hook), same
 * policy (accounts/policy.ts: draft.read, patient.read), every read audited by
 * the store (draft.read, patient.read, worklist.read). Answers are
 * `application/fhir+json`; errors, 401 included, are `OperationOutcome`s with
 * the stable error code in `issue[0].details.coding[0].code`.
 *
 * A reader scoped 'own' for draft.read (an integration) sees only the drafts
 * it created, and the patient only through them.
 */
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NorthstationError, notFound, type ErrorCode } from '../../core/errors.ts';
import { operationOutcome, storedSoapNoteBundle, triageObservations, triageSourceFromStored, type Bundle, type BundleEntry, type FhirExportOptions, type Resource } from '../../fhir/index.ts';
import { authorise, can, isRole, rules, type Action, type Principal } from '../../records/accounts/policy.ts';
import type { Actor, DraftSummary, Patient, RecordsRepository, StoredDraft, User } from '../../records/repository.ts';
import { BulkExportJobs, type BulkExportLimits, type ExportJob } from './bulk-export.ts';
import { toClinicalError } from './errors.ts';
import { storedImagingBundle, storedImagingReport } from './imaging-fhir.ts';
import { observationQuery, parse } from './schemas.ts';

export const fhirContentType = 'application/fhir+json; charset=utf-8';

export interface FhirRoutesOptions {
  store: RecordsRepository;
  /** The authenticated user of the request (the app's authentication). */
  userOf: (request: FastifyRequest) => User;
  /** Records the error code for the app's request log line. */
  onError?: (request: FastifyRequest, code: ErrorCode) => void;
  /** Absolute base for `fullUrl`s (default: fhir/ids.ts's). */
  baseUrl?: string;
  /** Clock for export job times and expiry, in ms. Default: Date.now. */
  now?: () => number;
  /** Bounds on asynchronous export jobs (bulk-export.ts defaults). */
  bulkExport?: Partial<BulkExportLimits>;
}

/** The store's page size: the most drafts a synchronous request scans, and each page of the asynchronous export's walk. */
const scanLimit = 500;

export function fhirRoutes(app: FastifyInstance, options: FhirRoutesOptions): Promise<void> {
  const { store, userOf, onError, baseUrl, now, bulkExport } = options;
  const base = { ...(baseUrl === undefined ? {} : { baseUrl }) };
  const fullUrlBase = (baseUrl ?? 'https://northstation.example/fhir').replace(/\/+$/, '');

  app.setErrorHandler((error, request, reply) => {
    const failure = toClinicalError(error);
    onError?.(request, failure.code);
    if (failure.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (failure.status === 503) void reply.header('retry-after', '5');
    return reply.code(failure.status).type(fhirContentType).send(JSON.stringify(operationOutcome(failure.code, failure.body.error.message)));
  });

  /** The draft `:id` (an audited read) and its patient, when it is one of `workflows`; 'not_found' naming `what` otherwise. */
  const readDocument = async (request: FastifyRequest, what: string, workflows: readonly string[]): Promise<{ draft: StoredDraft; patient: Patient }> => {
    const user = userOf(request);
    const id = idOf(request);
    refuseIfNeverAllowed(user, 'draft.read');
    const actor = actorFor(user, 'draft.read', request);
    const draft = await store.getDraft(id, actor);
    authorise(principal(user), 'draft.read', draft);
    if (!workflows.includes(draft.workflow)) throw notFound(`no ${what} ${id}: that draft is a ${draft.workflow} draft`);
    return { draft, patient: await store.getPatient(draft.patientId, actor) };
  };
  app.get('/fhir/R4/Composition/:id', async (request, reply) => {
    const { draft, patient } = await readDocument(request, 'SOAP note document', ['soap-note']);
    return sendFhir(reply, storedSoapNoteBundle(draft, patient, base));
  });
  app.get('/fhir/R4/Bundle/:id', async (request, reply) => {
    const { draft, patient } = await readDocument(request, 'document', ['soap-note', 'imaging-read']);
    return sendFhir(reply, draft.workflow === 'soap-note' ? storedSoapNoteBundle(draft, patient, base) : storedImagingBundle(draft, patient, base));
  });
  app.get('/fhir/R4/DiagnosticReport/:id', async (request, reply) => {
    const { draft, patient } = await readDocument(request, 'imaging report', ['imaging-read']);
    return sendFhir(reply, storedImagingReport(draft, patient).report);
  });

  app.get('/fhir/R4/Observation', async (request, reply) => {
    const user = userOf(request);
    const query = parse(observationQuery, request.query, 'query');
    const patientId = query.subject ?? query.patient;
    const drafts = await readableDrafts(user, request, 'triage', {
      ...(patientId === undefined ? {} : { patientId }),
      ...(query.encounter === undefined ? {} : { encounterId: query.encounter }),
    });
    const observations: Resource[] = [];
    for (const { draft, patient } of await loadWithPatients(user, request, drafts)) observations.push(...triageObservations(triageSourceFromStored(draft, patient)).observations);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: observations.length,
      entry: observations.map((resource) => ({ fullUrl: `${fullUrlBase}/Observation/${resource.id ?? ''}`, resource, search: { mode: 'match' } })),
    };
    return sendFhir(reply, bundle);
  });

  app.get('/fhir/R4/Patient/:id/$export', async (request, reply) => {
    const user = userOf(request);
    const id = idOf(request);
    if (wantsAsync(request)) return kickOff(request, reply, user, id);
    const summaries = await readableDrafts(user, request, undefined, { patientId: id });
    await checkPatientReadable(user, request, id, summaries.length);
    const entries = new Map<string, BundleEntry>();
    for (const { draft, patient } of await loadWithPatients(user, request, summaries)) {
      for (const resource of documentResources(draft, patient, base)) {
        const fullUrl = `${fullUrlBase}/${resource.resourceType}/${resource.id ?? ''}`;
        if (!entries.has(fullUrl)) entries.set(fullUrl, { fullUrl, resource });
      }
    }
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', timestamp: new Date().toISOString(), entry: [...entries.values()] };
    return sendFhir(reply, bundle);
  });

  // — the asynchronous export (FHIR Bulk Data kick-off, status, files; jobs in bulk-export.ts) —

  const jobs = new BulkExportJobs(bulkExport, now);
  app.addHook('onClose', (_instance, done) => {
    jobs.closeAll();
    done();
  });

  /**
   * `Prefer: respond-async`: the same checks as the synchronous export (policy,
   * patient existence, the listing), answered at once; the documents are then
   * read in the background under the caller's audit actor.
   */
  async function kickOff(request: FastifyRequest, reply: FastifyReply, user: User, patientId: string): Promise<FastifyReply> {
    const unsupported = Object.keys(request.query as Record<string, unknown>).filter((name) => name !== '_outputFormat');
    if (unsupported.length > 0) throw new NorthstationError('bad_request', `unsupported $export parameter(s): ${unsupported.join(', ')}`, { field: 'query' });
    const { _outputFormat: format } = request.query as { _outputFormat?: unknown };
    if (format !== undefined && !(typeof format === 'string' && ndjsonFormats.has(format))) {
      throw new NorthstationError('bad_request', '_outputFormat must be application/fhir+ndjson (or application/ndjson, ndjson)', { field: '_outputFormat' });
    }
    const summaries = await allReadableDrafts(user, request, patientId);
    await checkPatientReadable(user, request, patientId, summaries.length);
    const origin = originOf(request);
    let job: ExportJob;
    try {
      job = jobs.start({ ownerId: user.id, patientId, request: `${origin}${request.url}`, origin, total: summaries.length });
    } catch (error) {
      // Retry-After here because the error handler adds one only to 503s.
      if (error instanceof NorthstationError && typeof error.details.retryAfterSeconds === 'number') void reply.header('retry-after', String(error.details.retryAfterSeconds));
      throw error;
    }
    void produce(job, summaries, user, actorFor(user, 'draft.read', request));
    return reply.code(202).header('content-location', statusUrl(job)).type(fhirContentType).send(JSON.stringify(operationOutcomeInformation('export started; poll the Content-Location URL')));
  }

  /** Reads each document (an audited draft.read each, its patient once) and appends its resources, each once, to the job. */
  async function produce(job: ExportJob, summaries: DraftSummary[], user: User, actor: Actor): Promise<void> {
    const seen = new Set<string>();
    const patients = new Map<string, Patient>();
    try {
      for (const summary of summaries) {
        // Yield to the event loop between documents: the store may answer synchronously, and status polls must be served meanwhile.
        await setImmediate();
        if (job.cancelled) return;
        const { draft, patient } = await loadDocument(summary.id, user, actor, patients);
        for (const resource of documentResources(draft, patient, base)) {
          const key = `${resource.resourceType}/${resource.id ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          jobs.append(job, resource);
        }
        job.done += 1;
      }
      jobs.complete(job);
    } catch (error) {
      // A cancelled job's store reads may fail as the server closes: nobody is waiting for that answer.
      jobs.fail(job, error);
    }
  }

  const statusUrl = (job: ExportJob): string => `${job.origin}/fhir/R4/$export-status/${job.id}`;

  app.get('/fhir/R4/$export-status/:job', (request, reply) => {
    const user = userOf(request);
    const job = jobs.get(jobIdOf(request), user.id);
    if (job.state === 'running') {
      return reply.code(202).header('x-progress', `${job.done} of ${job.total} documents read`).header('retry-after', '1').send();
    }
    const expires = new Date(jobs.expiresAt(job) ?? 0).toUTCString();
    if (job.failure !== undefined) {
      return reply.code(job.failure.status).header('expires', expires).type(fhirContentType).send(JSON.stringify(operationOutcome(job.failure.code, job.failure.message)));
    }
    const manifest = {
      transactionTime: job.transactionTime,
      request: job.request,
      requiresAccessToken: true,
      output: [...job.files.values()].map((file) => ({ type: file.type, url: `${job.origin}/fhir/R4/$export-file/${job.id}/${file.type}`, count: file.count })),
      error: [],
    };
    return reply.header('expires', expires).type('application/json; charset=utf-8').send(JSON.stringify(manifest));
  });

  app.delete('/fhir/R4/$export-status/:job', (request, reply) => {
    const user = userOf(request);
    jobs.cancel(jobIdOf(request), user.id);
    return reply.code(202).send();
  });

  app.get('/fhir/R4/$export-file/:job/:type', async (request, reply) => {
    const user = userOf(request);
    const job = jobs.get(jobIdOf(request), user.id);
    const { type } = request.params as { type?: unknown };
    const file = job.state === 'completed' && typeof type === 'string' ? job.files.get(type) : undefined;
    if (file === undefined) throw notFound('no such file in this export job');
    // Each download is a read of the patient's record: recorded as the store's audited patient.read, naming the downloader.
    await store.getPatient(job.patientId, actorFor(user, 'draft.read', request));
    // The lines are streamed from the job's buffers, never joined into one more copy.
    return reply.type('application/fhir+ndjson').send(Readable.from(file.lines));
  });

  /** Summaries of the drafts `user` may read (only its own for an 'own'-scoped reader), filtered; 'forbidden' when it may read none. */
  async function readableDrafts(user: User, request: FastifyRequest, workflow: string | undefined, scope: { patientId?: string; encounterId?: string }): Promise<DraftSummary[]> {
    refuseIfNeverAllowed(user, 'draft.read');
    const onlyOwn = !can(principal(user), 'draft.read');
    const summaries = await store.listDrafts(
      { limit: scanLimit, ...scope, ...(workflow === undefined ? {} : { workflow }), ...(onlyOwn ? { createdBy: user.id } : {}) },
      actorFor(user, 'draft.read', request),
    );
    // Never a silently partial answer: past the limit the caller is told to narrow the request.
    if (summaries.length >= scanLimit) {
      throw new NorthstationError('payload_too_large', `more than ${scanLimit} documents match; narrow the request (by encounter)`);
    }
    return summaries.filter((summary) => (exportedWorkflows as readonly string[]).includes(summary.workflow));
  }

  /** 'not_found' for an unknown patient (whoever may read patients); for an 'own'-scoped reader, 'forbidden' when it reaches the patient through none of its drafts. */
  async function checkPatientReadable(user: User, request: FastifyRequest, patientId: string, documents: number): Promise<void> {
    // Whoever may read patients learns whether one exists; an 'own'-scoped reader only reaches a patient through its own drafts.
    if (can(principal(user), 'patient.read')) await store.getPatient(patientId, actorFor(user, 'patient.read', request));
    else if (documents === 0) authorise(principal(user), 'patient.read');
  }

  /**
   * Every exported document of the patient that `user` may read, newest first
   * (the synchronous export's order), however many: the store's pages are
   * walked with its cursor (each page an audited worklist.read). The cursor is
   * keyed on creation time and insertion order, which never change, so a
   * document signed or amended during the walk is still listed exactly once,
   * and one created during it is not listed at all. Only summaries are held
   * here; the job's byte bounds (bulk-export.ts) limit what is then read.
   */
  async function allReadableDrafts(user: User, request: FastifyRequest, patientId: string): Promise<DraftSummary[]> {
    refuseIfNeverAllowed(user, 'draft.read');
    const onlyOwn = !can(principal(user), 'draft.read');
    const actor = actorFor(user, 'draft.read', request);
    const all: DraftSummary[] = [];
    let after: string | undefined;
    do {
      const page = await store.listDraftsPage({ limit: scanLimit, patientId, ...(onlyOwn ? { createdBy: user.id } : {}), ...(after === undefined ? {} : { after }) }, actor);
      for (const summary of page.drafts) if ((exportedWorkflows as readonly string[]).includes(summary.workflow)) all.push(summary);
      after = page.next;
    } while (after !== undefined);
    return all;
  }

  /** Each draft read in full (an audited draft.read each), with its patient (one audited patient.read per patient). */
  async function loadWithPatients(user: User, request: FastifyRequest, summaries: DraftSummary[]): Promise<{ draft: StoredDraft; patient: Patient }[]> {
    const actor = actorFor(user, 'draft.read', request);
    const patients = new Map<string, Patient>();
    const loaded: { draft: StoredDraft; patient: Patient }[] = [];
    for (const summary of summaries) loaded.push(await loadDocument(summary.id, user, actor, patients));
    return loaded;
  }

  /** One draft read in full (an audited draft.read) and its patient, read once per `patients` cache (an audited patient.read). */
  async function loadDocument(id: string, user: User, actor: Actor, patients: Map<string, Patient>): Promise<{ draft: StoredDraft; patient: Patient }> {
    const draft = await store.getDraft(id, actor);
    authorise(principal(user), 'draft.read', draft);
    let patient = patients.get(draft.patientId);
    if (patient === undefined) {
      patient = await store.getPatient(draft.patientId, actor);
      patients.set(draft.patientId, patient);
    }
    return { draft, patient };
  }

  return Promise.resolve();
}

/** The resources one stored document exports as: a SOAP note's document Bundle entries, a triage draft's Observations, an imaging read's report, each with their context. */
function documentResources(draft: StoredDraft, patient: Patient, base: FhirExportOptions): Resource[] {
  if (draft.workflow === 'soap-note') return storedSoapNoteBundle(draft, patient, base).entry.map((entry) => entry.resource);
  if (draft.workflow === 'triage') {
    const exported = triageObservations(triageSourceFromStored(draft, patient));
    return [...exported.observations, exported.patient, ...exported.practitioners, exported.device, exported.provenance];
  }
  if (draft.workflow === 'imaging-read') return storedImagingBundle(draft, patient, base).entry.map((entry) => entry.resource);
  return [];
}

const exportedWorkflows = ['soap-note', 'triage', 'imaging-read'] as const;
const ndjsonFormats = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

/** Whether the client asked for the asynchronous pattern (`Prefer: respond-async`). */
function wantsAsync(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return /(^|[,;\s])respond-async\s*($|[,;])/i.test(Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''));
}

/** Scheme and authority of the request: status and file URLs point back at the address the client used. */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function jobIdOf(request: FastifyRequest): string {
  const { job } = request.params as { job?: unknown };
  if (typeof job !== 'string' || !/^[0-9a-f]{32}$/.test(job)) throw notFound('no such export job (it may have expired or been cancelled)');
  return job;
}

/** An informational OperationOutcome (the kick-off's body: Bulk Data allows one, and FHIR clients expect JSON). */
function operationOutcomeInformation(text: string): Resource {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: text }] };
}

function sendFhir(reply: FastifyReply, resource: Resource): FastifyReply {
  return reply.type(fhirContentType).send(JSON.stringify(resource));
}

const principal = (user: User): Principal => ({ id: user.id, roles: user.roles });

/** 'forbidden' when none of the user's roles grants `action` on any resource. */
function refuseIfNeverAllowed(user: User, action: Action): void {
  if (!user.roles.some((role) => isRole(role) && rules[role][action] !== undefined)) authorise(principal(user), action);
}

/** The audit actor, in the first of the user's roles that grants `action`. */
function actorFor(user: User, action: Action, request: FastifyRequest): Actor {
  const role = user.roles.find((candidate) => can({ id: user.id, roles: [candidate] }, action)) ?? user.roles[0] ?? 'none';
  return { userId: user.id, role, ip: request.ip, client: 'api' };
}

function idOf(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > 100) throw new NorthstationError('bad_request', 'an id is required', { field: 'id' });
  return id;
}
