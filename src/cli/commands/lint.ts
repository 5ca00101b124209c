/**
 * `northstation lint`: runs the safety guards on one draft.
 * stdin:  { "text": "...", "source": "..." (optional), "language": "en"|"fr" }
 * stdout: { "findings": [ { rule, start, end, excerpt, message, suggestion } ],
 *           "text": "<text with hedged rewrites applied>",
 *           "sourceFindings": [ ... ] (with a source: instructions embedded in it,
 *           offsets into the source) }
 * Offsets are UTF-16 code-unit indexes into the input text. Invalid input:
 * exit code 2 and { "error": { "field", "message" } }.
 */
import type { Language } from '../../safety/finding.ts';
import { reviewDraft } from '../../safety/review-draft.ts';
import { readStdin } from '../stdin.ts';

const help = `usage: northstation lint < draft.json

Reads {"text": "...", "source": "...", "language": "en"|"fr"} on stdin ("source" and "language"
optional; language defaults to en) and prints the findings of the safety guards (definitive
diagnoses, prescriptive orders, ungrounded claims when a source is given, embedded instructions,
patient identifiers) and the text with hedged rewrites applied.`;

/** Larger drafts are refused rather than left to run long: a whole day's notes are well under this. */
const maxTextLength = 2_000_000;

export interface LintIo {
  readInput: () => Promise<string>;
  write: (text: string) => void;
}

const processIo: LintIo = {
  readInput: readStdin,
  write: (text) => process.stdout.write(text),
};

class InputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export async function run(args: string[], io: LintIo = processIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.write(help + '\n');
    return 0;
  }
  try {
    if (args.length > 0) throw new InputError('$', `lint takes no arguments (got "${args[0] ?? ''}"); it reads JSON on stdin`);
    const { text, source, language } = parseInput(await io.readInput());
    const review = reviewDraft({ text, language, ...(source === undefined ? {} : { source: { text: source } }) });
    const output = { findings: review.findings, text: review.text, ...(source === undefined ? {} : { sourceFindings: review.sourceFindings }) };
    io.write(JSON.stringify(output, null, 2) + '\n');
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.write(JSON.stringify({ error: { field: error.field, message: error.message } }) + '\n');
    return 2;
  }
}

function parseInput(raw: string): { text: string; source?: string; language: Language } {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    throw new InputError('$', 'stdin is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InputError('$', 'expected a JSON object');
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['text', 'source', 'language'].includes(key)) throw new InputError(key, 'unknown field (expected text, source, language)');
  }
  const { text, source, language = 'en' } = record;
  if (typeof text !== 'string') throw new InputError('text', 'required, a string');
  if (source !== undefined && source !== null && typeof source !== 'string') throw new InputError('source', 'must be a string');
  if (language !== 'en' && language !== 'fr') throw new InputError('language', 'must be "en" or "fr"');
  for (const [field, value] of [['text', text], ['source', source]] as const) {
    if (typeof value === 'string' && value.length > maxTextLength) throw new InputError(field, `longer than ${maxTextLength} characters`);
  }
  return { text, language, ...(typeof source === 'string' ? { source } : {}) };
}
