/**
 * How the CLI shows conformance work: progress on stderr (question i/N, file
 * hashing) and the report as a readable summary.
 */
import type { ConformanceProgress, ConformanceReport } from '../safety/conformance/index.ts';
import { createProgressLine, type ProgressLine } from './progress.ts';

/** One line per check, redrawn on a terminal, every 10 % on a pipe. */
export function conformanceProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: ConformanceProgress) => void {
  let current: string | undefined;
  let hashing: ProgressLine | undefined;
  let lastTenth = -1;
  return ({ check, done, total }) => {
    if (check === 'hash') {
      hashing ??= createProgressLine({ label: 'sha256', stream });
      hashing.update(done, total);
      if (done >= total) hashing.finish();
      return;
    }
    const text = `${check} ${done}/${total}`;
    if (stream.isTTY) {
      stream.write(`\r${text.padEnd(60)}${done >= total ? '\n' : ''}`);
      return;
    }
    if (check !== current) {
      current = check;
      lastTenth = -1;
    }
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      stream.write(text + '\n');
    }
  };
}

export function formatConformanceSummary(report: ConformanceReport, path: string): string {
  const { model } = report;
  const what = model.file
    ? `${model.file.path}\n  sha256 ${model.file.sha256} (${model.file.sha256Source})`
    : `${model.upstream?.model ?? model.id} at ${model.upstream?.baseUrls.join(', ') ?? '?'}`;
  const lines = [
    `Conformance of "${model.id}" (${model.backend}${model.synthetic ? ', SYNTHETIC' : ''}): ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  ${what}`,
    `  ${report.engine}; ${report.hardware.cpuModel}, gpu ${report.hardware.gpu}; ${report.createdAt}`,
    '',
  ];
  for (const check of report.checks) {
    const mark = check.status === 'pass' ? 'pass' : check.status === 'fail' ? 'FAIL' : 'skip';
    const unit = check.details.unit === 'percent correct' ? ' %' : '';
    const threshold = check.threshold === null ? ' (no threshold)' : ` (threshold ${String(check.threshold)}${unit})`;
    const figures = check.measured === null ? '' : `  ${String(check.measured)}${unit}${threshold}`;
    lines.push(`  [${mark}] ${check.title}${figures}`);
    if (check.reason) lines.push(`         ${check.reason}`);
    for (const warning of check.warnings ?? []) lines.push(`         warning: ${warning}`);
  }
  const published = report.checks.find((check) => check.id === 'pubmedqa-accuracy')?.details.published;
  if (published && typeof published === 'object') {
    const figure = published as { catalogId: string; score: number };
    lines.push('', `  PubMedQA published for ${figure.catalogId}: ${figure.score} %`);
  }
  lines.push('', `Report (${report.integrity.algorithm}${report.integrity.keyId ? ` key ${report.integrity.keyId}` : ''}): ${path}`);
  return lines.join('\n');
}
