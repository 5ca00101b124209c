/**
 * CTAS floor: the most urgent level that vitals and structured flags alone
 * force, from the adult first-order modifiers (REFERENCE.md §3). A triage
 * suggestion may be more urgent than this floor, never less. Modifiers that
 * need the nurse's judgement ("looks unwell", severity of distress) cannot
 * fire here; their reasons say so.
 */
import { acvpuApproximateGcs } from './gcs.ts';
import { sirs } from './sepsis.ts';
import { formatShockIndex, shockIndex } from './shock-index.ts';
import type { Pain, Vitals } from './vitals.ts';

export type CtasLevel = 1 | 2 | 3 | 4 | 5;

export type CtasModifier =
  | 'respiratory-distress'
  | 'haemodynamic-stability'
  | 'level-of-consciousness'
  | 'temperature'
  | 'pain'
  | 'bleeding-disorder'
  | 'mechanism-of-injury';

export interface CtasReason {
  modifier: CtasModifier;
  level: CtasLevel;
  reason: string;
}

export interface CtasFloor {
  /** Most urgent (lowest) level any modifier reached; null when none fired. */
  floor: CtasLevel | null;
  /** One entry per modifier that fired. */
  reasons: CtasReason[];
  paediatric: boolean;
  /** "modifier: why" for each modifier not applied (paediatric), and a note when age was not given. */
  notApplicable: string[];
  /**
   * Measurements an applicable modifier needed but did not get: it could not
   * fire, which is not "normal". Structured flags (pain, bleeding disorder,
   * mechanism) are set when relevant and fire only when recorded.
   */
  missing: string[];
}

// REFERENCE.md §3 Paediatric CTAS (Warren, CJEM 2008): "to ~16 years".
export const PAEDIATRIC_BELOW_AGE_YEARS = 16;

/**
 * Which adult modifiers apply to a child. REFERENCE.md §3 says only that the
 * SpO2 cut-offs are the same; PaedsCTAS judges HR and RR by age norms that
 * REFERENCE does not give, so adult haemodynamic, GCS and fever rules are not
 * applied. Pain, bleeding and mechanism are not physiological thresholds: the
 * structured input already carries the nurse's assessment (an age-appropriate
 * pain scale), so they are applied. That last part is Northstation's
 * operational choice and needs local clinical sign-off.
 */
export const PAEDIATRIC_MODIFIERS: Record<CtasModifier, { applies: boolean; why: string }> = {
  'respiratory-distress': { applies: true, why: 'REFERENCE.md §3 PaedsCTAS: same SpO2 cut-offs' },
  'haemodynamic-stability': { applies: false, why: 'PaedsCTAS uses age-normed HR (±1/±2 SD); norms not in REFERENCE.md' },
  'level-of-consciousness': { applies: false, why: 'adult GCS bands; paediatric GCS thresholds not in REFERENCE.md' },
  temperature: { applies: false, why: 'PaedsCTAS fever rules depend on age; not in REFERENCE.md' },
  pain: { applies: true, why: 'operational: score from an age-appropriate pain scale (needs sign-off)' },
  'bleeding-disorder': { applies: true, why: 'operational: not an age-normed threshold (needs sign-off)' },
  'mechanism-of-injury': { applies: true, why: 'operational: not an age-normed threshold (needs sign-off)' },
};

// REFERENCE.md §3 respiratory distress: SpO2 <90 → 1; <92 → 2; 92–94 → 3; >94 → 4/5 (no floor).
// Applied on NEWS2 SpO2 scale 2 too: REFERENCE.md gives CTAS no exception for a prescribed 88–92 % target,
// so the reason points it out and the nurse judges the patient's baseline.
const SPO2_CTAS1_BELOW = 90;
const SPO2_CTAS2_BELOW = 92;
const SPO2_CTAS3_AT_MOST = 94;

/**
 * Haemodynamic stability. REFERENCE.md §3 names the levels ("shock",
 * "haemodynamic compromise", "vitals at the edge of normal") but gives no
 * numbers. These are Northstation's operational thresholds and need local
 * clinical sign-off. They are never less urgent than NEWS2 (REFERENCE.md §1)
 * for the same value: a NEWS2 "3" (SBP ≤90 or ≥220, HR ≤40 or ≥131) is at
 * least CTAS 2, a NEWS2 "2" (SBP 91–100, HR 111–130) at least CTAS 3. The
 * cut-offs are strict inequalities at the edge of the NEWS2 rows (SBP < 91,
 * not ≤ 90) so a value between two rows (SBP 90.5) falls on the more urgent
 * side, as news2.ts scores it. Shock index (REFERENCE.md §2): ≥1.0 abnormal
 * → compromise; >0.9 (the stricter reading some use) → edge of normal.
 */
export const HAEMODYNAMIC_OPERATIONAL = {
  shock: { level: 1, systolicBelow: 80, heartRateAtMost: 40, heartRateAtLeast: 150, shockIndexAtLeast: 1.4 },
  compromise: { level: 2, systolicBelow: 91, systolicAbove: 219, heartRateBelow: 50, heartRateAbove: 130, shockIndexAtLeast: 1.0 },
  edgeOfNormal: { level: 3, systolicBelow: 101, heartRateAbove: 110, shockIndexAbove: 0.9 },
} as const;

// REFERENCE.md §3 level of consciousness: GCS 3–9 → 1; 10–13 → 2 (**verify**: operational until signed off); 14–15 → no floor.
// With only ACVPU, gcs.ts's approximate GCS (REFERENCE.md §4, **verify**; C taken as V ≈ 13) is banded the same way.
export const GCS_CTAS1_AT_MOST = 9;
export const GCS_CTAS2_AT_MOST = 13;

// REFERENCE.md §3 temperature ≥38 °C (**verify**): immunocompromised or ≥3 SIRS → 2; looks unwell → 3; looks well → 4.
export const FEVER_AT_LEAST_C = 38;
export const LOOKS_SEPTIC_SIRS_AT_LEAST = 3;

// REFERENCE.md §3 pain, central and peripheral (**verify**): [acute, chronic] level for severe 8–10, moderate 4–7, mild <4.
export const PAIN_SEVERE_AT_LEAST = 8;
export const PAIN_MODERATE_AT_LEAST = 4;
export const PAIN_LEVELS: Record<Pain['location'], Record<'severe' | 'moderate' | 'mild', Record<Pain['onset'], CtasLevel>>> = {
  central: { severe: { acute: 2, chronic: 3 }, moderate: { acute: 3, chronic: 4 }, mild: { acute: 4, chronic: 5 } },
  peripheral: { severe: { acute: 3, chronic: 4 }, moderate: { acute: 4, chronic: 5 }, mild: { acute: 5, chronic: 5 } },
};

const AGE_NOT_GIVEN = `age: not given; adult modifiers applied (under ${PAEDIATRIC_BELOW_AGE_YEARS} years, PaedsCTAS applies instead)`;
const PAEDIATRIC_NOT_APPLICABLE: readonly string[] = [
  ...Object.entries(PAEDIATRIC_MODIFIERS)
    .filter(([, rule]) => !rule.applies)
    .map(([modifier, rule]) => `${modifier}: paediatric: adult floor not applicable (${rule.why})`),
  'age-normed HR and RR (PaedsCTAS): not implemented, the norms are not in REFERENCE.md; the nurse must judge them',
];

export function ctasFloor(vitals: Vitals): CtasFloor {
  const result: CtasFloor = { floor: null, reasons: [], paediatric: false, notApplicable: [], missing: [] };
  const { ageYears } = vitals;
  if (ageYears === undefined) {
    result.notApplicable.push(AGE_NOT_GIVEN);
  } else if (ageYears < PAEDIATRIC_BELOW_AGE_YEARS) {
    result.paediatric = true;
    result.notApplicable.push(...PAEDIATRIC_NOT_APPLICABLE);
  }
  const applies = (modifier: CtasModifier): boolean => !result.paediatric || PAEDIATRIC_MODIFIERS[modifier].applies;

  if (applies('respiratory-distress')) respiratoryDistress(vitals, result);
  if (applies('haemodynamic-stability')) haemodynamicStability(vitals, result);
  if (applies('level-of-consciousness')) levelOfConsciousness(vitals, result);
  if (applies('temperature')) temperature(vitals, result);
  if (applies('pain')) pain(vitals, result);
  if (applies('bleeding-disorder')) bleeding(vitals, result);
  if (applies('mechanism-of-injury')) mechanism(vitals, result);
  return result;
}

function fire(result: CtasFloor, modifier: CtasModifier, level: CtasLevel, reason: string): void {
  result.reasons.push({ modifier, level, reason: `${reason}, CTAS ${level}` });
  if (result.floor === null || level < result.floor) result.floor = level;
}

function respiratoryDistress(vitals: Vitals, result: CtasFloor): void {
  const { spo2 } = vitals;
  if (spo2 === undefined) {
    result.missing.push('spo2');
    return;
  }
  let level: CtasLevel;
  let finding: string;
  if (spo2 < SPO2_CTAS1_BELOW) [level, finding] = [1, `SpO2 ${spo2} % < ${SPO2_CTAS1_BELOW} %: respiratory distress`];
  else if (spo2 < SPO2_CTAS2_BELOW) [level, finding] = [2, `SpO2 ${spo2} % < ${SPO2_CTAS2_BELOW} %: respiratory distress`];
  else if (spo2 <= SPO2_CTAS3_AT_MOST) [level, finding] = [3, `SpO2 ${spo2} % (${SPO2_CTAS2_BELOW}–${SPO2_CTAS3_AT_MOST} %): mild respiratory distress`];
  else return;
  if (vitals.spo2Scale === 2) finding += ' (prescribed 88–92 % target: judge against the baseline)';
  fire(result, 'respiratory-distress', level, finding);
}

function haemodynamicStability(vitals: Vitals, result: CtasFloor): void {
  const { heartRate: hr, systolicBP: sbp } = vitals;
  if (hr === undefined) result.missing.push('heartRate');
  if (sbp === undefined) result.missing.push('systolicBP');
  if (hr === undefined && sbp === undefined) return;
  const si = shockIndex(vitals);
  const { shock, compromise, edgeOfNormal } = HAEMODYNAMIC_OPERATIONAL;
  // Every finding at the most urgent band reached goes into the one reason; strings are built only on a hit.
  const findings: string[] = [];

  if (sbp !== undefined && sbp < shock.systolicBelow) findings.push(`SBP ${sbp} < ${shock.systolicBelow}`);
  if (hr !== undefined && hr <= shock.heartRateAtMost) findings.push(`HR ${hr} ≤ ${shock.heartRateAtMost}`);
  if (hr !== undefined && hr >= shock.heartRateAtLeast) findings.push(`HR ${hr} ≥ ${shock.heartRateAtLeast}`);
  if (si !== null && si >= shock.shockIndexAtLeast) findings.push(`shock index ${formatShockIndex(si)} ≥ ${shock.shockIndexAtLeast}`);
  if (findings.length > 0) {
    fire(result, 'haemodynamic-stability', shock.level, `${findings.join(', ')}: shock (operational threshold)`);
    return;
  }
  if (sbp !== undefined && sbp < compromise.systolicBelow) findings.push(`SBP ${sbp} < ${compromise.systolicBelow}`);
  if (sbp !== undefined && sbp > compromise.systolicAbove) findings.push(`SBP ${sbp} > ${compromise.systolicAbove}`);
  if (hr !== undefined && hr < compromise.heartRateBelow) findings.push(`HR ${hr} < ${compromise.heartRateBelow}`);
  if (hr !== undefined && hr > compromise.heartRateAbove) findings.push(`HR ${hr} > ${compromise.heartRateAbove}`);
  if (si !== null && si >= compromise.shockIndexAtLeast) findings.push(`shock index ${formatShockIndex(si)} ≥ ${compromise.shockIndexAtLeast}`);
  if (findings.length > 0) {
    fire(result, 'haemodynamic-stability', compromise.level, `${findings.join(', ')}: haemodynamic compromise (operational threshold)`);
    return;
  }
  if (sbp !== undefined && sbp < edgeOfNormal.systolicBelow) findings.push(`SBP ${sbp} < ${edgeOfNormal.systolicBelow}`);
  if (hr !== undefined && hr > edgeOfNormal.heartRateAbove) findings.push(`HR ${hr} > ${edgeOfNormal.heartRateAbove}`);
  if (si !== null && si > edgeOfNormal.shockIndexAbove) findings.push(`shock index ${formatShockIndex(si)} > ${edgeOfNormal.shockIndexAbove}`);
  if (findings.length > 0) {
    fire(result, 'haemodynamic-stability', edgeOfNormal.level, `${findings.join(', ')}: vitals at the edge of normal (operational threshold)`);
  }
}

function levelOfConsciousness(vitals: Vitals, result: CtasFloor): void {
  const { gcs, consciousness } = vitals;
  const approximate = consciousness === undefined ? undefined : acvpuApproximateGcs[consciousness];
  // Both recorded and disagreeing: the lower (more urgent) GCS decides.
  const fromAcvpu = approximate !== undefined && (gcs === undefined || approximate < gcs);
  const effective = fromAcvpu ? approximate : gcs;
  if (effective === undefined) {
    result.missing.push('gcs or consciousness');
    return;
  }
  if (effective > GCS_CTAS2_AT_MOST) return;
  const level: CtasLevel = effective <= GCS_CTAS1_AT_MOST ? 1 : 2;
  const band = level === 1 ? `3–${GCS_CTAS1_AT_MOST}` : `${GCS_CTAS1_AT_MOST + 1}–${GCS_CTAS2_AT_MOST}`;
  const source = fromAcvpu ? `ACVPU ${consciousness ?? ''} ≈ GCS ${effective} (approximate mapping)` : `GCS ${effective}`;
  fire(result, 'level-of-consciousness', level, `${source}, in ${band}: altered level of consciousness`);
}

function temperature(vitals: Vitals, result: CtasFloor): void {
  const { temperatureC, immunocompromised } = vitals;
  if (temperatureC === undefined) {
    result.missing.push('temperatureC');
    return;
  }
  if (temperatureC < FEVER_AT_LEAST_C) return;
  const fever = `temperature ${temperatureC} °C ≥ ${FEVER_AT_LEAST_C} °C`;
  if (immunocompromised === true) {
    fire(result, 'temperature', 2, `${fever} and immunocompromised`);
    return;
  }
  const screen = sirs(vitals);
  if (screen.count >= LOOKS_SEPTIC_SIRS_AT_LEAST) {
    fire(result, 'temperature', 2, `${fever}, looks septic: ${screen.count} SIRS criteria (${screen.criteria.join(', ')})`);
    return;
  }
  // Neither rule decided: "looks unwell" (3) is the nurse's call, so the rules can only say 4.
  const open: string[] = [];
  if (immunocompromised === undefined) {
    open.push('immunocompromised not recorded');
    result.missing.push('immunocompromised');
  }
  if (screen.count + screen.missing.length >= LOOKS_SEPTIC_SIRS_AT_LEAST) {
    open.push(`SIRS ${screen.count} met, not measured: ${screen.missing.join(', ')} (≥${LOOKS_SEPTIC_SIRS_AT_LEAST} → CTAS 2)`);
  }
  const unknowns = open.length > 0 ? `; ${open.join('; ')}` : '';
  fire(result, 'temperature', 4, `${fever}, looks well; the nurse's judgement "looks unwell" raises it to CTAS 3${unknowns}`);
}

function pain(vitals: Vitals, result: CtasFloor): void {
  const { pain: reported } = vitals;
  if (reported === undefined) return;
  // A score of 0 is no pain: the CTAS pain rows grade pain that is present.
  if (reported.score <= 0) return;
  const severity = reported.score >= PAIN_SEVERE_AT_LEAST ? 'severe' : reported.score >= PAIN_MODERATE_AT_LEAST ? 'moderate' : 'mild';
  const level = PAIN_LEVELS[reported.location][severity][reported.onset];
  fire(result, 'pain', level, `${reported.onset} ${reported.location} pain ${reported.score}/10 (${severity})`);
}

function bleeding(vitals: Vitals, result: CtasFloor): void {
  const { bleedingDisorder } = vitals;
  switch (bleedingDisorder) {
    case undefined:
    case 'none':
      return;
    // REFERENCE.md §3 bleeding disorder (**verify**): life- or limb-threatening → 2; moderate or minor → 3.
    case 'life-threatening':
      fire(result, 'bleeding-disorder', 2, 'bleeding disorder with a life- or limb-threatening bleed');
      return;
    case 'moderate':
    case 'minor':
      fire(result, 'bleeding-disorder', 3, `bleeding disorder with a ${bleedingDisorder} bleed`);
      return;
  }
}

function mechanism(vitals: Vitals, result: CtasFloor): void {
  const { highRiskMechanism } = vitals;
  // REFERENCE.md §3 mechanism of injury (**verify**): high-risk mechanism → 2.
  if (highRiskMechanism === true) fire(result, 'mechanism-of-injury', 2, 'high-risk mechanism of injury');
}
