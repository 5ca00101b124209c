export { buildClinicalApp, defaultClinicalAppLimits, type ClinicalAppLimits, type ClinicalAppOptions } from './app.ts';
