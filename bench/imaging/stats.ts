/** Small helpers shared by the imaging benchmark's parts. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** One aligned line: label, then value. */
export function report(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(56)} ${value}\n`);
}

export function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}
