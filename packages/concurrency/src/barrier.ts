import { BrokenBarrierError } from './errors.js';
import { type NormalizedWait, checkCount, checkKeys, checkSignal, checkTimeout } from './options.js';

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /** Runs once per generation, by the last party to arrive, before anyone is released. */
  action?: () => void;
  /** Default timeout of `wait()` in ms; a party that times out breaks the barrier. @default Infinity */
  timeout?: number;
}

/** Options of `barrier.wait()`. */
export interface BarrierWaitOptions {
  /** Overrides the barrier's default timeout. A timeout breaks the barrier for every party. */
  timeout?: number;
  /** Aborting one party breaks the barrier for every party, like a timeout. */
  signal?: AbortSignal;
}

interface Party {
  resolve: (index: number) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

const BARRIER_KEYS = new Set(['action', 'timeout']);
const WAIT_KEYS = new Set(['timeout', 'signal']);

/**
 * A meeting point for a fixed number of tasks (Python's `threading.Barrier`): each `wait()` blocks
 * until `parties` tasks are waiting, then all are released together and the barrier resets for
 * the next round. `abort()`, a timeout or an aborted signal break it: every waiter, present and
 * future, rejects with `BrokenBarrierError` until `reset()`.
 *
 * @example
 * const start = new Barrier(3);
 * await Promise.all([0, 1, 2].map(async (i) => { await setup(i); await start.wait(); go(i); }));
 */
export class Barrier {
  readonly #parties: number;
  readonly #action: (() => void) | undefined;
  readonly #timeout: number;
  #waiting: Party[] = [];
  #broken = false;

  constructor(parties: number, options: BarrierOptions = {}) {
    this.#parties = checkCount(parties, 'Barrier', 'parties');
    if (options === null || typeof options !== 'object')
      throw new TypeError('Barrier: options must be an object');
    checkKeys(options, BARRIER_KEYS, 'Barrier');
    if (options.action !== undefined && typeof options.action !== 'function') {
      throw new TypeError('Barrier: `action` must be a function');
    }
    this.#action = options.action;
    this.#timeout = checkTimeout(options.timeout, 'Barrier');
  }

  /** Number of parties needed to trip the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** Number of parties waiting right now. */
  get nWaiting(): number {
    return this.#waiting.length;
  }

  /** True after `abort()` or a timeout, until `reset()`. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Waits for the other parties. Resolves with this party's arrival index, `0` to `parties - 1`
   * (Python's return value). Rejects with `BrokenBarrierError` (`BROKEN_BARRIER`).
   */
  wait(options: BarrierWaitOptions = {}): Promise<number> {
    checkKeys(options, WAIT_KEYS, 'Barrier.wait');
    const o: NormalizedWait = {
      signal: checkSignal(options.signal, 'Barrier.wait'),
      timeout: options.timeout === undefined ? this.#timeout : checkTimeout(options.timeout, 'Barrier.wait'),
    };
    if (this.#broken) return Promise.reject(new BrokenBarrierError('Barrier.wait: the barrier is broken'));
    if (o.signal?.aborted) {
      this.abort();
      return Promise.reject(new BrokenBarrierError('Barrier.wait: aborted', { cause: o.signal.reason }));
    }
    const index = this.#waiting.length;
    if (index + 1 === this.#parties) return this.#trip(index);
    return new Promise<number>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.#break(new BrokenBarrierError('Barrier.wait: aborted', { cause: o.signal?.reason }));
      };
      const party: Party = {
        resolve,
        reject,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
        },
      };
      this.#waiting.push(party);
      if (o.timeout !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          this.#break(new BrokenBarrierError(`Barrier.wait: timed out after ${o.timeout} ms`));
        }, o.timeout);
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Breaks the barrier: every waiter rejects with `BrokenBarrierError`, and so do later waits. */
  abort(): void {
    this.#break();
  }

  /** Rejects the current waiters with `BrokenBarrierError` and makes the barrier usable again. */
  reset(): void {
    this.#break(new BrokenBarrierError('Barrier.wait: the barrier was reset'));
    this.#broken = false;
  }

  #trip(lastIndex: number): Promise<number> {
    if (this.#action) {
      try {
        this.#action();
      } catch (error) {
        this.#break(new BrokenBarrierError('Barrier: the action failed', { cause: error }));
        return Promise.reject(new BrokenBarrierError('Barrier: the action failed', { cause: error }));
      }
    }
    const released = this.#waiting;
    this.#waiting = [];
    released.forEach((party, i) => {
      party.cleanup();
      party.resolve(i);
    });
    return Promise.resolve(lastIndex);
  }

  #break(first?: BrokenBarrierError): void {
    this.#broken = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    waiting.forEach((party, i) => {
      party.cleanup();
      party.reject(
        i === 0 && first
          ? first
          : new BrokenBarrierError(first?.message ?? 'Barrier.wait: the barrier was aborted'),
      );
    });
  }
}
