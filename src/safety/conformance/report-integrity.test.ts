import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../core/canonical-json.ts';
import { loadSigningKey, verifyReport } from './report-integrity.ts';
import { fileIdentity, handBuiltReport } from './test-reports.ts';

const sha = 'a'.repeat(64);
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'northstation-integrity-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  test('refuses values JSON cannot carry faithfully', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  });
});

describe('report hash', () => {
  test('verifies an untouched report and does not depend on key order', () => {
    const report = handBuiltReport(fileIdentity('/m.gguf', sha));
    assert.deepEqual(verifyReport(report), { ok: true });
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(report).reverse()))) as typeof report;
    assert.deepEqual(verifyReport(reordered), { ok: true });
  });

  test('detects any edit: a measured value, the verdict, the model hash', () => {
    const report = handBuiltReport(fileIdentity('/m.gguf', sha), { passed: false });
    const edits: Array<(copy: typeof report) => void> = [
      (copy) => { copy.passed = true; },
      (copy) => { copy.checks[1]!.measured = 80; },
      (copy) => { copy.model.file!.sha256 = 'b'.repeat(64); },
    ];
    for (const edit of edits) {
      const copy = structuredClone(report);
      edit(copy);
      const result = verifyReport(copy);
      assert.equal(result.ok, false);
      assert.match(result.reason, /does not match its content/);
    }
  });

  test('with a site key: HMAC, and only reports sealed with that key verify', async () => {
    const keyFile = join(dir, 'site.key');
    await writeFile(keyFile, 'a site secret of enough bytes');
    const key = await loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: keyFile });
    assert.ok(key);
    const signed = handBuiltReport(fileIdentity('/m.gguf', sha), { key });
    assert.equal(signed.integrity.algorithm, 'hmac-sha256');
    assert.deepEqual(verifyReport(signed, key), { ok: true });

    const plain = handBuiltReport(fileIdentity('/m.gguf', sha));
    assert.match(JSON.stringify(verifyReport(plain, key)), /plain hash/);
    assert.match(JSON.stringify(verifyReport(signed)), /NORTHSTATION_SIGNING_KEY_FILE is not set/);

    await writeFile(keyFile, 'another secret, also long enough');
    const other = await loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: keyFile });
    assert.match(JSON.stringify(verifyReport(signed, other)), /not this site's key/);

    // Re-sealing an edited report with a plain hash does not get past a keyed site.
    const forged = handBuiltReport(fileIdentity('/m.gguf', sha), { passed: true });
    assert.equal(verifyReport(forged, key).ok, false);
  });

  test('a configured but unreadable key file is an error, not a silent downgrade', async () => {
    await assert.rejects(loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: join(dir, 'absent.key') }), { code: 'config_invalid' });
    assert.equal(await loadSigningKey({}), undefined);
  });
});
