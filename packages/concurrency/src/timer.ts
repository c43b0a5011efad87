import { ConcurrencyError } from './errors.js';
import { Event } from './event.js';
import { checkKeys, checkTimeout } from './options.js';

/** Options of `new Timer(delayMs, fn, options)`. */
export interface TimerOptions {
  /** Do not keep the process alive while waiting (a daemon timer). Same as calling `unref()`. @default false */
  unref?: boolean;
}

const TIMER_KEYS = new Set(['unref']);

/**
 * Runs `fn` once after `delayMs` unless cancelled first (Python's `threading.Timer`). `finished`
 * is an `Event` set when `fn` has finished or the timer was cancelled; `join()` waits for that and
 * resolves to `fn`'s result (`undefined` when cancelled).
 *
 * If `fn` throws and nobody called `join()`, the error is raised as an uncaught exception, as a
 * throwing `setTimeout` callback would be: errors are never swallowed.
 *
 * @example
 * const t = new Timer(1000, () => console.log('hello')).start();
 * t.cancel(); // nothing is printed, nothing keeps the process alive
 */
export class Timer<R = unknown> {
  /** Set once `fn` has finished (or failed) or the timer was cancelled. */
  readonly finished: Event = new Event();
  readonly #delay: number;
  readonly #fn: () => R | PromiseLike<R>;
  #handle: ReturnType<typeof setTimeout> | undefined;
  #refed: boolean;
  #state: 'new' | 'waiting' | 'running' | 'done' | 'cancelled' = 'new';
  #joined = false;
  #result: { ok: true; value: R | undefined } | { ok: false; error: unknown } | undefined;
  readonly #joiners: Array<
    (settle: { ok: true; value: R | undefined } | { ok: false; error: unknown }) => void
  > = [];

  constructor(delayMs: number, fn: () => R | PromiseLike<R>, options: TimerOptions = {}) {
    this.#delay = checkTimeout(delayMs, 'Timer', 'delayMs');
    if (!Number.isFinite(this.#delay)) {
      throw new ConcurrencyError('INVALID_OPTION', 'Timer: `delayMs` must be finite');
    }
    if (typeof fn !== 'function') throw new TypeError('Timer: `fn` must be a function');
    if (options === null || typeof options !== 'object')
      throw new TypeError('Timer: options must be an object');
    checkKeys(options, TIMER_KEYS, 'Timer');
    this.#fn = fn;
    this.#refed = !options.unref;
  }

  /** `'new'`, `'waiting'`, `'running'`, `'done'` or `'cancelled'`. */
  get state(): 'new' | 'waiting' | 'running' | 'done' | 'cancelled' {
    return this.#state;
  }

  /** Starts the countdown. A timer starts once: a second call throws `ALREADY_STARTED`. */
  start(): this {
    if (this.#state !== 'new') {
      throw new ConcurrencyError('ALREADY_STARTED', 'Timer.start: a timer can only be started once');
    }
    this.#state = 'waiting';
    this.#handle = setTimeout(() => this.#fire(), this.#delay);
    if (!this.#refed) this.#handle.unref();
    return this;
  }

  /** Stops the timer if `fn` has not started yet; `finished` is set and `join()` resolves `undefined`. */
  cancel(): void {
    if (this.#state !== 'new' && this.#state !== 'waiting') return;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#state = 'cancelled';
    this.#settle({ ok: true, value: undefined });
  }

  /** Lets the process exit while this timer waits (daemon timer). */
  unref(): this {
    this.#refed = false;
    this.#handle?.unref();
    return this;
  }

  /** Undoes `unref()`. */
  ref(): this {
    this.#refed = true;
    this.#handle?.ref();
    return this;
  }

  /** Waits until `fn` finished (its result) or the timer was cancelled (`undefined`); rejects if `fn` failed. */
  join(): Promise<R | undefined> {
    this.#joined = true;
    return new Promise((resolve, reject) => {
      const deliver = (r: { ok: true; value: R | undefined } | { ok: false; error: unknown }) =>
        r.ok ? resolve(r.value) : reject(r.error);
      if (this.#result) deliver(this.#result);
      else this.#joiners.push(deliver);
    });
  }

  async #fire(): Promise<void> {
    this.#handle = undefined;
    this.#state = 'running';
    let outcome: { ok: true; value: R } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await this.#fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.#state = 'done';
    this.#settle(outcome);
    if (!outcome.ok && !this.#joined) {
      const { error } = outcome;
      process.nextTick(() => {
        throw error;
      });
    }
  }

  #settle(r: { ok: true; value: R | undefined } | { ok: false; error: unknown }): void {
    this.#result = r;
    this.finished.set();
    for (const deliver of this.#joiners.splice(0)) deliver(r);
  }
}
