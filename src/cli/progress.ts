/**
 * Progress for long byte jobs (hashing, downloading) on stderr: one line
 * redrawn in place on a terminal; on a pipe or log file, a plain line every
 * 10 % so that logs stay short.
 */
export interface ProgressLine {
  update(doneBytes: number, totalBytes: number | undefined, bytesPerSecond?: number): void;
  /** Ends the line (a newline after the last redraw on a terminal). */
  finish(): void;
}

export interface ProgressLineOptions {
  label: string;
  /** Default: process.stderr. */
  stream?: NodeJS.WriteStream;
}

export function createProgressLine(options: ProgressLineOptions): ProgressLine {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total, bytesPerSecond) {
      const text = `${options.label} ${describeProgress(done, total, bytesPerSecond)}`;
      if (tty) {
        stream.write(`\r${text.padEnd(78)}`);
        drawn = true;
        return;
      }
      const tenth = total === undefined || total === 0 ? Math.floor(done / 1e9) : Math.floor((done / total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(text + '\n');
      }
    },
    finish() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}

export function describeProgress(done: number, total: number | undefined, bytesPerSecond?: number): string {
  const parts: string[] = [];
  if (total !== undefined && total > 0) parts.push(`${Math.floor((done / total) * 100).toString().padStart(3)}%`);
  parts.push(total === undefined ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(total)}`);
  if (bytesPerSecond !== undefined && bytesPerSecond > 0) {
    parts.push(`${formatBytes(bytesPerSecond)}/s`);
    if (total !== undefined && total > done) parts.push(`ETA ${formatDuration((total - done) / bytesPerSecond)}`);
  }
  return parts.join('  ');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit] ?? ''}`;
}

function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
