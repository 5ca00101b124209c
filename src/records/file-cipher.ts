/**
 * Whole-file encryption at rest for received images (PHI): AES-256-GCM under
 * a fresh random key per file. The file key is not stored beside the file:
 * it goes into the records store as an encrypted column (FieldCipher under
 * the data key), so rotating the data key rewraps a few hundred bytes per
 * file instead of rewriting every image, and a file copied off the disk is
 * useless without the database and the data key together.
 *
 * Each file is bound to its `binding` (the SOP Instance UID), authenticated as
 * GCM associated data: one patient's file put in place of another's fails to
 * open instead of showing the wrong patient's image.
 *
 * Layout: "NSFILE1\n" (8 bytes), IV (12), auth tag (16), ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NorthstationError } from '../core/errors.ts';

const magic = Buffer.from('NSFILE1\n', 'latin1');
const ivBytes = 12;
const tagBytes = 16;

export function sealFile(plaintext: Buffer, binding: string): { sealed: Buffer; key: Buffer } {
  const key = randomBytes(32);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { sealed: Buffer.concat([magic, iv, cipher.getAuthTag(), body]), key };
}

export function openFile(sealed: Buffer, key: Buffer, binding: string): Buffer {
  if (sealed.length < magic.length + ivBytes + tagBytes || !sealed.subarray(0, magic.length).equals(magic)) {
    throw new NorthstationError('internal', 'not a Northstation encrypted file');
  }
  const iv = sealed.subarray(magic.length, magic.length + ivBytes);
  const tag = sealed.subarray(magic.length + ivBytes, magic.length + ivBytes + tagBytes);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(magic.length + ivBytes + tagBytes)), decipher.final()]);
  } catch (error) {
    throw new NorthstationError('internal', 'an encrypted file failed authentication (corrupted, tampered, or another instance’s file)', {}, { cause: error });
  }
}

/**
 * Seals `plaintext` and writes it as `path` (folder 0700, file 0600): under a
 * temporary name, fsynced, then renamed, so `path` either holds the whole
 * sealed file or does not exist. Returns the file key and the plaintext's
 * SHA-256, for the row that records it.
 */
export async function writeSealedFile(path: string, plaintext: Buffer, binding: string): Promise<{ key: Buffer; sha256: string }> {
  const { sealed, key } = sealFile(plaintext, binding);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.partial`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(sealed);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  return { key, sha256: sha256Hex(plaintext) };
}

/** Reads and opens a sealed file, checking the plaintext against the SHA-256 recorded for it (`what` names it in the error). */
export async function readSealedFile(path: string, key: Buffer, binding: string, expectedSha256: string, what: string): Promise<Buffer> {
  const plaintext = openFile(await readFile(path), key, binding);
  if (sha256Hex(plaintext) !== expectedSha256) throw new NorthstationError('internal', `${what} does not match its recorded SHA-256`);
  return plaintext;
}

const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
