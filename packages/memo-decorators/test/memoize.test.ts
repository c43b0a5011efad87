import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, type Memoized, memoize, unwrap } from '../src/index.js';

function counted<A extends unknown[], R>(fn: (...args: A) => R) {
  const calls: A[] = [];
  const wrapped = (...args: A): R => {
    calls.push(args);
    return fn(...args);
  };
  return { fn: wrapped, calls };
}

describe('memoize(fn) keys', () => {
  it('keys on every argument, not only the first', () => {
    const { fn, calls } = counted((a: number, b: number) => a + b);
    const m = memoize(fn);
    expect(m(1, 2)).toBe(3);
    expect(m(1, 3)).toBe(4);
    expect(m(1, 2)).toBe(3);
    expect(calls).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(m.cacheInfo()).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 2 });
  });

  it('compares objects by identity and primitives by value', () => {
    const { fn, calls } = counted((o: object, s: string) => `${Object.keys(o).length}${s}`);
    const m = memoize(fn);
    const a = { x: 1 };
    m(a, 'k');
    m({ x: 1 }, 'k');
    m(a, `${'k'}`);
    expect(calls.length).toBe(2);
  });

  it('tells calls apart by their argument count', () => {
    const { fn, calls } = counted((...args: unknown[]) => args.length);
    const m = memoize(fn);
    expect(m()).toBe(0);
    expect(m(undefined)).toBe(1);
    expect(m(undefined, undefined)).toBe(2);
    expect(m()).toBe(0);
    expect(calls.length).toBe(3);
    expect(m.cacheInfo().currSize).toBe(3);
  });

  it('shares an entry between 1n and 1 unless typed', () => {
    const loose = counted((x: number | bigint) => typeof x);
    const m = memoize(loose.fn);
    expect(m(1)).toBe('number');
    expect(m(1n)).toBe('number');
    expect(m(2n ** 80n)).toBe('bigint');
    expect(loose.calls.length).toBe(2);
    const strict = counted((x: number | bigint) => typeof x);
    const t = memoize(strict.fn, { typed: true });
    expect(t(1)).toBe('number');
    expect(t(1n)).toBe('bigint');
    expect(t.cacheParameters()).toEqual({ maxSize: 128, ttl: Number.POSITIVE_INFINITY, typed: true });
  });

  it('uses a custom key function, called with the same this', () => {
    const { fn, calls } = counted((user: { id: number; name: string }) => user.name.toUpperCase());
    const m = memoize(fn, { key: (user: { id: number }) => user.id });
    expect(m({ id: 1, name: 'ada' })).toBe('ADA');
    expect(m({ id: 1, name: 'other' })).toBe('ADA');
    expect(calls.length).toBe(1);
    expect(m.cacheDelete({ id: 1, name: '' })).toBe(true);
    expect(m({ id: 1, name: 'bob' })).toBe('BOB');
  });

  it('property: the memoized function returns what the function returns, and runs it once per key', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b')), fc.boolean()),
          {
            maxLength: 60,
          },
        ),
        (calls) => {
          const seen = new Map<string, number>();
          let runs = 0;
          const m = memoize(
            (a: number | string, b: boolean) => {
              runs++;
              return `${typeof a}:${a}:${b}`;
            },
            { maxSize: Number.POSITIVE_INFINITY },
          );
          for (const [a, b] of calls) {
            expect(m(a, b)).toBe(`${typeof a}:${a}:${b}`);
            seen.set(`${typeof a}:${a}:${b}`, 1);
          }
          expect(runs).toBe(seen.size);
          expect(m.cacheInfo().currSize).toBe(seen.size);
        },
      ),
    );
  });
});

describe('memoize(fn) bound and controls', () => {
  it('evicts the least recently used entry past maxSize', () => {
    const { fn, calls } = counted((x: number) => x * 2);
    const m = memoize(fn, { maxSize: 2 });
    m(1);
    m(2);
    m(1); // 1 is now the most recent
    m(3); // evicts 2
    m(1);
    m(2);
    expect(calls.map((c) => c[0])).toEqual([1, 2, 3, 2]);
    expect(m.cacheInfo()).toEqual({ hits: 2, misses: 4, maxSize: 2, currSize: 2 });
  });

  it('evicts multi-argument entries and prunes their key maps', () => {
    const { fn, calls } = counted((a: number, b: string, c: object) => `${a}${b}${Object.keys(c).length}`);
    const m = memoize(fn, { maxSize: 3 });
    const o = {};
    for (let i = 0; i < 50; i++) m(i % 5, `s${i % 3}`, o);
    expect(m.cacheInfo().currSize).toBe(3);
    expect(m.cacheDelete(4, 's1', o)).toBe(true);
    expect(m.cacheDelete(4, 's1', o)).toBe(false);
    expect(m.cacheInfo().currSize).toBe(2);
    const before = calls.length;
    m(3, 's0', o); // still cached: (48 % 5, s0) was the last call but one
    expect(calls.length).toBe(before);
  });

  it('caches nothing with maxSize 0 but counts misses, and everything with Infinity', () => {
    const zero = counted((x: number) => x);
    const z = memoize(zero.fn, { maxSize: 0 });
    z(1);
    z(1);
    expect(zero.calls.length).toBe(2);
    expect(z.cacheInfo()).toEqual({ hits: 0, misses: 2, maxSize: 0, currSize: 0 });
    const all = memoize((x: number) => x, { maxSize: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 1000; i++) all(i);
    for (let i = 0; i < 1000; i++) all(i);
    expect(all.cacheInfo()).toEqual({
      hits: 1000,
      misses: 1000,
      maxSize: Number.POSITIVE_INFINITY,
      currSize: 1000,
    });
  });

  it('cacheClear drops entries and statistics', () => {
    const { fn, calls } = counted((x: number) => x);
    const m = memoize(fn);
    m(1);
    m(1);
    m.cacheClear();
    expect(m.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
    m(1);
    expect(calls.length).toBe(2);
  });

  it('never caches a throw', () => {
    let fail = true;
    const m = memoize((x: number) => {
      if (fail) throw new RangeError(`bad ${x}`);
      return x;
    });
    expect(() => m(1)).toThrow(RangeError);
    fail = false;
    expect(m(1)).toBe(1);
    expect(m.cacheInfo()).toEqual({ hits: 0, misses: 2, maxSize: 128, currSize: 1 });
  });

  it('memoizes recursion (fib) with the statistics python3 reports', () => {
    const fib: Memoized<(n: number) => number> = memoize(
      (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)),
      { maxSize: Number.POSITIVE_INFINITY },
    );
    fib(50);
    expect(fib(80)).toBe(fib(79) + fib(78));
    const py = execFileSync(
      'python3',
      [
        '-c',
        [
          'import functools, json',
          '@functools.lru_cache(maxsize=None)',
          'def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)',
          'fib(50); fib(80) == fib(79) + fib(78)',
          'i = fib.cache_info(); print(json.dumps([i.hits, i.misses, i.currsize]))',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    const info = fib.cacheInfo();
    expect([info.hits, info.misses, info.currSize]).toEqual(JSON.parse(py));
  });

  it('keeps the first entry when a reentrant call stored the same key (as Python does)', () => {
    let depth = 0;
    const m: Memoized<(n: number) => number> = memoize(
      (n: number): number => {
        depth++;
        return n > 0 ? m(n - 1) + 1 : depth;
      },
      { key: () => 'same' },
    );
    expect(m(2)).toBe(5); // the outer call returns its own result...
    expect(m(5)).toBe(3); // ...but the entry the innermost call stored first stays
    expect(m.cacheInfo().currSize).toBe(1);
  });

  it('keeps name, length, this and wrapped', () => {
    function area(this: { unit: string }, w: number, h: number) {
      return `${w * h}${this.unit}`;
    }
    const m = memoize(area);
    expect(m.name).toBe('area');
    expect(m.length).toBe(2);
    expect(unwrap(m)).toBe(area);
    expect(m.call({ unit: 'm2' }, 2, 3)).toBe('6m2');
  });
});

describe('memoize(fn) with promises', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shares one in-flight promise between concurrent calls', async () => {
    let runs = 0;
    let release!: (v: string) => void;
    const m = memoize(async (id: number) => {
      runs++;
      return new Promise<string>((resolve) => {
        release = (v) => resolve(`${id}:${v}`);
      });
    });
    const a = m(1);
    const b = m(1);
    expect(b).toBe(a);
    release('ok');
    expect(await a).toBe('1:ok');
    expect(await m(1)).toBe('1:ok');
    expect(runs).toBe(1);
    expect(m.cacheInfo()).toEqual({ hits: 2, misses: 1, maxSize: 128, currSize: 1 });
  });

  it('never caches a rejection, and the caller still sees it', async () => {
    let runs = 0;
    const m = memoize(async (id: number) => {
      runs++;
      if (runs === 1) throw new Error(`down ${id}`);
      return id;
    });
    const a = m(7);
    const b = m(7);
    await expect(a).rejects.toThrow('down 7');
    await expect(b).rejects.toThrow('down 7');
    expect(m.cacheInfo().currSize).toBe(0);
    expect(await m(7)).toBe(7);
    expect(runs).toBe(2);
  });

  it('starts ttl when the promise settles, then recomputes', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const m = memoize(
      (x: number) =>
        new Promise<number>((resolve) => {
          runs++;
          setTimeout(() => resolve(x * runs), 1000);
        }),
      { ttl: 500 },
    );
    const p = m(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toBe(2);
    await vi.advanceTimersByTimeAsync(400); // 1,400 ms after the call, 400 after it settled
    expect(await m(2)).toBe(2);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    const again = m(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await again).toBe(4);
    expect(m.cacheInfo()).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 1 });
  });

  it('expires sync entries after ttl', () => {
    vi.useFakeTimers();
    const { fn, calls } = counted((x: number) => x);
    const m = memoize(fn, { ttl: 100 });
    m(1);
    vi.advanceTimersByTime(99);
    m(1);
    vi.advanceTimersByTime(2);
    m(1);
    expect(calls.length).toBe(2);
    expect(m.cacheInfo()).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 1 });
  });

  it('a rejected promise cleared meanwhile does not disturb the new entry', async () => {
    let n = 0;
    const rejects: ((e: Error) => void)[] = [];
    const m = memoize(
      () =>
        new Promise<number>((resolve, reject) => {
          n++;
          if (n === 1) rejects.push(reject);
          else resolve(n);
        }),
    );
    const first = m();
    m.cacheClear();
    const second = m();
    rejects[0]!(new Error('late'));
    await expect(first).rejects.toThrow('late');
    expect(await second).toBe(2);
    expect(m.cacheInfo().currSize).toBe(1);
  });
});

describe('memoize options', () => {
  it.each([
    [{ maxSize: -1 }, 'maxSize'],
    [{ maxSize: 1.5 }, 'maxSize'],
    [{ maxSize: '10' }, 'maxSize'],
    [{ ttl: 0 }, 'ttl'],
    [{ ttl: Number.NaN }, 'ttl'],
    [{ key: 'id' }, 'key'],
    [{ typed: 1 }, 'typed'],
    [{ maxsize: 10 }, 'maxsize'],
  ])('rejects %o with a TypeError naming %s', (options, option) => {
    const attempt = () => memoize((x: number) => x, options as never);
    expect(attempt).toThrow(TypeError);
    try {
      attempt();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).code).toBe('MEMO_INVALID_OPTION');
      expect((err as InvalidOptionError).option).toBe(option);
    }
    expect(() => memoize(options as never)).toThrow(InvalidOptionError);
  });

  it('rejects options passed twice', () => {
    expect(() => memoize({ maxSize: 1 } as never, { maxSize: 2 } as never)).toThrow(InvalidOptionError);
  });
});
