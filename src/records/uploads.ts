/**
 * The SQL behind the store's upload methods (records-store.ts): images
 * uploaded through the clinical API (migration 6, `image_uploads`), and which
 * drafts were made from them (`draft_uploads`).
 *
 * The id is random and names the upload in drafts and audit events; the
 * file's key lives only in the row, encrypted under the data key and bound to
 * it (the study archive's rule: key apart from file, rotation rewraps keys).
 * An upload no draft names is scratch data: it is deleted 24 h after upload.
 * One a draft names is part of that draft's record and stays with it (the
 * foreign key refuses its deletion).
 */
import { randomBytes } from 'node:crypto';
import { NorthstationError, notFound } from '../core/errors.ts';
import { canOpenUpload, isRole, type Principal } from './accounts/policy.ts';
import type { Actor } from './audit.ts';
import type { FieldCipher } from './field-cipher.ts';
import type { NewUpload, StoredUpload } from './repository.ts';
import type { SqlExecutor, SqlRow } from './sql/database.ts';

/** How long an upload waits for a draft to name it. */
export const uploadTtlMs = 24 * 60 * 60 * 1000;

const uploadIdPattern = /^img_[A-Za-z0-9_-]{22}$/;

/** 'img_' + 128 random bits (base64url): an identifier only, nothing to decrypt with. */
export const newUploadId = (): string => `img_${randomBytes(16).toString('base64url')}`;

export const uploadBinding = (id: string): string => `image_uploads.file_key:${id}`;

/** The same answer for unknown, expired and someone else's: an id alone says nothing about whether it exists. */
const noSuchUpload = (): NorthstationError => notFound('no such upload (it expired, or it is not yours or from a draft you may read)');

/** The upload an imaging read's input names, if any: what `createDraft` links the draft to. */
export function uploadNamedBy(workflow: string, input: unknown): string | undefined {
  if (workflow !== 'imaging-read' || typeof input !== 'object' || input === null) return undefined;
  const { upload } = input as { upload?: unknown };
  return typeof upload === 'string' ? upload : undefined;
}

export async function insertUpload(tx: SqlExecutor, cipher: FieldCipher, upload: NewUpload, ownerId: string, now: Date): Promise<StoredUpload> {
  if (!uploadIdPattern.test(upload.id)) throw new NorthstationError('bad_request', 'an upload id comes from newUploadId()');
  if (!/^[0-9a-f]{64}$/.test(upload.sha256) || !Number.isSafeInteger(upload.byteSize) || upload.byteSize < 0) {
    throw new NorthstationError('bad_request', 'an upload needs its SHA-256 (hex) and byte size');
  }
  const stored: StoredUpload = { ...upload, ownerId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + uploadTtlMs).toISOString() };
  await tx.run(
    'INSERT INTO image_uploads (id, owner_id, media_type, byte_size, sha256, file_key, file_path, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [upload.id, ownerId, upload.mediaType, upload.byteSize, upload.sha256, cipher.encrypt(upload.fileKey, uploadBinding(upload.id)), upload.filePath, stored.createdAt, stored.expiresAt],
  );
  return stored;
}

/**
 * The upload when `actor` may open it (policy.ts `canOpenUpload`, in the role
 * the actor acts in), else 'not_found'. Expiry counts only while no draft
 * names it: the sweep may not have run yet.
 */
export async function selectUpload(tx: SqlExecutor, cipher: FieldCipher, id: string, actor: Actor, now: Date): Promise<StoredUpload> {
  if (!uploadIdPattern.test(id)) throw noSuchUpload();
  const row = await tx.get('SELECT * FROM image_uploads WHERE id = ?', [id]);
  if (row === undefined) throw noSuchUpload();
  const drafts = (await tx.all('SELECT d.created_by FROM draft_uploads du JOIN drafts d ON d.id = du.draft_id WHERE du.upload_id = ?', [id])).map((draft) => ({ createdBy: text(draft, 'created_by') }));
  const upload = rowToUpload(row, cipher);
  if (drafts.length === 0 && upload.expiresAt <= now.toISOString()) throw noSuchUpload();
  if (!canOpenUpload(principalOf(actor), { createdBy: upload.ownerId, drafts })) throw noSuchUpload();
  return upload;
}

/** Links a new draft to the upload its input names; checked before the link, so the new draft cannot vouch for itself. */
export async function linkDraftUpload(tx: SqlExecutor, cipher: FieldCipher, draftId: string, uploadId: string, actor: Actor, now: Date): Promise<void> {
  await selectUpload(tx, cipher, uploadId, actor, now);
  await tx.run('INSERT INTO draft_uploads (draft_id, upload_id) VALUES (?, ?)', [draftId, uploadId]);
}

/** Deletes expired uploads no draft names; returns their ids and file paths. */
export async function deleteExpiredUploads(tx: SqlExecutor, now: Date): Promise<Array<{ id: string; filePath: string }>> {
  const rows = await tx.all(
    'SELECT id, file_path FROM image_uploads u WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM draft_uploads du WHERE du.upload_id = u.id) ORDER BY expires_at LIMIT 1000',
    [now.toISOString()],
  );
  const expired = rows.map((row) => ({ id: text(row, 'id'), filePath: text(row, 'file_path') }));
  for (const { id } of expired) await tx.run('DELETE FROM image_uploads WHERE id = ?', [id]);
  return expired;
}

const text = (row: SqlRow, key: string): string => String(row[key]);

function rowToUpload(row: SqlRow, cipher: FieldCipher): StoredUpload {
  const id = text(row, 'id');
  return {
    id,
    ownerId: text(row, 'owner_id'),
    mediaType: text(row, 'media_type'),
    byteSize: Number(row.byte_size),
    sha256: text(row, 'sha256'),
    fileKey: cipher.decrypt(text(row, 'file_key'), uploadBinding(id)),
    filePath: text(row, 'file_path'),
    createdAt: text(row, 'created_at'),
    expiresAt: text(row, 'expires_at'),
  };
}

/** The actor as the policy sees them: the role(s) they act in now (a login actor joins several with '+'). */
const principalOf = (actor: Actor): Principal => ({ id: actor.userId, roles: actor.role.split('+').filter(isRole) });
