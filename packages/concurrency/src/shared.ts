import { ConcurrencyError } from './errors.js';
import { ReleaseOnce, type Releaser } from './lock.js';
import {
  type NormalizedWait,
  type WaitOptions,
  abortErrorFor,
  checkCount,
  normalizeWait,
  timeoutErrorFor,
} from './options.js';

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeout?: number): WaitAsyncResult;
  }
).waitAsync;

// A parked async waiter re-checks at least this often, so a wake-up consumed by a waiter that
// gave up at the same moment is never lost for long.
const SLICE_MS = 100;

function viewOf(buffer: unknown, ints: number, where: string): Int32Array {
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < ints * 4) {
    throw new ConcurrencyError(
      'INVALID_OPTION',
      `${where}: expected a SharedArrayBuffer of at least ${ints * 4} bytes (the \`buffer\` of another ${where})`,
    );
  }
  return new Int32Array(buffer, 0, ints);
}

/**
 * Parks until `view[index]` may have changed from `expected`, the slice ends, the deadline passes
 * or the signal fires. Keeps the event loop alive while parked (Atomics.waitAsync alone does not).
 */
async function park(
  view: Int32Array,
  index: number,
  expected: number,
  o: NormalizedWait,
  deadline: number,
  what: string,
): Promise<void> {
  if (o.signal?.aborted) throw abortErrorFor(o.signal, what);
  const remaining = deadline - performance.now();
  if (remaining <= 0) throw timeoutErrorFor(o.timeout, what);
  const slice = Math.min(remaining, SLICE_MS);
  const result = waitAsync(view, index, expected, slice);
  if (!result.async) return;
  let keepAlive: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let abandoned = false;
  try {
    await new Promise<void>((resolve, reject) => {
      keepAlive = setTimeout(resolve, slice + 5);
      result.value.then(() => resolve());
      if (o.signal) {
        onAbort = () => reject(abortErrorFor(o.signal as AbortSignal, what));
        o.signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  } catch (error) {
    abandoned = true;
    throw error;
  } finally {
    clearTimeout(keepAlive);
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    if (abandoned) {
      // If the wake-up meant for a live waiter lands on this abandoned one, pass it on.
      void result.value.then((v) => {
        if (v === 'ok') Atomics.notify(view, index, 1);
      });
    }
  }
}

function deadlineOf(o: NormalizedWait): number {
  return o.timeout === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : performance.now() + o.timeout;
}

function syncTimeout(timeout: number | undefined, where: string): number {
  return normalizeWait(timeout === undefined ? undefined : { timeout }, where).timeout;
}

/**
 * A mutex that works across worker threads, on a `SharedArrayBuffer` with `Atomics`. Post its
 * `buffer` to workers and wrap it there with `new SharedLock(buffer)`. `acquire()` never blocks the
 * thread (it parks with `Atomics.waitAsync`), so it is safe on the main thread; `acquireSync()`
 * blocks and is meant for workers. Not FIFO across threads.
 *
 * @example
 * const lock = new SharedLock();
 * new Worker(file, { workerData: { lock: lock.buffer } });
 * // in the worker: const lock = new SharedLock(workerData.lock); lock.acquireSync(); ...; lock.release();
 */
export class SharedLock {
  /** The shared memory to post to other threads. */
  readonly buffer: SharedArrayBuffer;
  readonly #state: Int32Array; // 0 free, 1 held, 2 held with (possible) waiters

  /** @param buffer The `buffer` of an existing `SharedLock` (another thread's); omitted: a new lock. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(4);
    this.#state = viewOf(this.buffer, 1, 'SharedLock');
  }

  /** True while some thread holds the lock. */
  get locked(): boolean {
    return Atomics.load(this.#state, 0) !== 0;
  }

  /** Takes the lock if it is free right now. */
  tryAcquire(): Releaser | undefined {
    return Atomics.compareExchange(this.#state, 0, 0, 1) === 0 ? new ReleaseOnce(this) : undefined;
  }

  /** Waits without blocking the thread. Rejects with `TimeoutError` / `AbortError`. */
  async acquire(options?: WaitOptions): Promise<Releaser> {
    const o = normalizeWait(options, 'SharedLock.acquire');
    if (o.signal?.aborted) throw abortErrorFor(o.signal, 'SharedLock.acquire');
    if (Atomics.compareExchange(this.#state, 0, 0, 1) === 0) return new ReleaseOnce(this);
    const deadline = deadlineOf(o);
    while (Atomics.exchange(this.#state, 0, 2) !== 0) {
      await park(this.#state, 0, 2, o, deadline, 'SharedLock.acquire');
    }
    return new ReleaseOnce(this);
  }

  /** Blocks the thread until the lock is free (for workers). Throws `TimeoutError` after `timeout` ms. */
  acquireSync(timeout?: number): Releaser {
    const limit = syncTimeout(timeout, 'SharedLock.acquireSync');
    if (Atomics.compareExchange(this.#state, 0, 0, 1) === 0) return new ReleaseOnce(this);
    const deadline = performance.now() + limit;
    while (Atomics.exchange(this.#state, 0, 2) !== 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timeoutErrorFor(limit, 'SharedLock.acquireSync');
      Atomics.wait(this.#state, 0, 2, remaining);
    }
    return new ReleaseOnce(this);
  }

  /** Releases the lock (any thread may). Throws `NOT_LOCKED` when it is free. */
  release(): void {
    const previous = Atomics.sub(this.#state, 0, 1);
    if (previous === 1) return;
    if (previous === 0) {
      Atomics.add(this.#state, 0, 1);
      throw new ConcurrencyError('NOT_LOCKED', 'SharedLock.release: the lock is not held');
    }
    Atomics.store(this.#state, 0, 0);
    Atomics.notify(this.#state, 0, 1);
  }

  /** Runs `fn` holding the lock. */
  async runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    const hold = await this.acquire(options);
    try {
      return await fn();
    } finally {
      hold.release();
    }
  }
}

/**
 * A counting semaphore shared by threads (`SharedArrayBuffer` + `Atomics`). With `bounded`,
 * releasing beyond the initial value throws `OVER_RELEASE`.
 *
 * @example
 * const sem = new SharedSemaphore(2);
 * // worker: const sem = new SharedSemaphore(workerData.sem); sem.acquireSync(); try { ... } finally { sem.release(); }
 */
export class SharedSemaphore {
  /** The shared memory to post to other threads. */
  readonly buffer: SharedArrayBuffer;
  readonly #view: Int32Array; // [permits, bound (0 = unbounded)]

  /**
   * @param valueOrBuffer Initial permits for a new semaphore, or the `buffer` of an existing one.
   * @param options `bounded`: refuse to grow past the initial value. @default false
   */
  constructor(valueOrBuffer: number | SharedArrayBuffer = 1, options: { bounded?: boolean } = {}) {
    if (typeof valueOrBuffer === 'number') {
      const value = checkCount(valueOrBuffer, 'SharedSemaphore', 'value', 0);
      this.buffer = new SharedArrayBuffer(8);
      this.#view = new Int32Array(this.buffer);
      this.#view[0] = value;
      this.#view[1] = options.bounded ? value : -1;
    } else {
      this.buffer = valueOrBuffer;
      this.#view = viewOf(valueOrBuffer, 2, 'SharedSemaphore');
    }
  }

  /** Permits available right now. */
  get value(): number {
    return Atomics.load(this.#view, 0);
  }

  /** Takes a permit if one is free right now. */
  tryAcquire(): boolean {
    for (;;) {
      const v = Atomics.load(this.#view, 0);
      if (v <= 0) return false;
      if (Atomics.compareExchange(this.#view, 0, v, v - 1) === v) return true;
    }
  }

  /** Takes a permit without blocking the thread. Rejects with `TimeoutError` / `AbortError`. */
  async acquire(options?: WaitOptions): Promise<void> {
    const o = normalizeWait(options, 'SharedSemaphore.acquire');
    if (o.signal?.aborted) throw abortErrorFor(o.signal, 'SharedSemaphore.acquire');
    const deadline = deadlineOf(o);
    while (!this.tryAcquire()) await park(this.#view, 0, 0, o, deadline, 'SharedSemaphore.acquire');
  }

  /** Blocks the thread until a permit is free (for workers). */
  acquireSync(timeout?: number): void {
    const limit = syncTimeout(timeout, 'SharedSemaphore.acquireSync');
    const deadline = performance.now() + limit;
    while (!this.tryAcquire()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timeoutErrorFor(limit, 'SharedSemaphore.acquireSync');
      Atomics.wait(this.#view, 0, 0, remaining);
    }
  }

  /** Gives `n` permits back and wakes up to `n` waiters. @param n @default 1 */
  release(n = 1): void {
    checkCount(n, 'SharedSemaphore.release', 'n');
    const bound = Atomics.load(this.#view, 1);
    for (;;) {
      const v = Atomics.load(this.#view, 0);
      if (bound >= 0 && v + n > bound) {
        throw new ConcurrencyError(
          'OVER_RELEASE',
          `SharedSemaphore.release: would exceed the bound of ${bound}`,
        );
      }
      if (Atomics.compareExchange(this.#view, 0, v, v + n) === v) break;
    }
    Atomics.notify(this.#view, 0, n);
  }
}

/**
 * An `Event` shared by threads: `set()` in one thread wakes `wait()`ers in all of them.
 *
 * @example
 * const go = new SharedEvent();
 * // worker: new SharedEvent(workerData.go).waitSync(); start();
 * go.set();
 */
export class SharedEvent {
  /** The shared memory to post to other threads. */
  readonly buffer: SharedArrayBuffer;
  readonly #flag: Int32Array;

  /** @param buffer The `buffer` of an existing `SharedEvent`; omitted: a new, cleared event. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(4);
    this.#flag = viewOf(this.buffer, 1, 'SharedEvent');
  }

  /** True while set. */
  isSet(): boolean {
    return Atomics.load(this.#flag, 0) === 1;
  }

  /** Sets the flag and wakes every waiter in every thread. */
  set(): void {
    Atomics.store(this.#flag, 0, 1);
    Atomics.notify(this.#flag, 0);
  }

  /** Clears the flag. */
  clear(): void {
    Atomics.store(this.#flag, 0, 0);
  }

  /** Resolves `true` once set, `false` after `timeout` ms; never blocks the thread. Rejects with `AbortError`. */
  async wait(options?: WaitOptions): Promise<boolean> {
    const o = normalizeWait(options, 'SharedEvent.wait');
    if (o.signal?.aborted) throw abortErrorFor(o.signal, 'SharedEvent.wait');
    const deadline = deadlineOf(o);
    while (!this.isSet()) {
      try {
        await park(this.#flag, 0, 0, o, deadline, 'SharedEvent.wait');
      } catch (error) {
        if (error instanceof ConcurrencyError && error.code === 'TIMEOUT') return this.isSet();
        throw error;
      }
    }
    return true;
  }

  /** Blocks the thread until set (`true`) or `timeout` ms pass (`false`). */
  waitSync(timeout?: number): boolean {
    const limit = syncTimeout(timeout, 'SharedEvent.waitSync');
    const deadline = performance.now() + limit;
    while (!this.isSet()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.#flag, 0, 0, remaining);
    }
    return true;
  }
}
