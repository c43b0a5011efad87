import { randomBytes, createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConcurrencyError, WorkerCrashedError, WorkerPool } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// The pool bootstrap runs from src/worker.ts in tests, so workers need tsx; see register-tsx.mjs.
const execArgv = ['--import', pathToFileURL(fixture('register-tsx.mjs')).href];

const pools: WorkerPool[] = [];
function pool<T = unknown, R = unknown>(
  filename: string,
  extra: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {},
) {
  const p = new WorkerPool<T, R>({ filename: fixture(filename), execArgv, size: 2, ...extra });
  pools.push(p as WorkerPool);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('WorkerPool', () => {
  it('runs an ESM task module and names its workers <pool>-<n>', async () => {
    const p = pool<{ n: number }, { task: { n: number }; thread: string }>('echo-task.mjs', {
      name: 'echoes',
    });
    const out = await Promise.all(Array.from({ length: 50 }, (_, n) => p.run({ n })));
    expect(out.map((o) => o.task.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    for (const o of out) expect(o.thread).toMatch(/^echoes-\d+$/);
  });

  it('runs CommonJS modules, plain and compiled from ESM', async () => {
    const squares = pool<number, number>('square-task.cjs');
    const plusOne = pool<number, number>('compiled-task.cjs');
    expect(await Promise.all([1, 2, 3].map((n) => squares.run(n)))).toEqual([1, 4, 9]);
    expect(await plusOne.run(41)).toBe(42);
  });

  it('runs a TypeScript module through a loader preload, and currentThread() reports the worker', async () => {
    const p = pool<{ data: Uint8Array }, { digest: string; thread: string; isMain: boolean }>(
      'typed-task.ts',
      {
        name: 'hashers',
      },
    );
    const data = randomBytes(1024);
    const out = await p.run({ data });
    expect(out.digest).toBe(createHash('sha256').update(data).digest('hex'));
    expect(out.thread).toMatch(/^hashers-\d+$/);
    expect(out.isMain).toBe(false);
  });

  it('keeps results matched to their tasks across many batched small tasks', async () => {
    const p = pool<number, number>('square-task.cjs');
    const inputs = Array.from({ length: 5000 }, (_, i) => i);
    const out = await Promise.all(inputs.map((n) => p.run(n)));
    expect(out).toEqual(inputs.map((n) => n * n));
    expect(p.stats.completed).toBe(5000);
  });

  it('rejects with the task error, cloned, and the other tasks of the batch still succeed', async () => {
    const p = pool<{ n: number; throw?: boolean }, unknown>('echo-task.mjs');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) => p.run({ n, throw: n === 7 })),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason]] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[0]).toBe(7);
    expect(failed[0]?.[1]).toBeInstanceOf(RangeError);
    expect((failed[0] as [number, Error])[1].message).toBe('bad task 7');
  });

  it('rejects an uncloneable result with that task alone failing', async () => {
    const p = pool<{ kind: string; value?: unknown }, unknown>('behave-task.mjs');
    const [bad, good] = await Promise.allSettled([
      p.run({ kind: 'uncloneable' }),
      p.run({ kind: 'value', value: 5 }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: 5 });
  });

  it('rejects the task of a worker that exits with WorkerCrashedError and replaces the worker', async () => {
    const p = pool<{ kind: string; code?: number; value?: unknown }, unknown>('behave-task.mjs', { size: 1 });
    const err = await p.run({ kind: 'exit', code: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).code).toBe('WORKER_CRASHED');
    expect((err as WorkerCrashedError).exitCode).toBe(7);
    expect(await p.run({ kind: 'value', value: 'after' })).toBe('after');
    expect(p.stats.crashed).toBe(1);
  });

  it('puts the uncaught error of a crashed worker in the cause', async () => {
    const p = pool<{ kind: string }, unknown>('behave-task.mjs', { size: 1 });
    const err = (await p.run({ kind: 'crash' }).catch((e: unknown) => e)) as WorkerCrashedError;
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect((err.cause as Error).message).toBe('boom from a timer');
  });

  it('aborts a queued task without running it, and a running one by replacing its worker', async () => {
    const p = pool<{ kind: string; ms?: number; value?: unknown }, unknown>('behave-task.mjs', { size: 1 });
    const running = new AbortController();
    const hang = p.run({ kind: 'hang' }, { signal: running.signal });
    const queued = new AbortController();
    const later = p.run({ kind: 'value', value: 1 }, { signal: queued.signal });
    queued.abort(new Error('not needed'));
    await expect(later).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    await new Promise((r) => setTimeout(r, 50));
    running.abort();
    const err = await hang.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(await p.run({ kind: 'value', value: 'fresh worker' })).toBe('fresh worker');
  });

  it('rejects at once for an already aborted signal', async () => {
    const p = pool('echo-task.mjs');
    await expect(p.run({ n: 1 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });

  it('close() drains queued work, then refuses new tasks with POOL_CLOSED', async () => {
    const p = pool<{ kind: string; ms: number; value: number }, number>('behave-task.mjs', { size: 1 });
    const tasks = [1, 2, 3].map((value) => p.run({ kind: 'sleep', ms: 20, value }));
    const closed = p.close();
    await expect(p.run({ kind: 'sleep', ms: 1, value: 4 })).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(await Promise.all(tasks)).toEqual([1, 2, 3]);
    await closed;
    expect(p.stats.threads).toBe(0);
  });

  it('fails every task with WORKER_INIT_FAILED when the module does not load', async () => {
    const p = pool('broken-task.mjs');
    const results = await Promise.allSettled([p.run(1), p.run(2), p.run(3)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as ConcurrencyError;
      expect(reason.code).toBe('WORKER_INIT_FAILED');
      expect((reason.cause as Error).message).toContain('cannot load this module');
    }
  });

  it('reports a module without a default export as WORKER_INIT_FAILED', async () => {
    const p = pool('no-default.mjs');
    await expect(p.run(1)).rejects.toMatchObject({ code: 'WORKER_INIT_FAILED' });
  });

  it('moves transferred buffers instead of copying them', async () => {
    const p = pool<{ data: Uint8Array }, { digest: string }>('typed-task.ts');
    const data = new Uint8Array(4096).fill(7);
    const expected = createHash('sha256').update(data).digest('hex');
    const out = await p.run({ data }, { transfer: [data.buffer] });
    expect(out.digest).toBe(expected);
    expect(data.byteLength).toBe(0);
  });

  it('validates options', () => {
    expect(() => new WorkerPool({ filename: 'relative.js' })).toThrow(ConcurrencyError);
    expect(() => new WorkerPool({ filename: fixture('echo-task.mjs'), size: 0 })).toThrow(/size/);
    expect(() => new WorkerPool({ filename: fixture('echo-task.mjs'), colour: 'red' } as never)).toThrow(
      TypeError,
    );
  });

  it('shrinks after idleTimeoutMs', async () => {
    const p = pool('square-task.cjs', { idleTimeoutMs: 50 });
    await p.run(3);
    expect(p.stats.threads).toBeGreaterThan(0);
    for (let i = 0; i < 100 && p.stats.threads > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.threads).toBe(0);
    expect(await p.run(4)).toBe(16);
  });
});

describe('WorkerPool task names', () => {
  it("runs each task under its caller's runTask name, visible to @cb/log's hook in the worker", async () => {
    const { runTask } = await import('../src/index.js');
    const p = new WorkerPool<undefined, [string | undefined, string | undefined]>({
      filename: fixture('task-name-task.mjs'),
      execArgv,
      size: 1,
    });
    try {
      const named = await Promise.all(['alpha', 'beta'].map((n) => runTask(n, () => p.run(undefined))));
      expect(named).toEqual([
        ['alpha', 'alpha'],
        ['beta', 'beta'],
      ]);
      expect(await p.run(undefined)).toEqual([undefined, undefined]);
    } finally {
      await p.close();
    }
  });
});

describe('WorkerPool shutdown', () => {
  it('destroy() during close() rejects the rest and both promises settle', async () => {
    const p = new WorkerPool<{ kind: string; ms?: number; value?: unknown }, unknown>({
      filename: fixture('behave-task.mjs'),
      execArgv,
      size: 1,
    });
    const slow = p.run({ kind: 'sleep', ms: 5000, value: 1 }).catch((e: unknown) => e);
    const queued = p.run({ kind: 'value', value: 2 }).catch((e: unknown) => e);
    const closing = p.close();
    await new Promise((r) => setTimeout(r, 50));
    await p.destroy('enough');
    await closing;
    expect(await slow).toBeInstanceOf(AbortError);
    expect(await queued).toBeInstanceOf(AbortError);
    expect(p.stats.threads).toBe(0);
  });
});
