import { describe, expect, it } from 'vitest';
import {
  cachedProperty,
  cacheOf,
  memoize,
  type TimingReport,
  timed,
  UnsupportedTargetError,
  unwrap,
  ValidationError,
  validate,
} from '../src/index.js';

describe('@memoize() on methods', () => {
  class Pricing {
    runs = 0;
    constructor(readonly rate: number) {}

    @memoize({ maxSize: 2 })
    price(qty: number, currency: string): string {
      this.runs++;
      return `${(qty * this.rate).toFixed(2)} ${currency}`;
    }

    static runs = 0;
    @memoize()
    static parse(text: string): number {
      Pricing.runs++;
      return Number.parseFloat(text);
    }
  }

  it('keeps one cache per instance and binds this', () => {
    const a = new Pricing(2);
    const b = new Pricing(3);
    expect(a.price(2, 'EUR')).toBe('4.00 EUR');
    expect(b.price(2, 'EUR')).toBe('6.00 EUR');
    expect(a.price(2, 'EUR')).toBe('4.00 EUR');
    expect(a.runs).toBe(1);
    expect(b.runs).toBe(1);
    expect(cacheOf(a, 'price')?.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 2, currSize: 1 });
    expect(cacheOf(b, 'price')?.cacheInfo()).toEqual({ hits: 0, misses: 1, maxSize: 2, currSize: 1 });
  });

  it('bounds and controls each instance cache through cacheOf', () => {
    const a = new Pricing(1);
    a.price(1, 'EUR');
    a.price(2, 'EUR');
    a.price(3, 'EUR');
    const control = cacheOf(a, 'price')!;
    expect(control.cacheInfo().currSize).toBe(2);
    expect(control.cacheDelete(3, 'EUR')).toBe(true);
    a.price(3, 'EUR');
    expect(a.runs).toBe(4);
    control.cacheClear();
    expect(control.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 2, currSize: 0 });
  });

  it('caches static methods on the class', () => {
    expect(Pricing.parse('1.5')).toBe(1.5);
    expect(Pricing.parse('1.5')).toBe(1.5);
    expect(Pricing.runs).toBe(1);
    expect(cacheOf(Pricing, 'parse')?.cacheInfo().hits).toBe(1);
  });

  it('keeps the method name and length, and a subclass override wins', () => {
    expect(Pricing.prototype.price.name).toBe('price');
    expect(Pricing.prototype.price.length).toBe(2);
    class Discounted extends Pricing {
      override price(qty: number, currency: string): string {
        return `-${super.price(qty, currency)}`;
      }
    }
    const d = new Discounted(1);
    expect(d.price(1, 'EUR')).toBe('-1.00 EUR');
    expect(d.price(1, 'EUR')).toBe('-1.00 EUR');
    expect(d.runs).toBe(1);
  });

  it('returns cacheOf undefined for members that are not memoized', () => {
    class Plain {
      m() {
        return 1;
      }
    }
    expect(cacheOf(new Plain(), 'm')).toBeUndefined();
    expect(cacheOf(new Plain(), 'missing')).toBeUndefined();
  });
});

describe('@memoize() on getters, accessors and fields', () => {
  it('computes a getter once per instance', () => {
    let runs = 0;
    class Box {
      constructor(readonly size: number) {}
      @memoize()
      get volume(): number {
        runs++;
        return this.size ** 3;
      }
    }
    const a = new Box(2);
    const b = new Box(3);
    expect([a.volume, a.volume, b.volume, b.volume]).toEqual([8, 8, 27, 27]);
    expect(runs).toBe(2);
    cacheOf(a, 'volume')?.cacheClear();
    expect(a.volume).toBe(8);
    expect(runs).toBe(3);
  });

  it('memoizes the function an accessor holds, on init and on set', () => {
    let runs = 0;
    class Holder {
      @memoize()
      accessor transform = (s: string): string => {
        runs++;
        return s.toUpperCase();
      };
    }
    const h = new Holder();
    h.transform('a');
    h.transform('a');
    expect(runs).toBe(1);
    expect(cacheOf(h, 'transform')?.cacheInfo().hits).toBe(1);
    h.transform = (s: string) => {
      runs += 10;
      return s;
    };
    h.transform('b');
    h.transform('b');
    expect(runs).toBe(11);
    expect(() => {
      (h as unknown as { transform: unknown }).transform = 42;
    }).toThrow(UnsupportedTargetError);
  });

  it('memoizes a function held in a field, per instance', () => {
    let runs = 0;
    class Holder {
      @memoize()
      square = (n: number): number => {
        runs++;
        return n * n;
      };
    }
    const a = new Holder();
    const b = new Holder();
    a.square(3);
    a.square(3);
    b.square(3);
    expect(runs).toBe(2);
    expect(cacheOf(a, 'square')?.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1 });
  });
});

describe('@cachedProperty', () => {
  it('computes once per instance and recomputes after cacheClear', () => {
    let runs = 0;
    class Report {
      constructor(readonly rows: number[]) {}
      @cachedProperty
      get total(): number {
        runs++;
        return this.rows.reduce((a, b) => a + b, 0);
      }
    }
    const r = new Report([1, 2, 3]);
    expect(r.total).toBe(6);
    expect(r.total).toBe(6);
    expect(new Report([4]).total).toBe(4);
    expect(runs).toBe(2);
    r.rows.push(4);
    cacheOf(r, 'total')?.cacheClear();
    expect(r.total).toBe(10);
  });

  it('does not cache a throwing getter', () => {
    let fail = true;
    class Flaky {
      @cachedProperty
      get value(): string {
        if (fail) throw new Error('not yet');
        return 'ok';
      }
    }
    const f = new Flaky();
    expect(() => f.value).toThrow('not yet');
    fail = false;
    expect(f.value).toBe('ok');
  });

  it('refuses methods and plain functions', () => {
    const apply = cachedProperty as unknown as (v: unknown, c?: unknown) => unknown;
    expect(() => apply(() => 1)).toThrow(UnsupportedTargetError);
    expect(() => apply(() => 1, { kind: 'method', name: 'm' })).toThrow(UnsupportedTargetError);
  });
});

describe('decorators refuse what they cannot wrap', () => {
  it('throws UnsupportedTargetError at decoration time for a setter or a class', () => {
    const dec = memoize() as unknown as (v: unknown, c: unknown) => unknown;
    try {
      dec(() => {}, { kind: 'setter', name: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnsupportedTargetError);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as UnsupportedTargetError).code).toBe('MEMO_UNSUPPORTED_TARGET');
      expect((err as UnsupportedTargetError).target).toBe('setter');
    }
    expect(() => dec(class {}, { kind: 'class', name: 'C' })).toThrow(UnsupportedTargetError);
    expect(() => (timed({ sink: () => {} }) as unknown as (v: unknown) => unknown)(42)).toThrow(
      UnsupportedTargetError,
    );
  });
});

describe('stacking', () => {
  it('runs the decorator written first first, and reports the wrapped name', () => {
    const reports: TimingReport[] = [];
    const order: string[] = [];
    class Converter {
      @timed({ sink: (r) => reports.push(r) })
      @validate(
        (s: string) => {
          order.push('validate');
          return !s.includes(' ');
        },
        { onInvalid: 'no spaces' },
      )
      @memoize()
      convert(s: string): string {
        order.push('convert');
        return s + [...s].reverse().join('');
      }
    }
    const c = new Converter();
    expect(c.convert('ab')).toBe('abba');
    expect(c.convert('ab')).toBe('abba');
    expect(c.convert('a b')).toBe('no spaces');
    expect(order).toEqual(['validate', 'convert', 'validate', 'validate']);
    expect(reports.map((r) => [r.name, r.result])).toEqual([
      ['convert', 'abba'],
      ['convert', 'abba'],
      ['convert', 'no spaces'],
    ]);
    expect(cacheOf(c, 'convert')?.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1 });
  });

  it('composes as functions in the same order, and wraps keeps cacheInfo reachable', () => {
    const reports: TimingReport[] = [];
    function convertToPalindrome(s: string) {
      return s + [...s].reverse().join('');
    }
    const memo = memoize(convertToPalindrome);
    const stacked = timed(validate((s: string) => s.length > 0, { onInvalid: 'throw' })(memo), {
      sink: (r) => reports.push(r),
    });
    expect(stacked.name).toBe('convertToPalindrome');
    expect(stacked('x')).toBe('xx');
    expect(() => stacked('')).toThrow(ValidationError);
    expect(reports[0]?.name).toBe('convertToPalindrome');
    expect(reports[1]?.ok).toBe(false);
    expect(unwrap(stacked)).toBe(convertToPalindrome);
    expect((stacked as unknown as typeof memo).cacheInfo().misses).toBe(1);
  });
});
