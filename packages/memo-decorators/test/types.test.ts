import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CacheInfo, cachedProperty, cacheOf, memoize, timed, validate } from '../src/index.js';

class Calc {
  calls = 0;
  @memoize()
  square(n: number): number {
    this.calls++;
    return n * n;
  }

  @memoize({ maxSize: 4 })
  get answer(): number {
    this.calls++;
    return 42;
  }

  @memoize()
  accessor double = (n: number): number => n * 2;

  @timed({ sink: () => {} })
  @validate((x: number) => x >= 0, { onInvalid: -1 })
  @memoize()
  static root(x: number): number {
    return Math.sqrt(x);
  }

  @memoize()
  handler = (s: string): string => s.toUpperCase();

  @cachedProperty
  get label(): string {
    return `calc-${this.calls}`;
  }

  @memoize
  bare(n: number): string {
    this.calls++;
    return `bare-${n}`;
  }

  @memoize
  get bareGetter(): number {
    this.calls++;
    return 7;
  }
}

describe('types of the decorators', () => {
  it('keeps the decorated member types and gives memoized functions cache controls', () => {
    const c = new Calc();
    expectTypeOf(c.square).toEqualTypeOf<(n: number) => number>();
    expectTypeOf(c.answer).toEqualTypeOf<number>();
    expectTypeOf(c.double).toEqualTypeOf<(n: number) => number>();
    expectTypeOf(Calc.root).toEqualTypeOf<(x: number) => number>();
    expectTypeOf(c.label).toEqualTypeOf<string>();
    const m = memoize((a: number, b: string) => `${a}${b}`);
    expectTypeOf(m).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(m.cacheInfo()).toEqualTypeOf<CacheInfo>();
    expectTypeOf(m.cacheDelete).parameters.toEqualTypeOf<[number, string]>();
    expect(c.square(3)).toBe(9);
    expect(c.answer).toBe(42);
    expect(c.double(4)).toBe(8);
    expect(Calc.root(9)).toBe(3);
    expect(Calc.root(-9)).toBe(-1);
    expect(c.handler('a')).toBe('A');
    expect(c.label).toBe('calc-1'); // computed once, by the expectTypeOf read above
    expect(cacheOf(c, 'square')?.cacheInfo()).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1 });
    expect(cacheOf(Calc, 'root')?.cacheInfo().misses).toBe(1);
    expectTypeOf(c.bare).toEqualTypeOf<(n: number) => string>();
    const before = c.calls;
    expect([c.bare(1), c.bare(1), c.bareGetter, c.bareGetter]).toEqual(['bare-1', 'bare-1', 7, 7]);
    expect(c.calls - before).toBe(2);
    expect(cacheOf(c, 'bare')?.cacheParameters().maxSize).toBe(128);
  });
});
