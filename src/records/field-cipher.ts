/**
 * Encryption at rest for PHI columns: AES-256-GCM per value, a fresh random
 * 12-byte IV each time, the 16-byte auth tag, and a key id so a value says
 * which key made it (keys rotate: `rotateKey` in records-store.ts).
 *
 * Each value is bound to where it lives: its `binding` (table, column and row
 * id, e.g. "patients.display_name:<id>") is authenticated as GCM associated
 * data. A value copied into another row or column — say one patient's name
 * pasted over another's by someone with write access to the database file —
 * then fails authentication instead of decrypting as the wrong patient's data.
 *
 * Stored form (ASCII, no PHI): `nsenc2:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`.
 * `nsenc1` values (written before binding existed, no associated data) still
 * decrypt; key rotation rewrites them as `nsenc2`.
 * The key id is the first 16 hex digits of SHA-256("northstation-key-id" ‖ key):
 * it names a key without revealing it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NorthstationError } from '../core/errors.ts';

const prefix = 'nsenc2';
const unboundPrefix = 'nsenc1';
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('northstation-key-id').update(key).digest('hex').slice(0, 16);
}

export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && (value.startsWith(prefix + ':') || value.startsWith(unboundPrefix + ':'));
}

/** The key id a stored value was encrypted under, or undefined when it is not an encrypted value. */
export function keyIdOfValue(value: string): string | undefined {
  return isEncryptedValue(value) ? value.split(':')[1] : undefined;
}

export class FieldCipher {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== keyBytes) {
      throw new NorthstationError('config_invalid', `the data key must be ${keyBytes} bytes (got ${key.length}); make one with: head -c 32 /dev/urandom | base64`, { length: key.length });
    }
    this.#key = Buffer.from(key);
    this.keyId = keyIdOf(this.#key);
  }

  /** `binding` names where the value is stored (see above); the same binding is needed to decrypt it. */
  encrypt(plaintext: string, binding: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [prefix, this.keyId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  decrypt(stored: string, binding: string): string {
    const parts = stored.split(':');
    const [tag, keyId, iv, authTag, body] = parts;
    if (parts.length !== 5 || (tag !== prefix && tag !== unboundPrefix) || keyId === undefined || iv === undefined || authTag === undefined || body === undefined) {
      throw new NorthstationError('internal', 'a stored value is not in the encrypted format');
    }
    if (keyId !== this.keyId) {
      throw new NorthstationError('config_invalid', `a value was encrypted under data key ${keyId}, but the key in use is ${this.keyId}: wrong key (NORTHSTATION_DATA_KEY_FILE / NORTHSTATION_DATA_KEY)`, { valueKeyId: keyId, keyId: this.keyId });
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'), { authTagLength: tagBytes });
      if (tag === prefix) decipher.setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(Buffer.from(authTag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new NorthstationError('internal', 'an encrypted value failed authentication (corrupted, tampered, or moved from another row)', { keyId }, { cause: error });
    }
  }

  encryptJson(value: unknown, binding: string): string {
    return this.encrypt(JSON.stringify(value), binding);
  }

  decryptJson(stored: string, binding: string): unknown {
    return JSON.parse(this.decrypt(stored, binding)) as unknown;
  }
}

/** A fresh random data key (32 bytes). */
export function generateDataKey(): Buffer {
  return randomBytes(keyBytes);
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== keyBytes) {
    throw new NorthstationError('config_invalid', `${source} must hold ${keyBytes} random bytes in base64 (got ${key.length} bytes); make one with: head -c 32 /dev/urandom | base64`, { source });
  }
  return key;
}

/**
 * The data key from NORTHSTATION_DATA_KEY_FILE (a file holding 32 random bytes
 * in base64) or NORTHSTATION_DATA_KEY (the base64 itself); undefined when neither is set.
 */
export function loadDataKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const file = env.NORTHSTATION_DATA_KEY_FILE;
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new NorthstationError('config_invalid', `cannot read the data key file NORTHSTATION_DATA_KEY_FILE=${file}`, { file }, { cause: error });
    }
    return decodeKey(text, `the data key file ${file}`);
  }
  const inline = env.NORTHSTATION_DATA_KEY;
  if (inline !== undefined && inline !== '') return decodeKey(inline, 'NORTHSTATION_DATA_KEY');
  return undefined;
}
