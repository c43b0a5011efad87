import { isThenable } from './thenable.js';
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

const EMPTY = new Float64Array(0);

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
 *
 * A class, not a closure per helper: a cache exists per instance for memoized methods, so it must
 * be small (one object, one `Map`, a few arrays and the `run` closure).
 */
class Cache implements LruCache {
  misses = 0;
  size = 0;
  mutations = 0;
  epoch = 0;
  /**
   * Ticks once per hit and once per insert; a tick is the recency stamp of the slot it touched.
   * Hits are derived from it (`clock + hitOffset`, an insert lowers the offset by one), so a hit
   * on the fast path writes one counter, not two.
   */
  clock = 0;
  hitOffset = 0;
  readonly single = new Map<unknown, number>();
  // Trie roots by argument count (2 and up); an array index is cheaper than a Map lookup.
  readonly roots: (Trie | undefined)[] = [];
  readonly keys: unknown[] = [];
  readonly argLists: (unknown[] | undefined)[] = [];
  readonly values: unknown[] = [];
  readonly expires: number[] = [];
  readonly gens: number[] = [];
  readonly free: number[] = [];
  stamps: Float64Array = EMPTY;
  queue: Float64Array = EMPTY;
  queueHead = 0;
  queueLength = 0;
  readonly maxSize: number;
  readonly ttl: number;
  readonly typed: boolean;
  readonly keyFn: AnyFunction | undefined;
  readonly bounded: boolean;
  readonly expiring: boolean;
  /** Sorting packs (stamp, slot) into one double: stamp * slots + slot stays exact below 2^53. */
  readonly slots: number;
  readonly packLimit: number;
  readonly run: (this: unknown, ...args: unknown[]) => unknown;

  constructor(
    readonly fn: AnyFunction,
    config: MemoConfig,
  ) {
    this.maxSize = config.maxSize;
    this.ttl = config.ttl;
    this.typed = config.typed;
    this.keyFn = config.key;
    this.bounded = config.maxSize !== Number.POSITIVE_INFINITY;
    this.expiring = config.ttl !== Number.POSITIVE_INFINITY;
    this.slots = this.bounded ? 2 ** Math.max(1, Math.ceil(Math.log2(config.maxSize + 1))) : 1;
    this.packLimit = config.packLimit ?? Math.floor(Number.MAX_SAFE_INTEGER / this.slots) - 1;
    this.run = makeRun(this, fn.length);
  }

  keyOf(value: unknown): unknown {
    return this.typed ? value : untyped(value);
  }

  findMulti(args: unknown[]): number | undefined {
    let level: Trie | undefined = this.roots[args.length];
    const last = args.length - 1;
    for (let i = 0; i < last && level !== undefined; i++) {
      level = level.get(this.keyOf(args[i])) as Trie | undefined;
    }
    return level?.get(this.keyOf(args[last])) as number | undefined;
  }

  removeSlot(slot: number): void {
    const key = this.keys[slot];
    if (key === MULTI) {
      const args = this.argLists[slot]!;
      const path: Trie[] = [];
      let level = this.roots[args.length];
      const last = args.length - 1;
      for (let i = 0; i < last && level !== undefined; i++) {
        path.push(level);
        level = level.get(this.keyOf(args[i])) as Trie | undefined;
      }
      if (level !== undefined) {
        level.delete(this.keyOf(args[last]));
        // Prune the maps this entry alone kept alive, deepest first.
        for (let i = path.length - 1; i >= 0 && level.size === 0; i--) {
          const parent = path[i]!;
          parent.delete(this.keyOf(args[i]));
          level = parent;
        }
        if (level.size === 0) this.roots[args.length] = undefined;
      }
    } else {
      this.single.delete(key);
    }
    this.keys[slot] = FREE;
    this.argLists[slot] = undefined;
    this.values[slot] = undefined;
    this.gens[slot] = (this.gens[slot] ?? 0) + 1;
    this.free.push(slot);
    this.size--;
    this.mutations++;
  }

  /** Refills the eviction queue with every live slot, oldest first. */
  refill(): void {
    const live: number[] = [];
    const { keys, slots } = this;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== FREE) live.push(slot);
    const stamps = this.stamps;
    if (this.clock >= this.packLimit) {
      // Stamps grew too large to pack: renumber them 1..n in recency order (rare).
      live.sort((a, b) => stamps[a]! - stamps[b]!);
      live.forEach((slot, i) => {
        stamps[slot] = i + 1;
      });
      const hits = this.hits();
      this.clock = live.length;
      this.hitOffset = hits - this.clock;
    }
    if (this.queue.length < live.length) {
      this.queue = new Float64Array(Math.max(live.length, this.queue.length * 2));
    }
    const queue = this.queue;
    for (let i = 0; i < live.length; i++) queue[i] = stamps[live[i]!]! * slots + live[i]!;
    queue.subarray(0, live.length).sort();
    this.queueHead = 0;
    this.queueLength = live.length;
  }

  evictOldest(): void {
    for (;;) {
      if (this.queueHead === this.queueLength) this.refill();
      const packed = this.queue[this.queueHead++]!;
      const slot = packed % this.slots;
      if (this.keys[slot] !== FREE && this.stamps[slot] === (packed - slot) / this.slots) {
        this.removeSlot(slot);
        return;
      }
    }
  }

  insert(key: unknown, args: unknown[] | undefined, value: unknown, expiresAt: number): number {
    if (this.bounded && this.size >= this.maxSize) this.evictOldest();
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keys.length;
      if (this.bounded && slot >= this.stamps.length) {
        const grown = new Float64Array(Math.min(this.maxSize, Math.max(8, this.stamps.length * 2)));
        grown.set(this.stamps);
        this.stamps = grown;
      }
    }
    if (args === undefined) {
      this.single.set(key, slot);
      this.keys[slot] = key;
      this.argLists[slot] = undefined;
    } else {
      let level = this.roots[args.length];
      if (level === undefined) {
        level = new Map();
        this.roots[args.length] = level;
      }
      const last = args.length - 1;
      for (let i = 0; i < last; i++) {
        const k = this.keyOf(args[i]);
        let next = level.get(k) as Trie | undefined;
        if (next === undefined) {
          next = new Map();
          level.set(k, next);
        }
        level = next;
      }
      level.set(this.keyOf(args[last]), slot);
      this.keys[slot] = MULTI;
      this.argLists[slot] = args;
    }
    this.values[slot] = value;
    if (this.expiring) this.expires[slot] = expiresAt;
    const tick = ++this.clock;
    this.hitOffset--;
    if (this.bounded) this.stamps[slot] = tick;
    this.gens[slot] ??= 0;
    this.size++;
    this.mutations++;
    return slot;
  }

  /** Wires a promise result: ttl starts when it fulfils; a rejection drops its entry. */
  track(promise: PromiseLike<unknown>, ref: { slot: number; gen: number }): Promise<unknown> {
    const at = this.epoch;
    const current = () => ref.slot >= 0 && at === this.epoch && this.gens[ref.slot] === ref.gen;
    return Promise.resolve(promise).then(
      (result) => {
        if (this.expiring && current()) this.expires[ref.slot] = now() + this.ttl;
        return result;
      },
      (error: unknown) => {
        if (current()) this.removeSlot(ref.slot);
        throw error;
      },
    );
  }

  miss(thisArg: unknown, args: unknown[], key: unknown): unknown {
    this.misses++;
    const before = this.mutations;
    let value = this.fn.apply(thisArg, args as never[]);
    const multi = this.keyFn === undefined && args.length > 1;
    let expiresAt = Number.POSITIVE_INFINITY;
    // Where a promise's entry went, so settling can find it again (slot -1: never stored).
    let ref: { slot: number; gen: number } | undefined;
    if (isThenable(value)) {
      ref = { slot: -1, gen: 0 };
      value = this.track(value, ref);
    } else if (this.expiring) {
      expiresAt = now() + this.ttl;
    }
    // A reentrant call (recursion through a custom key) may have stored this key meanwhile:
    // like Python, keep that entry and return this call's result.
    if (this.mutations !== before && (multi ? this.findMulti(args) : this.single.get(key)) !== undefined) {
      return value;
    }
    const slot = this.insert(key, multi ? args : undefined, value, expiresAt);
    if (ref !== undefined) {
      ref.slot = slot;
      ref.gen = this.gens[slot]!;
    }
    return value;
  }

  invoke(thisArg: unknown, args: unknown[]): unknown {
    if (this.maxSize === 0) {
      this.misses++;
      return this.fn.apply(thisArg, args as never[]);
    }
    let key: unknown;
    let slot: number | undefined;
    const n = args.length;
    if (this.keyFn !== undefined) {
      key = this.keyFn.apply(thisArg, args as never[]);
      slot = this.single.get(key);
    } else if (n === 1) {
      key = args[0];
      if (!this.typed && typeof key === 'bigint') key = untyped(key);
      slot = this.single.get(key);
    } else if (n === 0) {
      key = NO_ARGS;
      slot = this.single.get(key);
    } else {
      slot = this.findMulti(args);
    }
    if (slot !== undefined) {
      if (!this.expiring || this.expires[slot]! > now()) {
        const tick = ++this.clock;
        if (this.bounded) this.stamps[slot] = tick;
        return this.values[slot];
      }
      this.removeSlot(slot);
    }
    return this.miss(thisArg, args, key);
  }

  delete(thisArg: unknown, args: unknown[]): boolean {
    let slot: number | undefined;
    if (this.keyFn !== undefined) slot = this.single.get(this.keyFn.apply(thisArg, args as never[]));
    else if (args.length === 0) slot = this.single.get(NO_ARGS);
    else if (args.length === 1) slot = this.single.get(this.keyOf(args[0]));
    else slot = this.findMulti(args);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    return true;
  }

  clear(): void {
    this.epoch++;
    this.single.clear();
    this.roots.length = 0;
    this.keys.length = 0;
    this.argLists.length = 0;
    this.values.length = 0;
    this.expires.length = 0;
    this.gens.length = 0;
    this.free.length = 0;
    this.queueHead = this.queueLength = 0;
    this.clock = 0;
    this.hitOffset = 0;
    this.size = 0;
    this.misses = 0;
    this.mutations++;
  }

  hits(): number {
    return this.clock + this.hitOffset;
  }

  info(): CacheInfo {
    return { hits: this.hits(), misses: this.misses, maxSize: this.maxSize, currSize: this.size };
  }
}

/**
 * The memoized function's body: the hit path written out for the function's declared arity (a
 * hint: a call with another argument count goes through `invoke`), used when there is no custom
 * key and no ttl. Arguments are looked up as given: stored keys are normalized, so a bigint that
 * needs normalizing misses here and `invoke` finds it.
 *
 * Why it is written this way (measured, see the README's Benchmarks):
 * - One function literal per arity (and for one argument, per bounded/unbounded), so V8's type
 *   feedback for a one-argument cache is not shared with two- or three-argument ones.
 * - Named parameters plus `arguments.length`, not a rest parameter: a rest parameter allocates an
 *   array on every call wherever V8 does not inline the call (a polymorphic call site).
 *   `arguments` is only read for its length on the hit path, so it is never materialized there;
 *   the miss path builds the argument array `invoke` needs.
 * - A hit writes the recency stamp and ticks the clock, which also counts hits (see `clock`).
 */
function makeRun(c: Cache, arity: number): (this: unknown, ...args: unknown[]) => unknown {
  if (c.keyFn !== undefined || c.expiring || c.maxSize === 0) {
    return function (this: unknown, ...args: unknown[]): unknown {
      return c.invoke(this, args);
    };
  }
  const { single, values } = c;
  if (arity === 2) {
    return function (this: unknown, a: unknown, b: unknown): unknown {
      // biome-ignore lint/complexity/noArguments: the argument count without a rest array (see above)
      const count = arguments.length;
      if (count === 2) {
        const l2 = c.roots[2]?.get(a) as Trie | undefined;
        const slot = l2?.get(b) as number | undefined;
        if (slot !== undefined) {
          const tick = ++c.clock;
          if (c.bounded) c.stamps[slot] = tick;
          return values[slot];
        }
        return c.invoke(this, [a, b]);
      }
      // biome-ignore lint/complexity/noArguments: a call with another argument count
      return c.invoke(this, Array.prototype.slice.call(arguments));
    };
  }
  if (arity === 3) {
    return function (this: unknown, a: unknown, b: unknown, d: unknown): unknown {
      // biome-ignore lint/complexity/noArguments: the argument count without a rest array (see above)
      const count = arguments.length;
      if (count === 3) {
        const l2 = c.roots[3]?.get(a) as Trie | undefined;
        const l3 = l2?.get(b) as Trie | undefined;
        const slot = l3?.get(d) as number | undefined;
        if (slot !== undefined) {
          const tick = ++c.clock;
          if (c.bounded) c.stamps[slot] = tick;
          return values[slot];
        }
        return c.invoke(this, [a, b, d]);
      }
      // biome-ignore lint/complexity/noArguments: a call with another argument count
      return c.invoke(this, Array.prototype.slice.call(arguments));
    };
  }
  if (c.bounded) {
    return function (this: unknown, a: unknown): unknown {
      // biome-ignore lint/complexity/noArguments: the argument count without a rest array (see above)
      if (arguments.length === 1) {
        const slot = single.get(a);
        if (slot !== undefined) {
          c.stamps[slot] = ++c.clock;
          return values[slot];
        }
        return c.invoke(this, [a]);
      }
      // biome-ignore lint/complexity/noArguments: a call with another argument count
      return c.invoke(this, Array.prototype.slice.call(arguments));
    };
  }
  return function (this: unknown, a: unknown): unknown {
    // biome-ignore lint/complexity/noArguments: the argument count without a rest array (see above)
    if (arguments.length === 1) {
      const slot = single.get(a);
      if (slot !== undefined) {
        c.clock++;
        return values[slot];
      }
      return c.invoke(this, [a]);
    }
    // biome-ignore lint/complexity/noArguments: a call with another argument count
    return c.invoke(this, Array.prototype.slice.call(arguments));
  };
}

/** Creates the cache for one function (one per memoized function, or per instance for methods). */
export function createCache(fn: AnyFunction, config: MemoConfig): LruCache {
  return new Cache(fn, config);
}
