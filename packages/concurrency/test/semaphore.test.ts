import { describe, expect, it } from 'vitest';
import {
  type AbortError,
  BoundedSemaphore,
  ConcurrencyError,
  Semaphore,
  TimeoutError,
} from '../src/index.js';
import { tick } from './helpers.js';

describe('Semaphore', () => {
  it('never lets more than n tasks in at once', async () => {
    const sem = new Semaphore(3);
    let inside = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        await sem.acquire();
        inside++;
        peak = Math.max(peak, inside);
        await tick();
        inside--;
        sem.release();
      }),
    );
    expect(peak).toBe(3);
    expect(sem.value).toBe(3);
  });

  it('hands permits to waiters in arrival order and skips ones that gave up', async () => {
    const sem = new Semaphore(0);
    const order: string[] = [];
    const a = sem.acquire().then(() => order.push('a'));
    const gaveUp = sem.acquire({ timeout: 1 }).catch((e: unknown) => e);
    const b = sem.acquire().then(() => order.push('b'));
    expect(await gaveUp).toBeInstanceOf(TimeoutError);
    sem.release(2);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(sem.value).toBe(0);
  });

  it('rejects on abort with the reason as cause', async () => {
    const sem = new Semaphore(0);
    const ac = new AbortController();
    const p = sem.acquire({ signal: ac.signal });
    ac.abort('stop');
    const err = (await p.catch((e: unknown) => e)) as AbortError;
    expect(err.code).toBe('ABORTED');
    expect(err.cause).toBe('stop');
    sem.release();
    expect(sem.value).toBe(1);
  });

  it('tryAcquire does not wait', () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
  });

  it('an unbounded semaphore grows on extra release, like Python', () => {
    const sem = new Semaphore(1);
    sem.release();
    expect(sem.value).toBe(2);
  });

  it('rejects a negative initial value', () => {
    expect(() => new Semaphore(-1)).toThrow(ConcurrencyError);
  });
});

describe('BoundedSemaphore', () => {
  it('throws OVER_RELEASE when released more than acquired', async () => {
    const sem = new BoundedSemaphore(2);
    await sem.acquire();
    sem.release();
    expect(() => sem.release()).toThrow(expect.objectContaining({ code: 'OVER_RELEASE' }));
    expect(sem.value).toBe(2);
  });

  it('allows a release that hands the permit to a waiter', async () => {
    const sem = new BoundedSemaphore(1);
    await sem.acquire();
    const waiter = sem.acquire();
    sem.release();
    await waiter;
    expect(sem.value).toBe(0);
    sem.release();
    expect(sem.value).toBe(1);
  });
});

describe('Semaphore releasers', () => {
  it('acquire() resolves to a Releaser that gives the permit back once, also via using', async () => {
    const sem = new Semaphore(2);
    {
      using _permit = await sem.acquire();
      expect(sem.value).toBe(1);
    }
    expect(sem.value).toBe(2);
    const permit = await sem.acquire();
    permit.release();
    permit.release();
    expect(sem.value).toBe(2);
  });
});
