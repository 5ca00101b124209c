/**
 * What of llama-server's own output reaches our logs. llama-server prints
 * request details (and, at higher verbosity, whole prompts) to stderr, and a
 * prompt here is patient data, so its output is never forwarded as it is.
 * Each line is matched against a short allow-list and turned into one of our
 * events, or dropped:
 *
 * - While loading, error lines printed by llama.cpp's model and projector
 *   loaders (`loaderPrefix`) keep their text, for diagnosing a model that
 *   fails to load: those functions only ever see the files. Loading is not a
 *   guarantee by itself: the HTTP server is up before the model loads, so a
 *   request (a client retrying after a restart) can arrive meanwhile.
 * - Every other error line, and every line once serving, passes only as a
 *   fixed fact: "model loaded", "listening", or that an error or assertion
 *   happened with the C function or source location it came from, never the
 *   line's text.
 */
import type { LogLevel, LogFields } from '../../core/log.ts';

export type ServerPhase = 'loading' | 'serving';

export interface FilteredLine {
  level: LogLevel;
  event: string;
  fields: LogFields;
}

const maxLoadErrorLength = 240;

/** Functions that read the model and projector files (the server pads its own function names after `srv`). */
const loaderPrefix = /^(llama_model_load\w*|llama_model_loader|load_tensors|llama_init_from_model|llama_context|gguf_\w+|clip_\w+|mtmd_\w+|common_init_from_params|srv\s+load_model):/;

export function filterServerLine(rawLine: string, phase: ServerPhase): FilteredLine | undefined {
  // Colour codes would defeat the patterns; the server is asked not to send them, but a site's binary may.
  // llama.cpp prefixes lines with a timestamp and a level letter ("0.00.012.276 I ") when not on a terminal.
  // eslint-disable-next-line no-control-regex
  const line = rawLine.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\s*\d+(\.\d+){3} [A-Z] /, '').trim();
  if (line === '') return undefined;
  if (/^(srv|main)\b.*:\s*model loaded\s*$/.test(line)) return { level: 'info', event: 'llama-server.model-loaded', fields: {} };
  if (/^(srv|main)\b.*:\s*(server is )?listening on\b/.test(line)) return { level: 'info', event: 'llama-server.listening', fields: {} };
  const assertion = /([\w./-]+:\d+): GGML_ASSERT/.exec(line);
  if (assertion !== null) return { level: 'error', event: 'llama-server.assert', fields: { where: assertion[1] } };
  if (!/\b(error|failed|exception|out of memory|unable to)\b/i.test(line)) return undefined;
  if (phase === 'loading' && loaderPrefix.test(line)) return { level: 'warn', event: 'llama-server.load-error', fields: { line: line.slice(0, maxLoadErrorLength) } };
  // Only the function name: "srv    operator(): got exception: {…the request's text…}" keeps "operator".
  const where = /^(?:(?:srv|slot|que|cmn|main)\s+)?([A-Za-z_]\w*)(?:\(\))?:/.exec(line);
  return { level: 'warn', event: 'llama-server.error', fields: { where: where?.[1] ?? 'unknown' } };
}
