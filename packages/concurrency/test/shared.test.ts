import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConcurrencyError,
  SharedEvent,
  SharedLock,
  SharedSemaphore,
  TimeoutError,
  WorkerPool,
} from '../src/index.js';
import type { CounterJob } from './fixtures/shared-counter-task.js';
import type { SharedJob } from './fixtures/shared-task.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const execArgv = ['--import', pathToFileURL(fixture('register-tsx.mjs')).href];
// maxBatch 1 so every job gets its own thread at once.
const counterPool = new WorkerPool<CounterJob, number>({
  filename: fixture('shared-counter-task.ts'),
  size: 3,
  execArgv,
  maxBatch: 1,
});
const sharedPool = new WorkerPool<SharedJob, number | boolean>({
  filename: fixture('shared-task.ts'),
  size: 3,
  execArgv,
  maxBatch: 1,
});
afterAll(async () => {
  await Promise.all([counterPool.close(), sharedPool.close()]);
});

describe('SharedLock', () => {
  it('three worker threads and the main thread incrementing one counter lose no increment', async () => {
    const lock = new SharedLock();
    const counterBuffer = new SharedArrayBuffer(4);
    const counter = new Int32Array(counterBuffer);
    const times = 2000;
    const workers = [0, 1, 2].map(() =>
      counterPool.run({ lockBuffer: lock.buffer, counterBuffer, times, useLock: true }),
    );
    let mainSide = 0;
    for (let i = 0; i < 200; i++) {
      const hold = await lock.acquire();
      const v = counter[0] as number;
      await new Promise((r) => setImmediate(r));
      counter[0] = v + 1;
      hold.release();
      mainSide++;
    }
    await Promise.all(workers);
    expect(counter[0]).toBe(3 * times + mainSide);
    expect(lock.locked).toBe(false);
  });

  it('acquire() times out and aborts without taking the lock', async () => {
    const lock = new SharedLock();
    const other = new SharedLock(lock.buffer);
    const hold = lock.tryAcquire();
    expect(hold).toBeDefined();
    await expect(other.acquire({ timeout: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const ac = new AbortController();
    const p = other.acquire({ signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(() => other.acquireSync(5)).toThrow(TimeoutError);
    hold?.release();
    const again = await other.acquire({ timeout: 1000 });
    again.release();
    expect(() => lock.release()).toThrow(expect.objectContaining({ code: 'NOT_LOCKED' }));
  });

  it('rejects a buffer that is not shared memory', () => {
    expect(() => new SharedLock(new ArrayBuffer(4) as never)).toThrow(ConcurrencyError);
  });
});

describe('SharedSemaphore', () => {
  it('caps how many threads are inside at once', async () => {
    const sem = new SharedSemaphore(2);
    const inside = new SharedArrayBuffer(4);
    const peaks = await Promise.all(
      [0, 1, 2].map(() => sharedPool.run({ kind: 'semaphore', sem: sem.buffer, inside, rounds: 300 })),
    );
    for (const p of peaks) expect(p).toBeLessThanOrEqual(2);
    expect(sem.value).toBe(2);
  });

  it('bounded: over-release throws OVER_RELEASE; async acquire waits for a release', async () => {
    const sem = new SharedSemaphore(1, { bounded: true });
    expect(() => sem.release()).toThrow(expect.objectContaining({ code: 'OVER_RELEASE' }));
    await sem.acquire();
    const waiting = sem.acquire({ timeout: 2000 });
    setTimeout(() => sem.release(), 10);
    await waiting;
    expect(sem.value).toBe(0);
  });
});

describe('SharedEvent', () => {
  it('set() on the main thread wakes workers blocked in waitSync', async () => {
    const ev = new SharedEvent();
    const waiters = [0, 1].map(() =>
      sharedPool.run({ kind: 'wait-event', event: ev.buffer, timeout: 10_000 }),
    );
    await new Promise((r) => setTimeout(r, 50));
    ev.set();
    expect(await Promise.all(waiters)).toEqual([true, true]);
  });

  it('wait() resolves false on timeout and true once set', async () => {
    const ev = new SharedEvent();
    expect(await ev.wait({ timeout: 10 })).toBe(false);
    setTimeout(() => new SharedEvent(ev.buffer).set(), 5);
    expect(await ev.wait({ timeout: 2000 })).toBe(true);
    ev.clear();
    expect(ev.waitSync(1)).toBe(false);
  });
});
