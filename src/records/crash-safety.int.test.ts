/**
 * Reliability (issue 6): SIGKILL a writer at random points during 1,000 sign
 * operations; afterwards no signed note is lost or half-written and the audit
 * chain verifies.
 *
 * crash-worker.ts signs drafts against a temporary store and reports each
 * committed sign on stdout; this test kills it at seeded random moments
 * (mostly mid-signing, sometimes while it is still opening the store) and
 * restarts it until 1,000 drafts are signed. A draft signed but not reported
 * (killed between COMMIT and the stdout line) is allowed; a reported one that
 * is missing, or any half-written draft, is not.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededUniform } from '../core/seeded-random.ts';
import { canonicalJson, sha256Hex } from '../core/canonical-json.ts';
import { verifyAuditChain } from './audit.ts';
import { assertNothingHalfWritten } from './record-integrity.test-support.ts';
import { generateDataKey } from './field-cipher.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { physician } from './test-fixtures.ts';

const totalSigns = 1000;
/** A guard only: at these delays the 1,000 signs take about 130 kills (about 24 s on 2 cores under load); past this many the worker runs unkilled. */
const maxKills = 400;
const seed = 0x5eed_0006;
const worker = new URL('./crash-worker.ts', import.meta.url).pathname;

interface RunResult {
  signed: string[];
  /** Drafts a killed run left unsigned, as `<id> <version>` (version 1: created only, 2: edited too). */
  resumed: string[];
  done: boolean;
  killed: boolean;
  stderr: string;
  code: number | null;
}

/** Runs the worker once; `killAfterMs` (from 'ready', or from spawn when `early`) kills it with SIGKILL, undefined lets it finish. */
function runWorker(path: string, key: Buffer, killAfterMs: number | undefined, early: boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, path, String(totalSigns)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NS_CRASH_KEY: key.toString('base64') },
    });
    const signed: string[] = [];
    const resumed: string[] = [];
    let done = false;
    let killed = false;
    let stderr = '';
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = child.kill('SIGKILL');
      }
    };
    const arm = (): void => {
      if (killAfterMs !== undefined && timer === undefined) timer = setTimeout(kill, killAfterMs);
    };
    if (early) arm();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') arm();
        else if (line === 'done') done = true;
        else if (line.startsWith('signed ')) signed.push(line.slice('signed '.length));
        else if (line.startsWith('resume ')) resumed.push(line.slice('resume '.length));
        else reject(new Error(`unexpected worker output: ${line}`));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    // 'close': the process is gone and stdout is drained (a half line, if any, stays unreported).
    child.on('close', (code) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ signed, resumed, done, killed, stderr, code });
    });
  });
}

test(`SIGKILL at random points during ${totalSigns} sign operations: nothing signed is lost or half-written, the audit chain verifies`, { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'records.sqlite');
  const key = generateDataKey();
  const random = seededUniform(seed);
  const started = performance.now();

  const reported = new Set<string>();
  let kills = 0;
  let runs = 0;
  let finished = false;
  let resumedCreated = 0;
  let resumedEdited = 0;
  let lastRunSigns = 0;
  while (!finished) {
    const killing = kills < maxKills;
    // One kill in eight lands while the worker starts (opening, migrating, resuming); the rest while it signs.
    const early = killing && random() < 0.125;
    const delay = killing ? (early ? 20 + random() * 150 : random() * 100) : undefined;
    const result = await runWorker(path, key, delay, early);
    runs += 1;
    for (const id of result.signed) {
      assert.ok(!reported.has(id), `draft ${id} was reported signed twice`);
      reported.add(id);
    }
    for (const entry of result.resumed) {
      if (entry.endsWith(' 1')) resumedCreated += 1;
      else resumedEdited += 1;
    }
    lastRunSigns = result.signed.length;
    if (result.killed) kills += 1;
    else {
      assert.equal(result.code, 0, `the worker failed (run ${runs}): ${result.stderr}`);
      finished = result.done;
    }
    assert.ok(runs < maxKills + 10, 'the worker never finished');
  }
  const elapsedMs = performance.now() - started;

  const store = await openSqliteStore({ path, key });
  t.after(() => store.close());
  const db = store.database;
  const n = (sql: string): number => Number(db.prepare(sql).get()?.n);

  // The database file itself survived every kill, and nothing is half-written.
  assertNothingHalfWritten(db);

  const signedCount = n("SELECT COUNT(*) AS n FROM drafts WHERE status = 'signed'");
  assert.equal(signedCount, totalSigns, 'the worker stops at exactly the target');
  assert.ok(reported.size <= signedCount);

  assert.equal(n("SELECT COUNT(*) AS n FROM drafts d WHERE d.status = 'signed' AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.draft_id = d.id)"), 0, 'every signed draft was edited first');

  const chainBeforeReads = await verifyAuditChain(store.sql);
  assert.equal(chainBeforeReads.ok, true, chainBeforeReads.reason);

  // Every reported sign is there, and every signed draft has a hash over the content it shows.
  const signedIds = new Set(db.prepare("SELECT id FROM drafts WHERE status = 'signed'").all().map((row) => String(row.id)));
  for (const id of reported) assert.ok(signedIds.has(id), `reported draft ${id} is not signed`);
  for (const id of signedIds) {
    const draft = await store.getDraft(id, physician);
    assert.equal(draft.status, 'signed', `draft ${id}`);
    assert.ok(draft.signature !== null, `draft ${id} has no signature`);
    assert.equal(draft.signature.contentHash, sha256Hex(canonicalJson(draft.currentContent)), `draft ${id}: the signed hash does not match its content`);
    assert.notDeepEqual(draft.currentContent, draft.aiOutput.content, `draft ${id}: the edit was lost`);
  }
  const chain = await store.verifyAuditChain();
  assert.equal(chain.ok, true, chain.reason);

  const leftUnsigned = n("SELECT COUNT(*) AS n FROM drafts WHERE status = 'draft'");
  t.diagnostic(
    `${kills} SIGKILLs over ${runs} runs in ${(elapsedMs / 1000).toFixed(1)} s; ${signedCount} signed, ${reported.size} reported, ` +
      `${signedCount - reported.size} committed but unreported, ${leftUnsigned} drafts left unsigned; ` +
      `kills left ${resumedCreated} drafts created-only and ${resumedEdited} edited-but-unsigned (resumed); the last run signed ${lastRunSigns}; ` +
      `${chain.checked} audit events verified`,
  );
  assert.ok(kills >= 20, `only ${kills} kills landed`);
});
