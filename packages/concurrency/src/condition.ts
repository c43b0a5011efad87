import { type ConditionLock, Lock, type RLock, type Releaser, kOwned, kRestore, kSave } from './lock.js';
import { type WaitOptions, abortErrorFor, checkCount, normalizeWait } from './options.js';
import { WaitQueue } from './wait-queue.js';

/**
 * A condition variable over a `Lock` or `RLock` (Python's `threading.Condition`). Hold the lock,
 * then `wait()` releases it until another task calls `notify()`, and takes it back before returning.
 *
 * @example
 * const cond = new Condition();
 * // consumer
 * await cond.runExclusive(async () => { await cond.waitFor(() => queue.length > 0); use(queue.shift()); });
 * // producer
 * await cond.runExclusive(() => { queue.push(item); cond.notify(); });
 */
export class Condition {
  /** The lock this condition releases while waiting. */
  readonly lock: Lock | RLock;
  readonly #waiters = new WaitQueue<boolean>();

  /** @param lock The lock to use. @default a new `Lock` */
  constructor(lock?: Lock | RLock) {
    if (lock !== undefined && !(typeof (lock as ConditionLock)[kSave] === 'function')) {
      throw new TypeError('Condition: `lock` must be a Lock or an RLock from @cb/concurrency');
    }
    this.lock = lock ?? new Lock();
  }

  /** Acquires the underlying lock. */
  acquire(options?: WaitOptions): Promise<Releaser> {
    return this.lock.acquire(options);
  }

  /** Runs `fn` holding the underlying lock. */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    return this.lock.runExclusive(fn, options);
  }

  /**
   * Releases the lock, waits for `notify()`, takes the lock back. Resolves `true` when notified,
   * `false` on timeout; rejects with `AbortError` on abort (after the lock is held again in every
   * case). The lock must be held (`NOT_LOCKED` / `NOT_OWNER` otherwise).
   */
  async wait(options?: WaitOptions): Promise<boolean> {
    const o = normalizeWait(options, 'Condition.wait');
    const lock = this.lock as ConditionLock;
    lock[kOwned]();
    if (o.signal?.aborted) throw abortErrorFor(o.signal, 'Condition.wait');
    const woken = this.#waiters.park(o, 'Condition.wait', () => false);
    const state = lock[kSave]();
    let result = false;
    let failure: unknown;
    let failed = false;
    try {
      result = await woken;
    } catch (error) {
      failed = true;
      failure = error;
    }
    await lock[kRestore](state);
    if (failed) throw failure;
    return result;
  }

  /**
   * Waits until `predicate()` is truthy and returns its last value (falsy only after `timeout`).
   * The timeout covers the whole wait, not each wake-up.
   */
  async waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    const o = normalizeWait(options, 'Condition.waitFor');
    const deadline = performance.now() + o.timeout;
    let value = predicate();
    while (!value) {
      const remaining = Math.max(0, deadline - performance.now());
      if (o.timeout !== Number.POSITIVE_INFINITY && remaining <= 0) return value;
      await this.wait({
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.timeout === Number.POSITIVE_INFINITY ? {} : { timeout: remaining }),
      });
      value = predicate();
    }
    return value;
  }

  /** Wakes up to `n` waiters. The lock must be held. @param n @default 1 */
  notify(n = 1): void {
    checkCount(n, 'Condition.notify', 'n', 0);
    (this.lock as ConditionLock)[kOwned]();
    for (let i = 0; i < n; i++) if (!this.#waiters.wakeOne(true)) break;
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    (this.lock as ConditionLock)[kOwned]();
    this.#waiters.wakeAll(true);
  }
}
