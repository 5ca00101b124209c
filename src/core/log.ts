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
   * Applied to the event name and every string field value before the line is
   * written: a safety net for text that should never have been logged (the
   * safety layer plugs PHI redaction in here). Default: none.
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
  for (const [key, value] of Object.entries(fields)) redacted[key] = typeof value === 'string' ? redact(value) : value;
  return redacted;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : undefined;
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
