/**
 * Memory bandwidth as decode sees it: decoding one token streams every weight
 * from RAM once, so tok/s × weight bytes per token ÷ bandwidth says how close
 * decoding runs to the machine's limit. Measured with large buffer copies on
 * as many threads as decoding uses (memmove reads and writes each byte once),
 * best of several passes.
 */
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, passes, start } = workerData;
const source = Buffer.alloc(bytes, 1);
const target = Buffer.alloc(bytes);
source.copy(target); // first touch: page faults are not bandwidth
const view = new Int32Array(start);
Atomics.add(view, 0, 1);
while (Atomics.load(view, 1) === 0) {} // all threads copy at the same time
const times = [];
for (let pass = 0; pass < passes; pass++) {
  const t0 = performance.now();
  source.copy(target);
  times.push(performance.now() - t0);
}
parentPort.postMessage(times);
`;

export async function measureCopyBandwidth(threads: number, bytesPerThread = 256 * 1024 * 1024, passes = 6): Promise<{ bytesPerSecond: number }> {
  const start = new SharedArrayBuffer(8);
  const view = new Int32Array(start);
  const workers = Array.from({ length: threads }, () => new Worker(workerSource, { eval: true, workerData: { bytes: bytesPerThread, passes, start } }));
  const results = workers.map((worker) => new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }));
  while (Atomics.load(view, 0) < threads) await new Promise((resolve) => setTimeout(resolve, 5));
  Atomics.store(view, 1, 1);
  const times = await Promise.all(results);
  await Promise.all(workers.map((worker) => worker.terminate()));
  // Per pass, the slowest thread bounds the aggregate; take the best such pass.
  const slowestPerPass = Array.from({ length: passes }, (_, pass) => Math.max(...times.map((t) => t[pass] ?? Infinity)));
  const best = Math.min(...slowestPerPass);
  return { bytesPerSecond: (2 * bytesPerThread * threads) / (best / 1000) };
}
