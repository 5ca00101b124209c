/**
 * The storage listener into the records (issue 7), end to end: DCMTK's
 * storescu sends to the listener on loopback, the files land encrypted with
 * mode 0600 under the imaging folder, rows appear in the studies list, and
 * the archive gives back the Part 10 file with the dataset as sent.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createLogger } from '../core/log.ts';
import { sharedDataDir } from '../core/shared-data.ts';
import { topLevelElements } from '../imaging/dimse/dataset-scan.ts';
import { datasetOfPart10 } from '../imaging/dimse/part10.ts';
import { StudyArchive } from '../records/study-archive.ts';
import { tempStore } from '../records/test-fixtures.ts';
import { startDicomStorage } from './dicom-storage.ts';

const run = promisify(execFile);
const dicom = join(sharedDataDir(), 'dicom');
const nurse = { userId: 'u-nurse', role: 'nurse' };

function pixelData(dataset: Buffer): Buffer {
  const element = [...topLevelElements(dataset, false)].find((e) => e.tag === 0x7fe00010);
  assert.ok(element);
  return dataset.subarray(element.valueStart, element.end);
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

test('storescu → listener → encrypted archive and records: studies listed, files 0600 without the patient name, the dataset as sent', async (t) => {
  const temp = await tempStore();
  t.after(temp.cleanup);
  const directory = join(temp.path, '..', 'imaging');
  const logs: string[] = [];
  const scp = await startDicomStorage({ store: temp.store, directory, port: 0, aeTitle: 'NS_TEST', logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }) });
  t.after(() => scp.close());
  const send = (file: string, ...propose: string[]) => run('storescu', ['-aet', 'CT_SCANNER', '-aec', 'NS_TEST', '-R', ...propose, '127.0.0.1', String(scp.port), join(dicom, file)]);
  await send('CT_small.dcm');
  await send('MR_small_RLE.dcm', '-xr');
  await send('CT_small.dcm');

  const studies = await temp.store.listStudies({ limit: 10 }, nurse);
  assert.equal(studies.length, 2);
  assert.deepEqual(studies.map((s) => s.modalities[0]).sort(), ['CT', 'MR']);
  const ct = studies.find((s) => s.modalities.includes('CT'));
  assert.equal(ct?.details.patientName, 'CompressedSamples^CT1');
  assert.deepEqual(ct.callingAeTitles, ['CT_SCANNER']);
  assert.equal(ct.instanceCount, 1, 'the second copy was a duplicate');

  const files = filesUnder(directory);
  assert.equal(files.length, 2, 'the duplicate left no file behind');
  for (const file of files) {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const bytes = readFileSync(file);
    assert.equal(bytes.includes('CompressedSamples'), false, 'no patient name in clear on disk');
    assert.equal(bytes.includes('DICM'), false);
  }

  const events = await temp.store.listAuditEvents();
  assert.deepEqual(events.filter((e) => e.action === 'study.receive').map((e) => `${e.user}/${e.role}/${e.client ?? ''}`), ['dicom:CT_SCANNER/modality/dicom', 'dicom:CT_SCANNER/modality/dicom']);
  const instanceUid = events.find((e) => e.action === 'study.receive')?.resourceId ?? '';
  const { file } = await new StudyArchive(temp.store, directory).read(instanceUid, nurse);
  assert.deepEqual(pixelData(datasetOfPart10(file)), pixelData(datasetOfPart10(readFileSync(join(dicom, 'CT_small.dcm')))), 'the pixel data as sent');
  assert.equal(logs.some((line) => line.includes('CompressedSamples')), false, 'no patient name in the logs');
});
