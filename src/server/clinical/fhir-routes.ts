/**
 * FHIR R4 read endpoints on the clinical app (issue #6, "FHIR R4"):
 *
 * - `GET /fhir/R4/Composition/:id` and `GET /fhir/R4/Bundle/:id`: the SOAP note
 *   document Bundle of a stored soap-note draft (preliminary, final, amended
 *   or entered-in-error as the records say);
 * - `GET /fhir/R4/Observation?subject=Patient/:id` or `?encounter=Encounter/:id`:
 *   the triage Observations of that patient's (encounter's) triage drafts, as
 *   a searchset Bundle;
 * - `GET /fhir/R4/Patient/:id/$export`: one collection Bundle of everything the
 *   caller may read about the patient (each SOAP document's resources, each
 *   triage export), every resource once.
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
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NorthstationError, notFound, type ErrorCode } from '../../core/errors.ts';
import { operationOutcome, storedSoapNoteBundle, triageObservations, triageSourceFromStored, type Bundle, type BundleEntry, type Resource } from '../../fhir/index.ts';
import { authorise, can, isRole, rules, type Action, type Principal } from '../../records/accounts/policy.ts';
import type { Actor, DraftSummary, Patient, RecordsRepository, StoredDraft, User } from '../../records/repository.ts';
import { toClinicalError } from './errors.ts';
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
}

/** At most this many drafts are scanned per request (the store's list limit). */
const scanLimit = 500;

export function fhirRoutes(app: FastifyInstance, options: FhirRoutesOptions): Promise<void> {
  const { store, userOf, onError, baseUrl } = options;
  const base = { ...(baseUrl === undefined ? {} : { baseUrl }) };
  const fullUrlBase = (baseUrl ?? 'https://northstation.example/fhir').replace(/\/+$/, '');

  app.setErrorHandler((error, request, reply) => {
    const failure = toClinicalError(error);
    onError?.(request, failure.code);
    if (failure.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (failure.status === 503) void reply.header('retry-after', '5');
    return reply.code(failure.status).type(fhirContentType).send(JSON.stringify(operationOutcome(failure.code, failure.body.error.message)));
  });

  const documentRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const user = userOf(request);
    const id = idOf(request);
    refuseIfNeverAllowed(user, 'draft.read');
    const actor = actorFor(user, 'draft.read', request);
    const draft = await store.getDraft(id, actor);
    authorise(principal(user), 'draft.read', draft);
    if (draft.workflow !== 'soap-note') throw notFound(`no SOAP note document ${id}: that draft is a ${draft.workflow} draft`);
    const patient = await store.getPatient(draft.patientId, actor);
    return sendFhir(reply, storedSoapNoteBundle(draft, patient, base));
  };
  app.get('/fhir/R4/Composition/:id', documentRoute);
  app.get('/fhir/R4/Bundle/:id', documentRoute);

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
    const summaries = await readableDrafts(user, request, undefined, { patientId: id });
    // Whoever may read patients learns whether one exists; an 'own'-scoped reader only reaches a patient through its own drafts.
    if (can(principal(user), 'patient.read')) await store.getPatient(id, actorFor(user, 'patient.read', request));
    else if (summaries.length === 0) authorise(principal(user), 'patient.read');
    const entries = new Map<string, BundleEntry>();
    const add = (resource: Resource): void => {
      const fullUrl = `${fullUrlBase}/${resource.resourceType}/${resource.id ?? ''}`;
      if (!entries.has(fullUrl)) entries.set(fullUrl, { fullUrl, resource });
    };
    for (const { draft, patient } of await loadWithPatients(user, request, summaries)) {
      if (draft.workflow === 'soap-note') {
        for (const entry of storedSoapNoteBundle(draft, patient, base).entry) add(entry.resource);
      } else if (draft.workflow === 'triage') {
        const exported = triageObservations(triageSourceFromStored(draft, patient));
        for (const resource of [...exported.observations, exported.patient, ...exported.practitioners, exported.device, exported.provenance]) add(resource);
      }
    }
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', timestamp: new Date().toISOString(), entry: [...entries.values()] };
    return sendFhir(reply, bundle);
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
    return summaries.filter((summary) => summary.workflow === 'soap-note' || summary.workflow === 'triage');
  }

  /** Each draft read in full (an audited draft.read each), with its patient (one audited patient.read per patient). */
  async function loadWithPatients(user: User, request: FastifyRequest, summaries: DraftSummary[]): Promise<{ draft: StoredDraft; patient: Patient }[]> {
    const actor = actorFor(user, 'draft.read', request);
    const patients = new Map<string, Patient>();
    const loaded: { draft: StoredDraft; patient: Patient }[] = [];
    for (const summary of summaries) {
      const draft = await store.getDraft(summary.id, actor);
      authorise(principal(user), 'draft.read', draft);
      let patient = patients.get(draft.patientId);
      if (patient === undefined) {
        patient = await store.getPatient(draft.patientId, actor);
        patients.set(draft.patientId, patient);
      }
      loaded.push({ draft, patient });
    }
    return loaded;
  }

  return Promise.resolve();
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
