// biome-ignore lint/complexity/noBannedTypes: internal helper type, never exported
type Fn = Function;

/** Any function; `never[]` parameters accept every signature without `any`. */
export type AnyFunction = (...args: never[]) => unknown;

const SKIP = new Set<PropertyKey>(['length', 'name', 'prototype', 'arguments', 'caller', 'wrapped']);

/**
 * Makes `wrapper` look like `wrapped` (Python's `functools.update_wrapper` / `wraps`): it takes
 * `wrapped`'s `name` and `length`, a copy of every other own property (string and symbol keys,
 * descriptors preserved, so a memoized function's `cacheInfo` survives further wrapping), and a
 * non-enumerable `wrapped` property pointing at `wrapped` (Python's `__wrapped__`).
 * Returns `wrapper` itself.
 *
 * @example
 * function logged<A extends unknown[], R>(fn: (...args: A) => R) {
 *   return wraps((...args: A) => { console.log('calling', fn.name); return fn(...args); }, fn);
 * }
 */
export function wraps<W extends AnyFunction, F extends AnyFunction>(
  wrapper: W,
  wrapped: F,
): W & { readonly wrapped: F } {
  if (typeof wrapper !== 'function' || typeof wrapped !== 'function') {
    throw new TypeError('wraps(wrapper, wrapped) needs two functions');
  }
  for (const key of Reflect.ownKeys(wrapped)) {
    if (SKIP.has(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(wrapped, key);
    const existing = Object.getOwnPropertyDescriptor(wrapper, key);
    if (desc === undefined || (existing !== undefined && !existing.configurable)) continue;
    Object.defineProperty(wrapper, key, desc);
  }
  Object.defineProperty(wrapper, 'name', { value: wrapped.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: wrapped.length, configurable: true });
  Object.defineProperty(wrapper, 'wrapped', { value: wrapped, configurable: true });
  return wrapper as W & { readonly wrapped: F };
}

/**
 * Follows the `wrapped` chain to the innermost function (Python's `inspect.unwrap`).
 * Stops at the first function `stop` accepts, when given.
 *
 * @example
 * unwrap(timed(memoize(convert))) === convert; // true
 */
export function unwrap<F extends AnyFunction>(fn: F, stop?: (fn: AnyFunction) => boolean): AnyFunction {
  let current: AnyFunction = fn;
  const seen = new Set<Fn>();
  for (;;) {
    if (stop?.(current)) return current;
    const next = (current as { wrapped?: unknown }).wrapped;
    if (typeof next !== 'function' || seen.has(next)) return current;
    seen.add(current);
    current = next as AnyFunction;
  }
}
