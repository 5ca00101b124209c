/**
 * What the history-summary workflow accepts: a FHIR R4 Bundle as parsed JSON.
 * Only the structure the renderer relies on is checked (every entry's resource
 * has a resourceType and an id); the rest passes through untouched, so a
 * large bundle is not copied field by field.
 */
import { z } from 'zod';
import { languages } from '../reviewed-text.ts';

/** Larger bundles are refused: the whole bundle is held in memory as the caller's parsed JSON. */
export const maxBundleJsonChars = 50 * 1024 * 1024;

const resource = z.looseObject({
  resourceType: z.string().min(1),
  id: z.string().min(1),
});

export const historySummaryInput = z.object({
  bundle: z
    .looseObject({
      resourceType: z.literal('Bundle'),
      entry: z.array(z.looseObject({ resource })),
    })
    .superRefine((bundle, context) => {
      // Measured before the workflow runs: the runner hashes the canonical JSON of the input anyway.
      const size = JSON.stringify(bundle).length;
      if (size > maxBundleJsonChars) context.addIssue({ code: 'custom', message: `the bundle is ${size} characters of JSON; at most ${maxBundleJsonChars} are accepted` });
    }),
  language: z.enum(languages).optional(),
});

export type HistorySummaryInput = z.infer<typeof historySummaryInput>;
export type FhirResource = z.infer<typeof resource>;
