import { expect, it } from 'vitest';
import { AbortError, type limit as makeLimit } from '../src/index.js';
import { sleep } from './helpers.js';

/**
 * What `clearQueue()` promises, run against a given `limit`: the same tests cover the path where each
 * call returns p-limit's own promise and the fallback where each call adds a `catch`.
 */
export function clearQueueContract(limit: typeof makeLimit): void {
  it('clearQueue() rejects each pending call with its own AbortError', async () => {
    const cap = limit(1);
    const running = cap(() => sleep(10).then(() => 'done'));
    const pending = [cap(() => 1), cap(() => 2)];
    cap.clearQueue('shutting down');
    const errors = await Promise.all(pending.map((p) => p.catch((e: unknown) => e)));
    for (const e of errors) {
      expect(e).toBeInstanceOf(AbortError);
      expect((e as AbortError).cause).toBe('shutting down');
    }
    expect(errors[0]).not.toBe(errors[1]);
    expect(await running).toBe('done');
    expect(cap.pendingCount).toBe(0);
  });

  it('clearQueue() leaves AbortSignal.abort as it was, and clears calls of its own limiter only', async () => {
    const abort = AbortSignal.abort;
    const cap = limit(1);
    const other = limit(1);
    const gate = cap(() => sleep(5));
    const otherGate = other(() => sleep(5));
    const mine = cap(() => 'mine');
    const theirs = other(() => 'theirs');
    cap.clearQueue('stop');
    expect(AbortSignal.abort).toBe(abort);
    expect(AbortSignal.abort().aborted).toBe(true);
    await expect(mine).rejects.toBeInstanceOf(AbortError);
    expect(await theirs).toBe('theirs');
    await Promise.all([gate, otherGate]);
    // Nothing queued: clearing again is a no-op.
    cap.clearQueue();
    expect(await cap(() => 'after')).toBe('after');
  });

  it('does not reject a call p-limit already dequeued, even if it has not run yet', async () => {
    const cap = limit(2);
    const a = cap(async () => 'a');
    const b = cap(async () => 'b');
    const c = cap(async () => 'c');
    cap.clearQueue();
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    await expect(c).rejects.toBeInstanceOf(AbortError);
    expect(await cap(async () => 'after')).toBe('after');
  });
  it('clearQueue() also rejects queued run() calls', async () => {
    const cap = limit(1);
    const first = cap.run(() => new Promise((r) => setTimeout(r, 5)));
    const second = cap.run(() => 2, { signal: new AbortController().signal });
    cap.clearQueue();
    await expect(second).rejects.toBeInstanceOf(AbortError);
    await first;
  });
}
