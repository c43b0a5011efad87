import { availableParallelism } from 'node:os';
import { dirname, extname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ResourceLimits, type Transferable, Worker } from 'node:worker_threads';
import { currentTaskName } from './context.js';
import { AbortError, ConcurrencyError, WorkerCrashedError } from './errors.js';
import { checkCount, checkKeys, checkSignal, checkTimeout } from './options.js';

/** Options of `new WorkerPool(options)`. */
export interface WorkerPoolOptions {
  /** The task module (path or `file:` URL): its default export is called with each task. `.js`, `.mjs` or `.cjs`. */
  filename: string | URL;
  /** Most worker threads at once. @default os.availableParallelism() */
  size?: number;
  /** A worker idle this long exits; the pool starts a new one when work comes. @default 30000 */
  idleTimeoutMs?: number;
  /** Pool name; workers are named `<name>-1`, `<name>-2`, ... (their `threadName`). @default 'pool' */
  name?: string;
  /** Node options for the workers, e.g. `['--import', './register-loader.mjs']`. @default process.execArgv (Node's default) */
  execArgv?: string[];
  /** Heap limits for each worker. @default Node's defaults */
  resourceLimits?: ResourceLimits;
  /**
   * Upper bound of tasks sent to a worker in one message. The pool sizes batches from measured
   * task times (about 2 ms of work a batch) so small tasks do not pay a round trip each. `1` turns
   * batching off. @default 512
   */
  maxBatch?: number;
}

/** Options of `pool.run(task, options)`. */
export interface RunOptions {
  /**
   * Cancels the task: a queued task is dropped, a running one has its worker terminated (and
   * replaced). Rejects with `AbortError`. Tasks with a signal run alone in their worker so an abort
   * never hits another task.
   */
  signal?: AbortSignal;
  /** Objects to move, not copy, to the worker (e.g. an `ArrayBuffer` inside `task`). */
  transfer?: readonly Transferable[];
}

/** Counters of a pool. */
export interface PoolStats {
  readonly threads: number;
  readonly queued: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly crashed: number;
}

interface Job {
  task: unknown;
  /** The caller's `runTask` name; the worker runs the task under it so logs there show it. */
  taskName: string | undefined;
  transfer: readonly Transferable[] | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  state: 'queued' | 'running' | 'settled';
  slot: Slot | undefined;
}

interface Slot {
  readonly worker: Worker;
  readonly threadName: string;
  readonly batches: Map<number, Job[]>;
  ready: boolean;
  exclusive: boolean;
  retiring: boolean;
  crash: unknown;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  refed: boolean;
}

const POOL_KEYS = new Set([
  'filename',
  'size',
  'idleTimeoutMs',
  'name',
  'execArgv',
  'resourceLimits',
  'maxBatch',
]);
const RUN_KEYS = new Set(['signal', 'transfer']);
const TARGET_BATCH_MS = 2;
const PIPELINE = 2;
// How long a closing pool lets a worker end by itself before terminating it.
const EXIT_GRACE_MS = 2000;

function bootstrapFile(): string {
  // CJS build: __filename is the .cjs file; ESM build and tests: import.meta.url. Either way the
  // bootstrap sits next to this module: dist/worker.js (ESM, used by both builds) or src/worker.ts.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  return join(dirname(here), extname(here) === '.ts' ? 'worker.ts' : 'worker.js');
}

function toModuleUrl(filename: string | URL): string {
  if (filename instanceof URL) return filename.href;
  if (typeof filename !== 'string' || filename.length === 0) {
    throw new ConcurrencyError('INVALID_OPTION', 'WorkerPool: `filename` must be a path or a file: URL');
  }
  if (filename.startsWith('file:')) return filename;
  if (!isAbsolute(filename)) {
    throw new ConcurrencyError(
      'INVALID_OPTION',
      `WorkerPool: \`filename\` must be absolute, got ${filename}`,
    );
  }
  return pathToFileURL(filename).href;
}

/**
 * A pool of worker threads running one task module. Small tasks are batched (several per message,
 * sized from measured task time) so the pool keeps up with the main thread even on
 * microsecond tasks; a crashed worker rejects its tasks with `WorkerCrashedError` and is replaced;
 * idle workers do not keep the process alive.
 *
 * @example
 * const pool = new WorkerPool<Buffer, string>({ filename: new URL('./hash.js', import.meta.url), name: 'hashers' });
 * const digests = await Promise.all(buffers.map((b) => pool.run(b)));
 * await pool.close();
 */
export class WorkerPool<Task = unknown, Result = unknown> implements AsyncDisposable {
  /** Pool name, the prefix of every worker's `threadName`. */
  readonly name: string;
  /** Most workers at once. */
  readonly size: number;
  readonly #filename: string;
  readonly #idleTimeoutMs: number;
  readonly #execArgv: string[] | undefined;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #maxBatch: number;
  readonly #slots = new Set<Slot>();
  #queue: Job[] = [];
  #head = 0;
  #queued = 0;
  #running = 0;
  #nextBatch = 1;
  #nextWorker = 1;
  #avgTaskMs = -1;
  #pumpScheduled = false;
  #closing: Promise<void> | undefined;
  #closed = false;
  #onDrained: (() => void) | undefined;
  #stats = { completed: 0, failed: 0, crashed: 0 };

  constructor(options: WorkerPoolOptions) {
    if (options === null || typeof options !== 'object')
      throw new TypeError('WorkerPool: options must be an object');
    checkKeys(options, POOL_KEYS, 'WorkerPool');
    this.#filename = toModuleUrl(options.filename);
    this.size =
      options.size === undefined ? availableParallelism() : checkCount(options.size, 'WorkerPool', 'size');
    this.#idleTimeoutMs =
      options.idleTimeoutMs === undefined
        ? 30_000
        : checkTimeout(options.idleTimeoutMs, 'WorkerPool', 'idleTimeoutMs');
    this.name = options.name ?? 'pool';
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new ConcurrencyError('INVALID_OPTION', 'WorkerPool: `name` must be a non-empty string');
    }
    if (
      options.execArgv !== undefined &&
      !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === 'string'))
    ) {
      throw new ConcurrencyError('INVALID_OPTION', 'WorkerPool: `execArgv` must be an array of strings');
    }
    this.#execArgv = options.execArgv ? [...options.execArgv] : undefined;
    this.#resourceLimits = options.resourceLimits;
    this.#maxBatch =
      options.maxBatch === undefined ? 512 : checkCount(options.maxBatch, 'WorkerPool', 'maxBatch');
  }

  /** Live counters: threads, queued and running tasks, completed/failed tasks, crashed workers. */
  get stats(): PoolStats {
    return {
      threads: this.#slots.size,
      queued: this.#queued,
      running: this.#running,
      ...this.#stats,
    };
  }

  /**
   * Runs `task` in a worker and resolves with what the module's default export returned (or its
   * promise resolved to). Rejects with the task's own error (cloned across the thread boundary),
   * `WorkerCrashedError`, `AbortError`, or `POOL_CLOSED` after `close()`.
   */
  run(task: Task, options?: RunOptions): Promise<Result> {
    if (this.#closing) {
      return Promise.reject(
        new ConcurrencyError('POOL_CLOSED', `WorkerPool ${this.name}: run() after close()`),
      );
    }
    let signal: AbortSignal | undefined;
    let transfer: readonly Transferable[] | undefined;
    if (options !== undefined) {
      checkKeys(options, RUN_KEYS, 'WorkerPool.run');
      signal = checkSignal(options.signal, 'WorkerPool.run');
      transfer = options.transfer;
      if (transfer !== undefined && !Array.isArray(transfer)) {
        throw new ConcurrencyError('INVALID_OPTION', 'WorkerPool.run: `transfer` must be an array');
      }
      if (signal?.aborted)
        return Promise.reject(new AbortError('WorkerPool.run was aborted', { cause: signal.reason }));
    }
    return new Promise<Result>((resolve, reject) => {
      const job: Job = {
        task,
        taskName: currentTaskName(),
        transfer,
        resolve: resolve as (value: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
        state: 'queued',
        slot: undefined,
      };
      if (signal) {
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#queued++;
      this.#schedulePump();
    });
  }

  /**
   * Stops accepting tasks, lets every queued and running task finish, then ends the workers.
   * Resolves once all threads have exited. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#onDrained = resolve;
      this.#checkDrained();
    }).then(() => this.#terminateAll(true));
    return this.#closing;
  }

  /** Rejects queued and running tasks with `AbortError` and terminates every worker now. */
  async destroy(reason?: unknown): Promise<void> {
    this.#closing ??= Promise.resolve();
    for (let i = this.#head; i < this.#queue.length; i++) {
      const job = this.#queue[i] as Job;
      if (job.state === 'queued')
        this.#settle(job, false, new AbortError('WorkerPool destroyed', { cause: reason }));
    }
    this.#queue = [];
    this.#head = 0;
    for (const slot of this.#slots) {
      for (const jobs of slot.batches.values()) {
        for (const job of jobs)
          this.#settle(job, false, new AbortError('WorkerPool destroyed', { cause: reason }));
      }
      slot.batches.clear();
    }
    this.#queued = 0;
    this.#running = 0;
    this.#checkDrained();
    await this.#terminateAll();
  }

  /** `await using pool = new WorkerPool(...)` closes (drains) the pool at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #terminateAll(graceful = false): Promise<void> {
    this.#closed = true;
    const exits = [...this.#slots].map((slot) => {
      if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
      slot.retiring = true;
      return graceful ? this.#retire(slot) : slot.worker.terminate();
    });
    await Promise.all(exits);
  }

  /** Asks a worker to end by itself (its stdout is flushed); terminates it after a grace period. */
  #retire(slot: Slot): Promise<void> {
    slot.retiring = true;
    return new Promise<void>((resolve) => {
      const force = setTimeout(() => void slot.worker.terminate(), EXIT_GRACE_MS);
      slot.worker.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      try {
        slot.worker.postMessage({ type: 'exit' });
      } catch {
        void slot.worker.terminate();
      }
    });
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Deferred so tasks submitted in one synchronous loop reach the workers as batches.
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #nextJob(): Job | undefined {
    while (this.#head < this.#queue.length) {
      const job = this.#queue[this.#head] as Job;
      if (job.state === 'queued') return job;
      this.#head++;
    }
    return undefined;
  }

  #takeJob(): Job {
    const job = this.#queue[this.#head++] as Job;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  #batchSize(): number {
    // Spread the queue over every thread and pipeline slot, so a few long tasks are not packed
    // onto one thread while another idles; the measured task time caps batches of short tasks.
    const share = Math.ceil(this.#queued / (this.size * PIPELINE));
    const byTime = this.#avgTaskMs < 0 ? 16 : Math.floor(TARGET_BATCH_MS / Math.max(this.#avgTaskMs, 1e-4));
    return Math.max(1, Math.min(this.#maxBatch, share, byTime));
  }

  #pickSlot(exclusive: boolean): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.retiring || slot.exclusive) continue;
      if (slot.batches.size === 0) return slot;
      if (!exclusive && slot.batches.size < PIPELINE && (!best || slot.batches.size < best.batches.size))
        best = slot;
    }
    if (this.#slots.size < this.size && !this.#closed) {
      // Prefer a new thread over pipelining onto a busy one while below `size`.
      if (!best || best.batches.size > 0) return this.#spawn();
    }
    return best;
  }

  #pump(): void {
    while (this.#closed === false) {
      const head = this.#nextJob();
      if (!head) break;
      const exclusive = head.signal !== undefined;
      const slot = this.#pickSlot(exclusive);
      if (!slot) break;
      const jobs: Job[] = [];
      const transfer: Transferable[] = [];
      const limit = exclusive ? 1 : this.#batchSize();
      while (jobs.length < limit) {
        const job = this.#nextJob();
        if (!job || (job.signal !== undefined && jobs.length > 0)) break;
        this.#takeJob();
        jobs.push(job);
        if (job.transfer) transfer.push(...job.transfer);
        if (job.signal !== undefined) break;
      }
      this.#dispatch(slot, jobs, transfer, exclusive);
    }
  }

  #dispatch(slot: Slot, jobs: Job[], transfer: Transferable[], exclusive: boolean): void {
    const id = this.#nextBatch++;
    const tasks = new Array<unknown>(jobs.length);
    let names: Array<string | undefined> | undefined;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i] as Job;
      job.state = 'running';
      job.slot = slot;
      tasks[i] = job.task;
      if (job.taskName !== undefined) {
        names ??= new Array<string | undefined>(jobs.length);
        names[i] = job.taskName;
      }
    }
    this.#queued -= jobs.length;
    this.#running += jobs.length;
    slot.batches.set(id, jobs);
    slot.exclusive = exclusive;
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (!slot.refed) {
      slot.worker.ref();
      slot.refed = true;
    }
    try {
      slot.worker.postMessage({ id, tasks, names }, transfer);
    } catch (error) {
      // A task that cannot be cloned fails alone; send the others one by one.
      slot.batches.delete(id);
      this.#running -= jobs.length;
      slot.exclusive = false;
      for (const job of jobs) {
        job.state = 'queued';
        job.slot = undefined;
      }
      if (jobs.length === 1) {
        this.#settle(jobs[0] as Job, false, error);
        this.#idle(slot);
        return;
      }
      for (const job of jobs) {
        const single = this.#nextBatch++;
        job.state = 'running';
        job.slot = slot;
        try {
          slot.worker.postMessage(
            { id: single, tasks: [job.task], names: job.taskName === undefined ? undefined : [job.taskName] },
            job.transfer ? [...job.transfer] : [],
          );
          slot.batches.set(single, [job]);
          this.#running++;
        } catch (cloneError) {
          this.#settle(job, false, cloneError);
        }
      }
      this.#idle(slot);
    }
  }

  #spawn(): Slot {
    const index = this.#nextWorker++;
    const threadName = `${this.name}-${index}`;
    const worker = new Worker(bootstrapFile(), {
      workerData: { cbPool: { filename: this.#filename, threadName } },
      ...(this.#execArgv ? { execArgv: this.#execArgv } : {}),
      ...(this.#resourceLimits ? { resourceLimits: this.#resourceLimits } : {}),
    });
    const slot: Slot = {
      worker,
      threadName,
      batches: new Map(),
      ready: false,
      exclusive: false,
      retiring: false,
      crash: undefined,
      idleTimer: undefined,
      refed: true,
    };
    this.#slots.add(slot);
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on('error', (error: unknown) => {
      slot.crash ??= error;
    });
    worker.on('exit', (code: number) => this.#onExit(slot, code));
    return slot;
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      slot.ready = true;
      return;
    }
    const jobs = slot.batches.get(message.id);
    if (!jobs) return;
    slot.batches.delete(message.id);
    slot.exclusive = false;
    this.#running -= jobs.length;
    const perTask = message.ms / jobs.length;
    this.#avgTaskMs = this.#avgTaskMs < 0 ? perTask : this.#avgTaskMs * 0.7 + perTask * 0.3;
    const { values, failed } = message;
    let f = 0;
    const failedSorted = failed.length > 1 ? [...failed].sort((a, b) => a - b) : failed;
    for (let i = 0; i < jobs.length; i++) {
      const isFailure = failedSorted[f] === i;
      if (isFailure) f++;
      this.#settle(jobs[i] as Job, !isFailure, values[i]);
    }
    this.#idle(slot);
    this.#pump();
    this.#checkDrained();
  }

  #idle(slot: Slot): void {
    if (slot.batches.size > 0 || slot.retiring) return;
    // An idle worker must not keep the process alive; it exits after idleTimeoutMs.
    slot.worker.unref();
    slot.refed = false;
    if (this.#idleTimeoutMs !== Number.POSITIVE_INFINITY && slot.idleTimer === undefined) {
      slot.idleTimer = setTimeout(() => {
        slot.idleTimer = undefined;
        if (slot.batches.size > 0) return;
        void this.#retire(slot);
      }, this.#idleTimeoutMs);
      slot.idleTimer.unref();
    }
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    const lost = [...slot.batches.values()].flat();
    slot.batches.clear();
    this.#running -= lost.filter((job) => job.state === 'running').length;
    if (!slot.ready && slot.crash !== undefined) {
      // The task module did not load: every worker would fail the same way, so fail the queue too.
      const make = () =>
        new ConcurrencyError(
          'WORKER_INIT_FAILED',
          `WorkerPool ${this.name}: the task module failed to load`,
          {
            cause: slot.crash,
          },
        );
      for (const job of lost) this.#settle(job, false, make());
      for (let job = this.#nextJob(); job; job = this.#nextJob()) {
        this.#takeJob();
        this.#queued--;
        this.#settle(job, false, make());
      }
    } else if (lost.length > 0) {
      this.#stats.crashed++;
      for (const job of lost) {
        this.#settle(
          job,
          false,
          new WorkerCrashedError(
            `WorkerPool ${this.name}: worker ${slot.threadName} ${slot.crash ? 'crashed' : `exited with code ${code}`} while running this task`,
            slot.threadName,
            slot.crash ? undefined : code,
            slot.crash === undefined ? undefined : { cause: slot.crash },
          ),
        );
      }
    }
    this.#pump();
    this.#checkDrained();
  }

  #abort(job: Job): void {
    if (job.state === 'settled') return;
    const error = new AbortError('WorkerPool.run was aborted', { cause: job.signal?.reason });
    if (job.state === 'queued') {
      this.#queued--;
      this.#settle(job, false, error);
      this.#checkDrained();
      return;
    }
    // Running: the task is alone in its worker (signal tasks run exclusive), so end that worker.
    const slot = job.slot as Slot;
    for (const [id, jobs] of slot.batches) if (jobs.includes(job)) slot.batches.delete(id);
    this.#running--;
    this.#settle(job, false, error);
    slot.retiring = true;
    void slot.worker.terminate();
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = undefined;
    job.slot = undefined;
    if (ok) {
      this.#stats.completed++;
      job.resolve(value);
    } else {
      this.#stats.failed++;
      job.reject(value);
    }
  }

  #checkDrained(): void {
    if (this.#onDrained && this.#queued === 0 && this.#running === 0) {
      const done = this.#onDrained;
      this.#onDrained = undefined;
      done();
    }
  }
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; values: unknown[]; failed: number[]; ms: number };
