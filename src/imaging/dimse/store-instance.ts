/**
 * One C-STORE request, from its assembled dataset to the response status
 * (PS3.4 B.2.3, PS3.7 9.1.1.1.9): checks that the dataset is the instance
 * the command names, wraps it as a Part 10 file and hands it on.
 *
 * Duplicates: a SOP Instance UID already kept is answered 0x0000 (success)
 * and the first copy stays. A failure status would make most senders retry
 * or flag the whole study, and a warning status (0xB000 family) means
 * "coerced or discarded elements" in PS3.4, which is not what happened.
 */
import type { Logger } from '../../core/log.ts';
import type { AcceptedContext } from './association.ts';
import { Status, type Command } from './command.ts';
import { DatasetError, scanDataset } from './dataset-scan.ts';
import { part10File } from './part10.ts';
import type { InstanceOutcome, ReceivedInstance } from './scp.ts';
import { isImplicitVr, isUid } from './uids.ts';

/** A command and its dataset as they arrived on one presentation context. */
export interface Incoming {
  contextId: number;
  command: Command;
  /** Dataset fragments, until `discarded` (over the size cap). */
  fragments: Buffer[];
  bytes: number;
  discarded: boolean;
}

export interface StoreContext {
  associationId: string;
  callingAeTitle: string;
  calledAeTitle: string;
  remoteAddress: string;
  maxDatasetBytes: number;
  onInstance(instance: ReceivedInstance): Promise<InstanceOutcome>;
  log: Logger;
}

export interface StoreStatus {
  outcome: InstanceOutcome | 'failed';
  status: number;
  /** (0000,0902): no PHI, no UIDs. */
  comment?: string;
}

const failed = (status: number, comment: string): StoreStatus => ({ outcome: 'failed', status, comment });

export async function storeInstance(incoming: Incoming, context: AcceptedContext, store: StoreContext): Promise<StoreStatus> {
  const { command } = incoming;
  if (command.affectedSopClassUid !== context.abstractSyntax) {
    return failed(Status.sopClassNotSupported, 'SOP class differs from the presentation context');
  }
  if (incoming.discarded) {
    store.log.warn('dicom.dataset-too-large', { datasetBytes: incoming.bytes, maxDatasetBytes: store.maxDatasetBytes });
    return failed(Status.outOfResources, `dataset exceeds ${store.maxDatasetBytes} bytes`);
  }
  const dataset = Buffer.concat(incoming.fragments, incoming.bytes);
  let ids;
  try {
    ids = scanDataset(dataset, isImplicitVr(context.transferSyntax));
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    store.log.warn('dicom.dataset-unreadable', { error: error.message, datasetBytes: dataset.length });
    return failed(Status.cannotUnderstand, 'dataset could not be parsed');
  }
  const { sopClassUid, sopInstanceUid, studyInstanceUid, seriesInstanceUid } = ids;
  if (sopClassUid !== command.affectedSopClassUid || sopInstanceUid !== command.affectedSopInstanceUid) {
    return failed(Status.datasetMismatch, 'dataset SOP class or instance differs from the command');
  }
  if (sopInstanceUid === undefined || studyInstanceUid === undefined || seriesInstanceUid === undefined || ![sopInstanceUid, studyInstanceUid, seriesInstanceUid].every(isUid)) {
    return failed(Status.datasetMismatch, 'study, series or SOP instance UID missing or invalid');
  }
  const instance: ReceivedInstance = {
    associationId: store.associationId,
    callingAeTitle: store.callingAeTitle,
    calledAeTitle: store.calledAeTitle,
    remoteAddress: store.remoteAddress,
    sopClassUid: context.abstractSyntax,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    modality: ids.modality ?? null,
    transferSyntaxUid: context.transferSyntax,
    patient: {
      ...(ids.patientName === undefined ? {} : { name: ids.patientName }),
      ...(ids.patientId === undefined ? {} : { id: ids.patientId }),
      ...(ids.studyDate === undefined ? {} : { studyDate: ids.studyDate }),
      ...(ids.accessionNumber === undefined ? {} : { accessionNumber: ids.accessionNumber }),
    },
    file: part10File({ sopClassUid: context.abstractSyntax, sopInstanceUid, transferSyntaxUid: context.transferSyntax, sourceAeTitle: store.callingAeTitle }, dataset),
  };
  try {
    const outcome = await store.onInstance(instance);
    store.log.info('dicom.instance', { outcome, datasetBytes: dataset.length, modality: instance.modality });
    return { outcome, status: Status.success };
  } catch (error) {
    // The error may quote a path or the database; its name and code are enough to find it in the store's own logs.
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
    store.log.error('dicom.store-failed', { code });
    return failed(Status.outOfResources, 'the instance could not be stored');
  }
}
