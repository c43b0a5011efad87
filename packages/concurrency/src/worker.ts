// Bootstrap of every WorkerPool thread. Shipped as dist/worker.js (ESM) and started by the pool
// from both builds; it imports nothing from the package so a worker stays cheap to start.
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';

interface BootData {
  readonly cbPool: { readonly filename: string; readonly threadName: string };
}

/** A batch of tasks from the pool; `names` holds the callers' task names, when any. */
interface BatchMessage {
  readonly id: number;
  readonly tasks: unknown[];
  readonly names: Array<string | undefined> | undefined;
}

// The same process-wide task storage, counter and @cb/log hook @cb/concurrency uses (see
// context.ts): a task run under its caller's name shows that name as `taskName` in the worker,
// and `runTask` in a copy of the package loaded by the task module shares the storage.
type TaskContext = {
  readonly id: number;
  readonly name: string | undefined;
  readonly locals: WeakMap<object, object>;
};
const slots = globalThis as typeof globalThis & Record<symbol, unknown>;
const STORAGE_KEY = Symbol.for('cb.concurrency.taskStorage');
const COUNTER_KEY = Symbol.for('cb.concurrency.taskCounter');
const TASK_NAME_KEY = Symbol.for('cb.currentTaskName');
slots[STORAGE_KEY] ??= new AsyncLocalStorage<TaskContext>();
slots[COUNTER_KEY] ??= { next: 1 };
const storage = slots[STORAGE_KEY] as AsyncLocalStorage<TaskContext>;
const counter = slots[COUNTER_KEY] as { next: number };
slots[TASK_NAME_KEY] ??= () => storage.getStore()?.name;

type TaskFn = (task: unknown) => unknown;

const port = parentPort;
const boot = (workerData as BootData | undefined)?.cbPool;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function pickTask(mod: unknown): TaskFn {
  // ESM default export, CJS `module.exports = fn`, or CJS compiled from ESM (`exports.default = fn`).
  let candidate = (mod as { default?: unknown }).default;
  if (typeof candidate !== 'function' && candidate !== null && typeof candidate === 'object') {
    candidate = (candidate as { default?: unknown }).default;
  }
  if (typeof candidate !== 'function') {
    throw new TypeError(`WorkerPool: ${boot?.filename} has no default export that is a function`);
  }
  return candidate as TaskFn;
}

function send(id: number, values: unknown[], failed: number[], started: number): void {
  const ms = performance.now() - started;
  try {
    port?.postMessage({ type: 'done', id, values, failed, ms });
  } catch {
    // Some result or error cannot be cloned: report each such one as an error of its own task.
    for (let i = 0; i < values.length; i++) {
      try {
        structuredClone(values[i]);
      } catch (error) {
        values[i] = error instanceof Error ? error : new Error(String(error));
        if (!failed.includes(i)) failed.push(i);
      }
    }
    port?.postMessage({ type: 'done', id, values, failed, ms });
  }
}

function runBatch(fn: TaskFn, message: BatchMessage): void {
  const { id, tasks, names } = message;
  const started = performance.now();
  const values: unknown[] = new Array(tasks.length);
  const failed: number[] = [];
  let pending: Promise<void>[] | undefined;
  for (let i = 0; i < tasks.length; i++) {
    try {
      const name = names?.[i];
      const result =
        name === undefined
          ? fn(tasks[i])
          : storage.run({ id: counter.next++, name, locals: new WeakMap() }, fn, tasks[i]);
      if (isThenable(result)) {
        pending ??= [];
        pending.push(
          Promise.resolve(result).then(
            (value) => {
              values[i] = value;
            },
            (error: unknown) => {
              values[i] = error;
              failed.push(i);
            },
          ),
        );
      } else {
        values[i] = result;
      }
    } catch (error) {
      values[i] = error;
      failed.push(i);
    }
  }
  if (pending) void Promise.all(pending).then(() => send(id, values, failed, started));
  else send(id, values, failed, started);
}

if (port && boot) {
  (globalThis as Record<symbol, unknown>)[Symbol.for('cb.threadName')] = boot.threadName;
  import(boot.filename).then((mod: unknown) => {
    const fn = pickTask(mod);
    port.on('message', (message: BatchMessage | { type: 'exit' }) => {
      // A graceful exit: closing the port lets the thread end by itself once its own pending work
      // (such as buffered stdout) is done, which terminate() would cut short.
      if ('type' in message) port.close();
      else runBatch(fn, message);
    });
    port.postMessage({ type: 'ready' });
  });
}
