import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { assertConformance } from './gate.ts';
import { overrideLogPath, verifyAuditChain } from './override-audit.ts';
import { reportPath, writeReport } from './report-store.ts';
import { loadSigningKey } from './report-integrity.ts';
import type { ModelIdentity } from './report.ts';
import { fileIdentity, handBuiltReport, thisHardware } from './test-reports.ts';

let home: string;
before(async () => { home = await mkdtemp(join(tmpdir(), 'northstation-gate-')); });
after(async () => { await rm(home, { recursive: true, force: true }); });

const sha = 'd'.repeat(64);
const noKey = { signingKey: undefined };

/** A `forbidden` NorthstationError with this refusal code and a message matching `message`. */
function refusal(code: string, message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isNorthstationError(error, 'forbidden'), String(error));
    assert.equal(error.details.refusal, code);
    assert.match(error.message, message);
    return true;
  };
}

describe('assertConformance', () => {
  test('refuses a model with no report, naming the command to run', async () => {
    const identity = fileIdentity(join(home, 'absent-report.gguf'), sha);
    await assert.rejects(assertConformance(identity, { home, ...noKey }), refusal('no_report', /no conformance report.*northstation validate.*--override-conformance/));
  });

  test('accepts a passing report for the same weights on this hardware', async () => {
    const identity = fileIdentity(join(home, 'good.gguf'), sha);
    await writeReport(handBuiltReport(identity), home);
    const decision = await assertConformance(identity, { home, hardware: thisHardware(), ...noKey });
    assert.equal(decision.kind, 'passed');
  });

  test('refuses a failed report, listing the failed checks', async () => {
    const identity = fileIdentity(join(home, 'failed.gguf'), sha);
    await writeReport(handBuiltReport(identity, { passed: false }), home);
    await assert.rejects(assertConformance(identity, { home, ...noKey }), refusal('report_failed', /failed \(pubmedqa-accuracy\)/));
  });

  test('refuses a report whose verdict was edited', async () => {
    const identity = fileIdentity(join(home, 'tampered.gguf'), sha);
    const path = await writeReport(handBuiltReport(identity, { passed: false }), home);
    const edited = JSON.parse(await readFile(path, 'utf8')) as { passed: boolean; checks: Array<{ status: string }> };
    edited.passed = true;
    for (const check of edited.checks) check.status = 'pass';
    await writeFile(path, JSON.stringify(edited));
    await assert.rejects(assertConformance(identity, { home, ...noKey }), refusal('report_tampered', /cannot be trusted.*edited or corrupted/));
    await writeFile(path, '{ not json');
    await assert.rejects(assertConformance(identity, { home, ...noKey }), refusal('report_tampered', /not valid JSON/));
  });

  test('refuses a report about other bytes at the same path', async () => {
    const path = join(home, 'replaced.gguf');
    await writeReport(handBuiltReport(fileIdentity(path, sha)), home);
    const now = fileIdentity(path, 'e'.repeat(64));
    await assert.rejects(assertConformance(now, { home, ...noKey }), refusal('different_file', /report sha256 dddddddddddd…, file now eeeeeeeeeeee…/));
  });

  test('a model is validated with its projector: other projector bytes, or none, are not that report', async () => {
    const path = join(home, 'vision.gguf');
    const projector = (sha256: string) => ({ path: join(home, 'mmproj.gguf'), sizeBytes: 600_000, sha256, sha256Source: 'computed' as const });
    const validated = fileIdentity(path, sha, { projector: projector('a'.repeat(64)) });
    await writeReport(handBuiltReport(validated), home);
    assert.equal((await assertConformance(validated, { home, ...noKey })).kind, 'passed');
    const replaced = fileIdentity(path, sha, { projector: projector('b'.repeat(64)) });
    await assert.rejects(assertConformance(replaced, { home, ...noKey }), refusal('different_file', /projector: report sha256 aaaaaaaaaaaa…, file now bbbbbbbbbbbb…/));
    // The same weights without their projector are another model: its report is not this one.
    await assert.rejects(assertConformance(fileIdentity(path, sha), { home, ...noKey }), refusal('no_report', /no conformance report/));
  });

  test('refuses a report from other hardware (rule 6: on this site\'s hardware)', async () => {
    const identity = fileIdentity(join(home, 'moved.gguf'), sha);
    await writeReport(handBuiltReport(identity, { hardware: thisHardware('cuda') }), home);
    await assert.rejects(assertConformance(identity, { home, hardware: thisHardware('none'), ...noKey }), refusal('different_hardware', /gpu: report "cuda", now "none"/));
  });

  test('with a site key, a plain-hash report is refused', async () => {
    const keyFile = join(home, 'site.key');
    await writeFile(keyFile, 'this site signs its reports');
    const key = await loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: keyFile });
    const identity = fileIdentity(join(home, 'plain.gguf'), sha);
    await writeReport(handBuiltReport(identity), home);
    await assert.rejects(assertConformance(identity, { home, ...(key ? { signingKey: key } : {}) }), refusal('report_tampered', /plain hash/));
    await writeReport(handBuiltReport(identity, key ? { key } : {}), home);
    assert.equal((await assertConformance(identity, { home, ...(key ? { signingKey: key } : {}) })).kind, 'passed');
  });

  test('with a site key, a sealed passing report copied to another model\'s path is refused', async () => {
    const keyFile = join(home, 'copy-site.key');
    await writeFile(keyFile, 'this site signs its reports too');
    const key = await loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: keyFile });
    assert.ok(key);
    const copyTo = async (from: ModelIdentity, to: ModelIdentity) => {
      const source = await writeReport(handBuiltReport(from, { key }), home);
      await mkdir(dirname(reportPath(to, home)), { recursive: true });
      await copyFile(source, reportPath(to, home));
    };
    // Upstream model A's report at upstream model B's path.
    const upstreamA: ModelIdentity = { id: 'a', backend: 'openai', synthetic: false, upstream: { model: 'model-a', baseUrls: ['http://10.0.0.5:8000/v1'] } };
    const upstreamB: ModelIdentity = { id: 'b', backend: 'openai', synthetic: false, upstream: { model: 'model-b', baseUrls: ['http://10.0.0.5:8000/v1'] } };
    await copyTo(upstreamA, upstreamB);
    assert.equal((await assertConformance(upstreamA, { home, signingKey: key })).kind, 'passed');
    await assert.rejects(assertConformance(upstreamB, { home, signingKey: key }), refusal('different_model', /another model.*upstream: report "model-a@/));
    // Same upstream name on another server.
    const elsewhere: ModelIdentity = { ...upstreamA, upstream: { model: 'model-a', baseUrls: ['http://10.0.0.6:8000/v1'] } };
    await copyTo(upstreamA, elsewhere);
    await assert.rejects(assertConformance(elsewhere, { home, signingKey: key }), refusal('different_model', /10\.0\.0\.6/));
    // The base model's report at the path for base model + LoRA (same GGUF file, same SHA-256).
    const base = fileIdentity(join(home, 'base.gguf'), sha);
    const withLora = fileIdentity(join(home, 'base.gguf'), sha, { lora: '/data/adapters/site.gguf@1' });
    await copyTo(base, withLora);
    await assert.rejects(assertConformance(withLora, { home, signingKey: key }), refusal('different_model', /LoRA: report "none", now "\/data\/adapters\/site.gguf@1"/));
    // Another file with identical bytes (same hash) at another path.
    const other = fileIdentity(join(home, 'other.gguf'), sha);
    await copyTo(base, other);
    await assert.rejects(assertConformance(other, { home, signingKey: key }), refusal('different_model', /file: report/));
    // The text-only report at the path for the same weights with a projector.
    const withProjector = fileIdentity(join(home, 'base.gguf'), sha, { projector: { path: join(home, 'mmproj.gguf'), sizeBytes: 1, sha256: sha, sha256Source: 'computed' } });
    await copyTo(base, withProjector);
    await assert.rejects(assertConformance(withProjector, { home, signingKey: key }), refusal('different_model', /projector: report "none", now ".*mmproj.gguf"/));
  });

  test('an override serves anyway and is audited with the refusal and the reason', async () => {
    const identity = fileIdentity(join(home, 'overridden.gguf'), sha);
    const decision = await assertConformance(identity, { home, overrideReason: 'vendor validation on file, ticket 42', ...noKey });
    assert.equal(decision.kind, 'overridden');
    assert.equal(decision.refusal.code, 'no_report');
    assert.equal(decision.auditPath, overrideLogPath(home));
    assert.equal(decision.entry.reason, 'vendor validation on file, ticket 42');
    assert.deepEqual(decision.entry.model, identity);
    assert.equal((await verifyAuditChain(decision.auditPath)).ok, true);
    assert.equal(reportPath(identity, home).startsWith(join(home, 'conformance')), true);
  });

  test('a blank override reason is no override', async () => {
    const identity = fileIdentity(join(home, 'blank.gguf'), sha);
    await assert.rejects(assertConformance(identity, { home, overrideReason: '   ', ...noKey }), { code: 'forbidden' });
  });
});
