import { invalidOption, LogError } from './errors.js';
import { Handler, type HandlerOptions } from './handler.js';
import { ERROR, type LevelLike, checkLevel } from './levels.js';
import { type LogRecord, makeLogRecord } from './record.js';

/** Options of {@link MemoryHandler}. */
export interface MemoryHandlerOptions extends HandlerOptions {
  /** Records at or above this level flush the buffer at once. @default ERROR */
  flushLevel?: LevelLike;
  /** Where buffered records go. @default null (set later with `setTarget`) */
  target?: Handler | null;
  /** Flush to the target on close. @default true */
  flushOnClose?: boolean;
}

/**
 * Keeps records in memory and hands them to a target handler when `capacity` records are buffered or
 * one at `flushLevel` arrives (Python's MemoryHandler): the context before an error, only when needed.
 */
export class MemoryHandler extends Handler {
  readonly capacity: number;
  readonly flushLevel: number;
  target: Handler | null;
  readonly buffer: LogRecord[] = [];
  private readonly flushOnClose: boolean;

  constructor(capacity: number, options: MemoryHandlerOptions = {}) {
    super(options, ['flushLevel', 'target', 'flushOnClose']);
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw invalidOption('capacity', capacity, 'a positive integer');
    }
    this.capacity = capacity;
    this.flushLevel = checkLevel(options.flushLevel ?? ERROR);
    this.target = options.target ?? null;
    this.flushOnClose = options.flushOnClose ?? true;
  }

  /** Sets the handler buffered records go to. */
  setTarget(target: Handler | null): void {
    this.target = target;
  }

  /** Whether the buffer should be flushed after `record`. */
  shouldFlush(record: LogRecord): boolean {
    return this.buffer.length >= this.capacity || record.levelno >= this.flushLevel;
  }

  emit(record: LogRecord): void {
    this.buffer.push(record);
    if (this.shouldFlush(record)) this.handOver();
  }

  /** Hands the buffer to the target (kept when there is no target). */
  private handOver(): void {
    const t = this.target;
    if (t === null) return;
    for (const r of this.buffer.splice(0)) if (r.levelno >= t.level) t.handle(r);
  }

  /** Hands the buffer to the target and has the target write it (the exit hook relies on this). */
  override flushSync(): void {
    this.handOver();
    this.target?.flushSync();
  }

  override async flush(): Promise<void> {
    this.flushSync();
    await this.target?.flush();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushOnClose) this.handOver();
    else this.buffer.length = 0;
    await super.close();
  }
}

/** What a QueueHandler can put records into: an in-process {@link LogQueue} or a message port. */
export type QueueTarget = { put(record: LogRecord): void } | { postMessage(value: unknown): void };

/** Where a QueueListener takes records from: a {@link LogQueue} or a message port (worker/parent). */
export type QueueSource =
  | LogQueue
  | {
      on(event: 'message', listener: (value: unknown) => void): unknown;
      off(event: 'message', listener: (value: unknown) => void): unknown;
    };

/** An unbounded in-process queue of records, dispatched to a listener on a later turn. */
export class LogQueue {
  private readonly items: LogRecord[] = [];
  private consumer: ((r: LogRecord) => void) | null = null;
  private scheduled = false;

  /** Adds a record. */
  put(record: LogRecord): void {
    this.items.push(record);
    this.schedule();
  }

  /** Number of records waiting. */
  get size(): number {
    return this.items.length;
  }

  /** @internal */
  attach(consumer: ((r: LogRecord) => void) | null): void {
    this.consumer = consumer;
    if (consumer) this.schedule();
  }

  /** @internal delivers everything waiting now */
  drain(): void {
    this.scheduled = false;
    const c = this.consumer;
    if (c === null) return;
    while (this.items.length > 0) c(this.items.shift()!);
  }

  private schedule(): void {
    if (this.scheduled || this.consumer === null) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }
}

/**
 * Puts records into a queue instead of writing them: the message is merged, the error rendered and
 * the arguments dropped, so a record can cross to a worker thread (`postMessage`) where a
 * {@link QueueListener} does the I/O.
 */
export class QueueHandler extends Handler {
  readonly queue: QueueTarget;

  constructor(queue: QueueTarget, options: HandlerOptions = {}) {
    super(options);
    if (
      !queue ||
      (typeof (queue as { put?: unknown }).put !== 'function' &&
        typeof (queue as { postMessage?: unknown }).postMessage !== 'function')
    ) {
      throw new LogError(
        'LOG_INVALID_OPTION',
        'QueueHandler needs a LogQueue or an object with postMessage()',
        { context: { key: 'queue' } },
      );
    }
    this.queue = queue;
  }

  /** Python's prepare(): merge the message, render the error, drop arguments. */
  prepare(record: LogRecord): LogRecord {
    const text = this.format(record);
    const copy = makeLogRecord(record.toJSON());
    copy.msg = text;
    copy.message = text;
    copy.args = [];
    copy.excInfo = null;
    copy.excText = null;
    copy.stackInfo = null;
    return copy;
  }

  emit(record: LogRecord): void {
    const prepared = this.prepare(record);
    if ('put' in this.queue) this.queue.put(prepared);
    else this.queue.postMessage(prepared.toJSON());
  }
}

/** Options of {@link QueueListener}. */
export interface QueueListenerOptions {
  /** Apply each handler's level (Python's `respect_handler_level`). @default true */
  respectHandlerLevel?: boolean;
}

/**
 * Takes records from a queue or message port and hands them to handlers. Run it in a worker thread
 * (with the parent's port) to move file and network I/O off the main thread.
 */
export class QueueListener {
  readonly source: QueueSource;
  readonly handlers: readonly Handler[];
  private readonly respect: boolean;
  private listening = false;
  private readonly onMessage = (value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      this.handle(makeLogRecord(value as Record<string, unknown>));
    }
  };

  constructor(source: QueueSource, handlers: readonly Handler[], options: QueueListenerOptions = {}) {
    this.source = source;
    this.handlers = [...handlers];
    this.respect = options.respectHandlerLevel ?? true;
  }

  /** Passes one record to the handlers. */
  handle(record: LogRecord): void {
    for (const h of this.handlers) {
      if (!this.respect || record.levelno >= h.level) h.handle(record);
    }
  }

  /** Starts listening. */
  start(): void {
    if (this.listening) return;
    this.listening = true;
    if (this.source instanceof LogQueue) this.source.attach((r) => this.handle(r));
    else this.source.on('message', this.onMessage);
  }

  /** Stops listening after delivering what is queued, then flushes the handlers. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    if (this.source instanceof LogQueue) {
      this.source.drain();
      this.source.attach(null);
    } else this.source.off('message', this.onMessage);
    for (const h of this.handlers) await h.flush();
  }
}
