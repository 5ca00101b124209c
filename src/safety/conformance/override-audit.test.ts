import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { appendOverride, genesisHash, overrideLogPath, verifyAuditChain, type OverrideEntry } from './override-audit.ts';
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
});
