/**
 * Input checks shared by the text guards: callers outside TypeScript (the CLI, HTTP) may pass
 * anything, and a wrong language would silently apply the wrong word lists.
 */
import { badRequest } from '../core/errors.ts';
import type { Language } from './finding.ts';

/** The language to lint in; throws bad_request for a non-string text or an unknown language. */
export function guardLanguage(text: unknown, language: unknown): Language {
  if (typeof text !== 'string') throw badRequest('text must be a string');
  if (language === undefined) return 'en';
  if (language !== 'en' && language !== 'fr') throw badRequest("language must be 'en' or 'fr'", { language });
  return language;
}
