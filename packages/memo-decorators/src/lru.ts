import type { AnyFunction } from './wraps.js';

/** Normalized, frozen memoize options. */
export interface MemoConfig {
  readonly maxSize: number;
  readonly ttl: number;
  readonly key: AnyFunction | undefined;
  readonly typed: boolean;
  /** Tests only: renumber stamps past this clock value instead of 2^53 / slots. */
  readonly packLimit?: number;
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

/** Marks a free slot in `keys`; no caller can pass it. */
const FREE = Symbol('free slot');
/** Marks, in `keys`, a slot keyed by several arguments (its key path is in `argLists`). */
const MULTI = Symbol('several arguments');

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

type Trie = Map<unknown, unknown>;

/**
 * An exact LRU cache in front of one function, O(1) on a hit and amortized O(log n) per eviction.
 *
 * Entries live in slots (parallel arrays). Keys map to slots through a `Map` for zero or one
 * argument (and custom keys) and a trie of `Map`s per argument count for more (objects by
 * identity, primitives by value). Recency is a stamp per slot, so a hit writes one number instead
 * of relinking a list. Eviction takes the least recently used entry from a queue of slots sorted
 * by stamp: the first queued slot whose stamp has not changed since the sort is the oldest entry
 * in the cache (every other entry was used or added after the sort); slots used since are skipped
 * and come back at the next sort, made when the queue runs dry.
 */
export function createCache(fn: AnyFunction, config: MemoConfig): LruCache {
  const { maxSize, ttl, typed } = config;
  const keyFn = config.key;
  const bounded = maxSize !== Number.POSITIVE_INFINITY;
  const expiring = ttl !== Number.POSITIVE_INFINITY;
  // Sorting packs (stamp, slot) into one double: stamp * SLOTS + slot stays exact below 2^53.
  const SLOTS = bounded ? 2 ** Math.max(1, Math.ceil(Math.log2(maxSize + 1))) : 1;
  const PACK_LIMIT = config.packLimit ?? Math.floor(Number.MAX_SAFE_INTEGER / SLOTS) - 1;

  let hits = 0;
  let misses = 0;
  let size = 0;
  let mutations = 0;
  let epoch = 0;
  let clock = 0;
  const single = new Map<unknown, number>();
  // Trie roots by argument count (2 and up); an array index is cheaper than a Map lookup.
  const roots: (Trie | undefined)[] = [];
  const keys: unknown[] = [];
  const argLists: (unknown[] | undefined)[] = [];
  const values: unknown[] = [];
  const expires: number[] = [];
  const gens: number[] = [];
  const free: number[] = [];
  let stamps = new Float64Array(bounded ? Math.min(maxSize, 64) : 0);
  let queue = new Float64Array(0);
  let queueHead = 0;
  let queueLength = 0;

  const keyOf = (value: unknown): unknown => (typed ? value : untyped(value));

  const findMulti = (args: unknown[]): number | undefined => {
    let level: Trie | undefined = roots[args.length];
    const last = args.length - 1;
    for (let i = 0; i < last && level !== undefined; i++) {
      level = level.get(keyOf(args[i])) as Trie | undefined;
    }
    return level?.get(keyOf(args[last])) as number | undefined;
  };

  const removeSlot = (slot: number): void => {
    const key = keys[slot];
    if (key === MULTI) {
      const args = argLists[slot]!;
      const path: Trie[] = [];
      let level = roots[args.length];
      const last = args.length - 1;
      for (let i = 0; i < last && level !== undefined; i++) {
        path.push(level);
        level = level.get(keyOf(args[i])) as Trie | undefined;
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
    } else {
      single.delete(key);
    }
    keys[slot] = FREE;
    argLists[slot] = undefined;
    values[slot] = undefined;
    gens[slot] = (gens[slot] ?? 0) + 1;
    free.push(slot);
    size--;
    mutations++;
  };

  /** Refills the eviction queue with every live slot, oldest first. */
  const refill = (): void => {
    const live: number[] = [];
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== FREE) live.push(slot);
    if (clock >= PACK_LIMIT) {
      // Stamps grew too large to pack: renumber them 1..n in recency order (rare).
      live.sort((a, b) => stamps[a]! - stamps[b]!);
      live.forEach((slot, i) => {
        stamps[slot] = i + 1;
      });
      clock = live.length;
    }
    if (queue.length < live.length) queue = new Float64Array(Math.max(live.length, queue.length * 2));
    for (let i = 0; i < live.length; i++) queue[i] = stamps[live[i]!]! * SLOTS + live[i]!;
    queue.subarray(0, live.length).sort();
    queueHead = 0;
    queueLength = live.length;
  };

  const evictOldest = (): void => {
    for (;;) {
      if (queueHead === queueLength) refill();
      const packed = queue[queueHead++]!;
      const slot = packed % SLOTS;
      if (keys[slot] !== FREE && stamps[slot] === (packed - slot) / SLOTS) {
        removeSlot(slot);
        return;
      }
    }
  };

  const insert = (key: unknown, args: unknown[] | undefined, value: unknown, expiresAt: number): number => {
    if (bounded && size >= maxSize) evictOldest();
    let slot = free.pop();
    if (slot === undefined) {
      slot = keys.length;
      if (bounded && slot >= stamps.length) {
        const grown = new Float64Array(Math.min(maxSize, stamps.length * 2));
        grown.set(stamps);
        stamps = grown;
      }
    }
    if (args === undefined) {
      single.set(key, slot);
      keys[slot] = key;
      argLists[slot] = undefined;
    } else {
      let level = roots[args.length];
      if (level === undefined) {
        level = new Map();
        roots[args.length] = level;
      }
      const last = args.length - 1;
      for (let i = 0; i < last; i++) {
        const k = keyOf(args[i]);
        let next = level.get(k) as Trie | undefined;
        if (next === undefined) {
          next = new Map();
          level.set(k, next);
        }
        level = next;
      }
      level.set(keyOf(args[last]), slot);
      keys[slot] = MULTI;
      argLists[slot] = args;
    }
    values[slot] = value;
    if (expiring) expires[slot] = expiresAt;
    if (bounded) stamps[slot] = ++clock;
    gens[slot] ??= 0;
    size++;
    mutations++;
    return slot;
  };

  /** Wires a promise result: ttl starts when it fulfils; a rejection drops its entry. */
  const track = (promise: PromiseLike<unknown>, ref: { slot: number; gen: number }): Promise<unknown> => {
    const at = epoch;
    const current = () => ref.slot >= 0 && at === epoch && gens[ref.slot] === ref.gen;
    return Promise.resolve(promise).then(
      (result) => {
        if (expiring && current()) expires[ref.slot] = now() + ttl;
        return result;
      },
      (error: unknown) => {
        if (current()) removeSlot(ref.slot);
        throw error;
      },
    );
  };

  const miss = (thisArg: unknown, args: unknown[], key: unknown): unknown => {
    misses++;
    const before = mutations;
    let value = fn.apply(thisArg, args as never[]);
    const multi = keyFn === undefined && args.length > 1;
    let expiresAt = Number.POSITIVE_INFINITY;
    // Where a promise's entry went, so settling can find it again (slot -1: never stored).
    let ref: { slot: number; gen: number } | undefined;
    if (isThenable(value)) {
      ref = { slot: -1, gen: 0 };
      value = track(value, ref);
    } else if (expiring) {
      expiresAt = now() + ttl;
    }
    // A reentrant call (recursion through a custom key) may have stored this key meanwhile:
    // like Python, keep that entry and return this call's result.
    if (mutations !== before && (multi ? findMulti(args) : single.get(key)) !== undefined) return value;
    const slot = insert(key, multi ? args : undefined, value, expiresAt);
    if (ref !== undefined) {
      ref.slot = slot;
      ref.gen = gens[slot]!;
    }
    return value;
  };

  const invoke = (thisArg: unknown, args: unknown[]): unknown => {
    let key: unknown;
    let slot: number | undefined;
    const n = args.length;
    if (keyFn !== undefined) {
      key = keyFn.apply(thisArg, args as never[]);
      slot = single.get(key);
    } else if (n === 1) {
      key = args[0];
      if (!typed && typeof key === 'bigint') key = untyped(key);
      slot = single.get(key);
    } else if (n === 0) {
      key = NO_ARGS;
      slot = single.get(key);
    } else {
      slot = findMulti(args);
    }
    if (slot !== undefined) {
      if (!expiring || expires[slot]! > now()) {
        hits++;
        if (bounded) stamps[slot] = ++clock;
        return values[slot];
      }
      removeSlot(slot);
    }
    return miss(thisArg, args, key);
  };

  // The hit path written out, kept small so V8 inlines it into callers: what a memoized function
  // runs when there is no custom key and no ttl, picked by the function's declared arity (a hint:
  // any other call still goes through `invoke`). Arguments are looked up as given: stored keys
  // are normalized, so a bigint that needs normalizing simply misses here and `invoke` finds it.
  const runOne = function (this: unknown, ...args: unknown[]): unknown {
    const slot = args.length === 1 ? single.get(args[0]) : undefined;
    if (slot === undefined) return invoke(this, args);
    hits++;
    if (bounded) stamps[slot] = ++clock;
    return values[slot];
  };

  const runTwo = function (this: unknown, ...args: unknown[]): unknown {
    let slot: number | undefined;
    if (args.length === 2) {
      const l2 = roots[2]?.get(args[0]) as Trie | undefined;
      if (l2 !== undefined) slot = l2.get(args[1]) as number | undefined;
    }
    if (slot === undefined) return invoke(this, args);
    hits++;
    if (bounded) stamps[slot] = ++clock;
    return values[slot];
  };

  const runThree = function (this: unknown, ...args: unknown[]): unknown {
    let slot: number | undefined;
    if (args.length === 3) {
      const l2 = roots[3]?.get(args[0]) as Trie | undefined;
      const l3 = l2?.get(args[1]) as Trie | undefined;
      if (l3 !== undefined) slot = l3.get(args[2]) as number | undefined;
    }
    if (slot === undefined) return invoke(this, args);
    hits++;
    if (bounded) stamps[slot] = ++clock;
    return values[slot];
  };

  const runPlain = fn.length === 2 ? runTwo : fn.length === 3 ? runThree : runOne;

  const runGeneral = function (this: unknown, ...args: unknown[]): unknown {
    return invoke(this, args);
  };

  const uncached = (thisArg: unknown, args: unknown[]): unknown => {
    misses++;
    return fn.apply(thisArg, args as never[]);
  };

  const lookupArgs = (thisArg: unknown, args: unknown[]): number | undefined => {
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
        : keyFn === undefined && !expiring
          ? runPlain
          : runGeneral,
    delete(thisArg, args) {
      const slot = lookupArgs(thisArg, args);
      if (slot === undefined) return false;
      removeSlot(slot);
      return true;
    },
    clear() {
      epoch++;
      single.clear();
      roots.length = 0;
      keys.length = 0;
      argLists.length = 0;
      values.length = 0;
      expires.length = 0;
      gens.length = 0;
      free.length = 0;
      queueHead = queueLength = 0;
      clock = 0;
      size = 0;
      hits = 0;
      misses = 0;
      mutations++;
    },
    info: () => ({ hits, misses, maxSize, currSize: size }),
  };
}
