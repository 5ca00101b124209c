/**
 * Images uploaded through the clinical API (`POST /api/imaging/uploads`),
 * kept as received DICOM instances are (records/study-archive.ts): sealed
 * with a fresh key per file (records/file-cipher.ts, AES-256-GCM) in
 * `<imaging folder>/uploads/<random>.nsenc` (folder 0700, files 0600,
 * written, fsynced, renamed, then recorded), the key wrapped by the data key
 * in the records store's `image_uploads` row, so rotation rewraps keys and
 * never rewrites images. The id is random: it names the upload, opens
 * nothing by itself.
 *
 * Who opens one is the store's rule (`getUpload`: the uploader, or whoever may
 * read a draft made from it). An upload no draft names expires after 24 h:
 * `sweep` deletes the rows (audited) and then the files.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { NorthstationError } from '../../core/errors.ts';
import type { Actor } from '../../records/audit.ts';
import { readSealedFile, writeSealedFile } from '../../records/file-cipher.ts';
import type { RecordsRepository, StoredUpload } from '../../records/repository.ts';
import { newUploadId, uploadBinding } from '../../records/uploads.ts';
import { isUploadMediaType, type UploadMediaType } from '../../workflows/imaging-read/image-header.ts';

export interface OpenedUpload {
  upload: StoredUpload;
  mediaType: UploadMediaType;
  bytes: Buffer;
}

/** Who the expiry sweep acts as in the audit trail. */
const sweeper: Actor = { userId: 'system', role: 'system', client: 'upload-expiry' };

export class ImageUploads {
  /** The imaging folder: file paths in the store are relative to it, as the study archive's are. */
  readonly root: string;
  readonly directory: string;
  readonly #store: RecordsRepository;

  constructor(store: RecordsRepository, imagingDirectory: string) {
    this.#store = store;
    this.root = resolve(imagingDirectory);
    this.directory = join(this.root, 'uploads');
  }

  /** Seals and records the file, owned by `actor`. Audit: 'upload.create'. */
  async put(actor: Actor, mediaType: UploadMediaType, bytes: Buffer): Promise<StoredUpload> {
    const id = newUploadId();
    // The file name is not the id, so an id in an audit event or a log points at no file.
    const path = join(this.directory, `${randomUUID()}.nsenc`);
    const { key, sha256 } = await writeSealedFile(path, bytes, uploadBinding(id));
    try {
      return await this.#store.recordUpload(
        { id, mediaType, byteSize: bytes.length, sha256, fileKey: key.toString('base64'), filePath: `uploads/${path.slice(this.directory.length + 1)}` },
        actor,
      );
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  /** The upload's bytes, checked against its SHA-256, when `actor` may open it ('not_found' otherwise). Audit: 'upload.read'. */
  async open(id: string, actor: Actor): Promise<OpenedUpload> {
    const upload = await this.#store.getUpload(id, actor);
    if (!isUploadMediaType(upload.mediaType)) throw new NorthstationError('internal', 'an upload names no known media type');
    const bytes = await readSealedFile(this.#pathOf(upload.filePath), Buffer.from(upload.fileKey, 'base64'), uploadBinding(id), upload.sha256, 'an upload file');
    return { upload, mediaType: upload.mediaType, bytes };
  }

  /** Deletes expired uploads no draft names: rows first (audited), then files, so no row ever lacks its file. Returns how many. */
  async sweep(): Promise<number> {
    let count = 0;
    for (;;) {
      const paths = await this.#store.sweepExpiredUploads(sweeper);
      for (const path of paths) await rm(this.#pathOf(path), { force: true });
      count += paths.length;
      if (paths.length === 0) return count;
    }
  }

  #pathOf(filePath: string): string {
    const path = resolve(this.root, filePath);
    if (!path.startsWith(this.directory + sep)) throw new NorthstationError('internal', 'an upload file path points outside the uploads folder');
    return path;
  }
}

