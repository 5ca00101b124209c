/**
 * `northstation audit verify [--db FILE|URL] [--anchor FILE]`: walks the
 * records database's hash-chained audit trail (and, with an anchor, checks
 * that the anchored head is still there unchanged). Exit 0 when intact; 1
 * naming the first broken link; 2 for a usage error or a database that
 * cannot be read.
 * `northstation audit anchor [--db FILE|URL] --out FILE`: writes the chain's
 * head (seq and hash) to FILE, to be kept where the database's writers cannot
 * reach (audit-anchor.ts explains why).
 * `northstation audit export [--db FILE|URL] [--out FILE]`: writes every audit
 * event as a FHIR R4 AuditEvent in a `collection` Bundle (JSON).
 * The audit trail holds no PHI, so no data key is needed: a SQLite file is
 * opened read-only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listAuditEvents, verifyAuditChain } from '../../records/audit.ts';
import { checkAuditAnchor, parseAuditAnchor, takeAuditAnchor } from '../../records/audit-anchor.ts';
import { auditEventsToFhirBundle } from '../../records/audit-fhir.ts';
import { describeRecordsLocation, openRecordsDatabaseReadOnly, type RecordsLocation } from '../../records/open-store.ts';
import { recordsArgOptions, recordsArgsHelp, recordsLocationFromArgs } from '../records-args.ts';
import type { SqlDatabase } from '../../records/sql/database.ts';

const help = `usage: northstation audit verify [--db FILE|URL] [--db-schema NAME] [--anchor FILE]
       northstation audit anchor [--db FILE|URL] [--db-schema NAME] --out FILE
       northstation audit export [--db FILE|URL] [--db-schema NAME] [--out FILE]

verify: checks the audit trail of the records database: every event links to
the hash of the one before it and its own hash matches its content. With
--anchor, also that the event the anchor file names is still there with the
same hash (a truncated or rebuilt trail fails).
anchor: writes the trail's head (last event's seq and hash) to FILE. Keep
anchors where whoever can write the database cannot (another machine, WORM
storage); take one at intervals, e.g. from cron.
export: writes every audit event as a FHIR R4 AuditEvent, in a Bundle of type
collection (JSON), to FILE or stdout. The chain hashes travel as entity details.
${recordsArgsHelp}
  --anchor FILE (verify) an anchor written by 'audit anchor'
  --out FILE    (anchor, export) where to write (export default: stdout)
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

const flagsBySubcommand = {
  verify: ['db', 'db-schema', 'anchor'],
  anchor: ['db', 'db-schema', 'out'],
  export: ['db', 'db-schema', 'out'],
} as const;
type Subcommand = keyof typeof flagsBySubcommand;
const isSubcommand = (value: string): value is Subcommand => Object.hasOwn(flagsBySubcommand, value);

interface Parsed {
  location: RecordsLocation;
  anchor?: string;
  out?: string;
}

function parse(sub: Subcommand, rest: string[], io: AuditIo): Parsed | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...recordsArgOptions, anchor: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.error(`audit ${sub}: ${error instanceof Error ? error.message : String(error)}\n\n${help}\n`);
    return 2;
  }
  if (values.help === true) {
    io.write(help + '\n');
    return 0;
  }
  const allowed: readonly string[] = flagsBySubcommand[sub];
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined || flag === 'help') continue;
    if (!allowed.includes(flag)) {
      io.error(`audit ${sub}: --${flag} is not an option of ${sub}\n\n${help}\n`);
      return 2;
    }
    if (value === '') {
      io.error(`audit ${sub}: --${flag} needs a value\n`);
      return 2;
    }
  }
  if (sub === 'anchor' && values.out === undefined) {
    io.error('audit anchor: --out FILE is required (an anchor belongs in a file kept elsewhere)\n');
    return 2;
  }
  const text = (key: string): string | undefined => (typeof values[key] === 'string' ? values[key] : undefined);
  const anchor = text('anchor');
  const out = text('out');
  let location: RecordsLocation;
  try {
    location = recordsLocationFromArgs({ db: text('db'), 'db-schema': text('db-schema') });
  } catch (error) {
    io.error(`audit ${sub}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  return {
    location,
    ...(anchor === undefined ? {} : { anchor }),
    ...(out === undefined ? {} : { out }),
  };
}

export async function run(args: string[], io: AuditIo = processIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.write(help + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (!isSubcommand(sub)) {
    io.error(`audit: unknown subcommand "${sub}"\n\n${help}\n`);
    return 2;
  }
  const parsed = parse(sub, rest, io);
  if (typeof parsed === 'number') return parsed;
  if (parsed.anchor !== undefined && !existsSync(parsed.anchor)) {
    io.error(`audit verify: no anchor file at ${parsed.anchor}\n`);
    return 2;
  }
  let where: string;
  let db: SqlDatabase;
  try {
    where = describeRecordsLocation(parsed.location, io.env);
    db = await openRecordsDatabaseReadOnly(parsed.location, io.env);
  } catch (error) {
    io.error(`audit ${sub}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    try {
      await db.get('SELECT COUNT(*) AS n FROM audit_events');
    } catch {
      io.error(`audit ${sub}: ${where} has no audit trail (not a Northstation records database?)\n`);
      return 2;
    }
    if (sub === 'verify') return await verify(db, where, parsed.anchor, io);
    if (sub === 'anchor') return await anchor(db, where, parsed.out ?? '', io);
    return await exportBundle(db, where, parsed.out, io);
  } catch (error) {
    io.error(`audit ${sub}: cannot read ${where}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    await db.close();
  }
}

async function verify(db: SqlDatabase, where: string, anchorFile: string | undefined, io: AuditIo): Promise<number> {
  const anchor = anchorFile === undefined ? undefined : parseAuditAnchor(readFileSync(anchorFile, 'utf8'));
  const result = await verifyAuditChain(db);
  if (!result.ok) {
    io.error(`audit trail BROKEN at event ${result.firstBrokenSeq ?? '?'}: ${result.reason ?? 'unknown'} (${result.checked} events verified before it; ${where})\n`);
    return 1;
  }
  if (anchor !== undefined) {
    const check = await checkAuditAnchor(db, anchor);
    if (!check.ok) {
      io.error(`audit trail BROKEN against the anchor: ${check.reason} (${where})\n`);
      return 1;
    }
  }
  io.write(`audit trail intact: ${result.checked} events verified${anchor === undefined ? '' : `, anchored event ${anchor.seq} present and unchanged`} (${where})\n`);
  return 0;
}

async function anchor(db: SqlDatabase, where: string, out: string, io: AuditIo): Promise<number> {
  const result = await verifyAuditChain(db);
  if (!result.ok) {
    // Anchoring a broken chain would vouch for the break.
    io.error(`audit anchor: the trail is BROKEN at event ${result.firstBrokenSeq ?? '?'} (${result.reason ?? 'unknown'}); no anchor written\n`);
    return 1;
  }
  const head = await takeAuditAnchor(db, where);
  if (head === undefined) {
    io.error(`audit anchor: the trail of ${where} is empty; nothing to anchor\n`);
    return 2;
  }
  try {
    writeFileSync(out, JSON.stringify(head, null, 2) + '\n', { mode: 0o600 });
  } catch (error) {
    io.error(`audit anchor: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  io.write(`audit anchor: event ${head.seq} (${head.hash}) written to ${out}\n`);
  return 0;
}

async function exportBundle(db: SqlDatabase, where: string, out: string | undefined, io: AuditIo): Promise<number> {
  const events = await listAuditEvents(db);
  const json = JSON.stringify(auditEventsToFhirBundle(events), null, 2) + '\n';
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
  io.error(`audit export: ${events.length} AuditEvent resources written to ${out} (${where})\n`);
  return 0;
}
