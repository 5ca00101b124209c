/**
 * A fixed set of slots (llama.cpp context sequences) handed out first come,
 * first served. A released slot goes straight to the oldest waiter, so a new
 * request can never overtake one that is already waiting; a waiter whose
 * signal aborts leaves the queue at once; a full queue refuses instead of
 * growing without bound.
 */
import { NorthstationError } from '../../core/errors.ts';

export interface SlotQueueOptions {
  /** Most requests allowed to wait for a slot; one more is refused with `overloaded`. Default: Infinity. */
  maxWaiting?: number;
}

export const defaultSlotQueueOptions = {
  maxWaiting: Number.POSITIVE_INFINITY,
} as const satisfies SlotQueueOptions;

export interface AcquireOptions<Slot> {
  /** Aborts the wait; the promise then rejects with `aborted`. Default: none. */
  signal?: AbortSignal;
  /** Picks which free slot to take when several are free (e.g. the best cache match). Default: the first. */
  choose?: (free: readonly Slot[]) => Slot;
}

interface Waiter<Slot> {
  choose: (free: readonly Slot[]) => Slot;
  resolve: (slot: Slot) => void;
  reject: (error: NorthstationError) => void;
  detach: () => void;
}

const firstSlot = <Slot>(free: readonly Slot[]): Slot => free[0] as Slot;

export class SlotQueue<Slot> {
  readonly #free: Slot[];
  readonly #waiters: Waiter<Slot>[] = [];
  readonly #maxWaiting: number;
  #closedReason: NorthstationError | undefined;

  constructor(slots: readonly Slot[], options: SlotQueueOptions = {}) {
    if (slots.length === 0) throw new RangeError('a slot queue needs at least one slot');
    this.#free = [...slots];
    this.#maxWaiting = options.maxWaiting ?? defaultSlotQueueOptions.maxWaiting;
  }

  /** Slots not handed out. */
  get freeCount(): number {
    return this.#free.length;
  }

  /** Requests waiting for a slot. */
  get waitingCount(): number {
    return this.#waiters.length;
  }

  /** Resolves with a slot that the caller owns until it calls `release`. */
  acquire(options: AcquireOptions<Slot> = {}): Promise<Slot> {
    const { signal } = options;
    const choose = options.choose ?? firstSlot;
    if (this.#closedReason) return Promise.reject(this.#closedReason);
    if (signal?.aborted) return Promise.reject(abortedWhileWaiting());
    if (this.#waiters.length === 0 && this.#free.length > 0) return Promise.resolve(this.#take(choose));
    if (this.#waiters.length >= this.#maxWaiting) {
      return Promise.reject(
        new NorthstationError('overloaded', `all ${this.#maxWaiting} queue places are taken; try again later`, {
          maxWaiting: this.#maxWaiting,
        }),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = (): void => {
        this.#remove(waiter);
        reject(abortedWhileWaiting());
      };
      const waiter: Waiter<Slot> = {
        choose,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Returns a slot; the oldest waiter, if any, gets it immediately. */
  release(slot: Slot): void {
    this.#free.push(slot);
    const next = this.#waiters.shift();
    if (!next) return;
    next.detach();
    next.resolve(this.#take(next.choose));
  }

  /** Rejects every waiter and every later `acquire` with `reason`; slots already out stay with their owners. */
  close(reason: NorthstationError): void {
    this.#closedReason ??= reason;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.detach();
      waiter.reject(reason);
    }
  }

  #take(choose: (free: readonly Slot[]) => Slot): Slot {
    const chosen = choose(this.#free);
    const index = this.#free.indexOf(chosen);
    // A chooser that returns something else than a free slot is a programming error; fall back to the first.
    return this.#free.splice(index === -1 ? 0 : index, 1)[0] as Slot;
  }

  #remove(waiter: Waiter<Slot>): void {
    const index = this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
  }
}

function abortedWhileWaiting(): NorthstationError {
  return new NorthstationError('aborted', 'the request was aborted while waiting for a free sequence');
}
