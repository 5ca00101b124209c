/** Shared by the records tests: a temporary store, actors and a SOAP draft as a workflow returns it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Draft } from '../workflows/draft.ts';
import type { Actor } from './audit.ts';
import { generateDataKey } from './field-cipher.ts';
import type { RecordsRepository } from './repository.ts';
import { openSqliteStore, type SqliteRecordsStore } from './sqlite-store.ts';

export const nurse: Actor = { userId: 'u-nurse', role: 'nurse', ip: '10.0.0.5', client: 'web' };
export const physician: Actor = { userId: 'u-doc', role: 'physician', ip: '10.0.0.6', client: 'web' };

export const soapContent = { subjective: 'Cough for three days.', objective: 'T 38.1, SpO2 96%.', assessment: 'Likely viral URTI.', plan: 'Rest and fluids.' };

export function soapDraft(content: unknown = soapContent): Draft<unknown> {
  return {
    status: 'draft',
    workflow: 'soap-note',
    content,
    findings: [],
    limitations: { model: 'medgemma-4b-it', status: 'catalog', catalogId: 'medgemma-4b-it', displayName: 'MedGemma 4B', intendedUse: 'drafting', limitations: ['not validated'], text: 'Draft only.' },
    provenance: {
      workflow: 'soap-note',
      workflowVersion: '1',
      model: { id: 'medgemma-4b-it', backend: 'llama', synthetic: false },
      engine: 'test',
      promptTemplate: { id: 'soap-note', version: '1', sha256: 'a'.repeat(64) },
      inputSha256: 'b'.repeat(64),
      createdAt: '2026-01-01T00:00:00.000Z',
      timings: { totalMs: 1, timeToFirstTokenMs: 1, decodeTokensPerSecond: 1, promptTokens: 1, completionTokens: 1, modelCalls: 1 },
    },
  };
}

export interface TempStore {
  dir: string;
  path: string;
  key: Buffer;
  store: SqliteRecordsStore;
  cleanup: () => Promise<void>;
}

/** A SQLite store in a temporary folder (SQLite-only tests; contract tests use contract/fixture.ts). */
export async function tempStore(key: Buffer = generateDataKey()): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ns-records-'));
  const path = join(dir, 'records.sqlite');
  const store = await openSqliteStore({ path, key });
  return {
    dir,
    path,
    key,
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A patient, an encounter and a draft: the usual starting point. */
export async function seedDraft(store: RecordsRepository, content: unknown = soapContent): Promise<{ patientId: string; encounterId: string; draftId: string }> {
  const patient = await store.createPatient({ displayName: 'Margaret Thistlewood', birthDate: '1948-03-02' }, nurse);
  const encounter = await store.createEncounter({ patientId: patient.id }, nurse);
  const draft = await store.createDraft({ encounterId: encounter.id, input: { transcript: 'Patient reports cough.' }, draft: soapDraft(content) }, nurse);
  return { patientId: patient.id, encounterId: encounter.id, draftId: draft.id };
}
