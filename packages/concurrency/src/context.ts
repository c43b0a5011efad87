import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * What one async task carries. The shape is shared through a global symbol by every copy of this
 * package loaded in the process, so it must only ever grow.
 */
export interface TaskContext {
  /** Unique per task scope; `RLock` uses the context object itself as the owner identity. */
  readonly id: number;
  /** Name given to `runTask`, if any. */
  readonly name: string | undefined;
  /** Per-task values of every `local()` object, keyed by that object. */
  readonly locals: WeakMap<object, object>;
}

const STORAGE_KEY = Symbol.for('cb.concurrency.taskStorage');
const COUNTER_KEY = Symbol.for('cb.concurrency.taskCounter');
const MAIN_LOCALS_KEY = Symbol.for('cb.concurrency.mainLocals');
const TASK_NAME_KEY = Symbol.for('cb.currentTaskName');
const THREAD_NAME_KEY = Symbol.for('cb.threadName');

type GlobalSlots = {
  [STORAGE_KEY]?: AsyncLocalStorage<TaskContext>;
  [COUNTER_KEY]?: { next: number };
  [MAIN_LOCALS_KEY]?: WeakMap<object, object>;
  [TASK_NAME_KEY]?: () => string | undefined;
  [THREAD_NAME_KEY]?: unknown;
};
const slots = globalThis as typeof globalThis & GlobalSlots;

// Two copies of this package (say, one bundled by a dependency) must see the same task scopes, so
// the storage lives on a global symbol and is created only by the first copy that loads.
slots[STORAGE_KEY] ??= new AsyncLocalStorage<TaskContext>();
slots[COUNTER_KEY] ??= { next: 1 };
slots[MAIN_LOCALS_KEY] ??= new WeakMap();
/** The process-wide task storage. */
export const taskStorage: AsyncLocalStorage<TaskContext> = slots[STORAGE_KEY];
const counter = slots[COUNTER_KEY];
/** `local()` values of code outside any task (the "main thread" of Python's threading.local). */
const mainLocals = slots[MAIN_LOCALS_KEY];

// The contract with @cb/log: it calls this to fill in `taskName` without depending on us.
slots[TASK_NAME_KEY] ??= () => taskStorage.getStore()?.name;

/**
 * A new task context. With `sameTaskAs`, it is the same task under a new owner identity (for
 * `RLock`): same name and the same `local()` values; `null` means "the code outside any task".
 */
export function newContext(name: string | undefined, sameTaskAs?: TaskContext | null): TaskContext {
  const locals =
    sameTaskAs === undefined ? new WeakMap() : sameTaskAs === null ? mainLocals : sameTaskAs.locals;
  return { id: counter.next++, name, locals };
}

/**
 * Runs `fn` as a named async task: everything it awaits or schedules sees `currentTaskName() === name`
 * and gets its own `local()` values. `@cb/log` shows the name as `taskName`.
 *
 * @example
 * await Promise.all(['a', 'b'].map((n) => runTask(`fetch-${n}`, () => fetchOne(n))));
 */
export function runTask<R>(name: string, fn: () => R): R {
  if (typeof name !== 'string') throw new TypeError('runTask: `name` must be a string');
  if (typeof fn !== 'function') throw new TypeError('runTask: `fn` must be a function');
  return taskStorage.run(newContext(name), fn);
}

/** Name of the current async task (set by `runTask`), or `undefined` outside any task. */
export function currentTaskName(): string | undefined {
  return taskStorage.getStore()?.name;
}

/** Identity of the thread this code runs on. */
export interface ThreadInfo {
  /** `'MainThread'`, `'<pool name>-<n>'` inside a `WorkerPool` worker, else `'Thread-<id>'`. */
  readonly name: string;
  /** `worker_threads.threadId` (0 on the main thread). */
  readonly id: number;
  /** True on the main thread. */
  readonly isMain: boolean;
}

/**
 * Returns `{ name, id, isMain }` for the current thread, like Python's `threading.current_thread()`.
 *
 * @example
 * console.log(currentThread().name); // 'MainThread', or 'hashers-1' inside a pool worker
 */
export function currentThread(): ThreadInfo {
  const poolName = slots[THREAD_NAME_KEY];
  const name = isMainThread ? 'MainThread' : typeof poolName === 'string' ? poolName : `Thread-${threadId}`;
  return { name, id: threadId, isMain: isMainThread };
}

/**
 * Creates an object whose properties are private to each async task, like Python's
 * `threading.local()`. Code outside any `runTask` shares one "main" set of values.
 * `init`, when given, runs once per task on first access and supplies that task's starting values.
 *
 * @example
 * const data = local<{ user?: string }>();
 * await Promise.all([
 *   runTask('a', async () => { data.user = 'ann'; await tick(); return data.user; }), // 'ann'
 *   runTask('b', async () => { data.user = 'bob'; await tick(); return data.user; }), // 'bob'
 * ]);
 */
export function local<T extends object = Record<string, unknown>>(init?: () => Partial<T>): Partial<T> {
  if (init !== undefined && typeof init !== 'function')
    throw new TypeError('local: `init` must be a function');
  const key = {};
  const values = (): Record<PropertyKey, unknown> => {
    const locals = taskStorage.getStore()?.locals ?? mainLocals;
    let v = locals.get(key);
    if (!v) {
      v = Object.assign(Object.create(null) as object, init?.());
      locals.set(key, v);
    }
    return v as Record<PropertyKey, unknown>;
  };
  return new Proxy(Object.create(null) as Partial<T>, {
    get: (_t, p) => values()[p],
    set: (_t, p, v) => {
      values()[p] = v;
      return true;
    },
    has: (_t, p) => p in values(),
    deleteProperty: (_t, p) => delete values()[p],
    ownKeys: () => Reflect.ownKeys(values()),
    getOwnPropertyDescriptor: (_t, p) => {
      const d = Reflect.getOwnPropertyDescriptor(values(), p);
      if (d) d.configurable = true;
      return d;
    },
    defineProperty: (_t, p, d) => Reflect.defineProperty(values(), p, d),
  });
}
