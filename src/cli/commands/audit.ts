/**
 * `northstation audit verify [--db FILE]`: walks the records database's
 * hash-chained audit trail. Exit 0 when intact; 1 naming the first broken
 * link; 2 for a usage error or a database that cannot be read. The audit
 * trail holds no PHI, so no data key is needed: the file is opened read-only.
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { verifyAuditChain } from '../../records/audit.ts';
import { defaultRecordsPath } from '../../records/sqlite-store.ts';

const help = `usage: northstation audit verify [--db FILE]

Verifies the audit trail of the records database: every event links to the
hash of the one before it and its own hash matches its content.
  --db FILE   the records database (default: <data home>/records.sqlite,
              data home = NORTHSTATION_HOME or ~/.northstation)
Exit status: 0 intact, 1 broken (the first broken event is named), 2 usage or read error.`;

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
  if (sub !== 'verify') {
    io.error(`audit: unknown subcommand "${sub}"\n\n${help}\n`);
    return 2;
  }
  let path = defaultRecordsPath(io.env);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') {
      io.write(help + '\n');
      return 0;
    }
    if (arg === '--db') {
      const value = rest[i + 1];
      if (value === undefined || value === '') {
        io.error('audit verify: --db needs a file\n');
        return 2;
      }
      path = value;
      i += 1;
      continue;
    }
    if (arg?.startsWith('--db=') === true) {
      path = arg.slice('--db='.length);
      continue;
    }
    io.error(`audit verify: unknown argument "${arg ?? ''}"\n\n${help}\n`);
    return 2;
  }
  if (!existsSync(path)) {
    io.error(`audit verify: no records database at ${path}\n`);
    return 2;
  }
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
