/**
 * The grounding measurement set, built at run time from ACI-BENCH (public,
 * CC BY 4.0, read from ../shared/data and never copied here): for each
 * encounter the dialogue is the source and the clinician's note the draft, with
 * errors planted at known places (see grounding-plant.ts).
 *
 * Reports recall on planted errors, and how often the guard flags text that was
 * not modified: real notes say things the dialogue does not (exam templates,
 * chart data), so that rate is the honest cost of the guard, not noise.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { groundDraft, indexGroundingSource } from '../grounding.ts';
import { plantErrors, plantedErrorTypes, type PlantedError, type PlantedErrorType } from './grounding-plant.ts';
import { defaultDataDir, parseCsv } from './public-sources.ts';

export interface Encounter {
  id: string;
  dialogue: string;
  note: string;
}

export interface GroundingPair extends Encounter {
  /** The note with planted errors. */
  draft: string;
  planted: PlantedError[];
}

/** Every ACI-BENCH encounter (train, valid and the three test sets), in file order. */
export async function readAciEncounters(dataDir = defaultDataDir()): Promise<Encounter[]> {
  const folder = join(dataDir, 'encounters');
  const files = (await readdir(folder)).filter((name) => name.startsWith('aci-bench-') && name.endsWith('.csv')).sort();
  const encounters: Encounter[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const [header = [], ...rows] = parseCsv(await readFile(join(folder, file), 'utf8'));
    const column = (name: string): number => header.indexOf(name);
    for (const row of rows) {
      const id = row[column('encounter_id')] ?? '';
      const dialogue = row[column('dialogue')] ?? '';
      const note = row[column('note')] ?? '';
      if (id === '' || dialogue === '' || note === '' || seen.has(id)) continue;
      seen.add(id);
      encounters.push({ id, dialogue, note });
    }
  }
  return encounters;
}

export async function buildGroundingPairs(dataDir = defaultDataDir()): Promise<GroundingPair[]> {
  const encounters = await readAciEncounters(dataDir);
  return encounters.map((encounter, index) => {
    const original = groundDraft(encounter.note, { text: encounter.dialogue });
    const { note, planted } = plantErrors(encounter.note, encounter.dialogue, original, index + 1);
    return { ...encounter, draft: note, planted };
  });
}

export interface GroundingMeasurement {
  pairs: number;
  planted: number;
  caught: number;
  /** Planted errors with at least one finding overlapping them. */
  recall: number;
  byType: Record<PlantedErrorType, { planted: number; caught: number; recall: number }>;
  /** Claims in the modified drafts, and those outside any planted region. */
  claims: number;
  unmodifiedClaims: number;
  /** Findings outside every planted region, and their share of the unmodified claims. */
  flagsOnUnmodified: number;
  falseFlagRate: number;
  /** Findings inside planted regions, and their share of all findings. */
  flagsOnPlanted: number;
  precisionOnPlanted: number;
  /** Flag rate of the guard on the untouched notes, for comparison. */
  originalClaims: number;
  originalFlags: number;
  /** Time to index the dialogue and check the draft, per 1,000 draft words (median pair scaled, and total). */
  msPer1000Words: number;
  draftWords: number;
  totalMs: number;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

export async function measureGrounding(dataDir = defaultDataDir()): Promise<GroundingMeasurement> {
  const pairs = await buildGroundingPairs(dataDir);
  const byType = Object.fromEntries(plantedErrorTypes.map((type) => [type, { planted: 0, caught: 0, recall: 0 }])) as GroundingMeasurement['byType'];
  const totals = { planted: 0, caught: 0, claims: 0, unmodifiedClaims: 0, flagsOnUnmodified: 0, flagsOnPlanted: 0, originalClaims: 0, originalFlags: 0, draftWords: 0, totalMs: 0 };
  for (const pair of pairs) {
    const started = performance.now();
    const report = groundDraft(pair.draft, indexGroundingSource({ text: pair.dialogue }));
    totals.totalMs += performance.now() - started;
    totals.draftWords += pair.draft.split(/\s+/).filter(Boolean).length;
    for (const plant of pair.planted) {
      const caught = report.findings.some((finding) => overlaps(finding, plant));
      byType[plant.type].planted++;
      totals.planted++;
      if (caught) {
        byType[plant.type].caught++;
        totals.caught++;
      }
    }
    const inPlanted = (span: { start: number; end: number }): boolean => pair.planted.some((plant) => overlaps(span, plant));
    totals.claims += report.claims.length;
    totals.unmodifiedClaims += report.claims.filter((claim) => !inPlanted(claim)).length;
    const planted = report.findings.filter(inPlanted).length;
    totals.flagsOnPlanted += planted;
    totals.flagsOnUnmodified += report.findings.length - planted;
    const original = groundDraft(pair.note, { text: pair.dialogue });
    totals.originalClaims += original.claims.length;
    totals.originalFlags += original.findings.length;
  }
  for (const counts of Object.values(byType)) counts.recall = counts.planted === 0 ? 0 : counts.caught / counts.planted;
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    pairs: pairs.length,
    ...totals,
    recall: ratio(totals.caught, totals.planted),
    byType,
    falseFlagRate: ratio(totals.flagsOnUnmodified, totals.unmodifiedClaims),
    precisionOnPlanted: ratio(totals.flagsOnPlanted, totals.flagsOnPlanted + totals.flagsOnUnmodified),
    msPer1000Words: ratio(totals.totalMs * 1000, totals.draftWords),
  };
}
