/**
 * The triage form's vitals → the clinical rules, in the browser. The same
 * parser and scores as the server (src/clinical is pure), so what the nurse
 * sees while typing is what the triage workflow computes. A value the parser
 * refuses (impossible, or the wrong kind) is reported at its field and left
 * out of the live scores; it is never silently clamped.
 */
import { parseVitals, scoreInput, VitalsValidationError, type ScoreReport } from '../../../src/clinical/index.ts';

/** The form's raw text, by field; '' is "not measured". */
export interface VitalsForm {
  age: string;
  respiratoryRate: string;
  spo2: string;
  spo2Scale: '1' | '2';
  onOxygen: boolean;
  systolicBP: string;
  diastolicBP: string;
  heartRate: string;
  temperature: string;
  consciousness: '' | 'A' | 'C' | 'V' | 'P' | 'U';
  gcs: string;
  painScore: string;
  painOnset: 'acute' | 'chronic';
  painLocation: 'central' | 'peripheral';
}

export const emptyVitalsForm: VitalsForm = {
  age: '', respiratoryRate: '', spo2: '', spo2Scale: '1', onOxygen: false, systolicBP: '', diastolicBP: '', heartRate: '',
  temperature: '', consciousness: '', gcs: '', painScore: '', painOnset: 'acute', painLocation: 'central',
};

export const numericFields = ['age', 'respiratoryRate', 'spo2', 'systolicBP', 'diastolicBP', 'heartRate', 'temperature', 'gcs', 'painScore'] as const;
export type NumericField = (typeof numericFields)[number];

export interface VitalsCheck {
  /** The vitals JSON the API takes (`./northstation score`'s contract), only the accepted fields. */
  vitals: Record<string, unknown>;
  /** Why a field was refused, keyed by form field. */
  errors: Partial<Record<keyof VitalsForm, string>>;
  /** The live scores from the accepted fields; null when nothing could be scored. */
  report: ScoreReport | null;
}

/** The contract field a form field feeds. */
const contractField: Record<NumericField, string> = {
  age: 'age', respiratoryRate: 'respiratoryRate', spo2: 'spo2', systolicBP: 'systolicBP', diastolicBP: 'diastolicBP',
  heartRate: 'heartRate', temperature: 'temperature', gcs: 'gcs', painScore: 'pain.score',
};

export function checkVitals(form: VitalsForm): VitalsCheck {
  const errors: VitalsCheck['errors'] = {};
  let accepted: Record<string, unknown> = {};

  // Field by field first, so one bad value does not hide the others' scores.
  for (const field of numericFields) {
    const text = form[field].trim();
    if (text === '') continue;
    const value = Number(text.replace(',', '.'));
    if (!Number.isFinite(value) || !/^[-+]?\d*[.,]?\d+$/.test(text)) {
      errors[field] = 'number';
      continue;
    }
    const single = field === 'painScore' ? { pain: { score: value, onset: form.painOnset, location: form.painLocation } } : { [field]: value };
    const problem = refusal(field === 'temperature' ? { ...single, temperatureUnit: 'C' } : single);
    if (problem !== null) errors[field] = problem;
    else Object.assign(accepted, single);
  }
  if (Object.hasOwn(accepted, 'temperature')) accepted.temperatureUnit = 'C';
  if (Object.hasOwn(accepted, 'spo2')) accepted.spo2Scale = Number(form.spo2Scale);
  if (form.onOxygen) accepted.onOxygen = true;
  if (form.consciousness !== '') accepted.consciousness = form.consciousness;

  // Then together: rules across fields (diastolic below systolic) name the field they refuse.
  for (let attempt = 0; attempt < numericFields.length; attempt += 1) {
    const problem = refusalWithField(accepted);
    if (problem === null) break;
    const formField = formFieldOf(problem.field);
    if (formField === undefined) break;
    errors[formField] = problem.message;
    accepted = withoutContractField(accepted, problem.field);
  }

  const measured = Object.keys(accepted).some((key) => !['spo2Scale', 'temperatureUnit'].includes(key));
  return { vitals: accepted, errors, report: measured && refusal(accepted) === null ? scoreInput(accepted) : null };
}

function refusal(input: Record<string, unknown>): string | null {
  return refusalWithField(input)?.message ?? null;
}

function refusalWithField(input: Record<string, unknown>): { field: string; message: string } | null {
  try {
    parseVitals(input);
    return null;
  } catch (error) {
    if (!(error instanceof VitalsValidationError)) throw error;
    const message = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
    return { field: error.field, message };
  }
}

function formFieldOf(field: string): NumericField | undefined {
  return numericFields.find((candidate) => contractField[candidate] === field || (candidate === 'painScore' && field.startsWith('pain')));
}

function withoutContractField(vitals: Record<string, unknown>, field: string): Record<string, unknown> {
  const removed = new Set([field.startsWith('pain') ? 'pain' : field, ...(field === 'temperature' ? ['temperatureUnit'] : [])]);
  return Object.fromEntries(Object.entries(vitals).filter(([key]) => !removed.has(key)));
}
