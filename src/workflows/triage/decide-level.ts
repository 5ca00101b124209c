/**
 * The one place the final CTAS level is decided (DESIGN.md rule 2): the more
 * urgent (lower number) of the model's suggestion and the rules' floor. The
 * model can raise acuity, never lower it below the floor, and the final level
 * exists whatever the model produced.
 */
import type { CtasLevel } from '../../clinical/index.ts';

/**
 * With no usable suggestion and no floor (no vital-sign modifier fired, or
 * vitals missing), Northstation shows CTAS 3, "urgent": a level a nurse must
 * still assess within 30 minutes, chosen so that a silent model and missing
 * vitals never read as "non-urgent". An operational choice that needs local
 * clinical sign-off, like the floor's thresholds.
 */
export const defaultLevelWithoutSuggestionOrFloor: CtasLevel = 3;

export const defaultLevelReason = 'no usable suggestion and no rule floor: default CTAS 3 pending nurse assessment';

export type FinalLevelSource = 'suggestion' | 'floor' | 'agreement' | 'default';

export interface FinalLevel {
  final: CtasLevel;
  source: FinalLevelSource;
  /** Why the final level is what it is, for the nurse. */
  reason: string;
}

export function decideFinalLevel(suggested: CtasLevel | null, floor: CtasLevel | null): FinalLevel {
  if (suggested === null && floor === null) {
    return { final: defaultLevelWithoutSuggestionOrFloor, source: 'default', reason: defaultLevelReason };
  }
  if (suggested === null) {
    return { final: floor as CtasLevel, source: 'floor', reason: `final CTAS ${floor}: the rule floor (no usable model suggestion)` };
  }
  if (floor === null) {
    return { final: suggested, source: 'suggestion', reason: `final CTAS ${suggested}: the model's suggestion (no rule floor fired; the floor being absent does not mean the vitals are normal)` };
  }
  if (suggested === floor) return { final: floor, source: 'agreement', reason: `final CTAS ${floor}: the model's suggestion equals the rule floor` };
  if (floor < suggested) {
    return { final: floor, source: 'floor', reason: `final CTAS ${floor}: the rule floor is more urgent than the model's suggestion (CTAS ${suggested})` };
  }
  return { final: suggested, source: 'suggestion', reason: `final CTAS ${suggested}: the model's suggestion is more urgent than the rule floor (CTAS ${floor})` };
}
