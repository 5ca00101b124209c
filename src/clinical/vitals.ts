/**
 * Vital signs and structured triage facts, validated and normalised (°C,
 * GCS total). Every field is optional: a missing value is unknown, never
 * normal, and every score says which of its parameters were missing.
 *
 * This module and everything in src/clinical/ is pure (no I/O, no Node APIs)
 * so the same code runs on the server, in the CLI and in the browser.
 */
import { NorthstationError } from '../core/errors.ts';

/** ACVPU: alert, new confusion, voice, pain, unresponsive (REFERENCE.md §4). */
export type Consciousness = 'A' | 'C' | 'V' | 'P' | 'U';

/** NEWS2 SpO2 scale; 2 only for confirmed hypercapnic respiratory failure with an 88–92 % target (REFERENCE.md §1). */
export type Spo2Scale = 1 | 2;

export interface GcsComponents {
  /** 1–4 */
  eye: number;
  /** 1–5 */
  verbal: number;
  /** 1–6 */
  motor: number;
}

export interface Pain {
  /** 0–10 */
  score: number;
  onset: 'acute' | 'chronic';
  location: 'central' | 'peripheral';
}

export type BleedingDisorder = 'none' | 'minor' | 'moderate' | 'life-threatening';

export interface Vitals {
  ageYears?: number;
  /** breaths/min */
  respiratoryRate?: number;
  /** % */
  spo2?: number;
  /** Default 1. */
  spo2Scale: Spo2Scale;
  onOxygen?: boolean;
  /** mmHg */
  systolicBP?: number;
  /** mmHg */
  diastolicBP?: number;
  /** beats/min */
  heartRate?: number;
  /** °C, converted from °F at input. */
  temperatureC?: number;
  consciousness?: Consciousness;
  /** GCS total 3–15, given or summed from components. */
  gcs?: number;
  gcsComponents?: GcsComponents;
  /** An earlier GCS total of this patient, to detect a drop. */
  previousGcs?: number;
  pain?: Pain;
  immunocompromised?: boolean;
  bleedingDisorder?: BleedingDisorder;
  highRiskMechanism?: boolean;
  /** White cell count, ×10⁹/L (SIRS). */
  wbc?: number;
  /** Immature (band) neutrophils, % (SIRS). */
  bandsPercent?: number;
  /** mmHg (SIRS, alternative to respiratory rate). */
  paco2?: number;
}

/** A value that is possible but so far from normal that a person should check it was entered right. */
export interface ExtremeValue {
  field: string;
  value: number;
  message: string;
}

export interface ParsedVitals {
  vitals: Vitals;
  extremes: ExtremeValue[];
}

/** The one error parsing raises (`bad_request`): names the input field and says what is wrong. */
export class VitalsValidationError extends NorthstationError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('bad_request', `${field}: ${message}`, { field });
    this.name = 'VitalsValidationError';
    this.field = field;
  }
}
