/**
 * `northstation audit verify [--db FILE]`: walks the records database's
 * hash-chained audit trail. Exit 0 when intact; 1 naming the first broken
 * link; 2 for a usage error or a database that cannot be read.
 * `northstation audit export [--db FILE] [--out FILE]`: writes every audit
 * event as a FHIR R4 AuditEvent in a `collection` Bundle (JSON).
 * The audit trail holds no PHI, so no data key is needed: the file is opened read-only.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { listAuditEvents, verifyAuditChain } from '../../records/audit.ts';
import { auditEventsToFhirBundle } from '../../records/audit-fhir.ts';
import { defaultRecordsPath } from '../../records/sqlite-store.ts';

const help = `usage: northstation audit verify [--db FILE]
       northstation audit export [--db FILE] [--out FILE]

verify: checks the audit trail of the records database: every event links to
the hash of the one before it and its own hash matches its content.
export: writes every audit event as a FHIR R4 AuditEvent, in a Bundle of type
collection (JSON), to FILE or stdout. The chain hashes travel as entity details.
  --db FILE   the records database (default: <data home>/records.sqlite,
              data home = NORTHSTATION_HOME or ~/.northstation)
  --out FILE  (export) where to write the bundle (default: stdout)
Exit status: 0 intact/written, 1 broken (the first broken event is named), 2 usage or read error.`;

export interface AuditIo {
  write: (text: string) => void;
  error: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo: AuditIo = {
  write: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
  env: process.env,
};

export function run(args: string[], io: AuditIo = processIo): Promise<number> {
  return Promise.resolve(runSync(args, io));
}

function runSync(args: string[], io: AuditIo): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.write(help + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'verify' && sub !== 'export') {
    io.error(`audit: unknown subcommand "${sub}"\n\n${help}\n`);
    return 2;
  }
  let path = defaultRecordsPath(io.env);
  let out: string | undefined;
  const flags = sub === 'export' ? ['--db', '--out'] : ['--db'];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      io.write(help + '\n');
      return 0;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flags.includes(flag)) {
      const value = eq === -1 ? rest[i + 1] : arg.slice(eq + 1);
      if (value === undefined || value === '') {
        io.error(`audit ${sub}: ${flag} needs a file\n`);
        return 2;
      }
      if (eq === -1) i += 1;
      if (flag === '--db') path = value;
      else out = value;
      continue;
    }
    io.error(`audit ${sub}: unknown argument "${arg}"\n\n${help}\n`);
    return 2;
  }
  if (!existsSync(path)) {
    io.error(`audit ${sub}: no records database at ${path}\n`);
    return 2;
  }
  if (sub === 'export') return exportBundle(path, out, io);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get() === undefined) {
      io.error(`audit verify: ${path} has no audit trail (not a Northstation records database?)\n`);
      return 2;
    }
    const result = verifyAuditChain(db);
    if (result.ok) {
      io.write(`audit trail intact: ${result.checked} events verified (${path})\n`);
      return 0;
    }
    io.error(`audit trail BROKEN at event ${result.firstBrokenSeq ?? '?'}: ${result.reason ?? 'unknown'} (${result.checked} events verified before it; ${path})\n`);
    return 1;
  } catch (error) {
    io.error(`audit verify: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    db?.close();
  }
}

function exportBundle(path: string, out: string | undefined, io: AuditIo): number {
  let db: DatabaseSync | undefined;
  let json: string;
  let count: number;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get() === undefined) {
      io.error(`audit export: ${path} has no audit trail (not a Northstation records database?)\n`);
      return 2;
    }
    const events = listAuditEvents(db);
    count = events.length;
    json = JSON.stringify(auditEventsToFhirBundle(events), null, 2) + '\n';
  } catch (error) {
    io.error(`audit export: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    db?.close();
  }
  if (out === undefined) {
    io.write(json);
    return 0;
  }
  try {
    writeFileSync(out, json, { mode: 0o600 });
  } catch (error) {
    io.error(`audit export: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  io.error(`audit export: ${count} AuditEvent resources written to ${out}\n`);
  return 0;
}
