/**
 * The records contract for received DICOM instances and the studies worklist
 * (issue 7): run by sqlite-store.test.ts and postgres-store.int.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import type { Actor } from '../audit.ts';
import { generateDataKey } from '../field-cipher.ts';
import type { NewStudyInstance } from '../repository.ts';
import type { StoreFactory, StoreFixture } from './fixture.ts';

const listener: Actor = { userId: 'dicom:CT_SCANNER', role: 'modality', client: 'dicom', ip: '127.0.0.1' };
const nurse: Actor = { userId: 'u-nurse', role: 'nurse' };

function instance(sop: string, study: string, overrides: Partial<NewStudyInstance> = {}): NewStudyInstance {
  return {
    sopInstanceUid: sop,
    studyInstanceUid: study,
    seriesInstanceUid: `${study}.1`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    modality: 'CT',
    details: { patientName: 'Thistlewood^Margaret', patientId: 'MRN-0042', studyDate: '20250101' },
    callingAeTitle: 'CT_SCANNER',
    filePath: `2025-01/${sop}.dcm.nsenc`,
    fileKey: generateDataKey().toString('base64'),
    byteSize: 1000,
    sha256: 'a'.repeat(64),
    ...overrides,
  };
}

export function studiesContract(factory: StoreFactory): void {
  async function fresh(t: TestContext): Promise<StoreFixture> {
    // A clock that ticks a second per reading, so "newest first" never rests on two rows landing in one millisecond.
    let tick = Date.parse('2025-01-01T00:00:00Z');
    const fixture = await factory({ now: () => new Date((tick += 1000)) });
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('studies: instances group into studies, newest first, with details decrypted and every action audited', async (t) => {
    const { store } = await fresh(t);
    const first = instance('1.2.3.1', '1.2.3');
    assert.equal(await store.recordStudyInstance(first, listener), 'stored');
    assert.equal(await store.recordStudyInstance(instance('1.2.3.2', '1.2.3', { seriesInstanceUid: '1.2.3.2', modality: 'SR', callingAeTitle: 'WORKSTATION' }), listener), 'stored');
    assert.equal(await store.recordStudyInstance(instance('1.2.4.1', '1.2.4', { modality: 'MR', details: { patientName: 'Other^Person' } }), listener), 'stored');
    const studies = await store.listStudies({ limit: 10 }, nurse);
    assert.deepEqual(studies.map((s) => s.studyInstanceUid), ['1.2.4', '1.2.3']);
    const ct = studies[1];
    assert.ok(ct);
    assert.deepEqual(ct.modalities, ['CT', 'SR']);
    assert.deepEqual(ct.callingAeTitles, ['CT_SCANNER', 'WORKSTATION']);
    assert.equal(ct.instanceCount, 2);
    assert.equal(ct.seriesCount, 2);
    assert.equal(ct.byteSize, 2000);
    assert.equal(ct.details.patientName, 'Thistlewood^Margaret');
    assert.deepEqual(ct.latestInstance, { sopInstanceUid: '1.2.3.2', modality: 'SR' });
    assert.deepEqual((await store.listStudies({ limit: 10, modality: 'MR' }, nurse)).map((s) => s.studyInstanceUid), ['1.2.4']);
    assert.deepEqual(await store.listStudies({ limit: 1 }, nurse).then((rows) => rows.length), 1);
    const got = await store.getStudyInstance('1.2.3.1', nurse);
    assert.equal(got.fileKey, first.fileKey);
    assert.equal(got.filePath, '2025-01/1.2.3.1.dcm.nsenc');
    const actions = (await store.listAuditEvents()).map((e) => `${e.action}:${e.user}`);
    assert.deepEqual(actions, [
      'study.receive:dicom:CT_SCANNER',
      'study.receive:dicom:CT_SCANNER',
      'study.receive:dicom:CT_SCANNER',
      'study.list:u-nurse',
      'study.list:u-nurse',
      'study.list:u-nurse',
      'study.read:u-nurse',
    ]);
  });

  void test('studies: a duplicate SOP instance keeps the first copy and writes no audit event', async (t) => {
    const { store } = await fresh(t);
    const first = instance('1.2.5.1', '1.2.5');
    await store.recordStudyInstance(first, listener);
    assert.equal(await store.recordStudyInstance(instance('1.2.5.1', '1.2.5', { filePath: 'other', sha256: 'b'.repeat(64) }), listener), 'duplicate');
    const kept = await store.getStudyInstance('1.2.5.1', nurse);
    assert.equal(kept.filePath, first.filePath);
    assert.equal(kept.sha256, first.sha256);
    assert.equal((await store.listAuditEvents()).filter((e) => e.action === 'study.receive').length, 1);
  });

  void test('studies: the patient details and file key are encrypted, bound to their row, and rows cannot be deleted', async (t) => {
    const fixture = await fresh(t);
    const { store } = fixture;
    await store.recordStudyInstance(instance('1.2.6.1', '1.2.6'), listener);
    await store.recordStudyInstance(instance('1.2.6.2', '1.2.6', { details: { patientName: 'Second^Patient' } }), listener);
    const raw = await store.sql.all('SELECT * FROM study_instances');
    assert.equal(JSON.stringify(raw).includes('Thistlewood'), false);
    assert.equal(JSON.stringify(raw).includes('MRN-0042'), false);
    assert.equal(JSON.stringify(raw).includes(instance('1.2.6.1', '1.2.6').fileKey), false);
    // Someone with write access pastes one row's details over the other's: the read fails instead of naming the wrong patient.
    const pasted = raw.find((row) => row.sop_instance_uid === '1.2.6.1')?.details;
    assert.equal(typeof pasted, 'string');
    await store.sql.run('UPDATE study_instances SET details = ? WHERE sop_instance_uid = ?', [String(pasted), '1.2.6.2']);
    await assert.rejects(store.getStudyInstance('1.2.6.2', nurse), (error) => isNorthstationError(error, 'internal'));
    await assert.rejects(store.sql.run('DELETE FROM study_instances'), /not allowed/);
    await assert.rejects(store.sql.run("UPDATE study_instances SET file_path = 'x'"), /not allowed/);
    await assert.rejects(store.listStudies({ limit: 0 }, nurse), (error) => isNorthstationError(error, 'bad_request'));
    await assert.rejects(store.getStudyInstance('9.9.9', nurse), (error) => isNorthstationError(error, 'not_found'));
  });

  void test('studies: key rotation rewraps the details and file keys', async (t) => {
    const fixture = await fresh(t);
    const original = instance('1.2.7.1', '1.2.7');
    await fixture.store.recordStudyInstance(original, listener);
    const next = generateDataKey();
    await fixture.store.rotateKey(next, { userId: 'u-admin', role: 'admin' });
    const reopened = await fixture.openAnother({ key: next });
    const got = await reopened.getStudyInstance('1.2.7.1', nurse);
    assert.equal(got.fileKey, original.fileKey);
    assert.equal(got.details.patientId, 'MRN-0042');
  });
}
