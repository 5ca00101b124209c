/**
 * Structured logging to stderr, one JSON object a line. Log events carry ids,
 * counts and timings; never prompt text, completions or other patient data
 * (DESIGN.md rule 4). Callers pass fields explicitly so that a reviewer can see
 * what leaves the process.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lowest level written. Default: `info`, or NORTHSTATION_LOG_LEVEL. */
  level?: LogLevel;
  /** Where lines go. Default: process.stderr. */
  write?: (line: string) => void;
  /** Fields added to every line. Default: none. */
  base?: LogFields;
  /**
   * Applied to the event name, every field name and every string field value
   * before the line is written: a safety net for text that should never have
   * been logged (the safety layer plugs PHI redaction in here). A number whose
   * integer part has 7 or more digits may be an identifier (a health card
   * number logged as a number): it goes through the hook as a string, and if
   * the hook changes it the line carries the redacted string instead of the
   * number. Shorter numbers, and numbers in fields named as measurements
   * (`…Bytes`, `…Ms`, `…Tokens`, `…Count`), pass as they are. Default: none.
   */
  redact?: (value: string) => string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLevel(process.env.NORTHSTATION_LOG_LEVEL) ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const redact = options.redact;
  const emit = (lineLevel: LogLevel, event: string, fields: LogFields = {}): void => {
    if (levelRank[lineLevel] < levelRank[level]) return;
    const own = { ...base, ...fields };
    write(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, event: redact ? redact(event) : event, ...(redact ? redactStrings(own, redact) : own) }));
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger({ level, write, base: { ...base, ...fields }, ...(redact ? { redact } : {}) }),
  };
}

function redactStrings(fields: LogFields, redact: (value: string) => string): LogFields {
  const redacted: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    redacted[redact(key)] = typeof value === 'number' && measurementField.test(key) ? value : redactValue(value, redact);
  }
  return redacted;
}

/** Fields whose names say they hold a measurement (bytes, milliseconds, tokens), never an identifier. */
const measurementField = /(Bytes|Ms|Tokens|Count)$/;

/** Digits of 7 or more in a number's integer part: long enough to be an identifier. */
const identifierLikeNumber = /^-?\d{7,}/;

function redactValue(value: LogFields[string], redact: (value: string) => string): LogFields[string] {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = Math.abs(value) >= 1e21 ? BigInt(Math.trunc(value)).toString() : String(value);
    if (!identifierLikeNumber.test(text)) return value;
    const redacted = redact(text);
    return redacted === text ? value : redacted;
  }
  return value;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : undefined;
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
