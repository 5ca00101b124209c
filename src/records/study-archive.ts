/**
 * Received DICOM files on disk: each Part 10 file sealed (file-cipher.ts) in
 * `<imaging folder>/<YYYY-MM>/<random>.dcm.nsenc`, folders 0700 and files
 * 0600, then its row recorded in the store. File names are random, never a
 * UID or anything about the patient.
 *
 * Order: the file is written (temporary name, fsync, rename) before the row,
 * so a recorded row always has its file; a crash in between leaves an orphan
 * file no row points to, never a row without a file. A duplicate's file is
 * removed again.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { NorthstationError } from '../core/errors.ts';
import type { Actor } from './audit.ts';
import { readSealedFile, writeSealedFile } from './file-cipher.ts';
import type { NewStudyInstance, RecordsRepository, StoredStudyInstance } from './repository.ts';

export type ArchivedInstance = Omit<NewStudyInstance, 'filePath' | 'fileKey' | 'byteSize' | 'sha256'> & { file: Buffer };

export class StudyArchive {
  readonly directory: string;
  readonly #store: RecordsRepository;

  constructor(store: RecordsRepository, directory: string) {
    this.#store = store;
    this.directory = resolve(directory);
  }

  async receive(instance: ArchivedInstance, actor: Actor): Promise<'stored' | 'duplicate'> {
    const { file, ...meta } = instance;
    const month = new Date().toISOString().slice(0, 7);
    const path = join(this.directory, month, `${randomUUID()}.dcm.nsenc`);
    const { key, sha256 } = await writeSealedFile(path, file, meta.sopInstanceUid);
    let outcome: 'stored' | 'duplicate';
    try {
      outcome = await this.#store.recordStudyInstance(
        { ...meta, filePath: relative(this.directory, path).split(sep).join('/'), fileKey: key.toString('base64'), byteSize: file.length, sha256 },
        actor,
      );
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    if (outcome === 'duplicate') await rm(path, { force: true });
    return outcome;
  }

  /** The Part 10 file as received, checked against its recorded SHA-256. An audited read ('study.read'). */
  async read(sopInstanceUid: string, actor: Actor): Promise<{ instance: StoredStudyInstance; file: Buffer }> {
    const instance = await this.#store.getStudyInstance(sopInstanceUid, actor);
    const path = resolve(this.directory, instance.filePath);
    if (!path.startsWith(this.directory + sep)) throw new NorthstationError('internal', 'a study file path points outside the imaging folder');
    const file = await readSealedFile(path, Buffer.from(instance.fileKey, 'base64'), sopInstanceUid, instance.sha256, 'a study file');
    return { instance, file };
  }
}
