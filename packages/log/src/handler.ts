import { writeSync } from 'node:fs';
import { inspect } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { type FilterLike, Filterer } from './filter.js';
import { Formatter, checkKeys } from './formatter.js';
import { checkLevel, type LevelLike, NOTSET } from './levels.js';
import { formatError, type LogRecord } from './record.js';
import { shared } from './state.js';

/** Options every handler accepts, besides its own. */
export interface HandlerOptions {
  /** Minimum level this handler emits. @default NOTSET (everything) */
  level?: LevelLike;
  /** Formatter to use. @default `new Formatter()` (`%(message)s`) */
  formatter?: Formatter | null;
  /** Filters to add. @default [] */
  filters?: readonly FilterLike[];
  /** A name for dictConfig and diagnostics. @default null */
  name?: string | null;
}

/** The option keys every handler accepts. */
export const HANDLER_KEYS: readonly string[] = ['level', 'formatter', 'filters', 'name'];

let defaultFormatter: Formatter | null = null;
function fallbackFormatter(): Formatter {
  defaultFormatter ??= new Formatter();
  return defaultFormatter;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function installExitHook(): void {
  const state = shared();
  if (state.exitHook) return;
  state.exitHook = true;
  const flushAll = (): void => {
    for (const h of state.handlers) {
      try {
        h.flushSync();
      } catch {
        // nothing more can be done while the process exits
      }
    }
  };
  // 'exit' also runs after an uncaught exception: buffered lines are written synchronously there.
  process.on('exit', flushAll);
  if (!isMainThread) return;
  // A signal's default action kills the process without 'exit'. Write the buffers first; then, if no
  // one else handles the signal, remove this listener and raise it again so the default action (and
  // the exit status a shell expects) still happens.
  for (const sig of SIGNALS) {
    const onSignal = (): void => {
      flushAll();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

const BURST_MS = 5_000;

/**
 * Base class of handlers: level, formatter, filters, error reporting and lifecycle. Subclasses
 * implement `emit(record)` and, when they buffer, `flushSync()`/`flush()`/`close()`.
 */
export abstract class Handler extends Filterer {
  /** Minimum level emitted. */
  level: number = NOTSET;
  /** The formatter, or null for `%(message)s`. */
  formatter: Formatter | null = null;
  /** Name given in options or by dictConfig. */
  name: string | null = null;
  /** True once `close()` was called. */
  closed = false;
  private errorWindowStart = 0;
  private suppressedErrors = 0;

  constructor(options: HandlerOptions = {}, knownKeys: readonly string[] = []) {
    super();
    checkKeys(options, new Set([...HANDLER_KEYS, ...knownKeys]), new.target.name);
    if (options.level !== undefined) this.level = checkLevel(options.level);
    if (options.formatter) this.formatter = options.formatter;
    for (const f of options.filters ?? []) this.addFilter(f);
    this.name = options.name ?? null;
    shared().handlers.add(this);
    installExitHook();
  }

  /** Sets the minimum level. */
  setLevel(level: LevelLike): void {
    this.level = checkLevel(level);
  }

  /** Sets the formatter (null restores the default `%(message)s`). */
  setFormatter(formatter: Formatter | null): void {
    this.formatter = formatter;
  }

  /** Formats a record with this handler's formatter. */
  format(record: LogRecord): string {
    return (this.formatter ?? fallbackFormatter()).format(record);
  }

  /** Writes the record. Exceptions thrown here go to `handleError`. */
  abstract emit(record: LogRecord): void;

  /** Filters, then emits; returns the record emitted or false. I/O errors never escape. */
  handle(record: LogRecord): LogRecord | false {
    const r = this.filters.length === 0 ? record : this.filter(record);
    if (r === false) return false;
    try {
      this.emit(r);
    } catch (err) {
      this.handleError(r, err);
    }
    return r;
  }

  /**
   * Reports a failure to emit on stderr, once per burst (further errors within 5 s are counted and
   * reported with the next one), and never throws: one broken handler cannot stop the app or others.
   */
  handleError(record: LogRecord | null, err: unknown): void {
    const now = Date.now();
    if (now - this.errorWindowStart < BURST_MS) {
      this.suppressedErrors++;
      return;
    }
    this.errorWindowStart = now;
    const suppressed = this.suppressedErrors;
    this.suppressedErrors = 0;
    let text = `--- Logging error in ${this.constructor.name}${this.name ? ` ${JSON.stringify(this.name)}` : ''} ---\n${formatError(err)}\n`;
    if (record) {
      text += `Message: ${inspect(record.msg)}\nArguments: ${inspect(record.args, { breakLength: Number.POSITIVE_INFINITY })}\n`;
    }
    if (suppressed > 0) text += `(${suppressed} more logging errors in the previous burst were not shown)\n`;
    try {
      writeSync(2, text);
    } catch {
      // stderr itself is gone
    }
  }

  /** Writes buffered output synchronously (used on process exit). */
  flushSync(): void {}

  /** Resolves when every record handled so far has been written. */
  async flush(): Promise<void> {
    this.flushSync();
  }

  /** Flushes and releases resources; the handler stays usable for nothing after this. */
  async close(): Promise<void> {
    this.closed = true;
    shared().handlers.delete(this);
  }
}

/** Discards everything; what a library attaches so its users see no "no handlers" output. */
export class NullHandler extends Handler {
  emit(): void {}
  override handle(_record: LogRecord): false {
    return false;
  }
}

/** Options of {@link StreamHandler}. */
export interface StreamHandlerOptions extends HandlerOptions {
  /** Appended to every formatted record. @default '\n' */
  terminator?: string;
}

/** Writes formatted records to a writable stream (default: `process.stderr`). The stream is not closed. */
export class StreamHandler extends Handler {
  /** The stream written to. */
  stream: NodeJS.WritableStream;
  /** Appended to each record. */
  terminator: string;
  private readonly onError = (err: unknown): void => this.handleError(null, err);

  constructor(stream?: NodeJS.WritableStream | null, options: StreamHandlerOptions = {}) {
    super(options, ['terminator']);
    this.stream = stream ?? process.stderr;
    this.terminator = options.terminator ?? '\n';
    if (typeof this.stream.on === 'function') this.stream.on('error', this.onError);
  }

  /** Replaces the stream; returns the previous one. */
  setStream(stream: NodeJS.WritableStream): NodeJS.WritableStream {
    const old = this.stream;
    if (old === stream) return old;
    if (typeof old.removeListener === 'function') old.removeListener('error', this.onError);
    this.stream = stream;
    if (typeof stream.on === 'function') stream.on('error', this.onError);
    return old;
  }

  emit(record: LogRecord): void {
    this.stream.write(this.format(record) + this.terminator);
  }

  override flush(): Promise<void> {
    const s = this.stream as NodeJS.WritableStream & {
      writableLength?: number;
      destroyed?: boolean;
      writableEnded?: boolean;
    };
    if (s.destroyed || s.writableEnded || !s.writableLength) return Promise.resolve();
    return new Promise((resolve) => {
      s.write('', () => resolve());
    });
  }

  override async close(): Promise<void> {
    await this.flush();
    if (typeof this.stream.removeListener === 'function') this.stream.removeListener('error', this.onError);
    await super.close();
  }
}
