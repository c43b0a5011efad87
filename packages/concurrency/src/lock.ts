import { type TaskContext, newContext, taskStorage } from './context.js';
import { ConcurrencyError } from './errors.js';
import { type WaitOptions, abortErrorFor, normalizeWait, timeoutErrorFor } from './options.js';
import { WaitQueue } from './wait-queue.js';

/** What `acquire()` resolves to: call `release()` once, or let `using` do it. Releasing twice is a no-op. */
export interface Releaser extends Disposable {
  /** Gives the lock (or one level of an `RLock`) back. Later calls do nothing. */
  release(): void;
}

/** @internal A `Releaser` that calls `owner.release()` the first time only. */
export class ReleaseOnce implements Releaser {
  #done = false;
  constructor(private readonly owner: { release(): void }) {}
  release(): void {
    if (this.#done) return;
    this.#done = true;
    this.owner.release();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/** @internal Lets `Condition` release a lock fully and take it back with the same holder. */
export const kSave: unique symbol = Symbol('cb.concurrency.save');
/** @internal */
export const kRestore: unique symbol = Symbol('cb.concurrency.restore');
/** @internal */
export const kOwned: unique symbol = Symbol('cb.concurrency.owned');

/** @internal The lock protocol `Condition` relies on. */
export interface ConditionLock {
  acquire(options?: WaitOptions): Promise<Releaser>;
  readonly locked: boolean;
  [kOwned](): void;
  [kSave](): unknown;
  [kRestore](state: unknown): Promise<void>;
}

class LockHold implements Releaser {
  done = false;
  constructor(readonly lock: Lock) {}
  release(): void {
    if (this.done) return;
    this.done = true;
    this.lock[kSave](this);
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * A mutual-exclusion lock for async code on one event loop: the read-await-write of shared state
 * inside it never interleaves with another holder's. Waiters are served first come, first served,
 * and a waiter that timed out or was aborted never acquires later.
 *
 * @example
 * const lock = new Lock();
 * async function deposit(n: number) {
 *   using _held = await lock.acquire();
 *   const balance = await readBalance();
 *   await writeBalance(balance + n);
 * }
 */
export class Lock implements ConditionLock {
  #holder: LockHold | undefined;
  readonly #waiters = new WaitQueue<LockHold>();

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this.#holder !== undefined;
  }

  /** Number of callers waiting in `acquire()`. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Waits for the lock and resolves to its `Releaser`. Rejects with `TimeoutError` (`TIMEOUT`) after
   * `timeout` ms or `AbortError` (`ABORTED`) when `signal` fires; such a caller is never granted the lock.
   */
  acquire(options?: WaitOptions): Promise<Releaser> {
    const o = normalizeWait(options, 'Lock.acquire');
    if (o.signal?.aborted) return Promise.reject(abortErrorFor(o.signal, 'Lock.acquire'));
    if (this.#holder === undefined) return Promise.resolve(this.#take());
    if (o.timeout === 0) return Promise.reject(timeoutErrorFor(0, 'Lock.acquire'));
    return this.#waiters.park(o, 'Lock.acquire');
  }

  /** Takes the lock if it is free right now (Python's `acquire(blocking=False)`); else `undefined`. */
  tryAcquire(): Releaser | undefined {
    return this.#holder === undefined ? this.#take() : undefined;
  }

  #take(): LockHold {
    const hold = new LockHold(this);
    this.#holder = hold;
    return hold;
  }

  /**
   * Releases the lock whoever holds it, like Python's `Lock.release()`. Throws `NOT_LOCKED` when
   * the lock is free. Prefer the `Releaser` from `acquire()`.
   */
  release(): void {
    const hold = this.#holder;
    if (!hold) throw new ConcurrencyError('NOT_LOCKED', 'Lock.release: the lock is not held');
    hold.release();
  }

  /** Runs `fn` while holding the lock and releases it however `fn` ends. */
  async runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    const hold = await this.acquire(options);
    try {
      return await fn();
    } finally {
      hold.release();
    }
  }

  /** @internal Releases `hold` (the current holder, or the current holder when omitted) and hands off. */
  [kSave](hold?: unknown): LockHold {
    const current = this.#holder;
    if (!current || (hold !== undefined && hold !== current)) return current as LockHold;
    current.done = true;
    // The queue holds live waiters only, so a non-empty queue always has someone to hand off to.
    const next = this.#waiters.size > 0 ? new LockHold(this) : undefined;
    this.#holder = next;
    if (next) this.#waiters.wakeOne(next);
    return current;
  }

  /** @internal Waits for the lock and reinstates `state` (a previous holder) as the holder. */
  async [kRestore](state: unknown): Promise<void> {
    await this.acquire();
    const hold = state as LockHold;
    hold.done = false;
    this.#holder = hold;
  }

  /** @internal */
  [kOwned](): void {
    if (!this.#holder) throw new ConcurrencyError('NOT_LOCKED', 'the lock must be held for this call');
  }
}

class RLockHold implements Releaser {
  done = false;
  constructor(readonly lock: RLock) {}
  release(): void {
    if (this.done) return;
    this.done = true;
    this.lock[kSave](1);
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

const HANDOFF = Object.freeze({});

/**
 * A re-entrant lock: the async call chain that holds it may acquire it again, and must release it
 * as many times. The chain is identified by its task scope (AsyncLocalStorage): the scope
 * `runTask()` or `rlock.runExclusive()` creates. Outside any scope every `acquire()` is a new
 * owner, so re-entrance needs one of those scopes. `rlock.release()` from a chain that does not
 * own the lock throws `NOT_OWNER`.
 *
 * @example
 * const rlock = new RLock();
 * await rlock.runExclusive(async () => {
 *   await rlock.runExclusive(async () => { ... }); // same chain: does not deadlock
 * });
 */
export class RLock implements ConditionLock {
  #owner: object | undefined;
  #count = 0;
  readonly #waiters = new WaitQueue<void>();

  /** True while some chain holds the lock. */
  get locked(): boolean {
    return this.#owner !== undefined;
  }

  /** How many times the owner holds it (0 when free). */
  get depth(): number {
    return this.#count;
  }

  /** True when the current task scope owns the lock. */
  get ownedByCurrentTask(): boolean {
    const me = taskStorage.getStore();
    return me !== undefined && this.#owner === me;
  }

  /** Acquires the lock, or one more level of it when the current task scope already owns it. */
  acquire(options?: WaitOptions): Promise<Releaser> {
    const o = normalizeWait(options, 'RLock.acquire');
    if (o.signal?.aborted) return Promise.reject(abortErrorFor(o.signal, 'RLock.acquire'));
    const me: object = taskStorage.getStore() ?? {};
    if (this.#owner === me) {
      this.#count++;
      return Promise.resolve(new RLockHold(this));
    }
    if (this.#owner === undefined) {
      this.#owner = me;
      this.#count = 1;
      return Promise.resolve(new RLockHold(this));
    }
    if (o.timeout === 0) return Promise.reject(timeoutErrorFor(0, 'RLock.acquire'));
    return this.#waiters.park(o, 'RLock.acquire').then(() => {
      this.#owner = me;
      this.#count = 1;
      return new RLockHold(this);
    });
  }

  /** Releases one level. Throws `NOT_OWNER` unless the current task scope owns the lock. */
  release(): void {
    const me = taskStorage.getStore();
    if (this.#owner === undefined)
      throw new ConcurrencyError('NOT_LOCKED', 'RLock.release: the lock is not held');
    if (me === undefined || this.#owner !== me) {
      throw new ConcurrencyError('NOT_OWNER', 'RLock.release: the current task does not own this lock');
    }
    this[kSave](1);
  }

  /**
   * Runs `fn` holding the lock. When the current scope does not own it yet, `fn` runs in a new
   * task scope (same task name and `local()` values) that owns it, so nested calls re-enter.
   */
  async runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<Awaited<R>> {
    const me = taskStorage.getStore();
    if (me !== undefined && this.#owner === me) {
      const hold = await this.acquire(options);
      try {
        return await fn();
      } finally {
        hold.release();
      }
    }
    const scope: TaskContext = newContext(me?.name, me ?? null);
    return taskStorage.run(scope, async (): Promise<Awaited<R>> => {
      const hold = await this.acquire(options);
      try {
        return await fn();
      } finally {
        hold.release();
      }
    });
  }

  /** @internal Releases `levels` levels (all of them when omitted) and returns what `kRestore` needs. */
  [kSave](levels?: number): { owner: object; count: number } {
    const saved = { owner: this.#owner as object, count: this.#count };
    this.#count -= levels ?? this.#count;
    if (this.#count > 0) return saved;
    this.#count = 0;
    this.#owner = this.#waiters.wakeOne(undefined) ? HANDOFF : undefined;
    return saved;
  }

  /** @internal */
  async [kRestore](state: unknown): Promise<void> {
    const { owner, count } = state as { owner: object; count: number };
    if (this.#owner === undefined) {
      this.#owner = owner;
      this.#count = count;
      return;
    }
    await this.#waiters.park(normalizeWait(undefined, 'RLock'), 'RLock.acquire');
    this.#owner = owner;
    this.#count = count;
  }

  /** @internal */
  [kOwned](): void {
    const me = taskStorage.getStore();
    if (me === undefined || this.#owner !== me) {
      throw new ConcurrencyError('NOT_OWNER', 'the current task must own the RLock for this call');
    }
  }
}
