/**
 * A small deterministic contraindication check that runs whatever the model
 * says: each rule that matches adds its item when the model missed it, and
 * raises the severity when the model under-rated it (the rules bound the
 * model, as the triage floor does). Exact, case-insensitive word matches on
 * the input strings; no fuzzy matching, so a miss is possible and the model's
 * list stays the main one.
 *
 * Source of the table: the Contraindications / Warnings / Drug Interactions
 * sections of the US FDA prescribing information (DailyMed), e.g. amoxicillin
 * ("contraindicated in patients with a history of serious hypersensitivity
 * reactions to amoxicillin or to other beta-lactams"), warfarin ("NSAIDs …
 * increase the risk of bleeding"), spironolactone ("hyperkalemia … with ACE
 * inhibitors"). Members of each class are the common generic names only.
 */
import type { ContraindicationKind, Severity } from './prompt.ts';

const penicillins = ['penicillin', 'penicillins', 'amoxicillin', 'ampicillin', 'piperacillin', 'dicloxacillin', 'cloxacillin', 'flucloxacillin', 'nafcillin', 'oxacillin', 'co-amoxiclav', 'augmentin'];
const nsaids = ['nsaid', 'nsaids', 'ibuprofen', 'naproxen', 'diclofenac', 'ketorolac', 'celecoxib', 'indomethacin', 'meloxicam', 'ketoprofen', 'aspirin', 'acetylsalicylic acid'];
const anticoagulants = ['warfarin', 'coumadin', 'apixaban', 'rivaroxaban', 'dabigatran', 'edoxaban'];
const aceInhibitors = ['lisinopril', 'enalapril', 'ramipril', 'captopril', 'perindopril', 'quinapril', 'benazepril', 'fosinopril', 'trandolapril'];
const potassiumSparing = ['spironolactone', 'eplerenone', 'amiloride', 'triamterene'];

interface Rule {
  /** Terms the proposed medication must contain. */
  proposed: readonly string[];
  /** Terms an entry of `list` must contain. */
  against: readonly string[];
  list: 'medications' | 'allergies' | 'conditions';
  kind: ContraindicationKind;
  severity: Severity;
  concern: string;
}

const rules: readonly Rule[] = [
  { proposed: penicillins, against: penicillins, list: 'allergies', kind: 'allergy', severity: 'avoid-unless-confirmed',
    concern: 'Recorded penicillin allergy: this medication is a penicillin and may cause a hypersensitivity reaction; check the allergy history before use.' },
  { proposed: nsaids, against: anticoagulants, list: 'medications', kind: 'interaction', severity: 'caution',
    concern: 'An NSAID with an anticoagulant may increase the risk of bleeding; check whether the combination is intended.' },
  { proposed: anticoagulants, against: nsaids, list: 'medications', kind: 'interaction', severity: 'caution',
    concern: 'An anticoagulant with an NSAID may increase the risk of bleeding; check whether the combination is intended.' },
  { proposed: aceInhibitors, against: potassiumSparing, list: 'medications', kind: 'interaction', severity: 'caution',
    concern: 'An ACE inhibitor with a potassium-sparing diuretic may cause hyperkalaemia; consider checking potassium.' },
  { proposed: potassiumSparing, against: aceInhibitors, list: 'medications', kind: 'interaction', severity: 'caution',
    concern: 'A potassium-sparing diuretic with an ACE inhibitor may cause hyperkalaemia; consider checking potassium.' },
];

export interface RuleItem {
  kind: ContraindicationKind;
  with: string;
  concern: string;
  severity: Severity;
}

export interface RuleInput {
  proposedMedication: string;
  medications: readonly string[];
  allergies: readonly string[];
  conditions: readonly string[];
}

const contains = (text: string, terms: readonly string[]): boolean => terms.some((term) => new RegExp(`(?<![\\p{L}\\p{N}])${term}(?![\\p{L}\\p{N}])`, 'iu').test(text));

/** The first word of a medication string ("Metformin 500 MG Oral Tablet" → "metformin"): the ingredient, for duplicates. */
const ingredient = (text: string): string => text.trim().toLowerCase().split(/[\s,;/(]+/)[0] ?? '';

export function ruleItems(input: RuleInput): RuleItem[] {
  const items: RuleItem[] = [];
  for (const rule of rules) {
    if (!contains(input.proposedMedication, rule.proposed)) continue;
    for (const entry of input[rule.list]) if (contains(entry, rule.against)) items.push({ kind: rule.kind, with: entry, concern: rule.concern, severity: rule.severity });
  }
  const proposed = ingredient(input.proposedMedication);
  for (const medication of input.medications) {
    if (proposed.length >= 3 && ingredient(medication) === proposed) {
      items.push({ kind: 'duplicate', with: medication, concern: 'The patient may already take this medication; check for duplication.', severity: 'check' });
    }
  }
  return items;
}
