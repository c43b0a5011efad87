import type { AnyFunction } from './wraps.js';

/** Normalized, frozen memoize options. */
export interface MemoConfig {
  readonly maxSize: number;
  readonly ttl: number;
  readonly key: AnyFunction | undefined;
  readonly typed: boolean;
}

/** What `cacheInfo()` reports (Python's `CacheInfo(hits, misses, maxsize, currsize)`). */
export interface CacheInfo {
  /** Calls answered from the cache (a call joining an in-flight promise counts as a hit). */
  readonly hits: number;
  /** Calls that ran the function (expired entries count as misses). */
  readonly misses: number;
  /** The bound; `Infinity` when unbounded (Python's `maxsize=None`). */
  readonly maxSize: number;
  /** Entries held now, expired ones included until they are touched or evicted. */
  readonly currSize: number;
}

/** Private key for zero-argument calls; no caller can pass it. */
const NO_ARGS = Symbol('no arguments');

class Entry {
  prev: Entry | null = null;
  next: Entry | null = null;
  value: unknown;
  expires: number;
  live = true;
  readonly key: unknown;
  readonly args: unknown[] | undefined;
  constructor(key: unknown, args: unknown[] | undefined, value: unknown, expires: number) {
    this.value = value;
    this.expires = expires;
    this.key = key;
    this.args = args;
  }
}

function now(): number {
  return globalThis.performance.now();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Python's `1 == 1.0`: an integral bigint and a number with the same value share an entry. */
function untyped(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (BigInt(n) === value) return n;
  }
  return value;
}

/** One cache in front of one function (see `createCache`). */
export interface LruCache {
  /** Calls the function through the cache with this receiver and these arguments. */
  readonly invoke: (thisArg: unknown, args: unknown[]) => unknown;
  /** The same as a function to call directly: the memoized function's body. */
  readonly run: (this: unknown, ...args: unknown[]) => unknown;
  readonly delete: (thisArg: unknown, args: unknown[]) => boolean;
  readonly clear: () => void;
  readonly info: () => CacheInfo;
}

/**
 * An O(1) LRU cache in front of one function: a `Map` for zero- and one-argument calls (and
 * custom keys), a trie of `Map`s per arity for more arguments (objects by identity, primitives by
 * value), and a doubly linked list in recency order. State lives in closure variables rather than
 * on an object: V8 reads those faster on the hit path.
 */
export function createCache(fn: AnyFunction, config: MemoConfig): LruCache {
  const { maxSize, ttl, typed } = config;
  const keyFn = config.key;
  const bounded = maxSize !== Number.POSITIVE_INFINITY;
  const expiring = ttl !== Number.POSITIVE_INFINITY;
  let hits = 0;
  let misses = 0;
  let size = 0;
  let mutations = 0;
  let head: Entry | null = null;
  let tail: Entry | null = null;
  const single = new Map<unknown, Entry>();
  // Trie roots by argument count (2 and up); an array index is cheaper than a Map lookup.
  const roots: (Map<unknown, unknown> | undefined)[] = [];

  const keyOf = (value: unknown): unknown => (typed ? value : untyped(value));

  const findMulti = (args: unknown[]): Entry | undefined => {
    let level: Map<unknown, unknown> | undefined = roots[args.length];
    const last = args.length - 1;
    for (let i = 0; i < last && level !== undefined; i++) {
      level = level.get(keyOf(args[i])) as Map<unknown, unknown> | undefined;
    }
    return level?.get(keyOf(args[last])) as Entry | undefined;
  };

  const toFront = (entry: Entry): void => {
    const prev = entry.prev;
    const next = entry.next;
    if (prev !== null) prev.next = next;
    if (next !== null) next.prev = prev;
    else tail = prev;
    entry.prev = null;
    entry.next = head;
    if (head !== null) head.prev = entry;
    head = entry;
  };

  const remove = (entry: Entry): void => {
    if (!entry.live) return;
    entry.live = false;
    const { prev, next } = entry;
    if (prev !== null) prev.next = next;
    else head = next;
    if (next !== null) next.prev = prev;
    else tail = prev;
    entry.prev = entry.next = null;
    const args = entry.args;
    if (args === undefined) {
      single.delete(entry.key);
    } else {
      const path: Map<unknown, unknown>[] = [];
      let level = roots[args.length];
      const last = args.length - 1;
      for (let i = 0; i < last && level !== undefined; i++) {
        path.push(level);
        level = level.get(keyOf(args[i])) as Map<unknown, unknown> | undefined;
      }
      if (level !== undefined) {
        level.delete(keyOf(args[last]));
        // Prune the maps this entry alone kept alive, deepest first.
        for (let i = path.length - 1; i >= 0 && level.size === 0; i--) {
          const parent = path[i]!;
          parent.delete(keyOf(args[i]));
          level = parent;
        }
        if (level.size === 0) roots[args.length] = undefined;
      }
    }
    size--;
    mutations++;
  };

  const insert = (entry: Entry): void => {
    const args = entry.args;
    if (args === undefined) {
      single.set(entry.key, entry);
    } else {
      let level = roots[args.length];
      if (level === undefined) {
        level = new Map();
        roots[args.length] = level;
      }
      const last = args.length - 1;
      for (let i = 0; i < last; i++) {
        const k = keyOf(args[i]);
        let next = level.get(k) as Map<unknown, unknown> | undefined;
        if (next === undefined) {
          next = new Map();
          level.set(k, next);
        }
        level = next;
      }
      level.set(keyOf(args[last]), entry);
    }
    entry.next = head;
    if (head !== null) head.prev = entry;
    head = entry;
    if (tail === null) tail = entry;
    size++;
    mutations++;
    if (size > maxSize && tail !== null) remove(tail);
  };

  const miss = (thisArg: unknown, args: unknown[], key: unknown): unknown => {
    misses++;
    const before = mutations;
    let value = fn.apply(thisArg, args as never[]);
    const stored = new Entry(
      key,
      keyFn === undefined && args.length > 1 ? args : undefined,
      value,
      Number.POSITIVE_INFINITY,
    );
    if (isThenable(value)) {
      value = Promise.resolve(value).then(
        (result) => {
          if (stored.live && expiring) stored.expires = now() + ttl;
          return result;
        },
        (error: unknown) => {
          if (stored.live) remove(stored);
          throw error;
        },
      );
      stored.value = value;
    } else if (expiring) {
      stored.expires = now() + ttl;
    }
    // A reentrant call (recursion through a custom key) may have stored this key meanwhile:
    // like Python, keep that entry and return this call's result.
    if (
      mutations !== before &&
      (stored.args === undefined ? single.get(key) : findMulti(args)) !== undefined
    ) {
      stored.live = false;
      return value;
    }
    insert(stored);
    return value;
  };

  const invoke = (thisArg: unknown, args: unknown[]): unknown => {
    let key: unknown;
    let entry: Entry | undefined;
    const n = args.length;
    if (keyFn !== undefined) {
      key = keyFn.apply(thisArg, args as never[]);
      entry = single.get(key);
    } else if (n === 1) {
      key = args[0];
      if (!typed && typeof key === 'bigint') key = untyped(key);
      entry = single.get(key);
    } else if (n === 0) {
      key = NO_ARGS;
      entry = single.get(key);
    } else {
      entry = findMulti(args);
    }
    if (entry !== undefined) {
      if (!expiring || entry.expires > now()) {
        hits++;
        if (bounded && entry !== head) toFront(entry);
        return entry.value;
      }
      remove(entry);
    }
    return miss(thisArg, args, key);
  };

  // `invoke` with the hit path for one, two and three arguments inlined, and the move to the
  // front of the list written out: what a memoized function runs when there is no custom key and
  // no ttl. Bigints take the general path (they may need normalizing).
  const runPlain = function (this: unknown, ...args: unknown[]): unknown {
    const n = args.length;
    let entry: Entry | undefined;
    if (n === 1) {
      const a = args[0];
      if (typed || typeof a !== 'bigint') entry = single.get(a);
    } else if (n === 2 || n === 3) {
      const level = roots[n];
      if (level !== undefined) {
        const a = args[0];
        const b = args[1];
        const c = args[2];
        if (typed || (typeof a !== 'bigint' && typeof b !== 'bigint' && typeof c !== 'bigint')) {
          const l2 = level.get(a) as Map<unknown, unknown> | undefined;
          if (l2 !== undefined) {
            if (n === 2) entry = l2.get(b) as Entry | undefined;
            else {
              const l3 = l2.get(b) as Map<unknown, unknown> | undefined;
              if (l3 !== undefined) entry = l3.get(c) as Entry | undefined;
            }
          }
        }
      }
    }
    if (entry === undefined) return invoke(this, args);
    hits++;
    if (bounded && entry !== head) {
      const prev = entry.prev as Entry;
      const next = entry.next;
      prev.next = next;
      if (next !== null) next.prev = prev;
      else tail = prev;
      entry.prev = null;
      entry.next = head;
      (head as Entry).prev = entry;
      head = entry;
    }
    return entry.value;
  };

  const runGeneral = function (this: unknown, ...args: unknown[]): unknown {
    return invoke(this, args);
  };

  const run = keyFn === undefined && !expiring ? runPlain : runGeneral;

  const uncached = (thisArg: unknown, args: unknown[]): unknown => {
    misses++;
    return fn.apply(thisArg, args as never[]);
  };

  const lookupArgs = (thisArg: unknown, args: unknown[]): Entry | undefined => {
    if (keyFn !== undefined) return single.get(keyFn.apply(thisArg, args as never[]));
    if (args.length === 0) return single.get(NO_ARGS);
    if (args.length === 1) return single.get(keyOf(args[0]));
    return findMulti(args);
  };

  return {
    invoke: maxSize === 0 ? uncached : invoke,
    run:
      maxSize === 0
        ? function (this: unknown, ...args: unknown[]) {
            return uncached(this, args);
          }
        : run,
    delete(thisArg, args) {
      const entry = lookupArgs(thisArg, args);
      if (entry === undefined) return false;
      remove(entry);
      return true;
    },
    clear() {
      for (let e = head; e !== null; e = e.next) e.live = false;
      head = tail = null;
      single.clear();
      roots.length = 0;
      size = 0;
      hits = 0;
      misses = 0;
      mutations++;
    },
    info: () => ({ hits, misses, maxSize, currSize: size }),
  };
}
