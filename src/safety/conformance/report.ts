/**
 * The conformance report: what was run, on which weights and hardware, what
 * each check measured against its threshold, and a hash over all of it.
 */

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id (`schema-adherence`, `pubmedqa-accuracy`, …). */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was measured (a count, a fraction, a percentage); null when skipped. */
  measured: number | string | null;
  /** What `measured` had to reach, in words or as a number; null when nothing is judged. */
  threshold: number | string | null;
  /** Why it failed or was skipped, in one sentence; absent on a plain pass. */
  reason?: string;
  /** Per-item facts: ids, counts, short excerpts of model output on golden (non-patient) prompts. */
  details: Record<string, unknown>;
  /** Findings worth a site's attention that do not fail the check (e.g. a repeat that differed). */
  warnings?: string[];
}

export interface ModelIdentity {
  id: string;
  backend: 'llama' | 'openai';
  synthetic: boolean;
  /** Embedded backend: absolute path, size and SHA-256 of the GGUF file. */
  file?: { path: string; sizeBytes: number; sha256: string; sha256Source: 'registry' | 'computed' };
  /** LoRA adapters applied (path@scale), when any. */
  lora?: string;
  /** Vision projector (mmproj) served beside the file, when any: a model is validated with its projector. */
  projector?: { path: string; sizeBytes: number; sha256: string; sha256Source: 'registry' | 'computed' };
  /** OpenAI-compatible backend: the model name the servers expect and their base URLs (sorted). */
  upstream?: { model: string; baseUrls: string[] };
}

export interface Hardware {
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** GPU backend the embedded engine uses (`cuda`, `metal`, `vulkan`) or `none`; `remote` for upstreams. */
  gpu: string;
}

export type IntegrityAlgorithm = 'sha256' | 'hmac-sha256';

export interface ConformanceReport {
  format: 'northstation-conformance/1';
  createdAt: string;
  northstationVersion: string;
  /** Inference engine and version (node-llama-cpp and llama.cpp release, or the upstream kind). */
  engine: string;
  model: ModelIdentity;
  hardware: Hardware;
  /** qaThreshold: the site's `--qa-threshold`, when one was set (absent: the default, published − 10). */
  settings: { qaLimit: number; qaSampled: number; seed: number; dataDir: string; qaThreshold?: number };
  checks: CheckResult[];
  /** True when no check failed (skipped checks do not count). */
  passed: boolean;
  /** How reportHash was made: a plain SHA-256, or an HMAC with the site key (keyId names the key, not its bytes). */
  integrity: { algorithm: IntegrityAlgorithm; keyId?: string };
  /** Hex SHA-256 (or HMAC-SHA256) of the canonical JSON of every other field. */
  reportHash: string;
}

export type UnsignedReport = Omit<ConformanceReport, 'reportHash'>;

export function overallPassed(checks: readonly CheckResult[]): boolean {
  return checks.every((check) => check.status !== 'fail');
}
