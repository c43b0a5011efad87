import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoize } from '../src/index.js';

// Python's lru_cache has no per-key delete, so calls mixed with cacheDelete and cacheClear are
// checked against a plain reference model: an array of keys, least recently used first.
type Op = { kind: 'call'; args: number[] } | { kind: 'delete'; args: number[] } | { kind: 'clear' };

const argsArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 7 })),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: argsArb.map((args) => ({ kind: 'call' as const, args })) },
  { weight: 2, arbitrary: argsArb.map((args) => ({ kind: 'delete' as const, args })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('LRU with deletes and clears against a reference model', () => {
  it('agrees on every hit, miss, delete result and size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(opArb, { maxLength: 300 }), (maxSize, ops) => {
        let runs = 0;
        const m = memoize(
          (...args: number[]) => {
            runs++;
            return args.join(',');
          },
          { maxSize },
        );
        let model: string[] = [];
        let hits = 0;
        let misses = 0;
        for (const op of ops) {
          if (op.kind === 'clear') {
            m.cacheClear();
            model = [];
            hits = misses = 0;
            continue;
          }
          const key = op.args.join(',');
          const at = model.indexOf(key);
          if (op.kind === 'delete') {
            expect(m.cacheDelete(...op.args)).toBe(at >= 0);
            if (at >= 0) model.splice(at, 1);
            continue;
          }
          const before = runs;
          expect(m(...op.args)).toBe(key);
          if (at >= 0) {
            hits++;
            model.splice(at, 1);
            expect(runs).toBe(before);
          } else {
            misses++;
            if (model.length === maxSize) model.shift();
            expect(runs).toBe(before + 1);
          }
          model.push(key);
          expect(m.cacheInfo()).toEqual({ hits, misses, maxSize, currSize: model.length });
        }
      }),
      { numRuns: 300 },
    );
  });
});
