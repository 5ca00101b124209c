/**
 * Hand-built identities and reports for the gate's tests: the gate's logic is
 * tested on report files, never on a run that was made to pass.
 */
import { cpus, totalmem } from 'node:os';
import type { CheckResult, ConformanceReport, Hardware, ModelIdentity } from './report.ts';
import { sealReport, type SigningKey } from './report-integrity.ts';

export function fileIdentity(path: string, sha256: string, overrides: Partial<ModelIdentity> = {}): ModelIdentity {
  return { id: 'site-model', backend: 'llama', synthetic: false, file: { path, sizeBytes: 1234, sha256, sha256Source: 'computed' }, ...overrides };
}

/** This machine as the embedded engine on the CPU reports it. */
export function thisHardware(gpu = 'none'): Hardware {
  return { platform: process.platform, arch: process.arch, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', cpuCount: cpus().length, totalMemoryBytes: totalmem(), gpu };
}

export function handBuiltReport(identity: ModelIdentity, options: { passed?: boolean; hardware?: Hardware; key?: SigningKey } = {}): ConformanceReport {
  const passed = options.passed ?? true;
  const checks: CheckResult[] = [
    { id: 'schema-adherence', title: 'Schema adherence', status: 'pass', measured: '5/5', threshold: 'all 5 valid', details: {} },
    { id: 'pubmedqa-accuracy', title: 'PubMedQA', status: passed ? 'pass' : 'fail', measured: passed ? 72 : 31, threshold: 63.4, details: {} },
  ];
  return sealReport(
    {
      format: 'northstation-conformance/1',
      createdAt: '2025-01-01T00:00:00.000Z',
      northstationVersion: '0.1.0',
      engine: 'test',
      model: identity,
      hardware: options.hardware ?? thisHardware(),
      settings: { qaLimit: 100, qaSampled: 100, seed: 1, dataDir: '/data' },
      checks,
      passed,
    },
    options.key,
  );
}
