/**
 * A logger whose every string passes through PHI redaction, for code paths
 * that handle patient text. Logs should never carry that text in the first
 * place (CONTRIBUTING, DESIGN.md rule 4); this is the net under that rule, and
 * core/ stays generic because the redaction arrives as a hook.
 */
import { createLogger, type Logger, type LoggerOptions } from '../core/log.ts';
import { redactPhi } from './phi-redaction.ts';

export interface RedactingLoggerOptions extends Omit<LoggerOptions, 'redact'> {
  /** Names from the record to remove as well. Default: none. */
  knownNames?: readonly string[];
}

export function createRedactingLogger(options: RedactingLoggerOptions = {}): Logger {
  const { knownNames = [], ...loggerOptions } = options;
  return createLogger({ ...loggerOptions, redact: (value) => redactPhi(value, { knownNames }).text });
}
