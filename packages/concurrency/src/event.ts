import { type WaitOptions, abortErrorFor, normalizeWait } from './options.js';
import { WaitQueue } from './wait-queue.js';

/**
 * A flag tasks can wait on (Python's `threading.Event`): `set()` wakes every waiter, `clear()`
 * resets it. Typical use: hold a crowd of tasks at the start line and release them at once.
 *
 * @example
 * const go = new Event();
 * const runners = names.map(async (n) => { await go.wait(); return run(n); });
 * go.set();
 */
export class Event {
  #flag = false;
  readonly #waiters = new WaitQueue<boolean>();

  /** True once `set()` was called and `clear()` was not called since. */
  isSet(): boolean {
    return this.#flag;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    this.#flag = true;
    this.#waiters.wakeAll(true);
  }

  /** Resets the flag; later `wait()` calls wait again. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Resolves `true` when the flag is (or becomes) set, `false` when `timeout` ms pass first
   * (Python's return value). Rejects with `AbortError` when `signal` fires.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    const o = normalizeWait(options, 'Event.wait');
    if (o.signal?.aborted) return Promise.reject(abortErrorFor(o.signal, 'Event.wait'));
    if (this.#flag) return Promise.resolve(true);
    if (o.timeout === 0) return Promise.resolve(false);
    return this.#waiters.park(o, 'Event.wait', () => false);
  }
}
