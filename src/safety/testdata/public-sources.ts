/**
 * Benign clinical text from the public data beside the repository
 * (../shared/data, see its SOURCES.md), read at test and bench time and never
 * copied in: ACI-BENCH and MTS-Dialog lines and Synthea FHIR narratives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../core/shared-data.ts';

/** ../shared/data relative to the repository root, or NORTHSTATION_SHARED_DATA. */
export function defaultDataDir(): string {
  return sharedDataDir();
}

/** RFC 4180 rows: quoted fields may hold commas, new lines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Every "[doctor] …" / "[patient] …" turn of the ACI-BENCH dialogues. */
export function readAciBenchTurns(dataDir = defaultDataDir()): string[] {
  const dir = join(dataDir, 'encounters');
  const turns: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.startsWith('aci-bench-') && name.endsWith('.csv')).sort()) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'));
    const column = header?.indexOf('dialogue') ?? -1;
    if (column < 0) continue;
    for (const row of rows) {
      for (const line of (row[column] ?? '').split('\n')) if (line.trim() !== '') turns.push(line.trim());
    }
  }
  return turns;
}

/** Every non-empty line of the MTS-Dialog dialogues and their note sections. */
export function readMtsDialogLines(dataDir = defaultDataDir()): string[] {
  const dir = join(dataDir, 'encounters');
  const lines: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.startsWith('MTS-Dialog-') && name.endsWith('.csv')).sort()) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'));
    const columns = ['dialogue', 'section_text'].map((name) => header?.indexOf(name) ?? -1).filter((index) => index >= 0);
    for (const row of rows) {
      for (const column of columns) for (const line of (row[column] ?? '').split('\n')) if (line.trim() !== '') lines.push(line.trim());
    }
  }
  return lines;
}

/** The XHTML narrative (text.div) of every resource in the Synthea bundles. */
export function readFhirNarratives(dataDir = defaultDataDir()): string[] {
  const dir = join(dataDir, 'fhir');
  const narratives: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    collectDivs(JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown, narratives);
  }
  return narratives;
}

function collectDivs(value: unknown, into: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectDivs(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'div' && typeof child === 'string') into.push(child);
      else collectDivs(child, into);
    }
  }
}
