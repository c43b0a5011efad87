import { ConcurrencyError } from './errors.js';
import { ReleaseOnce, type Releaser } from './lock.js';
import { type WaitOptions, abortErrorFor, checkCount, normalizeWait, timeoutErrorFor } from './options.js';
import { WaitQueue } from './wait-queue.js';

/**
 * A counter of permits for async code (Python's `threading.Semaphore`): `acquire()` takes one,
 * waiting first come, first served while none is left; `release()` gives one back.
 *
 * @example
 * const auditors = new Semaphore(5);
 * await auditors.acquire();
 * try { await audit(); } finally { auditors.release(); }
 */
export class Semaphore {
  #value: number;
  readonly #waiters = new WaitQueue<void>();

  /** @param value Initial number of permits. @default 1 */
  constructor(value = 1) {
    this.#value = checkCount(value, 'Semaphore', 'value', 0);
  }

  /** Permits available right now. */
  get value(): number {
    return this.#value;
  }

  /** Number of callers waiting in `acquire()`. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Takes one permit, waiting while none is free. Resolves to a `Releaser` that gives the permit
   * back once (also via `using`); calling `release()` on the semaphore works too, as in Python.
   * Rejects with `TimeoutError` / `AbortError`; a caller that gave up never takes a permit later.
   */
  acquire(options?: WaitOptions): Promise<Releaser> {
    const o = normalizeWait(options, `${this.constructor.name}.acquire`);
    if (o.signal?.aborted) return Promise.reject(abortErrorFor(o.signal, 'Semaphore.acquire'));
    if (this.#value > 0 && this.#waiters.size === 0) {
      this.#value--;
      return Promise.resolve(new ReleaseOnce(this));
    }
    if (o.timeout === 0) return Promise.reject(timeoutErrorFor(0, 'Semaphore.acquire'));
    return this.#waiters.park(o, 'Semaphore.acquire').then(() => new ReleaseOnce(this));
  }

  /** Takes a permit if one is free right now (Python's `acquire(blocking=False)`). */
  tryAcquire(): boolean {
    if (this.#value > 0 && this.#waiters.size === 0) {
      this.#value--;
      return true;
    }
    return false;
  }

  /** Gives `n` permits back, waking up to `n` waiters. @param n @default 1 */
  release(n = 1): void {
    checkCount(n, 'Semaphore.release', 'n');
    for (let i = 0; i < n; i++) {
      // A permit goes straight to the oldest waiter, so nobody can overtake it.
      if (!this.#waiters.wakeOne(undefined)) this.#value++;
    }
  }

  /** Runs `fn` holding one permit. */
  async runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    await this.acquire(options);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/**
 * A `Semaphore` that refuses to grow past its initial value: a `release()` without a matching
 * `acquire()` throws `OVER_RELEASE` instead of silently adding a permit.
 */
export class BoundedSemaphore extends Semaphore {
  readonly #max: number;

  /** @param value Initial and maximum number of permits. @default 1 */
  constructor(value = 1) {
    super(value);
    this.#max = value;
  }

  /** The bound: the initial number of permits. */
  get max(): number {
    return this.#max;
  }

  override release(n = 1): void {
    checkCount(n, 'BoundedSemaphore.release', 'n');
    if (this.value + n > this.#max) {
      throw new ConcurrencyError(
        'OVER_RELEASE',
        `BoundedSemaphore.release: releasing ${n} would exceed the bound of ${this.#max}`,
      );
    }
    super.release(n);
  }
}
