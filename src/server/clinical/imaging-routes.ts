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
 *   back to the client. The stored draft keeps the reference as its input.
 *
 * Who: uploading is part of creating a draft ('draft.create': nurses,
 * physicians, integrations; not admins). An upload opens only for its
 * uploader. A received study instance is patient data from the archive:
 * drafting from one needs 'patient.read' (nurses, physicians; an integration
 * never sees the studies worklist), and each read is the store's audited
 * 'study.read'.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { authorise, type Action, type Principal } from '../../records/accounts/policy.ts';
import type { Actor, User } from '../../records/repository.ts';
import type { StudyArchive } from '../../records/study-archive.ts';
import { checkImageHeader, isUploadMediaType, uploadMediaTypes, type UploadMediaType } from '../../workflows/imaging-read/image-header.ts';
import type { ImageUploads } from './image-uploads.ts';

/** The largest upload (and the largest received instance a draft may read): what an imaging read's input takes. */
export const maxImageBytes = 64 * 1024 * 1024;

export interface ImagingRoutesOptions {
  uploads: ImageUploads;
  userOf: (request: FastifyRequest) => User;
}

const wrongType = (): NorthstationError =>
  new NorthstationError('bad_request', `send the image file itself as the request body with Content-Type ${uploadMediaTypes.join(', ')}`, { field: 'Content-Type' });

export function imagingRoutes(app: FastifyInstance, { uploads, userOf }: ImagingRoutesOptions): Promise<void> {
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
      const stored = await uploads.put(user.id, mediaType, bytes);
      return reply.code(201).send({ upload: { ...stored, ...header } });
    },
  );
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
    const file = upload === undefined ? await this.#study(studyInstance, user, actorFor) : await this.#upload(upload, user);
    if (file.bytes.length > maxImageBytes) {
      throw new NorthstationError('payload_too_large', `the image file is ${file.bytes.length} bytes; imaging reads take files of at most ${maxImageBytes} bytes`, { field: 'input' });
    }
    return { ...rest, image: `data:${file.mediaType};base64,${file.bytes.toString('base64')}` };
  }

  async #upload(id: unknown, user: User): Promise<{ mediaType: UploadMediaType; bytes: Buffer }> {
    if (typeof id !== 'string' || id.length > 200) throw badRequest('input.upload: an upload id from POST /api/imaging/uploads', { field: 'input.upload' });
    return this.#uploads.open(user.id, id);
  }

  async #study(uid: unknown, user: User, actorFor: (action: Action) => Actor): Promise<{ mediaType: UploadMediaType; bytes: Buffer }> {
    if (typeof uid !== 'string' || !/^[0-9.]{1,64}$/.test(uid)) throw badRequest('input.studyInstance: a SOP Instance UID from GET /api/studies', { field: 'input.studyInstance' });
    authorise(principal(user), 'patient.read');
    const { file } = await this.#archive.read(uid, actorFor('patient.read'));
    return { mediaType: 'application/dicom', bytes: file };
  }
}

const principal = (user: User): Principal => ({ id: user.id, roles: user.roles });
