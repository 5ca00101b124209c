/**
 * The one gate between the CLI/API vitals JSON and the clinical rules: checks
 * types, names every bad or unknown field exactly as the input spells it,
 * converts °F to °C, rejects physiologically impossible values and flags
 * extreme but possible ones for a person to check. `null` means missing.
 *
 * Error messages never repeat the value (it is patient data and errors get
 * logged); they name the field and the allowed range.
 */
import { gcsRanges, requireGcsValue } from './gcs.ts';
import type { BleedingDisorder, Consciousness, ExtremeValue, GcsComponents, Pain, ParsedVitals, Spo2Scale, Vitals } from './vitals.ts';
import { VitalsValidationError } from './vitals.ts';
import { plausibilityLimits, type PlausibilityLimit } from './plausibility.ts';

export { plausibilityLimits } from './plausibility.ts';


type MeasuredField = keyof typeof plausibilityLimits;

// The contract's fields; anything else (e.g. the typo `heartrate`) is rejected rather than silently missing.
const inputFields = new Set([
  'age',
  'respiratoryRate',
  'spo2',
  'spo2Scale',
  'onOxygen',
  'systolicBP',
  'diastolicBP',
  'heartRate',
  'temperature',
  'temperatureUnit',
  'consciousness',
  'gcs',
  'gcsEye',
  'gcsVerbal',
  'gcsMotor',
  'previousGcs',
  'pain',
  'immunocompromised',
  'bleedingDisorder',
  'highRiskMechanism',
  'wbc',
  'bandsPercent',
  'paco2',
]);
const painFields = new Set(['score', 'onset', 'location']);

const consciousnessLevels: readonly Consciousness[] = ['A', 'C', 'V', 'P', 'U'];
const bleedingDisorders: readonly BleedingDisorder[] = ['none', 'minor', 'moderate', 'life-threatening'];
const painOnsets: readonly Pain['onset'][] = ['acute', 'chronic'];
const painLocations: readonly Pain['location'][] = ['central', 'peripheral'];
const temperatureUnits = ['C', 'F'] as const;
const spo2Scales: readonly Spo2Scale[] = [1, 2];
const painScoreRange = { min: 0, max: 10 };

type JsonObject = Record<string, unknown>;

/** Validates and normalises the vitals JSON; throws `VitalsValidationError` naming the first bad field. */
export function parseVitals(input: unknown): ParsedVitals {
  const record = requireObject('$', input, inputFields, '');
  const extremes: ExtremeValue[] = [];
  const vitals: Vitals = { spo2Scale: readChoice(record, 'spo2Scale', spo2Scales) ?? 1 };

  const age = readMeasured(record, 'age', extremes);
  if (age !== undefined) vitals.ageYears = age;
  const respiratoryRate = readMeasured(record, 'respiratoryRate', extremes);
  if (respiratoryRate !== undefined) vitals.respiratoryRate = respiratoryRate;
  const spo2 = readMeasured(record, 'spo2', extremes);
  if (spo2 !== undefined) vitals.spo2 = spo2;
  const onOxygen = readBoolean(record, 'onOxygen');
  if (onOxygen !== undefined) vitals.onOxygen = onOxygen;
  readBloodPressure(record, vitals, extremes);
  const heartRate = readMeasured(record, 'heartRate', extremes);
  if (heartRate !== undefined) vitals.heartRate = heartRate;
  const temperatureC = readTemperature(record, extremes);
  if (temperatureC !== undefined) vitals.temperatureC = temperatureC;

  const consciousness = readChoice(record, 'consciousness', consciousnessLevels);
  if (consciousness !== undefined) vitals.consciousness = consciousness;
  readGcs(record, vitals);
  const previousGcs = readNumber(record, 'previousGcs');
  if (previousGcs !== undefined) vitals.previousGcs = requireGcsValue('previousGcs', previousGcs, gcsRanges.gcs);
  flagConsciousnessMismatch(vitals, extremes);

  const pain = readPain(record);
  if (pain !== undefined) vitals.pain = pain;
  const immunocompromised = readBoolean(record, 'immunocompromised');
  if (immunocompromised !== undefined) vitals.immunocompromised = immunocompromised;
  const bleedingDisorder = readChoice(record, 'bleedingDisorder', bleedingDisorders);
  if (bleedingDisorder !== undefined) vitals.bleedingDisorder = bleedingDisorder;
  const highRiskMechanism = readBoolean(record, 'highRiskMechanism');
  if (highRiskMechanism !== undefined) vitals.highRiskMechanism = highRiskMechanism;

  const wbc = readMeasured(record, 'wbc', extremes);
  if (wbc !== undefined) vitals.wbc = wbc;
  const bandsPercent = readMeasured(record, 'bandsPercent', extremes);
  if (bandsPercent !== undefined) vitals.bandsPercent = bandsPercent;
  const paco2 = readMeasured(record, 'paco2', extremes);
  if (paco2 !== undefined) vitals.paco2 = paco2;

  return { vitals, extremes };
}

/** A plain JSON object whose keys are all in `known` (`prefix` names nested fields, e.g. "pain."). */
function requireObject(field: string, value: unknown, known: ReadonlySet<string>, prefix: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VitalsValidationError(field, `must be an object, got ${describe(value)}`);
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new VitalsValidationError(field, 'must be a plain object');
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new VitalsValidationError(prefix + key, 'unknown field (check its spelling)');
  }
  return value as JsonObject;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'an infinite number';
  return `a ${typeof value}`;
}

function readNumber(record: JsonObject, field: string, name: string = field): number | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new VitalsValidationError(name, `must be a number, got ${describe(value)}`);
  return value;
}

function readBoolean(record: JsonObject, field: string): boolean | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new VitalsValidationError(field, `must be true or false, got ${describe(value)}`);
  return value;
}

function readChoice<T extends string | number>(record: JsonObject, field: string, choices: readonly T[], name: string = field): T | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!choices.includes(value as T)) {
    throw new VitalsValidationError(name, `must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`);
  }
  return value as T;
}

/** A number within `plausibilityLimits[field]`; extreme values are listed in `extremes`. */
function readMeasured(record: JsonObject, field: MeasuredField, extremes: ExtremeValue[]): number | undefined {
  const value = readNumber(record, field);
  return value === undefined ? undefined : checkPlausible(field, value, value, extremes);
}

/** Checks `value` (in the table's unit) and returns it; `entered` is what the user typed, reported in `extremes`. */
function checkPlausible(field: MeasuredField, value: number, entered: number, extremes: ExtremeValue[]): number {
  const limit: PlausibilityLimit = plausibilityLimits[field];
  if (value < limit.min || value > limit.max) {
    throw new VitalsValidationError(field, `physiologically impossible: must be from ${limit.min} to ${limit.max} ${limit.unit}`);
  }
  if (limit.checkBelow !== undefined && value < limit.checkBelow) {
    extremes.push({ field, value: entered, message: `below ${limit.checkBelow} ${limit.unit} (${limit.lowNote ?? 'extreme'}): check the entry` });
  } else if (limit.checkAbove !== undefined && value > limit.checkAbove) {
    extremes.push({ field, value: entered, message: `above ${limit.checkAbove} ${limit.unit} (${limit.highNote ?? 'extreme'}): check the entry` });
  }
  return value;
}

function readBloodPressure(record: JsonObject, vitals: Vitals, extremes: ExtremeValue[]): void {
  const systolic = readMeasured(record, 'systolicBP', extremes);
  const diastolic = readMeasured(record, 'diastolicBP', extremes);
  // A measured pressure pulses: diastolic at or above systolic is an entry error (often the two
  // swapped). The exception is 0/0: no measurable pressure at all, as in cardiac arrest.
  if (systolic !== undefined && diastolic !== undefined && diastolic >= systolic && !(systolic === 0 && diastolic === 0)) {
    throw new VitalsValidationError('diastolicBP', 'must be lower than systolicBP');
  }
  if (systolic !== undefined) vitals.systolicBP = systolic;
  if (diastolic !== undefined) vitals.diastolicBP = diastolic;
}

/**
 * °C, converted from °F when `temperatureUnit` is "F". Not rounded: NEWS2 scores
 * a value between chart rows by the more urgent row, and rounding 95.1 °F
 * (35.06 °C) to 35.1 would move it to the less urgent one. Round for display only.
 */
function readTemperature(record: JsonObject, extremes: ExtremeValue[]): number | undefined {
  const unit = readChoice(record, 'temperatureUnit', temperatureUnits) ?? 'C';
  const entered = readNumber(record, 'temperature');
  if (entered === undefined) return undefined;
  const celsius = unit === 'C' ? entered : ((entered - 32) * 5) / 9;
  return checkPlausible('temperature', celsius, entered, extremes);
}

/** GCS total given, or summed from all three components; both given must agree. */
function readGcs(record: JsonObject, vitals: Vitals): void {
  const total = readNumber(record, 'gcs');
  if (total !== undefined) vitals.gcs = requireGcsValue('gcs', total, gcsRanges.gcs);
  const eye = readNumber(record, 'gcsEye');
  const verbal = readNumber(record, 'gcsVerbal');
  const motor = readNumber(record, 'gcsMotor');
  if (eye === undefined && verbal === undefined && motor === undefined) return;
  if (eye === undefined || verbal === undefined || motor === undefined) {
    const absent = eye === undefined ? 'gcsEye' : verbal === undefined ? 'gcsVerbal' : 'gcsMotor';
    throw new VitalsValidationError(absent, 'give all three GCS components (gcsEye, gcsVerbal, gcsMotor) or none');
  }
  const components: GcsComponents = {
    eye: requireGcsValue('gcsEye', eye, gcsRanges.gcsEye),
    verbal: requireGcsValue('gcsVerbal', verbal, gcsRanges.gcsVerbal),
    motor: requireGcsValue('gcsMotor', motor, gcsRanges.gcsMotor),
  };
  const sum = components.eye + components.verbal + components.motor;
  if (total !== undefined && total !== sum) throw new VitalsValidationError('gcs', 'does not equal gcsEye + gcsVerbal + gcsMotor');
  vitals.gcs = sum;
  vitals.gcsComponents = components;
}

/**
 * ACVPU and GCS can both be recorded and scoring trusts the ACVPU level, so a
 * contradiction is flagged for a person: "A" with GCS ≤ 13 (a chronically
 * confused but alert patient scores 14; lower means eyes or motor response are
 * abnormal too), or a not-alert level with GCS 15 (fully alert and oriented).
 */
// Judgement (not in REFERENCE.md): eyes open spontaneously, confused speech, obeys commands = E4 V4 M6.
const lowestAlertGcs = 14;

function flagConsciousnessMismatch(vitals: Vitals, extremes: ExtremeValue[]): void {
  const { consciousness, gcs } = vitals;
  if (consciousness === undefined || gcs === undefined) return;
  if (consciousness === 'A' && gcs < lowestAlertGcs) {
    extremes.push({ field: 'gcs', value: gcs, message: `GCS below ${lowestAlertGcs} with consciousness "A" (alert): check both entries` });
  } else if (consciousness !== 'A' && gcs === gcsRanges.gcs.max) {
    extremes.push({ field: 'gcs', value: gcs, message: `GCS 15 with consciousness "${consciousness}" (not alert): check both entries` });
  }
}

function readPain(record: JsonObject): Pain | undefined {
  const value = record.pain;
  if (value === undefined || value === null) return undefined;
  const pain = requireObject('pain', value, painFields, 'pain.');
  const score = readNumber(pain, 'score', 'pain.score');
  if (score === undefined) throw new VitalsValidationError('pain.score', 'required when pain is given');
  if (!Number.isInteger(score) || score < painScoreRange.min || score > painScoreRange.max) {
    throw new VitalsValidationError('pain.score', `must be a whole number from ${painScoreRange.min} to ${painScoreRange.max}`);
  }
  const onset = readChoice(pain, 'onset', painOnsets, 'pain.onset');
  if (onset === undefined) throw new VitalsValidationError('pain.onset', 'required when pain is given');
  const location = readChoice(pain, 'location', painLocations, 'pain.location');
  if (location === undefined) throw new VitalsValidationError('pain.location', 'required when pain is given');
  return { score, onset, location };
}
