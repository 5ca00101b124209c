/**
 * Memory bandwidth as decode sees it: decoding one token streams every weight
 * from RAM once, so tok/s × weight bytes per token ÷ bandwidth says how close
 * the engine runs to the machine's limit. Measured with large buffer copies
 * (memmove reads and writes each byte once), the best of several passes.
 */
export function measureCopyBandwidth(bytes = 512 * 1024 * 1024, passes = 5): { bytesPerSecond: number } {
  const source = Buffer.alloc(bytes, 1);
  const target = Buffer.alloc(bytes);
  source.copy(target); // first touch: page faults are not bandwidth
  let best = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    source.copy(target);
    best = Math.min(best, performance.now() - started);
  }
  // Each copied byte is read once and written once.
  return { bytesPerSecond: (2 * bytes) / (best / 1000) };
}
