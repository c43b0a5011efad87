import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortError, ConcurrencyError, limit, map, mapUnordered } from '../src/index.js';
import { clearsEachCall } from '../src/limit.js';
import { clearQueueContract } from './limit-clear.shared.js';
import { sleep, tick } from './helpers.js';

describe('limit()', () => {
  it('runs at most n at once and reports activeCount/pendingCount', async () => {
    const cap = limit(2);
    let peak = 0;
    const all = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        cap(async (x: number) => {
          peak = Math.max(peak, cap.activeCount);
          await tick();
          return x * 2;
        }, i),
      ),
    );
    expect(cap.pendingCount).toBe(8);
    expect(await all).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(peak).toBe(2);
  });

  it('passes through errors of calls that ran, even AbortErrors', async () => {
    const cap = limit(1);
    const own = new DOMException('mine', 'AbortError');
    await expect(cap(() => Promise.reject(own))).rejects.toBe(own);
  });

  it('accepts the object form and validates concurrency', () => {
    expect(limit({ concurrency: 3 }).concurrency).toBe(3);
    expect(() => limit(0)).toThrow(ConcurrencyError);
    expect(() => limit({ concurrency: 2, x: 1 } as never)).toThrow(TypeError);
  });
});

describe('map()', () => {
  it('returns results in input order with at most `concurrency` in flight (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (delays, concurrency, asAsyncInput) => {
          let inFlight = 0;
          let peak = 0;
          const input = asAsyncInput
            ? (async function* () {
                yield* delays;
              })()
            : delays;
          const out = await map(
            input,
            async (d, i) => {
              inFlight++;
              peak = Math.max(peak, inFlight);
              for (let k = 0; k < d; k++) await tick();
              inFlight--;
              return d * 10 + i;
            },
            { concurrency },
          );
          expect(out).toEqual(delays.map((d, i) => d * 10 + i));
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pulls lazily: never more than `concurrency` items taken ahead of completion', async () => {
    let pulled = 0;
    let done = 0;
    let maxAhead = 0;
    function* naturals() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - done);
        yield i;
      }
    }
    await map(
      naturals(),
      async (i) => {
        await tick();
        done++;
        return i;
      },
      { concurrency: 4 },
    );
    expect(maxAhead).toBeLessThanOrEqual(4);
  });

  it('stopOnError: the first error stops the run and in-flight calls see their signal abort', async () => {
    const started: number[] = [];
    let abortedSeen = 0;
    const err = await map(
      Array.from({ length: 100 }, (_, i) => i),
      async (i, _idx, { signal }) => {
        started.push(i);
        if (i === 3) throw new Error('item 3 failed');
        await sleep(5);
        if (signal.aborted) abortedSeen++;
        return i;
      },
      { concurrency: 4 },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('item 3 failed');
    expect(started.length).toBeLessThan(100);
    expect(abortedSeen).toBeGreaterThan(0);
  });

  it('stopOnError false: runs everything and throws an AggregateError of all failures', async () => {
    let ran = 0;
    const err = await map(
      [1, 2, 3, 4, 5, 6],
      (n) => {
        ran++;
        if (n % 2 === 0) throw new Error(`even ${n}`);
        return n;
      },
      { concurrency: 2, stopOnError: false },
    ).catch((e: unknown) => e);
    expect(ran).toBe(6);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors.map((e: Error) => e.message).sort()).toEqual([
      'even 2',
      'even 4',
      'even 6',
    ]);
  });

  it('an outer abort stops pulling and rejects with AbortError after in-flight calls settle', async () => {
    const ac = new AbortController();
    let settled = 0;
    const run = map(
      Array.from({ length: 50 }, (_, i) => i),
      async (i) => {
        if (i === 5) ac.abort('enough');
        await sleep(2);
        settled++;
      },
      { concurrency: 3, signal: ac.signal },
    );
    const err = (await run.catch((e: unknown) => e)) as AbortError;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause).toBe('enough');
    const settledAtReject = settled;
    await sleep(10);
    expect(settled).toBe(settledAtReject);
    expect(settled).toBeLessThan(50);
  });

  it('closes the input iterator when the run stops early', async () => {
    let closed = false;
    function* gen() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    await map(
      gen(),
      (i) => {
        if (i === 10) throw new Error('stop');
      },
      { concurrency: 2 },
    ).catch(() => undefined);
    expect(closed).toBe(true);
  });

  it('rejects bad input and options', async () => {
    await expect(map(42 as never, (x) => x)).rejects.toThrow(TypeError);
    await expect(map([1], (x) => x, { concurrency: 0 })).rejects.toThrow(ConcurrencyError);
    await expect(map([1], (x) => x, { parallel: 2 } as never)).rejects.toThrow(TypeError);
  });
});

describe('mapUnordered()', () => {
  it('yields results as they finish', async () => {
    const out: number[] = [];
    for await (const v of mapUnordered(
      [30, 1, 15],
      async (ms) => {
        await sleep(ms);
        return ms;
      },
      { concurrency: 3 },
    )) {
      out.push(v);
    }
    expect(out).toEqual([1, 15, 30]);
  });

  it('applies backpressure: a slow consumer keeps producers at most `concurrency` ahead', async () => {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    for await (const _ of mapUnordered(
      Array.from({ length: 200 }, (_, i) => i),
      (i) => {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        return i;
      },
      { concurrency: 3 },
    )) {
      consumed++;
      await tick();
    }
    expect(consumed).toBe(200);
    expect(maxAhead).toBeLessThanOrEqual(3 * 2 + 1);
  });

  it('breaking out of the loop cancels the rest and waits for in-flight calls', async () => {
    let started = 0;
    let finished = 0;
    let aborted = 0;
    for await (const v of mapUnordered(
      Array.from({ length: 100 }, (_, i) => i),
      async (i, _x, { signal }) => {
        started++;
        await sleep(3);
        if (signal.aborted) aborted++;
        finished++;
        return i;
      },
      { concurrency: 4 },
    )) {
      if (v >= 0) break;
    }
    expect(finished).toBe(started);
    expect(started).toBeLessThan(100);
    expect(aborted).toBeGreaterThan(0);
  });

  it('validates eagerly, before iteration', () => {
    expect(() => mapUnordered([1], (x) => x, { concurrency: -1 })).toThrow(ConcurrencyError);
  });
});

describe('map() with a synchronous fn', () => {
  it('keeps input order and stops at a synchronous throw', async () => {
    const out = await map(
      Array.from({ length: 1000 }, (_, i) => i),
      (i) => i * 3,
      { concurrency: 7 },
    );
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i * 3));
    let calls = 0;
    const err = await map(
      Array.from({ length: 10_000 }, (_, i) => i),
      (i) => {
        calls++;
        if (i === 500) throw new RangeError('500');
        return i;
      },
      { concurrency: 4 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(calls).toBeLessThan(10_000);
  });

  it('an abort from another task stops a synchronous run', async () => {
    const ac = new AbortController();
    setImmediate(() => ac.abort('stop'));
    let calls = 0;
    const run = map(
      (function* () {
        for (;;) yield 1;
      })(),
      () => {
        calls++;
        return calls % 1000 === 0 ? new Promise((r) => setImmediate(r)) : 1;
      },
      { concurrency: 2, signal: ac.signal },
    );
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('limit() clearQueue', () => {
  it('gives cleared calls their own errors without a catch per call (one yocto-queue installed)', () => {
    expect(clearsEachCall()).toBe(true);
  });

  clearQueueContract(limit);
});

describe('limit().run with a signal', () => {
  it('an aborted queued call rejects at once and never runs; a running one gets the signal', async () => {
    const cap = limit(1);
    const gate = new AbortController();
    let sawSignal: AbortSignal | undefined;
    const running = cap.run(
      (signal) =>
        new Promise<string>((resolve) => {
          sawSignal = signal;
          signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
        }),
      { signal: gate.signal },
    );
    const ac = new AbortController();
    let ran = false;
    const queued = cap.run(
      () => {
        ran = true;
      },
      { signal: ac.signal },
    );
    const after = cap.run(async () => 'after');
    ac.abort('not needed');
    const err = (await queued.catch((e: unknown) => e)) as AbortError;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause).toBe('not needed');
    gate.abort();
    expect(await running).toBe('stopped');
    expect(sawSignal).toBe(gate.signal);
    expect(await after).toBe('after');
    expect(ran).toBe(false);
  });

  it('rejects an already aborted signal and unknown options', async () => {
    const cap = limit(1);
    await expect(cap.run(() => 1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(() => cap.run(() => 1, { timeout: 1 } as never)).toThrow(TypeError);
  });
});

describe('map() and mapUnordered() failure paths', () => {
  it('rejects with the error of an input iterator that throws, after in-flight calls settle', async () => {
    let settled = 0;
    async function* source() {
      yield 1;
      yield 2;
      throw new Error('source broke');
    }
    const err = await map(
      source(),
      async (n) => {
        await sleep(2);
        settled++;
        return n;
      },
      { concurrency: 2 },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('source broke');
    expect(settled).toBe(2);
  });

  it('mapUnordered with stopOnError false yields every success, then throws an AggregateError', async () => {
    const got: number[] = [];
    const err = await (async () => {
      for await (const v of mapUnordered(
        [1, 2, 3, 4, 5],
        (n) => {
          if (n % 2 === 0) throw new Error(`bad ${n}`);
          return n;
        },
        { concurrency: 2, stopOnError: false },
      )) {
        got.push(v);
      }
    })().catch((e: unknown) => e);
    expect(got.sort()).toEqual([1, 3, 5]);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors).toHaveLength(2);
  });
});
