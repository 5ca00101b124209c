/**
 * The real gate on the tiny synthetic model through real llama.cpp: the
 * grammar-constrained checks pass, PubMedQA fails for the stated reason
 * (random weights), and the sealed report verifies until someone edits it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedDataDir } from '../../core/shared-data.ts';
import type { LlamaChatModel } from '../../engine/llama/llama-chat-model.ts';
import { loadTinyChatModel } from '../../engine/llama/test-tiny-llama.ts';
import { sha256File } from '../../engine/models/sha256.ts';
import type { ConformanceProgress } from './check-context.ts';
import { checkConformance } from './gate.ts';
import { pubmedQaFile } from './pubmedqa.ts';
import type { ConformanceReport } from './report.ts';
import { verifyReport } from './report-integrity.ts';
import { writeReport } from './report-store.ts';
import { runConformance } from './run-conformance.ts';

const dataDir = sharedDataDir();
const skip = existsSync(join(dataDir, pubmedQaFile)) ? false : `no PubMedQA under ${dataDir} (set NORTHSTATION_SHARED_DATA)`;

describe('runConformance on the tiny synthetic model', { skip }, () => {
  let home: string;
  let model: LlamaChatModel;
  let report: ConformanceReport;
  const progress: ConformanceProgress[] = [];

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'northstation-conformance-'));
    // One sequence: determinism is checked on the path a single request takes; 4096 tokens hold any PubMedQA abstract.
    model = await loadTinyChatModel({ contextSize: 4096, sequences: 1 });
    report = await runConformance(model, { dataDir, qaLimit: 6, home, signingKey: undefined, onProgress: (event) => progress.push(event) });
  });
  after(async () => {
    await model.dispose();
    await rm(home, { recursive: true, force: true });
  });

  const check = (id: string) => {
    const found = report.checks.find((result) => result.id === id);
    assert.ok(found, `no check ${id}`);
    return found;
  };

  test('schema adherence and determinism pass: the grammar holds the output to the schema', () => {
    assert.equal(check('schema-adherence').status, 'pass', JSON.stringify(check('schema-adherence')));
    assert.equal(check('schema-adherence').measured, '5/5');
    assert.equal(check('determinism').status, 'pass', JSON.stringify(check('determinism')));
  });

  test('the guards behave on the known cases, and no thinking text is left after cleaning', () => {
    assert.equal(check('guards-known-cases').status, 'pass', JSON.stringify(check('guards-known-cases').details));
    const hygiene = check('no-thinking-leak');
    assert.equal(hygiene.status, 'pass', JSON.stringify(hygiene.details));
    assert.ok((hygiene.details.outputs as number) >= 5 + 4 + 1 + 6 + 1, 'every raw output of the run was inspected');
  });

  test('image input is skipped for a text-only model, with the reason', () => {
    assert.equal(check('image-input-used').status, 'skip');
    assert.match(check('image-input-used').reason ?? '', /does not declare image input/);
  });

  test('PubMedQA asks the sample, reports accuracy, and fails for the synthetic reason', () => {
    const accuracy = check('pubmedqa-accuracy');
    assert.equal(accuracy.status, 'fail');
    assert.match(accuracy.reason ?? '', /synthetic model: random weights/);
    assert.equal(typeof accuracy.measured, 'number');
    assert.equal(accuracy.details.questions, 6);
    assert.equal(accuracy.details.published, 'no published figure');
    const questions = progress.filter((event) => event.check === 'pubmedqa-accuracy').map((event) => event.done);
    assert.deepEqual(questions, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(report.passed, false);
  });

  test('the report names the exact weights and this machine', async () => {
    assert.equal(report.model.synthetic, true);
    assert.equal(report.model.file?.sha256, await sha256File(String(model.info.details.path)));
    assert.equal(report.model.file.sha256Source, 'computed');
    assert.match(report.engine, /node-llama-cpp .* \/ llama\.cpp /);
    assert.equal(report.hardware.gpu, 'none');
    assert.equal(report.integrity.algorithm, 'sha256');
  });

  test('the report hash verifies, an edited report does not, and the gate refuses both for what they are', async () => {
    assert.deepEqual(verifyReport(report), { ok: true });
    const path = await writeReport(report, home);
    const refused = await checkConformance(report.model, { home, signingKey: undefined });
    assert.equal(refused.kind === 'refused' ? refused.refusal.code : refused.kind, 'report_failed');

    const edited = JSON.parse(await readFile(path, 'utf8')) as ConformanceReport;
    edited.passed = true;
    assert.equal(verifyReport(edited).ok, false);
    await writeFile(path, JSON.stringify(edited));
    const tampered = await checkConformance(report.model, { home, signingKey: undefined });
    assert.equal(tampered.kind === 'refused' ? tampered.refusal.code : tampered.kind, 'report_tampered');
  });
});
