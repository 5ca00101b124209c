/**
 * The SQL behind the store's imaging methods (records-store.ts): received
 * DICOM instances (migration 5) and the studies worklist. Identifiers (UIDs,
 * modality, AE titles) are kept in clear so lists need no decryption; what
 * names or dates a patient (`details`) and each file's key are encrypted,
 * bound to the row.
 */
import { NorthstationError, notFound } from '../core/errors.ts';
import type { FieldCipher } from './field-cipher.ts';
import type { NewStudyInstance, StoredStudyInstance, StudyDetails, StudyListFilter, StudySummary } from './repository.ts';
import type { SqlExecutor, SqlRow } from './sql/database.ts';

export const studyBinding = (column: 'details' | 'file_key', sopInstanceUid: string): string => `study_instances.${column}:${sopInstanceUid}`;

const text = (row: SqlRow, key: string): string => String(row[key]);

/** Inserts the instance unless its SOP Instance UID is already there (the first copy stays). */
export async function insertStudyInstance(tx: SqlExecutor, cipher: FieldCipher, instance: NewStudyInstance, receivedAt: string): Promise<'stored' | 'duplicate'> {
  if (!/^[0-9a-f]{64}$/.test(instance.sha256) || !Number.isSafeInteger(instance.byteSize) || instance.byteSize < 0) {
    throw new NorthstationError('bad_request', 'a study instance needs its SHA-256 (hex) and byte size');
  }
  if ((await tx.get('SELECT 1 AS one FROM study_instances WHERE sop_instance_uid = ?', [instance.sopInstanceUid])) !== undefined) return 'duplicate';
  const uid = instance.sopInstanceUid;
  await tx.run(
    `INSERT INTO study_instances (sop_instance_uid, study_instance_uid, series_instance_uid, sop_class_uid, transfer_syntax_uid, modality, details, received_at, calling_ae, file_path, file_key, byte_size, sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      uid,
      instance.studyInstanceUid,
      instance.seriesInstanceUid,
      instance.sopClassUid,
      instance.transferSyntaxUid,
      instance.modality,
      cipher.encryptJson(instance.details, studyBinding('details', uid)),
      receivedAt,
      instance.callingAeTitle,
      instance.filePath,
      cipher.encrypt(instance.fileKey, studyBinding('file_key', uid)),
      instance.byteSize,
      instance.sha256,
    ],
  );
  return 'stored';
}

export async function selectStudies(tx: SqlExecutor, cipher: FieldCipher, filter: StudyListFilter): Promise<StudySummary[]> {
  if (!Number.isSafeInteger(filter.limit) || filter.limit < 1 || filter.limit > 500) {
    throw new NorthstationError('bad_request', 'limit must be an integer from 1 to 500', { field: 'limit' });
  }
  const byModality = filter.modality === undefined ? '' : 'WHERE study_instance_uid IN (SELECT study_instance_uid FROM study_instances WHERE modality = ?)';
  const studies = await tx.all(
    `SELECT study_instance_uid, COUNT(*) AS instances, COUNT(DISTINCT series_instance_uid) AS series, SUM(byte_size) AS bytes,
            MIN(received_at) AS first_received, MAX(received_at) AS last_received
     FROM study_instances ${byModality}
     GROUP BY study_instance_uid ORDER BY MAX(received_at) DESC, study_instance_uid LIMIT ?`,
    filter.modality === undefined ? [filter.limit] : [filter.modality, filter.limit],
  );
  if (studies.length === 0) return [];
  const uids = studies.map((row) => text(row, 'study_instance_uid'));
  const marks = uids.map(() => '?').join(', ');
  // Per study: its modalities, senders, and the newest instance (its details: one decryption per study).
  const rows = await tx.all(
    `SELECT study_instance_uid, sop_instance_uid, modality, calling_ae, details FROM study_instances
     WHERE study_instance_uid IN (${marks}) ORDER BY received_at DESC, sop_instance_uid`,
    uids,
  );
  const extra = new Map<string, { modalities: Set<string>; senders: Set<string>; details?: StudyDetails; latest: StudySummary['latestInstance'] }>();
  for (const row of rows) {
    const study = text(row, 'study_instance_uid');
    let entry = extra.get(study);
    if (entry === undefined) {
      const sop = text(row, 'sop_instance_uid');
      entry = {
        modalities: new Set(),
        senders: new Set(),
        details: cipher.decryptJson(text(row, 'details'), studyBinding('details', sop)) as StudyDetails,
        latest: { sopInstanceUid: sop, modality: typeof row.modality === 'string' ? row.modality : null },
      };
      extra.set(study, entry);
    }
    if (typeof row.modality === 'string') entry.modalities.add(row.modality);
    entry.senders.add(text(row, 'calling_ae'));
  }
  return studies.map((row) => {
    const uid = text(row, 'study_instance_uid');
    const entry = extra.get(uid);
    return {
      studyInstanceUid: uid,
      modalities: [...(entry?.modalities ?? [])].sort(),
      callingAeTitles: [...(entry?.senders ?? [])].sort(),
      seriesCount: Number(row.series),
      instanceCount: Number(row.instances),
      byteSize: Number(row.bytes),
      firstReceivedAt: text(row, 'first_received'),
      lastReceivedAt: text(row, 'last_received'),
      details: entry?.details ?? {},
      // Every listed study has at least one row, so its entry exists.
      latestInstance: entry?.latest ?? { sopInstanceUid: '', modality: null },
    };
  });
}

export async function selectStudyInstance(tx: SqlExecutor, cipher: FieldCipher, sopInstanceUid: string): Promise<StoredStudyInstance> {
  const row = await tx.get('SELECT * FROM study_instances WHERE sop_instance_uid = ?', [sopInstanceUid]);
  if (row === undefined) throw notFound('no such study instance', { sopInstanceUid });
  return {
    sopInstanceUid,
    studyInstanceUid: text(row, 'study_instance_uid'),
    seriesInstanceUid: text(row, 'series_instance_uid'),
    sopClassUid: text(row, 'sop_class_uid'),
    transferSyntaxUid: text(row, 'transfer_syntax_uid'),
    modality: typeof row.modality === 'string' ? row.modality : null,
    details: cipher.decryptJson(text(row, 'details'), studyBinding('details', sopInstanceUid)) as StudyDetails,
    receivedAt: text(row, 'received_at'),
    callingAeTitle: text(row, 'calling_ae'),
    filePath: text(row, 'file_path'),
    fileKey: cipher.decrypt(text(row, 'file_key'), studyBinding('file_key', sopInstanceUid)),
    byteSize: Number(row.byte_size),
    sha256: text(row, 'sha256'),
  };
}
