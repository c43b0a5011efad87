import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortError, ConcurrencyError, Lock, RLock, TimeoutError, runTask } from '../src/index.js';
import { tick } from './helpers.js';

async function readModifyWrite(
  state: { value: number },
  lock: Lock | undefined,
  tasks: number,
): Promise<void> {
  await Promise.all(
    Array.from({ length: tasks }, async () => {
      const hold = lock ? await lock.acquire() : undefined;
      const v = state.value;
      await tick();
      state.value = v + 1;
      hold?.release();
    }),
  );
}

describe('Lock', () => {
  it('loses updates without the lock and none with it', async () => {
    const unguarded = { value: 0 };
    await readModifyWrite(unguarded, undefined, 50);
    expect(unguarded.value).toBeLessThan(50);
    const guarded = { value: 0 };
    await readModifyWrite(guarded, new Lock(), 50);
    expect(guarded.value).toBe(50);
  });

  it('serves waiters first come, first served', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (n) => {
        const lock = new Lock();
        const order: number[] = [];
        const first = await lock.acquire();
        const waiters = Array.from({ length: n }, (_, i) =>
          lock.acquire().then((h) => {
            order.push(i);
            h.release();
          }),
        );
        first.release();
        await Promise.all(waiters);
        expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(lock.locked).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('never grants the lock to a waiter that timed out or was aborted', async () => {
    const lock = new Lock();
    const hold = await lock.acquire();
    const timedOut = lock.acquire({ timeout: 5 });
    const ac = new AbortController();
    const aborted = lock.acquire({ signal: ac.signal });
    const patient = lock.acquire();
    const err = await timedOut.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe('TIMEOUT');
    ac.abort(new Error('user gave up'));
    const abortErr = (await aborted.catch((e: unknown) => e)) as AbortError;
    expect(abortErr).toBeInstanceOf(AbortError);
    expect(abortErr.code).toBe('ABORTED');
    expect((abortErr.cause as Error).message).toBe('user gave up');
    expect(lock.waiting).toBe(1);
    hold.release();
    const next = await patient;
    expect(lock.locked).toBe(true);
    next.release();
    expect(lock.locked).toBe(false);
  });

  it('creates a fresh error for every rejected waiter', async () => {
    const lock = new Lock();
    await lock.acquire();
    const errors = await Promise.all([1, 2].map(() => lock.acquire({ timeout: 1 }).catch((e: unknown) => e)));
    expect(errors[0]).not.toBe(errors[1]);
  });

  it('rejects an already aborted signal even when the lock is free', async () => {
    const lock = new Lock();
    await expect(lock.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(lock.locked).toBe(false);
  });

  it('releases through `using` and ignores a second release of the same handle', async () => {
    const lock = new Lock();
    {
      using _hold = await lock.acquire();
      expect(lock.locked).toBe(true);
    }
    expect(lock.locked).toBe(false);
    const h = await lock.acquire();
    h.release();
    const other = await lock.acquire();
    h.release();
    expect(lock.locked).toBe(true);
    other.release();
  });

  it('runExclusive releases when fn throws', async () => {
    const lock = new Lock();
    await expect(lock.runExclusive(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(lock.locked).toBe(false);
  });

  it('tryAcquire and release() follow Python: releasing a free lock throws NOT_LOCKED', () => {
    const lock = new Lock();
    const h = lock.tryAcquire();
    expect(h).toBeDefined();
    expect(lock.tryAcquire()).toBeUndefined();
    lock.release();
    expect(() => lock.release()).toThrow(expect.objectContaining({ code: 'NOT_LOCKED' }));
  });

  it('rejects bad options with typed errors', () => {
    const lock = new Lock();
    expect(() => lock.acquire({ timeout: -1 })).toThrow(ConcurrencyError);
    expect(() => lock.acquire({ wait: 1 } as never)).toThrow(TypeError);
  });
});

describe('RLock', () => {
  it('re-enters within one task scope and blocks other tasks until fully released', async () => {
    const rlock = new RLock();
    const events: string[] = [];
    const a = runTask('a', async () => {
      const h1 = await rlock.acquire();
      const h2 = await rlock.acquire();
      expect(rlock.depth).toBe(2);
      events.push('a in');
      await tick();
      h2.release();
      await tick();
      events.push('a still holds');
      h1.release();
    });
    const b = runTask('b', async () => {
      await tick();
      const h = await rlock.acquire();
      events.push('b in');
      h.release();
    });
    await Promise.all([a, b]);
    expect(events).toEqual(['a in', 'a still holds', 'b in']);
  });

  it('runExclusive nests without deadlock and keeps the task name', async () => {
    const rlock = new RLock();
    const depth = await runTask('outer', () =>
      rlock.runExclusive(() => rlock.runExclusive(() => rlock.runExclusive(() => rlock.depth))),
    );
    expect(depth).toBe(3);
    expect(rlock.locked).toBe(false);
  });

  it('throws NOT_OWNER when another task releases it', async () => {
    const rlock = new RLock();
    await runTask('owner', () => rlock.acquire());
    await runTask('thief', async () => {
      expect(() => rlock.release()).toThrow(expect.objectContaining({ code: 'NOT_OWNER' }));
    });
    expect(rlock.locked).toBe(true);
  });

  it('outside any task scope each acquire is its own owner (mutual exclusion holds)', async () => {
    const rlock = new RLock();
    const h = await rlock.acquire();
    await expect(rlock.acquire({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    h.release();
    expect(rlock.locked).toBe(false);
  });
});

describe('waiter queue (model-based)', () => {
  it('grants a semaphore in arrival order to exactly the waiters that did not give up', async () => {
    const { Semaphore } = await import('../src/index.js');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ abort: fc.boolean(), abortBeforeRelease: fc.boolean() }), { maxLength: 25 }),
        async (plan) => {
          const sem = new Semaphore(0);
          const granted: number[] = [];
          const controllers = plan.map(() => new AbortController());
          const waits = plan.map((_, i) =>
            sem.acquire({ signal: controllers[i]?.signal }).then(
              () => granted.push(i),
              () => undefined,
            ),
          );
          plan.forEach((p, i) => {
            if (p.abort && p.abortBeforeRelease) controllers[i]?.abort();
          });
          const live = plan.flatMap((p, i) => (p.abort && p.abortBeforeRelease ? [] : [i]));
          if (plan.length > 0) sem.release(plan.length);
          plan.forEach((p, i) => {
            if (p.abort && !p.abortBeforeRelease) controllers[i]?.abort();
          });
          await Promise.all(waits);
          expect(granted).toEqual(live);
          expect(sem.waiting).toBe(0);
          expect(sem.value).toBe(plan.length - live.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
