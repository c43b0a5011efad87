import { type ClassMemberDecorator, createDecorator, isContext, memberName, twoForms } from './decorate.js';
import { InvalidOptionError, UnsupportedTargetError } from './errors.js';
import { type CacheInfo, createCache, type LruCache, type MemoConfig } from './lru.js';
import { checkKeys, describe } from './options.js';
import { type AnyFunction, wraps } from './wraps.js';

/** Options of `memoize`. */
export interface MemoizeOptions {
  /**
   * Most entries kept; the least recently used one is evicted past it. `Infinity` keeps every
   * entry (Python's `maxsize=None`); `0` caches nothing but still counts misses.
   * @default 128
   */
  maxSize?: number;
  /**
   * Milliseconds an entry stays fresh, counted from when its value is known (for a promise: when
   * it fulfils). An expired entry is recomputed on its next call. `Infinity`: never expires.
   * @default Infinity
   */
  ttl?: number;
  /**
   * Computes the cache key from the arguments (called with the same `this`); the key is compared
   * like a `Map` key (primitives by value, objects by identity). Without it, every argument is
   * part of the key, in order, and so is their count.
   */
  key?: (...args: never[]) => unknown;
  /**
   * Keep a `bigint` and a `number` of the same value apart (Python's `typed=True` keeps `1` and
   * `1.0` apart). Off by default, so `f(1n)` and `f(1)` share an entry, as `f(1)` and `f(1.0)`
   * do in Python.
   * @default false
   */
  typed?: boolean;
}

/** The cache controls of a memoized function, or of one instance's memoized method or getter. */
export interface CacheControl<Args extends readonly unknown[] = readonly unknown[]> {
  /** Hits, misses, bound and current size (Python's `cache_info()`). */
  cacheInfo(): CacheInfo;
  /** Drops every entry and zeroes the statistics (Python's `cache_clear()`). */
  cacheClear(): void;
  /** Drops the entry for these arguments; `true` when there was one. */
  cacheDelete(...args: Args): boolean;
  /** The normalized options (Python's `cache_parameters()`). */
  cacheParameters(): { readonly maxSize: number; readonly ttl: number; readonly typed: boolean };
}

/** A memoized function: the function itself plus its cache controls. */
export type Memoized<F extends AnyFunction> = F & CacheControl<Parameters<F>>;

/**
 * What `memoize(options)` returns: a wrapper for any function that is also a standard decorator.
 * On a method (instance or static): one cache per instance (per class for static methods). On a
 * getter: the value is computed once per instance (and again after `ttl`). On an `accessor` or a
 * field holding a function: each stored function is memoized (per instance).
 */
export interface MemoizeDecorator extends ClassMemberDecorator {
  /** Memoizes a plain function (same as `memoize(fn, options)`). */
  <F extends AnyFunction>(fn: F): Memoized<F>;
}

const KNOWN = ['maxSize', 'ttl', 'key', 'typed'] as const;

function normalize(raw: unknown): MemoConfig {
  const o = checkKeys('memoize', raw, KNOWN);
  const maxSize = o.maxSize ?? 128;
  if (
    typeof maxSize !== 'number' ||
    !(maxSize === Number.POSITIVE_INFINITY || (Number.isInteger(maxSize) && maxSize >= 0))
  ) {
    throw new InvalidOptionError(
      'maxSize',
      maxSize,
      `memoize: \`maxSize\` must be a non-negative integer or Infinity, got ${describe(maxSize)}`,
    );
  }
  const ttl = o.ttl ?? Number.POSITIVE_INFINITY;
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl <= 0) {
    throw new InvalidOptionError(
      'ttl',
      ttl,
      `memoize: \`ttl\` must be a positive number of milliseconds or Infinity, got ${describe(ttl)}`,
    );
  }
  const key = o.key;
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError('key', key, `memoize: \`key\` must be a function, got ${describe(key)}`);
  }
  const typed = o.typed ?? false;
  if (typeof typed !== 'boolean') {
    throw new InvalidOptionError(
      'typed',
      typed,
      `memoize: \`typed\` must be a boolean, got ${describe(typed)}`,
    );
  }
  return Object.freeze({ maxSize, ttl, key: key as AnyFunction | undefined, typed });
}

/** Finds the per-receiver cache of a decorated method/getter, keyed by its replacement function. */
const registry = new WeakMap<AnyFunction, (receiver: unknown) => CacheControl>();

function controlOf(cache: LruCache, config: MemoConfig, receiver: unknown): CacheControl {
  return {
    cacheInfo: () => cache.info(),
    cacheClear: () => cache.clear(),
    cacheDelete: (...args: readonly unknown[]) => cache.delete(receiver, [...args]),
    cacheParameters: () => ({ maxSize: config.maxSize, ttl: config.ttl, typed: config.typed }),
  };
}

function memoizeFunction(fn: AnyFunction, config: MemoConfig): AnyFunction {
  const cache = createCache(fn, config);
  const memoized = cache.run;
  wraps(memoized, fn);
  const control = controlOf(cache, config, undefined);
  for (const [name, value] of Object.entries(control)) {
    Object.defineProperty(memoized, name, { value, configurable: true, writable: true });
  }
  registry.set(memoized, () => control);
  return memoized;
}

const NO_ARGS: unknown[] = [];

/**
 * One cache per receiver: a WeakMap, so an instance and its cache are collected together.
 * Receivers that cannot be WeakMap keys (a method called without an object) share one cache.
 */
function perReceiver(fn: AnyFunction, config: MemoConfig, getter: boolean): AnyFunction {
  const caches = new WeakMap<object, LruCache>();
  let loose: LruCache | undefined;
  const cacheFor = (receiver: unknown): LruCache => {
    let cache = caches.get(receiver as object);
    if (cache === undefined) {
      if (receiver !== null && (typeof receiver === 'object' || typeof receiver === 'function')) {
        cache = createCache(fn, config);
        caches.set(receiver, cache);
      } else {
        loose ??= createCache(fn, config);
        cache = loose;
      }
    }
    return cache;
  };
  const replacement = getter
    ? function (this: unknown): unknown {
        return cacheFor(this).invoke(this, NO_ARGS);
      }
    : function (this: unknown, ...args: unknown[]): unknown {
        let cache = caches.get(this as object);
        if (cache === undefined) cache = cacheFor(this);
        return cache.invoke(this, args);
      };
  wraps(replacement, fn);
  registry.set(replacement, (receiver) => controlOf(cacheFor(receiver), config, receiver));
  return replacement;
}

function memoizeDecorator(config: MemoConfig) {
  return createDecorator({
    decorator: 'memoize',
    wrapFunction: (fn) => memoizeFunction(fn, config),
    wrapMethod: (fn) => perReceiver(fn, config, false),
    wrapGetter: (fn) => perReceiver(fn, config, true),
  });
}

/**
 * Caches a function's results by all of its arguments (primitives by value, objects by identity,
 * and their count), in an O(1) LRU bounded by `maxSize` (128), like Python's `functools.lru_cache`.
 * Promises: concurrent calls with the same arguments share one in-flight promise, a rejection is
 * never cached, and `ttl` counts from when the promise settles. Sync throws are never cached.
 *
 * Two forms: `memoize(fn, options)` returns the memoized function (with `cacheInfo()`,
 * `cacheClear()`, `cacheDelete(...args)`, `cacheParameters()`); `memoize(options)` returns a
 * wrapper that is also a standard decorator: `@memoize()` on a method keeps one cache per
 * instance (held in a `WeakMap`; read it with `cacheOf(instance, 'method')`).
 *
 * @throws {InvalidOptionError} unknown option keys or bad values, at once.
 * @example
 * const fib = memoize((n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)), { maxSize: Infinity });
 * fib(80); fib.cacheInfo(); // { hits: 78, misses: 81, maxSize: Infinity, currSize: 81 }
 *
 * class Repo {
 *   @memoize({ maxSize: 1000, ttl: 60_000 })
 *   async user(id: string) { return fetchUser(id); }
 * }
 */
export function memoize<F extends AnyFunction>(fn: F, options?: MemoizeOptions): Memoized<F>;
export function memoize(options?: MemoizeOptions): MemoizeDecorator;
/** Bare `@memoize` on a method: the same as `@memoize()`. */
export function memoize<This, Args extends unknown[], R>(
  value: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
): (this: This, ...args: Args) => R;
/** Bare `@memoize` on a getter: the same as `@memoize()`. */
export function memoize<This, R>(
  value: (this: This) => R,
  context: ClassGetterDecoratorContext<This, R>,
): (this: This) => R;
export function memoize(fnOrOptions?: unknown, options?: unknown): unknown {
  return memoizeEntry(fnOrOptions, options);
}

const memoizeEntry = twoForms('memoize', normalize, memoizeFunction, memoizeDecorator);

/** `cachedProperty` is a getter memoized by receiver alone: one entry, kept until cleared. */
const CACHED_PROPERTY: MemoConfig = Object.freeze({
  maxSize: 1,
  ttl: Number.POSITIVE_INFINITY,
  key: undefined,
  typed: false,
});

/**
 * A getter computed once per instance, then served from a per-instance cache (Python's
 * `functools.cached_property`). A throw is not cached; a rejected promise is dropped.
 * Recompute with `cacheOf(instance, 'name')?.cacheClear()`.
 *
 * @example
 * class Report {
 *   @cachedProperty get total() { return this.rows.reduce((a, r) => a + r.amount, 0); }
 * }
 */
export function cachedProperty<This, R>(
  value: (this: This) => R,
  context: ClassGetterDecoratorContext<This, R>,
): (this: This) => R {
  if (!isContext(context) || context.kind !== 'getter') {
    const kind = typeof context?.kind === 'string' ? context.kind : typeof value;
    throw new UnsupportedTargetError(
      'cachedProperty',
      kind,
      `cachedProperty decorates a getter, got a ${kind}${context?.name === undefined ? '' : ` (\`${memberName(context.name)}\`)`}`,
    );
  }
  return perReceiver(value as AnyFunction, CACHED_PROPERTY, true) as (this: This) => R;
}

/**
 * The cache controls of a memoized member of `target`: `cacheOf(obj, 'method')` for a
 * `@memoize()` method or getter or `@cachedProperty` (per-instance cache; static members: pass
 * the class), or a field/accessor holding a memoized function. Sees through wrappers made by
 * `wraps` (such as `@timed()` stacked above). `undefined` when the member is not memoized.
 *
 * @example
 * cacheOf(calc, 'fib')?.cacheInfo(); // this instance's statistics
 */
export function cacheOf<T extends object>(target: T, key: keyof T | PropertyKey): CacheControl | undefined {
  let desc: PropertyDescriptor | undefined;
  for (let o: object | null = target; o !== null && desc === undefined; o = Object.getPrototypeOf(o)) {
    desc = Object.getOwnPropertyDescriptor(o, key);
  }
  if (desc === undefined) return undefined;
  const found = findControl(desc.get) ?? findControl(desc.value);
  if (found !== undefined) return found(target);
  if (desc.get === undefined) return undefined;
  // An accessor field's getter returns the memoized function it holds.
  const held = findControl(Reflect.get(target, key));
  return held?.(target);
}

function findControl(candidate: unknown): ((receiver: unknown) => CacheControl) | undefined {
  const seen = new Set<unknown>();
  let fn = candidate;
  while (typeof fn === 'function' && !seen.has(fn)) {
    const control = registry.get(fn as AnyFunction);
    if (control !== undefined) return control;
    seen.add(fn);
    fn = (fn as { wrapped?: unknown }).wrapped;
  }
  return undefined;
}
