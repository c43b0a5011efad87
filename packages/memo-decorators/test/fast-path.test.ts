import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoize } from '../src/index.js';

// A memoized function without `key` or `ttl` answers hits on a path specialized by the declared
// arity of the function (0 and 1 share one, bounded and unbounded are separate, then 2 and 3);
// any other call goes through the general path. A `ttl` too long to expire during the test sends
// every call through the general path, so it is the reference here: same results, same
// statistics, same `this`, call for call.

interface Receiver {
  readonly tag: string;
}
type Value = number | bigint | string | undefined | Receiver;

const objects: Receiver[] = [{ tag: 'x' }, { tag: 'y' }];
// Mostly a tiny domain, so two- and three-argument calls repeat (hits, recency, eviction);
// sometimes values that need care (-0, NaN, bigints equal to numbers, objects, undefined).
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Value>(0, 1, 'a') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Value>(2, -0, Number.NaN, 1n, 2n, 2n ** 70n, 'b', '', undefined),
  },
  { weight: 1, arbitrary: fc.constantFrom(...objects) },
);
type Op =
  | { kind: 'call'; self: Receiver | undefined; args: Value[] }
  | { kind: 'delete'; args: Value[] }
  | { kind: 'clear' };
const argsArb = fc.array(valueArb, { maxLength: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      self: fc.constantFrom(undefined, ...objects),
      args: argsArb,
    }),
  },
  { weight: 2, arbitrary: argsArb.map((args) => ({ kind: 'delete' as const, args })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

/** A function of the given declared arity that reports each run: its receiver, arguments and number. */
function probe(arity: number) {
  const runs: unknown[] = [];
  const body = function (this: unknown, ...args: unknown[]) {
    runs.push([this, ...args]);
    return { run: runs.length, self: this, args };
  };
  // The declared parameters set `length`; `arguments` forwards exactly what the call passed.
  const fns = [
    function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: forwards the exact argument count
      return body.apply(this, Array.from(arguments));
    },
    function (this: unknown, _a: unknown) {
      // biome-ignore lint/complexity/noArguments: forwards the exact argument count
      return body.apply(this, Array.from(arguments));
    },
    function (this: unknown, _a: unknown, _b: unknown) {
      // biome-ignore lint/complexity/noArguments: forwards the exact argument count
      return body.apply(this, Array.from(arguments));
    },
    function (this: unknown, _a: unknown, _b: unknown, _c: unknown) {
      // biome-ignore lint/complexity/noArguments: forwards the exact argument count
      return body.apply(this, Array.from(arguments));
    },
  ] as ((this: unknown, ...args: unknown[]) => unknown)[];
  const fn = fns[arity]!;
  expect(fn.length).toBe(arity);
  return { fn, runs };
}

describe('arity-specialized hit paths', () => {
  it('property: agree with the general path on every result, statistic and receiver', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(Number.POSITIVE_INFINITY)),
        fc.boolean(),
        fc.array(opArb, { maxLength: 120 }),
        (arity, maxSize, typed, ops) => {
          const fast = probe(arity);
          const general = probe(arity);
          const f = memoize(fast.fn, { maxSize, typed });
          const g = memoize(general.fn, { maxSize, typed, ttl: 1e12 });
          for (const op of ops) {
            if (op.kind === 'clear') {
              f.cacheClear();
              g.cacheClear();
            } else if (op.kind === 'delete') {
              expect(f.cacheDelete(...op.args)).toBe(g.cacheDelete(...op.args));
            } else {
              const got = f.apply(op.self, op.args) as { run: number };
              const want = g.apply(op.self, op.args) as { run: number };
              expect(got).toEqual(want);
            }
            expect(f.cacheInfo()).toEqual(g.cacheInfo());
          }
          expect(fast.runs).toEqual(general.runs);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('serves hits for the declared arity and falls back for other argument counts', () => {
    for (const arity of [1, 2, 3]) {
      const { fn, runs } = probe(arity);
      const m = memoize(fn, { maxSize: 4 });
      const args = ['p', 'q', 'r'].slice(0, arity);
      const self = { tag: 's' };
      const first = m.apply(self, args);
      expect(m.apply(self, args)).toBe(first);
      expect(m(...args)).toBe(first); // the receiver is not part of the key
      // One argument more and one fewer: other entries, with this and the arguments passed on.
      const more = m.apply(self, [...args, 'extra']) as { self: unknown; args: unknown[] };
      expect(more.self).toBe(self);
      expect(more.args).toEqual([...args, 'extra']);
      const fewer = m.apply(self, args.slice(0, -1)) as { args: unknown[] };
      expect(fewer.args).toEqual(args.slice(0, -1));
      expect(m.apply(self, [...args, 'extra'])).toBe(more);
      expect(runs.length).toBe(3);
      expect(m.cacheInfo()).toEqual({ hits: 3, misses: 3, maxSize: 4, currSize: 3 });
    }
  });

  it('finds an entry stored under a number when called with the equal bigint, at every arity', () => {
    for (const arity of [0, 1, 2, 3]) {
      const { fn, runs } = probe(arity);
      const m = memoize(fn, { maxSize: Number.POSITIVE_INFINITY });
      const numbers = [1, 2, 3].slice(0, Math.max(arity, 1));
      const bigints = numbers.map((n) => BigInt(n));
      const first = m(...numbers);
      expect(m(...bigints)).toBe(first);
      expect(m(...numbers)).toBe(first);
      expect(runs.length).toBe(1);
      expect(m.cacheInfo().hits).toBe(2);
    }
  });

  it('counts hits exactly across many calls, bounded and unbounded', () => {
    for (const maxSize of [3, Number.POSITIVE_INFINITY]) {
      const m = memoize((s: string) => s.length, { maxSize });
      const keys = ['a', 'bb', 'ccc'];
      for (let i = 0; i < 3000; i++) m(keys[i % 3]!);
      expect(m.cacheInfo()).toEqual({ hits: 2997, misses: 3, maxSize, currSize: 3 });
      m.cacheClear();
      m('a');
      m('a');
      expect(m.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize, currSize: 1 });
    }
  });
});
