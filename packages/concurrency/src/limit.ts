import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import Queue from 'yocto-queue';
import { AbortError } from './errors.js';
import { abortErrorFor, checkCount, checkKeys, checkSignal } from './options.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * p-limit's `rejectOnClear` rejects every cleared call with one shared error, made inside its
 * synchronous `clearQueue()` by `AbortSignal.abort()`. `clearedBy` maps that instance to the
 * reason given to our `clearQueue(reason)`, so each call can swap it for an `AbortError` of its own.
 */
const clearedBy = new WeakMap<object, { readonly reason: unknown }>();

/** Runs p-limit's `clearQueue()` and returns the error instance it rejected the queue with. */
function clearAndCapture(clear: () => void): unknown {
  const abort = AbortSignal.abort;
  let made: unknown;
  // Synchronous and restored in `finally`: no other code can observe the wrapper.
  AbortSignal.abort = function capture(this: typeof AbortSignal, reason?: unknown) {
    const signal = abort.call(this, reason);
    made ??= signal.reason;
    return signal;
  } as typeof AbortSignal.abort;
  try {
    clear();
  } finally {
    AbortSignal.abort = abort;
  }
  return made;
}

/**
 * Runs p-limit's `clearQueue()` (created with `rejectOnClear`) so that each call it drops rejects with
 * an error of its own: p-limit takes each dropped call from its queue, a yocto-queue, and calls that
 * entry's `reject` with one shared error. For the length of this synchronous call, `dequeue` hands
 * out entries whose `reject` passes `errorFor()` instead. Returns how many entries it saw.
 */
function clearEach(clear: () => void, errorFor: () => unknown): number {
  const proto = Queue.prototype as { dequeue(this: unknown): unknown };
  const dequeue = proto.dequeue;
  let seen = 0;
  proto.dequeue = function dequeueOwnError(this: unknown) {
    const entry = dequeue.call(this) as { reject?: unknown } | undefined;
    if (entry !== null && typeof entry === 'object' && typeof entry.reject === 'function') {
      const reject = entry.reject as (error: unknown) => void;
      entry.reject = () => reject(errorFor());
      seen++;
    }
    return entry;
  };
  try {
    clear();
  } finally {
    proto.dequeue = dequeue;
  }
  return seen;
}

let clearsEach: boolean | undefined;

/** @internal Whether this process's limiters give cleared calls their own errors without a `catch` per call. */
export function clearsEachCall(): boolean {
  return canClearEach();
}

/**
 * Whether `clearEach()` reaches p-limit's queue: true when p-limit and this package load the same
 * yocto-queue (the dependency range is p-limit's own, so npm and pnpm install one copy). Checked once,
 * on a throwaway limiter with one call running forever and one queued. When it is false, every call
 * pays for a `catch` that swaps the shared error instead (see `ownError`).
 */
function canClearEach(): boolean {
  if (clearsEach === undefined) {
    const probe = pLimit({ concurrency: 1, rejectOnClear: true });
    void probe(() => new Promise<void>(() => {}));
    probe(() => undefined).catch(() => {});
    clearsEach =
      clearEach(
        () => probe.clearQueue(),
        () => new Error('probe'),
      ) === 1;
  }
  return clearsEach;
}

/** The error of one call dropped by `clearQueue(reason)`. */
function clearedError(reason: unknown): AbortError {
  return new AbortError('limit: the call was removed from the queue by clearQueue()', { cause: reason });
}

/** The error a call's caller sees: its own `AbortError` when the queue was cleared, else `error`. */
function ownError(error: unknown): unknown {
  const cleared = typeof error === 'object' && error !== null ? clearedBy.get(error) : undefined;
  return cleared === undefined ? error : clearedError(cleared.reason);
}

function rethrowOwn(error: unknown): never {
  throw ownError(error);
}

/** A function returned by `limit()`: call it with a function and its arguments. */
export interface LimitFunction {
  /** Runs `fn(...args)` when a slot is free; resolves or rejects as `fn` does. */
  <A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<Awaited<R>>;
  /** Calls running right now. */
  readonly activeCount: number;
  /** Calls queued, not started yet. */
  readonly pendingCount: number;
  /** The limit; assigning a larger value starts queued calls at once. */
  concurrency: number;
  /**
   * Drops every queued call: each one rejects with its own `AbortError` (`ABORTED`, `cause` =
   * `reason`). Running calls are not affected.
   */
  clearQueue(reason?: unknown): void;
  /**
   * Runs `fn(signal)` under the limit with an `AbortSignal`: aborting it while the call waits in
   * the queue rejects it at once with `AbortError` and it never runs (it keeps counting in
   * `pendingCount` until its turn comes, when it is skipped). Once running, `fn` gets the signal
   * and decides itself how to stop.
   */
  run<R>(
    fn: (signal: AbortSignal | undefined) => R | PromiseLike<R>,
    options?: LimitRunOptions,
  ): Promise<Awaited<R>>;
}

/** Options of `limited.run(fn, options)`. */
export interface LimitRunOptions {
  /** Cancels the call while it is queued; passed to `fn` once it runs. */
  signal?: AbortSignal;
}

const RUN_KEYS = new Set(['signal']);

/** Options form of `limit()`. */
export interface LimitOptions {
  /** How many calls may run at once (integer >= 1 or `Infinity`). */
  concurrency: number;
}

const LIMIT_KEYS = new Set(['concurrency']);

/**
 * Caps how many async calls run at once, with p-limit as the engine. Each call keeps the caller's
 * async context (AsyncLocalStorage, `runTask` names, `local()` values) even when it waited in the
 * queue, and `clearQueue()` rejects what was queued instead of leaving it pending forever.
 *
 * @example
 * const cap = limit(3);
 * const pages = await Promise.all(urls.map((u) => cap(fetchPage, u)));
 */
export function limit(concurrency: number | LimitOptions): LimitFunction {
  let n: unknown = concurrency;
  if (typeof concurrency === 'object' && concurrency !== null) {
    checkKeys(concurrency, LIMIT_KEYS, 'limit');
    n = concurrency.concurrency;
  }
  // p-limit queues, runs and keeps the caller's async context. A call dropped by clearQueue() gets
  // its own AbortError from clearEach(), so each call returns p-limit's own promise; only where
  // that cannot work does each call add a `catch` that swaps p-limit's shared error.
  const inner = pLimit({
    concurrency: checkCount(n, 'limit', 'concurrency', 1, true),
    rejectOnClear: true,
  });
  const ownErrors = canClearEach();
  const limited = (<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A) => {
    if (typeof fn !== 'function') return Promise.reject(new TypeError('limit: expected a function to run'));
    const call = inner(fn, ...args);
    return ownErrors ? call : call.catch(rethrowOwn);
  }) as LimitFunction;
  const run = <R>(
    fn: (signal: AbortSignal | undefined) => R | PromiseLike<R>,
    options?: LimitRunOptions,
  ): Promise<Awaited<R>> => {
    if (typeof fn !== 'function')
      return Promise.reject(new TypeError('limit.run: expected a function to run'));
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      checkKeys(options, RUN_KEYS, 'limit.run');
      signal = checkSignal(options.signal, 'limit.run');
    }
    if (signal?.aborted) return Promise.reject(abortErrorFor(signal, 'limit.run'));
    if (!signal) return limited(fn, undefined);
    const s = signal;
    return new Promise<Awaited<R>>((resolve, reject) => {
      let skipped = false;
      const onAbort = () => {
        skipped = true;
        reject(abortErrorFor(s, 'limit.run'));
      };
      s.addEventListener('abort', onAbort, { once: true });
      const guarded = (): R | PromiseLike<R> | undefined => {
        s.removeEventListener('abort', onAbort);
        if (skipped) return undefined;
        return fn(s);
      };
      inner(guarded).then(
        (value) => {
          s.removeEventListener('abort', onAbort);
          resolve(value as Awaited<R>);
        },
        (error: unknown) => {
          s.removeEventListener('abort', onAbort);
          reject(ownError(error));
        },
      );
    });
  };
  Object.defineProperties(limited, {
    run: { value: run },
    activeCount: { get: () => inner.activeCount },
    pendingCount: { get: () => inner.pendingCount },
    concurrency: {
      get: () => inner.concurrency,
      set: (value: number) => {
        inner.concurrency = checkCount(value, 'limit', 'concurrency', 1, true);
      },
    },
    clearQueue: {
      value(reason?: unknown) {
        // Only calls still in p-limit's queue are dropped; ones it dequeued are about to run.
        if (inner.pendingCount === 0) return;
        if (ownErrors) {
          clearEach(
            () => inner.clearQueue(),
            () => clearedError(reason),
          );
          return;
        }
        const shared = clearAndCapture(() => inner.clearQueue());
        if (typeof shared === 'object' && shared !== null) clearedBy.set(shared, { reason });
      },
    },
  });
  return limited;
}

/** Options of `map()` and `mapUnordered()`. */
export interface MapOptions {
  /** Calls of `fn` in flight at once. @default Math.min(32, os.availableParallelism() + 4) */
  concurrency?: number;
  /** Stops the run: no new items are pulled, `fn`'s signal fires, the call rejects with `AbortError`. */
  signal?: AbortSignal;
  /**
   * `true`: the first error stops the run (in-flight calls see their signal abort) and is thrown
   * once they settle. `false`: keep going and throw an `AggregateError` of every error at the end.
   * @default true
   */
  stopOnError?: boolean;
}

/** What `fn` receives as its third argument. */
export interface MapContext {
  /** Fires when the run stops early (error with `stopOnError`, outer abort, consumer stopped). */
  readonly signal: AbortSignal;
}

/** The function `map()` applies to every item. */
export type Mapper<T, R> = (item: T, index: number, context: MapContext) => R | PromiseLike<R>;

interface NormalizedMap {
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly stopOnError: boolean;
}

const MAP_KEYS = new Set(['concurrency', 'signal', 'stopOnError']);

function normalizeMap(raw: MapOptions | undefined, where: string): NormalizedMap {
  const o = raw ?? {};
  if (typeof o !== 'object' || o === null) throw new TypeError(`${where}: options must be an object`);
  checkKeys(o, MAP_KEYS, where);
  if (o.stopOnError !== undefined && typeof o.stopOnError !== 'boolean') {
    throw new TypeError(`${where}: \`stopOnError\` must be a boolean`);
  }
  return Object.freeze({
    concurrency:
      o.concurrency === undefined
        ? Math.min(32, availableParallelism() + 4)
        : checkCount(o.concurrency, where, 'concurrency', 1),
    signal: checkSignal(o.signal, where),
    stopOnError: o.stopOnError ?? true,
  });
}

function checkInput(input: unknown, fn: unknown, where: string): void {
  const ok =
    input !== null &&
    input !== undefined &&
    (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
  if (!ok) throw new TypeError(`${where}: input must be an iterable or an async iterable`);
  if (typeof fn !== 'function') throw new TypeError(`${where}: \`fn\` must be a function`);
}

/**
 * The pull engine: `concurrency` workers take the next item from one iterator, so memory is
 * bounded by `concurrency` however long the input is. Never rejects before every started call settled.
 */
async function drive<T, R>(
  input: Iterable<T> | AsyncIterable<T>,
  fn: Mapper<T, R>,
  o: NormalizedMap,
  controller: AbortController,
  emit: (value: R, index: number) => void | Promise<void>,
  where: string,
): Promise<void> {
  const outer = o.signal;
  if (outer?.aborted) throw new AbortError(`${where} was aborted`, { cause: outer.reason });
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const asyncIt = (input as AsyncIterable<T>)[Symbol.asyncIterator];
  const isAsync = typeof asyncIt === 'function';
  const iterator: Iterator<T> | AsyncIterator<T> = isAsync
    ? asyncIt.call(input)
    : (input as Iterable<T>)[Symbol.iterator]();
  const context: MapContext = { signal: controller.signal };
  // A plain flag: reading `signal.aborted` twice per item costs more than the item itself.
  let stopped = controller.signal.aborted;
  const onStop = () => {
    stopped = true;
  };
  controller.signal.addEventListener('abort', onStop, { once: true });
  let index = 0;
  let syncRun = 0;
  let exhausted = false;
  let first: { error: unknown } | undefined;
  const errors: unknown[] = [];
  const fail = (error: unknown) => {
    if (!first) {
      first = { error };
      controller.abort(error);
    }
  };
  const worker = async (): Promise<void> => {
    while (!exhausted && !stopped) {
      let step: IteratorResult<T>;
      try {
        // A sync iterator is not awaited: one await per item (on fn) is the only yield point.
        step = isAsync ? await (iterator as AsyncIterator<T>).next() : (iterator as Iterator<T>).next();
      } catch (error) {
        exhausted = true;
        fail(error);
        return;
      }
      if (step.done) {
        exhausted = true;
        return;
      }
      if (stopped) return;
      const i = index++;
      try {
        let value = fn(step.value, i, context);
        if (isThenable(value)) value = await value;
        // A synchronous fn needs no microtask per item; yielding every 64 items is enough to let
        // the other workers and abort listeners run, and it keeps garbage (and RSS) low.
        else if ((++syncRun & 63) === 0) await undefined;
        const emitted = emit(value as R, i);
        if (emitted !== undefined) await emitted;
      } catch (error) {
        if (o.stopOnError) fail(error);
        else errors.push(error);
      }
    }
  };
  try {
    const workers: Promise<void>[] = [];
    for (let w = 0; w < o.concurrency; w++) workers.push(worker());
    await Promise.all(workers);
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    controller.signal.removeEventListener('abort', onStop);
    if (!exhausted) {
      try {
        await iterator.return?.();
      } catch {
        // The run already failed or was cancelled; the iterator's own cleanup error is secondary.
      }
    }
  }
  if (first) throw first.error;
  if (outer?.aborted) throw new AbortError(`${where} was aborted`, { cause: outer.reason });
  if (errors.length > 0) throw new AggregateError(errors, `${where}: ${errors.length} call(s) failed`);
}

/**
 * Applies `fn` to every item with at most `concurrency` calls in flight and resolves to the
 * results in input order. Items are pulled only when a slot frees up, so a million-item input
 * costs no more queue memory than ten.
 *
 * @example
 * const sizes = await map(urls, async (url, _i, { signal }) => (await fetch(url, { signal })).headers.get('content-length'), { concurrency: 8 });
 */
export async function map<T, R>(
  input: Iterable<T> | AsyncIterable<T>,
  fn: Mapper<T, R>,
  options?: MapOptions,
): Promise<Awaited<R>[]> {
  checkInput(input, fn, 'map');
  const o = normalizeMap(options, 'map');
  const results: Awaited<R>[] = [];
  await drive(
    input,
    fn,
    o,
    new AbortController(),
    (value, i) => {
      results[i] = value as Awaited<R>;
    },
    'map',
  );
  return results;
}

/**
 * Like `map()` but yields each result as soon as it is ready (completion order). Workers pause
 * while `concurrency` finished results wait for the consumer, and leaving the loop early cancels
 * the rest (their signal aborts) and waits for in-flight calls before returning.
 *
 * @example
 * for await (const page of mapUnordered(urls, fetchPage, { concurrency: 4 })) save(page);
 */
export function mapUnordered<T, R>(
  input: Iterable<T> | AsyncIterable<T>,
  fn: Mapper<T, R>,
  options?: MapOptions,
): AsyncIterableIterator<Awaited<R>> {
  checkInput(input, fn, 'mapUnordered');
  const o = normalizeMap(options, 'mapUnordered');
  return unordered(input, fn, o);
}

async function* unordered<T, R>(
  input: Iterable<T> | AsyncIterable<T>,
  fn: Mapper<T, R>,
  o: NormalizedMap,
): AsyncGenerator<Awaited<R>> {
  const controller = new AbortController();
  const buffer: Awaited<R>[] = [];
  let wakeConsumer: (() => void) | undefined;
  const producers: Array<() => void> = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  const emit = async (value: R) => {
    buffer.push(value as Awaited<R>);
    wakeConsumer?.();
    while (buffer.length > o.concurrency && !controller.signal.aborted) {
      await new Promise<void>((resolve) => producers.push(resolve));
    }
  };
  const run = drive(input, fn, o, controller, emit, 'mapUnordered').then(
    () => {
      finished = true;
      wakeConsumer?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wakeConsumer?.();
    },
  );
  try {
    while (true) {
      if (buffer.length > 0) {
        const value = buffer.shift() as Awaited<R>;
        producers.shift()?.();
        yield value;
        continue;
      }
      if (finished) {
        if (failure) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
      wakeConsumer = undefined;
    }
  } finally {
    if (!finished) {
      controller.abort(new AbortError('mapUnordered: the consumer stopped early'));
      for (const wake of producers.splice(0)) wake();
      await run;
    }
  }
}
