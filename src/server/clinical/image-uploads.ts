/**
 * Images uploaded through the clinical API (`POST /api/imaging/uploads`),
 * kept sealed on disk with the study archive's file encryption
 * (records/file-cipher.ts: AES-256-GCM, a fresh key per file) in
 * `<imaging folder>/uploads/<random>.nsenc` (folder 0700, files 0600,
 * written, fsynced, renamed).
 *
 * The records store has no table for uploads yet, so the file key travels in
 * the upload id (`img_<name>_<key>`) instead of a row: the file on disk is
 * useless without an id, and the one durable copy of an id is the draft input
 * that names it, which the store encrypts under the data key (the study
 * archive's rule, key apart from file, by another route). The uploader's user
 * id is the GCM associated data, so an id presented by anyone else fails to
 * open and reads as unknown: uploads are private to their uploader.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NorthstationError, notFound } from '../../core/errors.ts';
import { openFile, sealFile } from '../../records/file-cipher.ts';
import { uploadMediaTypes, type UploadMediaType } from '../../workflows/imaging-read/image-header.ts';

export interface StoredUpload {
  id: string;
  byteSize: number;
  sha256: string;
}

export interface OpenedUpload {
  mediaType: UploadMediaType;
  bytes: Buffer;
}

const idPattern = /^img_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{43})$/;

export class ImageUploads {
  readonly directory: string;

  constructor(imagingDirectory: string) {
    this.directory = join(resolve(imagingDirectory), 'uploads');
  }

  async put(ownerId: string, mediaType: UploadMediaType, bytes: Buffer): Promise<StoredUpload> {
    const name = randomBytes(16).toString('base64url');
    // The media type is sealed with the file (one leading byte), so it is authenticated and never guessed back.
    const { sealed, key } = sealFile(Buffer.concat([Buffer.of(uploadMediaTypes.indexOf(mediaType)), bytes]), binding(name, ownerId));
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const path = join(this.directory, `${name}.nsenc`);
    const temporary = `${path}.partial`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(sealed);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    return { id: `img_${name}_${key.toString('base64url')}`, byteSize: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** The upload's bytes when `ownerId` uploaded it; 'not_found' for an unknown, malformed or someone else's id. */
  async open(ownerId: string, id: string): Promise<OpenedUpload> {
    const match = idPattern.exec(id);
    const gone = () => notFound('no such upload (upload ids are private to the user who uploaded the file)');
    if (match === null) throw gone();
    const [, name = '', key = ''] = match;
    let sealed: Buffer;
    try {
      sealed = await readFile(join(this.directory, `${name}.nsenc`));
    } catch {
      throw gone();
    }
    let plain: Buffer;
    try {
      plain = openFile(sealed, Buffer.from(key, 'base64url'), binding(name, ownerId));
    } catch {
      throw gone();
    }
    const mediaType = uploadMediaTypes[plain[0] ?? -1];
    if (mediaType === undefined) throw new NorthstationError('internal', 'an upload file names no known media type');
    return { mediaType, bytes: plain.subarray(1) };
  }
}

/** Bound to the file's name and its uploader: a file renamed onto another, or an id used by another user, fails to open. */
const binding = (name: string, ownerId: string): string => `upload:${name}:${ownerId}`;
