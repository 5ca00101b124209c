/**
 * The DICOM storage listener wired to the records (issue 7): the imaging
 * layer's storage SCP (imaging/dimse/scp.ts, core only) hands each received
 * instance here, and it goes into the encrypted study archive and the
 * records store (records/study-archive.ts), audited as 'study.receive' by
 * the sending AE ("dicom:<calling AE title>", role 'modality').
 */
import type { Logger } from '../core/log.ts';
import { startStorageScp, type StorageScp, type StorageScpOptions } from '../imaging/dimse/scp.ts';
import type { RecordsRepository } from '../records/repository.ts';
import { StudyArchive } from '../records/study-archive.ts';

export interface DicomStorageOptions extends Omit<StorageScpOptions, 'onInstance' | 'logger'> {
  store: RecordsRepository;
  /** Where the encrypted files go: `<data home>/imaging` in `serve`. */
  directory: string;
  logger: Logger;
}

export async function startDicomStorage({ store, directory, logger, ...listener }: DicomStorageOptions): Promise<StorageScp> {
  const archive = new StudyArchive(store, directory);
  return startStorageScp({
    ...listener,
    logger,
    onInstance: (instance) =>
      archive.receive(
        {
          sopInstanceUid: instance.sopInstanceUid,
          studyInstanceUid: instance.studyInstanceUid,
          seriesInstanceUid: instance.seriesInstanceUid,
          sopClassUid: instance.sopClassUid,
          transferSyntaxUid: instance.transferSyntaxUid,
          modality: instance.modality,
          details: {
            ...(instance.patient.name === undefined ? {} : { patientName: instance.patient.name }),
            ...(instance.patient.id === undefined ? {} : { patientId: instance.patient.id }),
            ...(instance.patient.studyDate === undefined ? {} : { studyDate: instance.patient.studyDate }),
            ...(instance.patient.accessionNumber === undefined ? {} : { accessionNumber: instance.patient.accessionNumber }),
          },
          callingAeTitle: instance.callingAeTitle,
          file: instance.file,
        },
        { userId: `dicom:${instance.callingAeTitle}`, role: 'modality', client: 'dicom', ...(instance.remoteAddress === '' ? {} : { ip: instance.remoteAddress }) },
      ),
  });
}
