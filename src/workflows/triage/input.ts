/**
 * The triage workflow's input. Vitals take exactly the fields of
 * `./northstation score` and are validated by the clinical rules' own parser,
 * so the runner's bad_request names the field as `vitals.<field>`.
 */
import { z } from 'zod';
import { parseVitals, VitalsValidationError } from '../../clinical/index.ts';

export const maxNoteChars = 100_000;

export interface TriageInput {
  note: string;
  /** As `./northstation score` takes them; already checked by parseVitals. */
  vitals: Record<string, unknown>;
  language?: 'en' | 'fr' | undefined;
}

export const triageInputSchema: z.ZodType<TriageInput> = z.strictObject({
  note: z.string().min(1).max(maxNoteChars),
  vitals: z.record(z.string(), z.unknown()).superRefine((vitals, context) => {
    try {
      parseVitals(vitals);
    } catch (error) {
      if (!(error instanceof VitalsValidationError)) throw error;
      context.addIssue({
        code: 'custom',
        // The parser's message starts with the field; the runner prefixes the path itself.
        message: error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message,
        path: error.field === '$' ? [] : error.field.split('.'),
      });
    }
  }),
  language: z.enum(['en', 'fr']).optional(),
});
