import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { AbortError } from './errors.js';
import { checkCount, checkKeys, checkSignal } from './options.js';

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
}

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
  const inner = pLimit({ concurrency: checkCount(n, 'limit', 'concurrency', 1, true), rejectOnClear: true });
  // p-limit rejects every cleared call with one shared error. A call that never started can only
  // have been rejected by clearQueue(), so each such caller gets its own AbortError instead.
  let clearReason: unknown;
  const cleared = (): never => {
    throw new AbortError('limit: the call was removed from the queue by clearQueue()', {
      cause: clearReason,
    });
  };
  const limited = (<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A) => {
    if (typeof fn !== 'function') return Promise.reject(new TypeError('limit: expected a function to run'));
    let started = false;
    return inner(() => {
      started = true;
      return fn(...args);
    }).catch((error: unknown) => (started ? Promise.reject(error) : cleared()));
  }) as LimitFunction;
  Object.defineProperties(limited, {
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
        if (inner.pendingCount === 0) return;
        clearReason = reason;
        inner.clearQueue();
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
  const iterator: Iterator<T> | AsyncIterator<T> =
    typeof asyncIt === 'function' ? asyncIt.call(input) : (input as Iterable<T>)[Symbol.iterator]();
  const context: MapContext = { signal: controller.signal };
  let index = 0;
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
    while (!exhausted && !controller.signal.aborted) {
      let step: IteratorResult<T>;
      try {
        step = await iterator.next();
      } catch (error) {
        exhausted = true;
        fail(error);
        return;
      }
      if (step.done) {
        exhausted = true;
        return;
      }
      if (controller.signal.aborted) return;
      const i = index++;
      try {
        const value = await fn(step.value, i, context);
        await emit(value, i);
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
