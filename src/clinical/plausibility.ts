/**
 * Which vital-sign values are impossible (rejected) and which are possible but
 * extreme (accepted, flagged for a person to check). Kept on its own so that
 * clinical governance can review and sign off one table.
 */

export interface PlausibilityLimit {
  /** Below this no living patient's value can be: rejected. */
  min: number;
  /** Above this no living patient's value can be: rejected. */
  max: number;
  /** Possible, but below this a person should check the entry: listed in `extremes`. */
  checkBelow?: number;
  checkAbove?: number;
  unit: string;
  lowNote?: string;
  highNote?: string;
}

/**
 * Impossible (rejected) and extreme (accepted, flagged) values, keyed by input
 * field. NOT from REFERENCE.md: the impossible limits come from published
 * physiological records and measurement ranges, the extreme limits are
 * clinical judgement, and all of them need local clinical sign-off before use.
 * Limits are for all ages (an infant's normal heart rate is an adult's
 * tachycardia), so they reject only what is impossible at any age.
 */
export const plausibilityLimits = {
  // Oldest verified human: 122 years (Jeanne Calment); 130 leaves room for a record yet to come.
  // Judgement: beyond 110 (supercentenarian) is more likely a typo than a patient.
  age: { min: 0, max: 130, checkAbove: 110, unit: 'years', highNote: 'older than almost anyone alive' },
  // 0 is respiratory arrest. Above 200 /min a breath would last under 0.3 s; newborns in severe
  // distress breathe around 100 /min or more.
  // Judgement: below 6 is near-apnoea; above 60 exceeds even a newborn's normal.
  respiratoryRate: {
    min: 0,
    max: 200,
    checkBelow: 6,
    checkAbove: 60,
    unit: '/min',
    lowNote: 'near-apnoea',
    highNote: 'above even a newborn’s normal range',
  },
  // Saturation is a fraction of haemoglobin: 0–100 % by definition, and an oximeter can display 0.
  // Oximeters are validated only from 70 % up (ISO 80601-2-61), so lower readings need checking.
  spo2: { min: 0, max: 100, checkBelow: 70, unit: '%', lowNote: 'below the range where pulse oximeters are accurate (70–100 %)' },
  // 0 is cardiac arrest (no output). 350: intra-arterial peaks of 480/350 mmHg were recorded only during
  // maximal leg-press lifting (MacDougall, J Appl Physiol 1985); ED devices read far lower.
  // Judgement: below 60 is profound shock; above 250 is beyond most hypertensive emergencies.
  systolicBP: {
    min: 0,
    max: 350,
    checkBelow: 60,
    checkAbove: 250,
    unit: 'mmHg',
    lowNote: 'profound shock or arrest',
    highNote: 'beyond most hypertensive emergencies',
  },
  // Diastolic can be 0 (Korotkoff sounds to zero in aortic regurgitation); must also be below systolic.
  diastolicBP: {
    min: 0,
    max: 300,
    checkBelow: 30,
    checkAbove: 150,
    unit: 'mmHg',
    lowNote: 'very wide pulse pressure or a mis-read',
    highNote: 'malignant hypertension range',
  },
  // 0 is asystole, which an ED does see. 600 /min is the fastest human heart rate reported
  // (Chhabra et al., Indian Pacing Electrophysiol J 2012); infant SVT runs 220–300.
  // Judgement: below 30 is extreme bradycardia or arrest; above 220 is beyond sinus tachycardia at any age.
  heartRate: {
    min: 0,
    max: 600,
    checkBelow: 30,
    checkAbove: 220,
    unit: '/min',
    lowNote: 'extreme bradycardia or arrest',
    highNote: 'beyond sinus tachycardia at any age',
  },
  // °C, after any °F conversion. Lowest survived core temperatures: 13.7 °C accidental (Bågenholm 1999),
  // 9 °C induced (Niazi & Lewis, Ann Surg 1958); highest survived 46.5 °C (heat stroke, 1980).
  // Judgement: below 32 °C is moderate-to-severe hypothermia (and below many thermometers' range);
  // above 41 °C is hyperpyrexia. Both are survivable, so only flagged.
  temperature: {
    min: 9,
    max: 47,
    checkBelow: 32,
    checkAbove: 41,
    unit: '°C',
    lowNote: 'moderate or severe hypothermia, or a thermometer below its range',
    highNote: 'hyperpyrexia',
  },
  // ×10⁹/L. Leukaemias reach several hundred, rarely about 1,000; 2,000 leaves margin yet rejects a
  // count typed in cells/µL (12000).
  // Judgement: below 1 is profound leukopenia; above 100 is hyperleukocytosis.
  wbc: {
    min: 0,
    max: 2000,
    checkBelow: 1,
    checkAbove: 100,
    unit: '×10⁹/L',
    lowNote: 'profound leukopenia, or a count in other units',
    highNote: 'hyperleukocytosis, or a count in other units',
  },
  // A percentage of white cells, so 0–100 by definition.
  bandsPercent: { min: 0, max: 100, unit: '%' },
  // mmHg. Living tissue always makes CO2, so never 0; maximal hyperventilation reaches about 10.
  // Survival with acute hypercapnia well above 200 is reported; 400 leaves margin.
  // Judgement: below 15 looks like kPa (normal 4.7–6.0 kPa); above 100 is extreme hypercapnia.
  paco2: {
    min: 1,
    max: 400,
    checkBelow: 15,
    checkAbove: 100,
    unit: 'mmHg',
    lowNote: 'extreme hyperventilation, or a value in kPa',
    highNote: 'extreme hypercapnia, or a value in other units',
  },
} as const satisfies Record<string, PlausibilityLimit>;
