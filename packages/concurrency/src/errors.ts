/** Every error code @cb/concurrency throws. Callers branch on `code`, never on the message. */
export type ConcurrencyErrorCode =
  | 'INVALID_OPTION'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NOT_OWNER'
  | 'NOT_LOCKED'
  | 'OVER_RELEASE'
  | 'BROKEN_BARRIER'
  | 'ALREADY_STARTED'
  | 'WORKER_CRASHED'
  | 'WORKER_INIT_FAILED'
  | 'POOL_CLOSED';

/** Base class of every error @cb/concurrency throws. Every throw creates a fresh instance. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
  readonly code: ConcurrencyErrorCode;

  constructor(code: ConcurrencyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A wait gave up because its `timeout` elapsed. `name` is `'TimeoutError'`, matching
 * `AbortSignal.timeout()`, so code that checks the name keeps working.
 */
export class TimeoutError extends ConcurrencyError {
  override name = 'TimeoutError';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options?: ErrorOptions) {
    super('TIMEOUT', message, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Work was cancelled: its `AbortSignal` fired, the queue was cleared, or the pool was destroyed.
 * `name` is `'AbortError'` like the DOM's; `cause` holds the signal's `reason` when there was one.
 */
export class AbortError extends ConcurrencyError {
  override name = 'AbortError';

  constructor(message: string, options?: ErrorOptions) {
    super('ABORTED', message, options);
  }
}

/** A `Barrier` was aborted, reset, or timed out while this party waited (Python's `BrokenBarrierError`). */
export class BrokenBarrierError extends ConcurrencyError {
  override name = 'BrokenBarrierError';

  constructor(message: string, options?: ErrorOptions) {
    super('BROKEN_BARRIER', message, options);
  }
}

/** A pool worker died (uncaught error, `process.exit`, out of memory) while it held this task. */
export class WorkerCrashedError extends ConcurrencyError {
  override name = 'WorkerCrashedError';
  /** Pool name and worker number, e.g. `'hashers-2'`. */
  readonly threadName: string;
  /** The worker's exit code when it exited, else `undefined`. */
  readonly exitCode: number | undefined;

  constructor(message: string, threadName: string, exitCode: number | undefined, options?: ErrorOptions) {
    super('WORKER_CRASHED', message, options);
    this.threadName = threadName;
    this.exitCode = exitCode;
  }
}
