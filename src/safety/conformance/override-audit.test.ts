import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.ts';
import { appendOverride, auditHeadPath, genesisHash, overrideLogPath, verifyAuditChain, type OverrideEntry } from './override-audit.ts';
import { loadSigningKey } from './report-integrity.ts';
import { fileIdentity } from './test-reports.ts';

let home: string;
before(async () => { home = await mkdtemp(join(tmpdir(), 'northstation-audit-')); });
after(async () => { await rm(home, { recursive: true, force: true }); });

const model = fileIdentity('/models/m.gguf', 'c'.repeat(64));

async function lines(): Promise<OverrideEntry[]> {
  return (await readFile(overrideLogPath(home), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as OverrideEntry);
}

describe('override audit log', () => {
  test('chains each line to the one before, from the genesis hash', async () => {
    await appendOverride({ model, reason: 'first', refusal: 'no report' }, { home });
    await appendOverride({ model, reason: 'second', refusal: 'no report' }, { home });
    await Promise.all(['third', 'fourth'].map((reason) => appendOverride({ model, reason, refusal: 'no report' }, { home })));
    const entries = await lines();
    assert.equal(entries.length, 4);
    assert.equal(entries[0]!.prevHash, genesisHash);
    for (let index = 1; index < entries.length; index++) assert.equal(entries[index]!.prevHash, entries[index - 1]!.hash);
    assert.ok(entries.every((entry) => entry.user.length > 0 && !Number.isNaN(Date.parse(entry.time))));
    assert.deepEqual(await verifyAuditChain(overrideLogPath(home)), { ok: true, entries: 4, lastHash: entries[3]!.hash });
  });

  test('an edited, deleted or reordered line breaks the chain at that line, and no override is added after it', async () => {
    const path = overrideLogPath(home);
    const original = await readFile(path, 'utf8');
    const rows = original.trim().split('\n');
    const tamperings: Array<[string, string, number]> = [
      ['edited reason', rows.map((row, index) => (index === 1 ? row.replace('"second"', '"harmless"') : row)).join('\n') + '\n', 2],
      ['deleted line', [rows[0], ...rows.slice(2)].join('\n') + '\n', 2],
      ['reordered', [rows[1], rows[0], ...rows.slice(2)].join('\n') + '\n', 1],
      ['not JSON', `${rows[0]!}\n{oops\n`, 2],
    ];
    for (const [name, text, line] of tamperings) {
      await writeFile(path, text);
      const result = await verifyAuditChain(path);
      assert.equal(result.ok, false, name);
      assert.equal(result.line, line, name);
      await assert.rejects(appendOverride({ model, reason: 'after tampering', refusal: 'x' }, { home }), { code: 'config_invalid' }, name);
    }
    await writeFile(path, original);
    assert.equal((await verifyAuditChain(path)).ok, true);
  });

  test('a missing log is an empty, valid chain', async () => {
    assert.deepEqual(await verifyAuditChain(join(home, 'absent.jsonl')), { ok: true, entries: 0, lastHash: genesisHash });
  });

  test('with a site key, lines are MACed and a log cut short (3 entries to 1) no longer verifies', async () => {
    const keyed = join(home, 'keyed');
    const keyFile = join(home, 'audit.key');
    await writeFile(keyFile, 'the site audit key, 16+ bytes');
    const signingKey = await loadSigningKey({ NORTHSTATION_SIGNING_KEY_FILE: keyFile });
    assert.ok(signingKey);
    for (const reason of ['one', 'two', 'three']) await appendOverride({ model, reason, refusal: 'no report' }, { home: keyed, signingKey });
    const path = overrideLogPath(keyed);
    assert.equal(auditHeadPath(path), join(keyed, 'audit', 'conformance-overrides.head'));
    const full = await readFile(path, 'utf8');
    const rows = full.trim().split('\n');
    const entries = rows.map((row) => JSON.parse(row) as OverrideEntry);
    assert.ok(entries.every((entry) => entry.integrity?.algorithm === 'hmac-sha256' && entry.integrity.keyId === signingKey.id));
    assert.deepEqual(await verifyAuditChain(path, { signingKey }), { ok: true, entries: 3, lastHash: entries[2]!.hash });

    await writeFile(path, `${rows[0] ?? ''}\n`);
    const truncated = await verifyAuditChain(path, { signingKey });
    assert.equal(truncated.ok, false);
    assert.match(truncated.reason, /truncated: the chain head records 3 entries, the log has 1/);
    await assert.rejects(appendOverride({ model, reason: 'after truncation', refusal: 'x' }, { home: keyed, signingKey }), { code: 'config_invalid' });

    // Deleting the head as well is noticed while MACed lines remain.
    const head = await readFile(auditHeadPath(path), 'utf8');
    await rm(auditHeadPath(path));
    const missing = await verifyAuditChain(path, { signingKey });
    assert.equal(missing.ok, false);
    assert.match(missing.reason, /head file is missing/);
    await writeFile(auditHeadPath(path), head);

    // A rewritten line with a recomputed plain SHA-256 does not pass for a MACed one.
    const forgedBody: Record<string, unknown> = { ...entries[1]!, reason: 'harmless' };
    delete forgedBody.hash;
    delete forgedBody.integrity;
    const forged = { ...forgedBody, hash: createHash('sha256').update(canonicalJson(forgedBody)).digest('hex') };
    await writeFile(path, [rows[0], JSON.stringify(forged), rows[2]].join('\n') + '\n');
    assert.equal((await verifyAuditChain(path, { signingKey })).ok, false);

    await writeFile(path, full);
    assert.equal((await verifyAuditChain(path, { signingKey })).ok, true);
    // The key is needed to verify a MACed log.
    assert.equal((await verifyAuditChain(path, { signingKey: undefined })).ok, false);
  });

  test('without a key the head still notices a log cut short (corruption, not a forger)', async () => {
    const plain = join(home, 'plain');
    for (const reason of ['a', 'b', 'c']) await appendOverride({ model, reason, refusal: 'no report' }, { home: plain, signingKey: undefined });
    const path = overrideLogPath(plain);
    const rows = (await readFile(path, 'utf8')).trim().split('\n');
    await writeFile(path, `${rows[0] ?? ''}\n`);
    const result = await verifyAuditChain(path, { signingKey: undefined });
    assert.equal(result.ok, false);
    assert.match(result.reason, /truncated/);
  });
});
