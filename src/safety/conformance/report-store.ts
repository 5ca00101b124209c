/**
 * Reports live under $NORTHSTATION_HOME/conformance/, one file per model
 * identity holding the latest run (a new run replaces it atomically).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { dataHome } from '../../core/data-home.ts';
import { writeFileAtomic } from '../../engine/models/atomic-write.ts';
import { identityKey } from './model-identity.ts';
import type { ConformanceReport, ModelIdentity } from './report.ts';

export function conformanceDir(home: string = dataHome()): string {
  return join(home, 'conformance');
}

/** A readable stem (file or model name) plus a hash of the identity key, so distinct models never share a file. */
export function reportPath(identity: ModelIdentity, home?: string): string {
  const readable = (identity.file ? basename(identity.file.path).replace(/\.gguf$/i, '') : identity.upstream?.model ?? identity.id)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 64);
  const key = createHash('sha256').update(identityKey(identity)).digest('hex').slice(0, 16);
  return join(conformanceDir(home), `${readable}-${key}.json`);
}

export async function writeReport(report: ConformanceReport, home?: string): Promise<string> {
  const path = reportPath(report.model, home);
  await writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}

export type StoredReport =
  | { kind: 'missing'; path: string }
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'found'; path: string; report: ConformanceReport };

export async function readReport(identity: ModelIdentity, home?: string): Promise<StoredReport> {
  const path = reportPath(identity, home);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', path, reason: 'it is not valid JSON' };
  }
  if (!looksLikeReport(json)) return { kind: 'unreadable', path, reason: 'it is not a conformance report' };
  return { kind: 'found', path, report: json };
}

/** Shape only; whether the content is genuine is verifyReport's job. */
function looksLikeReport(value: unknown): value is ConformanceReport {
  if (typeof value !== 'object' || value === null) return false;
  const report = value as Record<string, unknown>;
  return (
    report.format === 'northstation-conformance/1' &&
    typeof report.reportHash === 'string' &&
    typeof report.passed === 'boolean' &&
    Array.isArray(report.checks) &&
    typeof report.model === 'object' && report.model !== null &&
    typeof report.hardware === 'object' && report.hardware !== null
  );
}
