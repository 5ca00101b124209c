/**
 * Imaging intake for the clinical API:
 *
 * - `POST /api/imaging/uploads`: the image file itself as the raw body
 *   (Content-Type application/dicom, image/png or image/jpeg, at most 64 MiB:
 *   this route's own limit, every other route keeps 1 MiB of JSON). The header
 *   is checked with the decoders' rules before anything is kept
 *   (workflows/imaging-read/image-header.ts), the file is sealed on disk
 *   (image-uploads.ts), and the answer is its id: 201 { upload }.
 * - `POST /api/drafts` with workflow 'imaging-read' and input `{ upload }` or
 *   `{ studyInstance }` (a SOP Instance UID the DICOM listener received) in
 *   place of `image`: `ImagingDraftInputs.resolve` turns the reference into
 *   the workflow's `image` data URI on the server, so the bytes never travel
 *   back to the client. The stored draft keeps the reference as its input
 *   (and the store links the draft to the upload, which keeps it past expiry).
 * - `GET /api/drafts/:id/image`: the original file a draft was read from
 *   (the upload's Content-Type, or application/dicom for a received
 *   instance), for whoever may read the draft; an audited read.
 * - `GET /api/imaging/uploads/:id/view` and
 *   `GET /api/studies/instances/:sopInstanceUid/view` (`?frame=&size=`):
 *   the image decoded on the server into display-ready pixels for the web
 *   UI's viewer (imaging-view.ts), read under the same rules and audited the
 *   same way as the upload or instance itself.
 *
 * Who: uploading is part of creating a draft ('draft.create': nurses,
 * physicians, integrations; not admins). An upload opens for its uploader
 * and for whoever may read a draft made from it (the store's rule, policy.ts
 * `canOpenUpload`). A received study instance is patient data from the archive:
 * drafting from one needs 'patient.read' (nurses, physicians; an integration
 * never sees the studies worklist), and each read is the store's audited
 * 'study.read'.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NorthstationError, badRequest, notFound } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { authorise, can, isRole, rules, type Action, type Principal } from '../../records/accounts/policy.ts';
import type { Actor, RecordsRepository, StoredDraft, User } from '../../records/repository.ts';
import type { StudyArchive } from '../../records/study-archive.ts';
import { checkImageHeader, isUploadMediaType, uploadMediaTypes, type UploadMediaType } from '../../workflows/imaging-read/image-header.ts';
import type { ImageUploads } from './image-uploads.ts';
import { ViewLimiter, renderView, viewQuery } from './imaging-view.ts';
import { parse } from './schemas.ts';

/** The largest upload (and the largest received instance a draft may read): what an imaging read's input takes. */
export const maxImageBytes = 64 * 1024 * 1024;

/** How often expired uploads are swept while the server runs (also once at start-up). */
export const uploadSweepIntervalMs = 60 * 60 * 1000;

export interface ImagingRoutesOptions {
  uploads: ImageUploads;
  inputs: ImagingDraftInputs;
  store: RecordsRepository;
  logger: Logger;
  userOf: (request: FastifyRequest) => User;
}

const wrongType = (): NorthstationError =>
  new NorthstationError('bad_request', `send the image file itself as the request body with Content-Type ${uploadMediaTypes.join(', ')}`, { field: 'Content-Type' });

export function imagingRoutes(app: FastifyInstance, { uploads, inputs, store, logger, userOf }: ImagingRoutesOptions): Promise<void> {
  // A failed sweep (database briefly away) is retried at the next interval; serving goes on.
  const sweep = (): Promise<void> =>
    uploads.sweep().then(
      (count) => {
        if (count > 0) logger.info('uploads.expired', { count });
      },
      (error: unknown) => {
        logger.warn('uploads.sweep-failed', { errorCode: error instanceof NorthstationError ? error.code : 'internal' });
      },
    );
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await sweep();
    timer = setInterval(() => void sweep(), uploadSweepIntervalMs);
    timer.unref();
  });
  app.addHook('onClose', () => {
    clearInterval(timer);
    return Promise.resolve();
  });

  // Encapsulated in this plugin: only the upload route reads raw image bodies, and only it may be large.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...uploadMediaTypes], { parseAs: 'buffer', bodyLimit: maxImageBytes }, (_request, body, done) => {
    done(null, body);
  });
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(wrongType(), undefined);
  });

  app.post(
    '/api/imaging/uploads',
    {
      bodyLimit: maxImageBytes,
      // Refused before the body is read: a role that may not upload never gets 64 MiB into memory.
      preParsing: (request, _reply, payload, done) => {
        try {
          authorise(principal(userOf(request)), 'draft.create');
          done(null, payload);
        } catch (error) {
          done(error as Error);
        }
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const mediaType = mediaTypeOf(request.headers['content-type']);
      const bytes = request.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw badRequest('the request body is empty: send the image file itself', { field: 'body' });
      const header = checkImageHeader(mediaType, bytes);
      const { id, byteSize, sha256, expiresAt } = await uploads.put(actorFor(user, 'draft.create', request), mediaType, bytes);
      return reply.code(201).send({ upload: { id, byteSize, sha256, expiresAt, ...header } });
    },
  );

  app.get('/api/drafts/:id/image', async (request, reply) => {
    const user = userOf(request);
    const id = draftIdOf(request);
    // As GET /api/drafts/:id: a role that never reads drafts is refused before the (audited) read.
    if (!user.roles.some((role) => isRole(role) && rules[role]['draft.read'] !== undefined)) authorise(principal(user), 'draft.read');
    const actor = actorFor(user, 'draft.read', request);
    const draft = await store.getDraft(id, actor);
    authorise(principal(user), 'draft.read', draft);
    const file = await inputs.imageOf(draft, actor);
    // Patient data: never cached, never sniffed into something a browser would run.
    return reply.header('content-type', file.mediaType).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').send(file.bytes);
  });

  // — the viewer (imaging-view.ts): decoded on the server, a few decodes at a time —
  const views = new ViewLimiter();

  app.get('/api/imaging/uploads/:id/view', async (request, reply) => {
    const user = userOf(request);
    const id = uploadIdOf(request);
    const query = parse(viewQuery, request.query, 'query');
    // An upload opens for its uploader or a reader of a draft made from it (the store's rule, as drafting from it):
    // a role that reads no drafts (and so uploads nothing) is refused before the (audited) read.
    if (!user.roles.some((role) => isRole(role) && rules[role]['draft.read'] !== undefined)) authorise(principal(user), 'draft.read');
    const file = await uploads.open(id, actorFor(user, 'draft.read', request));
    const view = await views.run(() => renderView(file.mediaType, file.bytes, query));
    return reply.header('cache-control', 'no-store').send(view);
  });

  app.get('/api/studies/instances/:sopInstanceUid/view', async (request, reply) => {
    const user = userOf(request);
    // Patient data from the archive: patient readers only (as GET /api/studies and drafting from an instance).
    authorise(principal(user), 'patient.read');
    const { sopInstanceUid } = request.params as { sopInstanceUid?: unknown };
    if (typeof sopInstanceUid !== 'string' || !/^[0-9.]{1,64}$/.test(sopInstanceUid)) throw badRequest('a SOP Instance UID from GET /api/studies is required', { field: 'sopInstanceUid' });
    const query = parse(viewQuery, request.query, 'query');
    const bytes = await inputs.instanceFile(sopInstanceUid, actorFor(user, 'patient.read', request));
    const view = await views.run(() => renderView('application/dicom', bytes, query));
    return reply.header('cache-control', 'no-store').send(view);
  });
  return Promise.resolve();
}

function mediaTypeOf(header: string | undefined): UploadMediaType {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isUploadMediaType(mediaType)) throw wrongType();
  return mediaType;
}

export interface ImagingDraftInputsOptions {
  uploads: ImageUploads;
  archive: StudyArchive;
}

/** Resolves an imaging read's `{ upload }` / `{ studyInstance }` input into the workflow's `image`. */
export class ImagingDraftInputs {
  readonly #uploads: ImageUploads;
  readonly #archive: StudyArchive;

  constructor({ uploads, archive }: ImagingDraftInputsOptions) {
    this.#uploads = uploads;
    this.#archive = archive;
  }

  /**
   * The input the workflow runs on: for an imaging read naming an upload or a
   * received instance, the same input with `image` as a data URI of its file;
   * any other input unchanged (the workflow's own schema judges it).
   */
  async resolve(workflow: string, input: unknown, user: User, actorFor: (action: Action) => Actor): Promise<unknown> {
    if (workflow !== 'imaging-read' || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const { upload, studyInstance, ...rest } = input as Record<string, unknown>;
    if (upload === undefined && studyInstance === undefined) return input;
    if ([rest.image, upload, studyInstance].filter((value) => value !== undefined).length > 1) {
      throw badRequest('input: give exactly one of image, upload or studyInstance', { field: 'input' });
    }
    const file = upload === undefined ? await this.#study(studyInstance, user, actorFor) : await this.#upload(upload, actorFor);
    if (file.bytes.length > maxImageBytes) {
      throw new NorthstationError('payload_too_large', `the image file is ${file.bytes.length} bytes; imaging reads take files of at most ${maxImageBytes} bytes`, { field: 'input' });
    }
    return { ...rest, image: `data:${file.mediaType};base64,${file.bytes.toString('base64')}` };
  }

  /**
   * The file an imaging read was made from, for GET /api/drafts/:id/image (the
   * caller has been allowed to read `draft`): the upload (an audited
   * 'upload.read') or the received instance (an audited 'study.read').
   */
  async imageOf(draft: StoredDraft, actor: Actor): Promise<{ mediaType: UploadMediaType; bytes: Buffer }> {
    const input = typeof draft.input === 'object' && draft.input !== null ? (draft.input as Record<string, unknown>) : {};
    if (draft.workflow === 'imaging-read' && typeof input.upload === 'string') return this.#uploads.open(input.upload, actor);
    if (draft.workflow === 'imaging-read' && typeof input.studyInstance === 'string') {
      return { mediaType: 'application/dicom', bytes: (await this.#archive.read(input.studyInstance, actor)).file };
    }
    // An inline image stays in the draft's input; other workflows have none.
    throw notFound(`draft ${draft.id} has no uploaded or received image`, { id: draft.id });
  }

  /** A received instance's Part 10 file (an audited 'study.read' by `actor`; the caller has checked 'patient.read'); over 64 MiB is 413, as for a draft. */
  async instanceFile(sopInstanceUid: string, actor: Actor): Promise<Buffer> {
    const { file } = await this.#archive.read(sopInstanceUid, actor);
    if (file.length > maxImageBytes) {
      throw new NorthstationError('payload_too_large', `the image file is ${file.length} bytes; the viewer decodes files of at most ${maxImageBytes} bytes`, { bytes: file.length });
    }
    return file;
  }

  async #upload(id: unknown, actorFor: (action: Action) => Actor): Promise<{ mediaType: UploadMediaType; bytes: Buffer }> {
    if (typeof id !== 'string' || id.length > 200) throw badRequest('input.upload: an upload id from POST /api/imaging/uploads', { field: 'input.upload' });
    // 'draft.read': besides its uploader, whoever may read a draft made from an upload may draft from it again.
    return this.#uploads.open(id, actorFor('draft.read'));
  }

  async #study(uid: unknown, user: User, actorFor: (action: Action) => Actor): Promise<{ mediaType: UploadMediaType; bytes: Buffer }> {
    if (typeof uid !== 'string' || !/^[0-9.]{1,64}$/.test(uid)) throw badRequest('input.studyInstance: a SOP Instance UID from GET /api/studies', { field: 'input.studyInstance' });
    authorise(principal(user), 'patient.read');
    const { file } = await this.#archive.read(uid, actorFor('patient.read'));
    return { mediaType: 'application/dicom', bytes: file };
  }
}

const principal = (user: User): Principal => ({ id: user.id, roles: user.roles });

/** The audit actor, in the first of the user's roles that grants `action` (as app.ts's). */
function actorFor(user: User, action: Action, request: FastifyRequest): Actor {
  const role = user.roles.find((candidate) => can({ id: user.id, roles: [candidate] }, action)) ?? user.roles[0] ?? 'none';
  return { userId: user.id, role, ip: request.ip, client: 'api' };
}

function uploadIdOf(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > 200) throw badRequest('an upload id from POST /api/imaging/uploads is required', { field: 'id' });
  return id;
}

function draftIdOf(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > 100) throw badRequest('a draft id is required', { field: 'id' });
  return id;
}
