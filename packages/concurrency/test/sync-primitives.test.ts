import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  Barrier,
  BrokenBarrierError,
  Condition,
  ConcurrencyError,
  Event,
  RLock,
  Timer,
  runTask,
} from '../src/index.js';
import { tick } from './helpers.js';

describe('Event', () => {
  it('releases every waiter on set() and returns false on timeout', async () => {
    const ev = new Event();
    const waiters = [ev.wait(), ev.wait(), ev.wait({ timeout: 10_000 })];
    expect(await ev.wait({ timeout: 1 })).toBe(false);
    ev.set();
    expect(await Promise.all(waiters)).toEqual([true, true, true]);
    expect(ev.isSet()).toBe(true);
    expect(await ev.wait()).toBe(true);
    ev.clear();
    expect(await ev.wait({ timeout: 0 })).toBe(false);
  });

  it('rejects a waiter whose signal fires', async () => {
    const ev = new Event();
    const ac = new AbortController();
    const p = ev.wait({ signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });
});

describe('Condition', () => {
  it('hands items from producer to consumers with waitFor', async () => {
    const cond = new Condition();
    const queue: number[] = [];
    const got: number[] = [];
    const consumers = [0, 1].map(() =>
      cond.runExclusive(async () => {
        for (let i = 0; i < 3; i++) {
          await cond.waitFor(() => queue.length > 0);
          got.push(queue.shift() as number);
        }
      }),
    );
    for (let i = 0; i < 6; i++) {
      await tick();
      await cond.runExclusive(() => {
        queue.push(i);
        cond.notify();
      });
    }
    await Promise.all(consumers);
    expect(got.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cond.lock.locked).toBe(false);
  });

  it('wait() returns false on timeout and holds the lock again', async () => {
    const cond = new Condition();
    await cond.runExclusive(async () => {
      expect(await cond.wait({ timeout: 5 })).toBe(false);
      expect(cond.lock.locked).toBe(true);
    });
  });

  it('waitFor returns the falsy predicate value after its timeout', async () => {
    const cond = new Condition();
    const r = await cond.runExclusive(() => cond.waitFor(() => 0, { timeout: 5 }));
    expect(r).toBe(0);
  });

  it('notifyAll wakes everyone; notify needs the lock held', async () => {
    const cond = new Condition();
    let woken = 0;
    const waiters = [1, 2, 3].map(() =>
      cond.runExclusive(async () => {
        await cond.wait();
        woken++;
      }),
    );
    await tick();
    expect(() => cond.notifyAll()).toThrow(expect.objectContaining({ code: 'NOT_LOCKED' }));
    await cond.runExclusive(() => cond.notifyAll());
    await Promise.all(waiters);
    expect(woken).toBe(3);
  });

  it('works over an RLock held several levels deep and restores the depth', async () => {
    const rlock = new RLock();
    const cond = new Condition(rlock);
    let ready = false;
    const waiter = runTask('waiter', () =>
      rlock.runExclusive(() =>
        rlock.runExclusive(async () => {
          await cond.waitFor(() => ready);
          return rlock.depth;
        }),
      ),
    );
    await tick();
    await runTask('setter', () =>
      rlock.runExclusive(() => {
        ready = true;
        cond.notify();
      }),
    );
    expect(await waiter).toBe(2);
    expect(rlock.locked).toBe(false);
  });

  it('refuses a lock from elsewhere', () => {
    expect(() => new Condition({} as never)).toThrow(TypeError);
  });
});

describe('Barrier', () => {
  it('releases all parties together with distinct indexes and runs the action once a round', async () => {
    let actions = 0;
    const barrier = new Barrier(3, { action: () => void actions++ });
    for (let round = 0; round < 2; round++) {
      const indexes = await Promise.all([0, 1, 2].map(() => barrier.wait()));
      expect(indexes.sort()).toEqual([0, 1, 2]);
    }
    expect(actions).toBe(2);
  });

  it('abort() breaks it for present and future waiters until reset()', async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    barrier.abort();
    await expect(waiting).rejects.toBeInstanceOf(BrokenBarrierError);
    await expect(barrier.wait()).rejects.toMatchObject({ code: 'BROKEN_BARRIER' });
    barrier.reset();
    expect(barrier.broken).toBe(false);
    await Promise.all([barrier.wait(), barrier.wait()]);
  });

  it('a timeout breaks the barrier for every party', async () => {
    const barrier = new Barrier(3);
    const a = barrier.wait().catch((e: unknown) => e);
    const b = barrier.wait({ timeout: 5 }).catch((e: unknown) => e);
    expect(await a).toBeInstanceOf(BrokenBarrierError);
    expect(await b).toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
  });

  it('a failing action breaks the barrier', async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error('action failed');
      },
    });
    const results = await Promise.allSettled([barrier.wait(), barrier.wait()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('validates parties', () => {
    expect(() => new Barrier(0)).toThrow(ConcurrencyError);
  });
});

describe('Timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once after the delay; a cancelled timer never runs', async () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    const a = new Timer(100, () => ran.push('a')).start();
    const b = new Timer(100, () => ran.push('b')).start();
    b.cancel();
    expect(b.finished.isSet()).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a']);
    expect(await a.join()).toBe(1);
    expect(await b.join()).toBeUndefined();
    expect([a.state, b.state]).toEqual(['done', 'cancelled']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cannot start twice', () => {
    const t = new Timer(1, () => 1).start();
    expect(() => t.start()).toThrow(expect.objectContaining({ code: 'ALREADY_STARTED' }));
    t.cancel();
  });

  it('join() rejects with the error of fn', async () => {
    const t = new Timer(1, () => {
      throw new Error('timer failed');
    });
    const joined = t.join();
    t.start();
    await expect(joined).rejects.toThrow('timer failed');
  });

  it('unref() makes it a daemon timer', () => {
    const t = new Timer(60_000, () => 1).unref().start();
    expect(t.state).toBe('waiting');
    t.cancel();
  });
});
