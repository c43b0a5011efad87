import { checkLevel, CRITICAL, DEBUG, ERROR, INFO, type LevelLike, WARNING } from './levels.js';
import { isCallOptions, type LogCallOptions, type Logger } from './logger.js';

/**
 * Python's LoggerAdapter: a logger with bound context. Every call's `extra` is the adapter's `extra`
 * merged with the call's own, the call's keys winning; nested adapters merge outer to inner the same
 * way, so overrides are predictable. Override `process()` to change messages or options.
 *
 * @example
 * const log = new LoggerAdapter(getLogger('api'), { requestId: 'r-42' });
 * log.info('served %s', path); // %(requestId)s in a format declared with fields: ['requestId']
 */
export class LoggerAdapter {
  /** The logger (or adapter) calls go to. */
  readonly logger: Logger | LoggerAdapter;
  /** Context added to every record. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(logger: Logger | LoggerAdapter, extra: Readonly<Record<string, unknown>> = {}) {
    this.logger = logger;
    this.extra = Object.freeze({ ...extra });
  }

  /** Adds the adapter's context to a call's options (the call's `extra` keys win). */
  process(msg: unknown, options: LogCallOptions): [unknown, LogCallOptions] {
    return [msg, { ...options, extra: { ...this.extra, ...options.extra } }];
  }

  /** The Logger at the bottom of a chain of adapters. */
  get baseLogger(): Logger {
    let l: Logger | LoggerAdapter = this.logger;
    while (l instanceof LoggerAdapter) l = l.logger;
    return l;
  }

  /** Whether a call at `level` would be processed. */
  isEnabledFor(level: number): boolean {
    return this.baseLogger.isEnabledFor(level);
  }

  /** The underlying logger's effective level. */
  getEffectiveLevel(): number {
    return this.baseLogger.getEffectiveLevel();
  }

  /** Sets the underlying logger's level. */
  setLevel(level: LevelLike): void {
    this.baseLogger.setLevel(level);
  }

  /** Whether the underlying logger has handlers. */
  hasHandlers(): boolean {
    return this.baseLogger.hasHandlers();
  }

  /** @internal merges options through every adapter, then logs with the right caller depth */
  private call(level: number, msg: unknown, args: unknown[], wantExc: boolean): void {
    const base = this.baseLogger;
    if (!base.isEnabledFor(level)) return;
    let opts: LogCallOptions = {};
    if (args.length > 0 && isCallOptions(args[args.length - 1])) {
      opts = args[args.length - 1] as LogCallOptions;
      args = args.slice(0, -1);
    }
    // Innermost adapter first, so outer context is the default and inner context overrides it.
    const chain: LoggerAdapter[] = [];
    for (let a: Logger | LoggerAdapter = this; a instanceof LoggerAdapter; a = a.logger) chain.push(a);
    for (const a of chain) {
      const [m, o] = a.process(msg, opts);
      msg = m;
      opts = o;
    }
    // One frame (this method) sits between the public method and Logger._log.
    base._log(level, msg, Object.keys(opts).length > 0 ? [...args, opts] : args, wantExc, 1);
  }

  /** Logs at DEBUG. */
  debug(msg: unknown, ...args: unknown[]): void {
    this.call(DEBUG, msg, args, false);
  }
  /** Logs at INFO. */
  info(msg: unknown, ...args: unknown[]): void {
    this.call(INFO, msg, args, false);
  }
  /** Logs at WARNING. */
  warning(msg: unknown, ...args: unknown[]): void {
    this.call(WARNING, msg, args, false);
  }
  /** Alias of `warning`. */
  warn(msg: unknown, ...args: unknown[]): void {
    this.call(WARNING, msg, args, false);
  }
  /** Logs at ERROR. */
  error(msg: unknown, ...args: unknown[]): void {
    this.call(ERROR, msg, args, false);
  }
  /** Logs at ERROR with the Error argument's stack. */
  exception(msg: unknown, ...args: unknown[]): void {
    this.call(ERROR, msg, args, true);
  }
  /** Logs at CRITICAL. */
  critical(msg: unknown, ...args: unknown[]): void {
    this.call(CRITICAL, msg, args, false);
  }
  /** Alias of `critical`. */
  fatal(msg: unknown, ...args: unknown[]): void {
    this.call(CRITICAL, msg, args, false);
  }
  /** Logs at a numeric level or registered level name. */
  log(level: LevelLike, msg: unknown, ...args: unknown[]): void {
    this.call(checkLevel(level), msg, args, false);
  }
}
