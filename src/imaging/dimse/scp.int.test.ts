/**
 * The storage listener against real peers on loopback: DCMTK's echoscu and
 * storescu (the reference sender), and raw sockets for the misbehaving ones.
 * Instances go to an in-memory sink here; server/dicom-storage.int.test.ts
 * runs the same path into the encrypted archive and the records store.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { createLogger } from '../../core/log.ts';
import { sharedDataDir } from '../../core/shared-data.ts';
import { topLevelElements } from './dataset-scan.ts';
import { datasetOfPart10 } from './part10.ts';
import { startStorageScp, type ReceivedInstance, type StorageScp, type StorageScpOptions } from './scp.ts';
import { associateRequest, rawPeer } from './test-peer.test-support.ts';

const run = promisify(execFile);
const dicom = join(sharedDataDir(), 'dicom');

interface Harness {
  scp: StorageScp;
  received: ReceivedInstance[];
  logs: string[];
}

async function listener(t: TestContext, options: Partial<StorageScpOptions> = {}): Promise<Harness> {
  const received: ReceivedInstance[] = [];
  const logs: string[] = [];
  const scp = await startStorageScp({
    port: 0,
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    onInstance: (instance) => {
      const duplicate = received.some((r) => r.sopInstanceUid === instance.sopInstanceUid);
      if (!duplicate) received.push(instance);
      return Promise.resolve(duplicate ? 'duplicate' : 'stored');
    },
    ...options,
  });
  t.after(() => scp.close());
  return { scp, received, logs };
}

/** Runs a DCMTK tool; resolves with its exit code and output whatever the code. */
async function dcmtk(tool: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(tool, args, { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

/** The pixel data element's value (encapsulated fragments included; not its header, whose VR DCMTK corrects from OW to OB). */
function pixelData(dataset: Buffer, implicit: boolean): Buffer {
  const element = [...topLevelElements(dataset, implicit)].find((e) => e.tag === 0x7fe00010);
  assert.ok(element, 'the dataset has pixel data');
  return dataset.subarray(element.valueStart, element.end);
}

/**
 * dcmdump of a file, without what a sender may legitimately re-encode: the
 * file meta group and trailing padding (DCMTK sends neither), and sequence
 * and item lengths (DCMTK sends undefined-length sequences with explicit
 * lengths). Every element, its VR and its value stay compared.
 */
async function datasetDump(path: string): Promise<string> {
  const { output } = await dcmtk('dcmdump', ['-q', path]);
  return output
    .split('\n')
    .filter((line) => !/^\s*\((0002,|fffc,fffc|fffe,e00d|fffe,e0dd)/.test(line) && line.trim() !== '')
    .map((line) => line.replace(/with (explicit|undefined) length /, '').replace(/\s+#\s*(u\/l|\d+),\s*\d+\s+/, ' # '))
    .join('\n');
}

/** The listener notices a peer's close a moment after the peer has gone: wait for it, up to a second. */
async function slotsFreed(scp: StorageScp): Promise<void> {
  for (let waited = 0; scp.associations > 0 && waited < 1000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(scp.associations, 0);
}

test('C-ECHO: echoscu succeeds', async (t) => {
  const { scp } = await listener(t);
  const { code, output } = await dcmtk('echoscu', ['-aec', 'NORTHSTATION', '127.0.0.1', String(scp.port)]);
  assert.equal(code, 0, output);
});

const sends = [
  { file: 'CT_small.dcm', propose: [], syntax: '1.2.840.10008.1.2.1' },
  { file: 'MR_small_implicit.dcm', propose: ['-xi'], syntax: '1.2.840.10008.1.2' },
  { file: 'MR_small_RLE.dcm', propose: ['-xr'], syntax: '1.2.840.10008.1.2.5' },
  { file: 'RG1_J2KI.dcm', propose: ['-xw'], syntax: '1.2.840.10008.1.2.4.91' },
  { file: 'emri_small_jpeg_ls_lossless.dcm', propose: ['-xt'], syntax: '1.2.840.10008.1.2.4.80' },
  { file: 'JPGExtended.dcm', propose: ['-xx'], syntax: '1.2.840.10008.1.2.4.51' },
];

for (const send of sends) {
  test(`C-STORE: storescu sends ${send.file} in its own syntax and the dataset arrives unchanged`, async (t) => {
    const h = await listener(t);
    const path = join(dicom, send.file);
    const { code, output } = await dcmtk('storescu', ['-aec', 'NORTHSTATION', '-R', ...send.propose, '127.0.0.1', String(h.scp.port), path]);
    assert.equal(code, 0, output);
    assert.equal(h.received.length, 1, output);
    const got = h.received[0]!;
    assert.equal(got.transferSyntaxUid, send.syntax);
    assert.equal(got.callingAeTitle, 'STORESCU');
    const implicit = send.syntax === '1.2.840.10008.1.2';
    assert.deepEqual(pixelData(datasetOfPart10(got.file), implicit), pixelData(datasetOfPart10(readFileSync(path)), implicit));
    const folder = mkdtempSync(join(tmpdir(), 'ns-dimse-'));
    t.after(() => { rmSync(folder, { recursive: true, force: true }); });
    const stored = join(folder, send.file);
    writeFileSync(stored, got.file);
    assert.equal(await datasetDump(stored), await datasetDump(path));
    const meta = (await dcmtk('dcmdump', ['-q', '-M', stored])).output;
    assert.match(meta, /ImplementationVersionName.*NORTHSTATION_1|NORTHSTATION_1.*ImplementationVersionName/);
    assert.ok(!h.logs.join('\n').includes(got.patient.name ?? 'no name'), 'no patient name in the logs');
  });
}

test('C-STORE: the implicit VR file arrives byte for byte; a second copy of an instance is answered success and not kept twice', async (t) => {
  const h = await listener(t);
  const path = join(dicom, 'MR_small_implicit.dcm');
  for (let i = 0; i < 2; i += 1) {
    const { code, output } = await dcmtk('storescu', ['-aec', 'NORTHSTATION', '-R', '-xi', '127.0.0.1', String(h.scp.port), path]);
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /Store Failed|Warning/i);
  }
  assert.equal(h.received.length, 1);
  assert.deepEqual(datasetOfPart10(h.received[0]!.file), datasetOfPart10(readFileSync(path)));
});

test('association: a wrong called AE title is rejected ("called AE title not recognised"), an unlisted calling AE too', async (t) => {
  const h = await listener(t, { allowedCallingAeTitles: ['CT_SCANNER'] });
  const wrongCalled = await dcmtk('echoscu', ['-aet', 'CT_SCANNER', '-aec', 'SOMEONE_ELSE', '127.0.0.1', String(h.scp.port)]);
  assert.notEqual(wrongCalled.code, 0);
  assert.match(wrongCalled.output, /Called AE Title Not Recognized/i);
  const wrongCalling = await dcmtk('echoscu', ['-aet', 'INTRUDER', '-aec', 'NORTHSTATION', '127.0.0.1', String(h.scp.port)]);
  assert.match(wrongCalling.output, /Calling AE Title Not Recognized/i);
  assert.equal((await dcmtk('echoscu', ['-aet', 'CT_SCANNER', '-aec', 'NORTHSTATION', '127.0.0.1', String(h.scp.port)])).code, 0);
});

test('association: an unsupported SOP class is refused per context while the rest goes ahead', async (t) => {
  const h = await listener(t);
  const { output } = await dcmtk('storescu', ['-nh', '-aec', 'NORTHSTATION', '-R', '127.0.0.1', String(h.scp.port), join(dicom, 'reportsi.dcm'), join(dicom, 'CT_small.dcm')]);
  assert.match(output, /no presentation context|No presentation context|not supported/i);
  assert.deepEqual(h.received.map((r) => r.modality), ['CT']);
});

test('limits: a dataset over the cap is answered 0xA700 and nothing is stored; the association carries on', async (t) => {
  const h = await listener(t, { maxDatasetBytes: 20_000 });
  const { output } = await dcmtk('storescu', ['-v', '-nh', '-aec', 'NORTHSTATION', '-R', '127.0.0.1', String(h.scp.port), join(dicom, 'CT_small.dcm'), join(dicom, 'MR_small.dcm')]);
  assert.match(output, /0xa700|Out ?of ?Resources/i, output);
  assert.deepEqual(h.received.map((r) => r.modality), ['MR']);
});

test('peers: garbage is aborted and closed, a silent peer is dropped at ARTIM, an idle association is aborted; the listener stays up', async (t) => {
  const h = await listener(t, { artimTimeoutMs: 300, idleTimeoutMs: 300 });
  const garbage = await rawPeer(h.scp.port);
  garbage.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const abort = await garbage.bytes(10);
  assert.equal(abort[0], 0x07, 'A-ABORT');
  await garbage.closed;

  const silent = await rawPeer(h.scp.port);
  assert.ok((await silent.closed) < 3000);
  assert.equal(silent.received().length, 0);

  const idle = await rawPeer(h.scp.port);
  idle.socket.write(associateRequest('NORTHSTATION', 'IDLER', [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }]));
  await idle.closed;
  assert.equal(idle.received()[0], 0x02, 'A-ASSOCIATE-AC first');
  assert.ok(idle.received().includes(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x04])), 'then A-ABORT');

  const oversized = await rawPeer(h.scp.port);
  oversized.socket.write(Buffer.from([0x01, 0x00, 0x7f, 0xff, 0xff, 0xff]));
  assert.equal((await oversized.bytes(10))[0], 0x07, 'an A-ASSOCIATE-RQ claiming 2 GiB is aborted before it is buffered');

  assert.equal((await dcmtk('echoscu', ['-aec', 'NORTHSTATION', '127.0.0.1', String(h.scp.port)])).code, 0);
  await slotsFreed(h.scp);
});

test('limits: associations past the cap are rejected (transient, local limit exceeded) and slots come back', async (t) => {
  const h = await listener(t, { maxAssociations: 2 });
  const request = associateRequest('NORTHSTATION', 'MANY', [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }]);
  const peers = await Promise.all([0, 1, 2, 3].map(() => rawPeer(h.scp.port)));
  const answers: number[][] = [];
  for (const peer of peers) {
    peer.socket.write(request);
    const bytes = await peer.bytes(10);
    answers.push([bytes[0]!, bytes[7]!, bytes[8]!, bytes[9]!]);
  }
  assert.deepEqual(answers.map((a) => a[0]), [0x02, 0x02, 0x03, 0x03]);
  assert.deepEqual(answers[2]!.slice(1), [2, 3, 2], 'result transient, source presentation provider, local limit exceeded');
  assert.equal(h.scp.associations, 2);
  for (const peer of peers) peer.socket.destroy();
  await Promise.all(peers.map((p) => p.closed));
  await slotsFreed(h.scp);
  assert.equal((await dcmtk('echoscu', ['-aec', 'NORTHSTATION', '127.0.0.1', String(h.scp.port)])).code, 0);
});

test('concurrency: eight storescu senders at once all get their instances through a cap of four', async (t) => {
  const h = await listener(t, { maxAssociations: 4 });
  const files = ['CT_small.dcm', 'MR_small.dcm', 'MR_small_implicit.dcm', 'CT_small.dcm'];
  // storescu gives up on a rejected association; retrying is the sender's part, as a modality's queue would.
  const results = await Promise.all(files.concat(files).map(async (file) => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const result = await dcmtk('storescu', ['-aec', 'NORTHSTATION', '127.0.0.1', String(h.scp.port), join(dicom, file)]);
      if (result.code === 0) return { ...result, attempt };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { code: 1, output: 'gave up', attempt: 20 };
  }));
  assert.ok(results.every((r) => r.code === 0), JSON.stringify(results.map((r) => r.output)));
  // CT_small is sent four times, and MR_small and MR_small_implicit are one instance: two kept, every send answered.
  assert.equal(h.received.length, 2);
  assert.equal(h.logs.filter((line) => line.includes('"dicom.instance"')).length, 8);
});
