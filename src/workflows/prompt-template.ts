/**
 * Prompt templates are versioned and hashed: a draft's provenance names the
 * exact template text that produced it, so a change of wording is visible in
 * audit and quality data even when nobody bumped the version.
 */
import { createHash } from 'node:crypto';

export interface PromptTemplate {
  id: string;
  version: string;
  /** Every fixed text the workflow sends (system prompt, instructions), keyed by role in the template. */
  parts: Readonly<Record<string, string>>;
  /** SHA-256 over id, version and parts. */
  sha256: string;
}

export function definePromptTemplate(id: string, version: string, parts: Record<string, string>): PromptTemplate {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([id, version, Object.entries(parts).sort(([a], [b]) => a.localeCompare(b))]));
  return Object.freeze({ id, version, parts: Object.freeze({ ...parts }), sha256: hash.digest('hex') });
}
