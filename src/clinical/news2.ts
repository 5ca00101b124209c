/**
 * NEWS2 (Royal College of Physicians 2017), REFERENCE.md §1: Chart 1 scores,
 * Chart 4 risk bands and clinical response. Validated for adults (≥16 years)
 * and not in pregnancy; callers decide whether it applies.
 *
 * Values between two rows of a chart (RR 20.5, pulse 90.5, temperature
 * 38.05 °C) score as the MORE urgent of the two neighbouring rows. The chart
 * rows are whole numbers (tenths for temperature), so the cut-offs stay exactly
 * where the chart puts them (pulse 90 → 0, 91 → 1, 90.5 → 1) and a value
 * measured more finely than the chart can never score lower than its neighbours.
 */
import { consciousnessFrom } from './gcs.ts';
import type { Vitals } from './vitals.ts';
import { VitalsValidationError } from './vitals.ts';

export type News2Parameter = 'respiratoryRate' | 'spo2' | 'airOrOxygen' | 'systolicBP' | 'heartRate' | 'consciousness' | 'temperature';
export type News2Risk = 'low' | 'low-medium' | 'medium' | 'high';
export type News2Input = Pick<Vitals, 'respiratoryRate' | 'spo2' | 'spo2Scale' | 'onOxygen' | 'systolicBP' | 'heartRate' | 'temperatureC' | 'consciousness' | 'gcs'>;

export interface News2Result {
  /** Sum of the parameters that could be scored: a LOWER BOUND when `complete` is false. */
  total: number;
  /** Highest total the missing parameters could still make; equals `total` when complete. */
  maxTotal: number;
  /** Chart 4 band of `total` (so of the lower bound when incomplete). */
  risk: News2Risk;
  /** Chart 4 clinical response for that band. */
  response: string;
  parameters: Partial<Record<News2Parameter, number>>;
  /** Parameters that could not be scored; never counted as 0-scoring normals. */
  missing: News2Parameter[];
  complete: boolean;
  /** Some scored parameter scored 3 (Chart 4's "3 in any single parameter"), whatever the total. */
  singleParameterThree: boolean;
  /** True when consciousness was scored from a GCS total because no ACVPU level was recorded. */
  consciousnessFromGcs: boolean;
}

/** One chart row: values from `from` to `to` inclusive score `score`. Rows ascend; gaps between rows are allowed. */
interface Row {
  from: number;
  to: number;
  score: number;
}

// REFERENCE.md §1 NEWS2 Chart 1, row "respiration rate /min"
const respiratoryRateRows: readonly Row[] = [
  { from: -Infinity, to: 8, score: 3 },
  { from: 9, to: 11, score: 1 },
  { from: 12, to: 20, score: 0 },
  { from: 21, to: 24, score: 2 },
  { from: 25, to: Infinity, score: 3 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 1 (%)"
const spo2Scale1Rows: readonly Row[] = [
  { from: -Infinity, to: 91, score: 3 },
  { from: 92, to: 93, score: 2 },
  { from: 94, to: 95, score: 1 },
  { from: 96, to: Infinity, score: 0 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 2 (%)", patient on air: "88–92, or ≥93 on air" → 0
const spo2Scale2OnAirRows: readonly Row[] = [
  { from: -Infinity, to: 83, score: 3 },
  { from: 84, to: 85, score: 2 },
  { from: 86, to: 87, score: 1 },
  { from: 88, to: Infinity, score: 0 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "SpO2 scale 2 (%)", patient on oxygen
const spo2Scale2OnOxygenRows: readonly Row[] = [
  { from: -Infinity, to: 83, score: 3 },
  { from: 84, to: 85, score: 2 },
  { from: 86, to: 87, score: 1 },
  { from: 88, to: 92, score: 0 },
  { from: 93, to: 94, score: 1 },
  { from: 95, to: 96, score: 2 },
  { from: 97, to: Infinity, score: 3 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "air or oxygen": oxygen → 2, air → 0
const oxygenScore = 2;

// REFERENCE.md §1 NEWS2 Chart 1, row "systolic BP (mmHg)"
const systolicBPRows: readonly Row[] = [
  { from: -Infinity, to: 90, score: 3 },
  { from: 91, to: 100, score: 2 },
  { from: 101, to: 110, score: 1 },
  { from: 111, to: 219, score: 0 },
  { from: 220, to: Infinity, score: 3 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "pulse /min"
const heartRateRows: readonly Row[] = [
  { from: -Infinity, to: 40, score: 3 },
  { from: 41, to: 50, score: 1 },
  { from: 51, to: 90, score: 0 },
  { from: 91, to: 110, score: 1 },
  { from: 111, to: 130, score: 2 },
  { from: 131, to: Infinity, score: 3 },
];

// REFERENCE.md §1 NEWS2 Chart 1, row "consciousness": alert → 0; new confusion, voice, pain, unresponsive → 3
const notAlertScore = 3;

// REFERENCE.md §1 NEWS2 Chart 1, row "temperature (°C)"
const temperatureRows: readonly Row[] = [
  { from: -Infinity, to: 35.0, score: 3 },
  { from: 35.1, to: 36.0, score: 1 },
  { from: 36.1, to: 38.0, score: 0 },
  { from: 38.1, to: 39.0, score: 1 },
  { from: 39.1, to: Infinity, score: 2 },
];

/** Highest score each parameter can reach (Chart 1), for `maxTotal`. */
const maxScore: Readonly<Record<News2Parameter, number>> = {
  respiratoryRate: 3,
  spo2: 3,
  airOrOxygen: oxygenScore,
  systolicBP: 3,
  heartRate: 3,
  consciousness: notAlertScore,
  temperature: 3,
};

/** Chart score of `value`; a value in the gap between two rows takes the more urgent row. */
function scoreOnRows(value: number, rows: readonly Row[]): number {
  let below: Row | undefined;
  for (const row of rows) {
    if (value < row.from) return below === undefined ? row.score : Math.max(below.score, row.score);
    if (value <= row.to) return row.score;
    below = row;
  }
  return below?.score ?? 0; // unreachable: every table ends at +Infinity
}

// REFERENCE.md §1 Chart 4 (clinical response); 'zero' and 'low' are both the low band but respond differently.
const chart4 = {
  zero: { risk: 'low', response: 'Low risk (score 0): continue routine monitoring, at least every 12 hours.' },
  low: { risk: 'low', response: 'Low risk (score 1–4): monitor every 4–6 hours; a registered nurse assesses the patient.' },
  singleThree: {
    risk: 'low-medium',
    response: 'Low–medium risk (3 in a single parameter): monitor at least every hour; urgent ward-based review.',
  },
  medium: {
    risk: 'medium',
    response: 'Medium risk (score 5–6, urgent threshold): monitor at least every hour; urgent review by a clinician competent in acute illness.',
  },
  high: {
    risk: 'high',
    response: 'High risk (score 7 or more, emergency threshold): continuous monitoring; emergency assessment by a critical-care team.',
  },
} as const satisfies Record<string, { risk: News2Risk; response: string }>;

// REFERENCE.md §1 Chart 4: 5–6 → medium, ≥7 → high; a single 3 only matters below 5.
function chart4Row(total: number, singleParameterThree: boolean): (typeof chart4)[keyof typeof chart4] {
  if (total >= 7) return chart4.high;
  if (total >= 5) return chart4.medium;
  if (singleParameterThree) return chart4.singleThree;
  return total === 0 ? chart4.zero : chart4.low;
}

/**
 * NEWS2 from validated vitals (`parseVitals`). A missing parameter is listed
 * in `missing` and adds nothing to `total`, so an incomplete `total` is a
 * lower bound and `risk`/`response` are those of that lower bound: the true
 * band can only be the same or more urgent (up to `maxTotal`).
 *
 * SpO2 on scale 2 above 92 % scores differently on air and on oxygen. When
 * `onOxygen` is unknown there, SpO2 is listed missing rather than guessed:
 * assuming air would under-score, and assuming oxygen would make `total` no
 * longer a lower bound. Below 93 % both agree and it is scored.
 */
export function news2(vitals: News2Input): News2Result {
  const parameters: Partial<Record<News2Parameter, number>> = {};
  const missing: News2Parameter[] = [];
  let total = 0;
  let maxTotal = 0;
  let singleParameterThree = false;

  const add = (parameter: News2Parameter, score: number | undefined, maxIfMissing: number = maxScore[parameter]) => {
    if (score === undefined) {
      missing.push(parameter);
      maxTotal += maxIfMissing;
      return;
    }
    parameters[parameter] = score;
    total += score;
    maxTotal += score;
    if (score === 3) singleParameterThree = true;
  };

  add('respiratoryRate', scoreMeasured('respiratoryRate', vitals.respiratoryRate, respiratoryRateRows));
  add('spo2', spo2Score(vitals), spo2MaxScore(vitals));
  add('airOrOxygen', vitals.onOxygen === undefined ? undefined : vitals.onOxygen ? oxygenScore : 0);
  add('systolicBP', scoreMeasured('systolicBP', vitals.systolicBP, systolicBPRows));
  add('heartRate', scoreMeasured('heartRate', vitals.heartRate, heartRateRows));

  const consciousness = consciousnessFrom(vitals);
  add('consciousness', consciousness === undefined ? undefined : consciousness.level === 'A' ? 0 : notAlertScore);
  add('temperature', scoreMeasured('temperatureC', vitals.temperatureC, temperatureRows));

  const row = chart4Row(total, singleParameterThree);
  return {
    total,
    maxTotal,
    risk: row.risk,
    response: row.response,
    parameters,
    missing,
    complete: missing.length === 0,
    singleParameterThree,
    consciousnessFromGcs: consciousness?.derivedFromGcs ?? false,
  };
}

function scoreMeasured(field: string, value: number | undefined, rows: readonly Row[]): number | undefined {
  return value === undefined ? undefined : scoreOnRows(requireNumber(field, value), rows);
}

// Vitals built by hand (not by parseVitals) could carry NaN, which falls through every row: fail loudly, never score it.
function requireNumber(field: string, value: number): number {
  if (Number.isNaN(value)) throw new VitalsValidationError(field, 'must be a number, got NaN');
  return value;
}

/** SpO2 score, or undefined when SpO2 is missing or (scale 2, above 92 %) hinges on an unknown oxygen status. */
function spo2Score(vitals: News2Input): number | undefined {
  const { spo2, onOxygen } = vitals;
  if (spo2 === undefined) return undefined;
  requireNumber('spo2', spo2);
  if (vitals.spo2Scale === 1) return scoreOnRows(spo2, spo2Scale1Rows);
  const onAir = scoreOnRows(spo2, spo2Scale2OnAirRows);
  if (onOxygen === false) return onAir;
  const onOxygenScore = scoreOnRows(spo2, spo2Scale2OnOxygenRows);
  return onOxygen === true || onOxygenScore === onAir ? onOxygenScore : undefined;
}

/** Most SpO2 could score if it is missing: on scale 2 a known SpO2 scores highest on oxygen. */
function spo2MaxScore(vitals: News2Input): number {
  return vitals.spo2 === undefined || vitals.spo2Scale === 1 ? maxScore.spo2 : scoreOnRows(vitals.spo2, spo2Scale2OnOxygenRows);
}
