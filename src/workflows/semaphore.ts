/** A counting semaphore with a FIFO wait list; a waiter whose signal aborts leaves the list at once. */
import { NorthstationError } from '../core/errors.ts';

export class Semaphore {
  #free: number;
  readonly #waiting: { grant: () => void }[] = [];

  constructor(permits: number) {
    if (!Number.isSafeInteger(permits) || permits < 1) throw new NorthstationError('config_invalid', 'concurrency must be a positive integer', { permits });
    this.#free = permits;
  }

  /** Resolves with a release function once a permit is free. */
  acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    const release = once(() => {
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#free++;
    });
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(new NorthstationError('aborted', 'the request was aborted while waiting for its turn'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
