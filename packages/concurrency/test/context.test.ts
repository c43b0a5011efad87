import { isMainThread, threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { currentTaskName, currentThread, limit, local, runTask } from '../src/index.js';
import { tick } from './helpers.js';

const taskNameHook = () =>
  (globalThis as Record<symbol, unknown>)[Symbol.for('cb.currentTaskName')] as () => string | undefined;

describe('runTask and currentTaskName', () => {
  it('names the task across awaits, timers and nested promises', async () => {
    expect(currentTaskName()).toBeUndefined();
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        runTask(`task-${n}`, async () => {
          await tick();
          await new Promise((r) => setTimeout(r, 1));
          return [currentTaskName(), await Promise.resolve().then(() => currentTaskName())];
        }),
      ),
    );
    expect(seen).toEqual([
      ['task-a', 'task-a'],
      ['task-b', 'task-b'],
      ['task-c', 'task-c'],
    ]);
  });

  it('publishes the accessor @cb/log reads on a global symbol', async () => {
    const hook = taskNameHook();
    expect(typeof hook).toBe('function');
    expect(await runTask('logged', async () => hook())).toBe('logged');
  });

  it('two copies of the package see the same task scopes', async () => {
    // A query string makes the module loader evaluate a second, independent copy of the module.
    const specifier = '../src/context.ts?second-copy';
    const copy = (await import(specifier)) as typeof import('../src/context.js');
    expect(copy.runTask).not.toBe(runTask);
    expect(await runTask('from-first', async () => copy.currentTaskName())).toBe('from-first');
    expect(await copy.runTask('from-second', async () => currentTaskName())).toBe('from-second');
    expect(taskNameHook()).toBeTypeOf('function');
  });
});

describe('local()', () => {
  it('keeps values private to each task, like threading.local', async () => {
    const data = local<{ value: number }>();
    data.value = -1;
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        runTask(`t${n}`, async () => {
          expect(data.value).toBeUndefined();
          data.value = n;
          await tick();
          return data.value;
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3]);
    expect(data.value).toBe(-1);
  });

  it('init supplies starting values per task, and keys/in/delete work', async () => {
    const data = local<{ hits: number; name?: string }>(() => ({ hits: 0 }));
    await runTask('x', async () => {
      data.hits = (data.hits ?? 0) + 1;
      data.name = 'x';
      expect('name' in data).toBe(true);
      expect(Object.keys(data).sort()).toEqual(['hits', 'name']);
      delete data.name;
      expect('name' in data).toBe(false);
      expect(data.hits).toBe(1);
    });
    await runTask('y', async () => expect(data.hits).toBe(0));
  });

  it('survives queuing in limit()', async () => {
    const data = local<{ id: string }>();
    const cap = limit(1);
    const out = await Promise.all(
      ['p', 'q', 'r'].map((id) =>
        runTask(id, () => {
          data.id = id;
          return cap(async () => {
            await tick();
            return `${currentTaskName()}:${data.id}`;
          });
        }),
      ),
    );
    expect(out).toEqual(['p:p', 'q:q', 'r:r']);
  });
});

describe('currentThread()', () => {
  it('reports the main thread', () => {
    expect(currentThread()).toEqual({ name: 'MainThread', id: threadId, isMain: isMainThread });
  });
});

describe('local() under RLock.runExclusive', () => {
  it('sees the same values inside runExclusive as outside it, in a task and outside any task', async () => {
    const { RLock } = await import('../src/index.js');
    const rlock = new RLock();
    const data = local<{ v: string }>();
    data.v = 'main';
    expect(await rlock.runExclusive(() => data.v)).toBe('main');
    const inTask = await runTask('t', async () => {
      data.v = 'task';
      return rlock.runExclusive(() => [data.v, currentTaskName()]);
    });
    expect(inTask).toEqual(['task', 't']);
    expect(data.v).toBe('main');
  });
});
