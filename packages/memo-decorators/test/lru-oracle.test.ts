import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoize } from '../src/index.js';
import { createCache } from '../src/lru.js';

type Arg = number | string;
interface Case {
  maxSize: number | null;
  calls: Arg[][];
}

// python3's functools.lru_cache is the reference: it replays every sequence and reports, per
// call, whether it was a hit, plus the final cache_info().
const ORACLE = `
import functools, json, sys
cases = json.load(sys.stdin)
out = []
for case in cases:
    f = functools.lru_cache(maxsize=case['maxSize'])(lambda *args: len(args))
    seq = []
    for args in case['calls']:
        before = f.cache_info().hits
        f(*args)
        seq.append(f.cache_info().hits > before)
    info = f.cache_info()
    out.append({'hits': seq, 'info': [info.hits, info.misses, info.currsize]})
json.dump(out, sys.stdout)
`;

const argArb = fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom('a', 'b', 'c', ''));
const caseArb: fc.Arbitrary<Case> = fc.record({
  maxSize: fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 8), fc.constant(null)),
  calls: fc.array(fc.array(argArb, { minLength: 0, maxLength: 3 }), { maxLength: 120 }),
});

// The memoized function's hit path is specialized by the declared arity of the function (see
// `makeRun`); each case runs through every one of them, called with 0 to 3 arguments.
const BY_ARITY: ((...args: Arg[]) => number)[] = [
  (...args: Arg[]) => args.length,
  (_a: Arg, ...rest: Arg[]) => rest.length + 1,
  (_a: Arg, _b: Arg, ...rest: Arg[]) => rest.length + 2,
  (_a: Arg, _b: Arg, _c: Arg, ...rest: Arg[]) => rest.length + 3,
];

function replay(c: Case, arity: number, packLimit?: number): { hits: boolean[]; info: number[] } {
  const maxSize = c.maxSize === null ? Number.POSITIVE_INFINITY : c.maxSize;
  const fn = BY_ARITY[arity]!;
  expect(fn.length).toBe(arity);
  const m =
    packLimit === undefined
      ? memoize(fn, { maxSize })
      : (() => {
          // The engine itself, with stamps renumbered every few dozen calls: through the general
          // path (`invoke`) for arity 0, through the specialized hit path otherwise.
          const cache = createCache(fn as (...args: never[]) => unknown, {
            maxSize,
            ttl: Number.POSITIVE_INFINITY,
            key: undefined,
            typed: false,
            packLimit,
          });
          const call =
            arity === 0 ? (...args: Arg[]) => cache.invoke(undefined, args) : (cache.run as typeof fn);
          return Object.assign(call, { cacheInfo: () => cache.info() });
        })();
  const hits: boolean[] = [];
  for (const args of c.calls) {
    const before = m.cacheInfo().hits;
    m(...args);
    hits.push(m.cacheInfo().hits > before);
  }
  const info = m.cacheInfo();
  return { hits, info: [info.hits, info.misses, info.currSize] };
}

describe('LRU against python3 functools.lru_cache', () => {
  it('has the same hit/miss sequence and final cache_info for random call sequences', () => {
    const cases = fc.sample(caseArb, { numRuns: 300, seed: Date.now() % 100_000 });
    // Small key domains guarantee repeats and evictions. Longer sequences over more keys run the
    // eviction queue dry many times, with entries used while queued.
    cases.push({ maxSize: 16, calls: Array.from({ length: 5000 }, (_, i) => [(i * 7919) % 23, i % 3]) });
    const big = fc.record({
      maxSize: fc.integer({ min: 10, max: 60 }),
      calls: fc.array(fc.tuple(fc.integer({ min: 0, max: 90 })), { minLength: 500, maxLength: 3000 }),
    });
    cases.push(...fc.sample(big, { numRuns: 20, seed: (Date.now() >> 7) % 100_000 }));
    // Two and three arguments over tiny domains, so multi-argument entries are hit and evicted
    // often (the random cases above rarely repeat a pair or a triple).
    const multi = fc.record({
      maxSize: fc.integer({ min: 1, max: 8 }),
      calls: fc.array(
        fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 1 })),
          fc.tuple(fc.integer({ min: 0, max: 3 })),
        ),
        { minLength: 100, maxLength: 400 },
      ),
    });
    cases.push(...fc.sample(multi, { numRuns: 30, seed: (Date.now() >> 9) % 100_000 }));
    const expected = JSON.parse(
      execFileSync('python3', ['-c', ORACLE], { input: JSON.stringify(cases), encoding: 'utf8' }),
    ) as { hits: boolean[]; info: number[] }[];
    expect(expected.length).toBe(cases.length);
    cases.forEach((c, i) => {
      for (let arity = 0; arity < BY_ARITY.length; arity++) {
        const label = `case ${i}, arity ${arity}: ${JSON.stringify(c).slice(0, 300)}`;
        expect(replay(c, arity), label).toEqual(expected[i]);
        // Same answers when recency stamps outgrow their packing and get renumbered.
        if (c.calls.length > 200) expect(replay(c, arity, 37), `${label} renumbered`).toEqual(expected[i]);
      }
    });
  });
});
