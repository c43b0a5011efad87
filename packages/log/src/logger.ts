import { LogError } from './errors.js';
import { type FilterLike, Filterer } from './filter.js';
import { RECORD_ATTRIBUTES } from './formatter.js';
import { type Handler, StreamHandler } from './handler.js';
import { CRITICAL, checkLevel, DEBUG, ERROR, INFO, type LevelLike, NOTSET, WARNING } from './levels.js';
import { countPlaceholders } from './pyformat.js';
import { captureCaller, captureStack, type ExcInfo, LogRecord } from './record.js';
import { shared } from './state.js';

/** Options a logging call may end with (Python's keyword arguments). */
export interface LogCallOptions {
  /** Custom attributes to set on the record (`%(user)s` in a format declared with `fields`). */
  extra?: Readonly<Record<string, unknown>>;
  /** An error whose stack and `cause` chain follow the message; `true` takes the Error argument. */
  excInfo?: Error | boolean | null;
  /** Append the current call stack to the record. */
  stackInfo?: boolean;
  /** Which frame is "the caller" for `filename`/`lineno`: 1 is the code calling the logger. @default 1 */
  stacklevel?: number;
}

/**
 * A logging method: a message with lazy `%`-style arguments, optionally ending with
 * {@link LogCallOptions}. Arguments are merged only when a handler emits the record.
 */
export type LogMethod = (msg: unknown, ...args: unknown[]) => void;

const OPTION_KEYS = new Set(['extra', 'excInfo', 'stackInfo', 'stacklevel']);

/** @internal whether a trailing argument is a LogCallOptions object */
export function isCallOptions(v: unknown): v is LogCallOptions {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  let n = 0;
  for (const k in v) {
    if (!OPTION_KEYS.has(k)) return false;
    n++;
  }
  return n > 0;
}

function noop(): void {}

/** The logger registry: one per process, shared by every copy of this package. */
export class Manager {
  readonly root: RootLogger;
  readonly loggers = new Map<string, Logger>();
  /** `disable(level)`: calls at or below this level are ignored everywhere. */
  disableLevel = NOTSET;

  constructor(root: RootLogger) {
    this.root = root;
  }

  getLogger(name: string): Logger {
    let logger = this.loggers.get(name);
    if (logger !== undefined) return logger;
    logger = new Logger(name);
    logger.manager = this;
    this.loggers.set(name, logger);
    this.fixupParents(logger);
    logger.refresh();
    return logger;
  }

  private fixupParents(logger: Logger): void {
    const name = logger.name;
    let parent: Logger | null = null;
    for (let i = name.lastIndexOf('.'); i > 0 && parent === null; i = name.lastIndexOf('.', i - 1)) {
      parent = this.loggers.get(name.slice(0, i)) ?? null;
    }
    logger.parent = parent ?? this.root;
    const prefix = `${name}.`;
    for (const other of this.loggers.values()) {
      if (other === logger || !other.name.startsWith(prefix)) continue;
      const p = other.parent;
      if (p === null || p === this.root || !p.name.startsWith(prefix)) other.parent = logger;
    }
  }

  /** Recomputes every logger's effective level and fast-path methods (after setLevel/disable). */
  refreshAll(): void {
    this.root.refresh();
    for (const l of this.loggers.values()) l.refresh();
  }
}

/**
 * A named logger in the dotted hierarchy. Get one with {@link getLogger}; never construct one for
 * application use. Methods of disabled levels are no-ops swapped in when levels change, so a
 * disabled `debug()` costs one empty call.
 */
export class Logger extends Filterer {
  /** Dotted name (`app.db`), `root` for the root logger. */
  readonly name: string;
  /** Own level; NOTSET defers to the parent. */
  level: number;
  /** The next logger up the hierarchy (null for the root). */
  parent: Logger | null = null;
  /** Whether records go on to the parent's handlers. */
  propagate = true;
  /** Attached handlers. */
  readonly handlers: Handler[] = [];
  /** A disabled logger drops everything (dictConfig's `disable_existing_loggers`). */
  disabled = false;
  /** The registry this logger belongs to. */
  manager: Manager | null = null;

  /** Logs at DEBUG. */
  debug: LogMethod = noop;
  /** Logs at INFO. */
  info: LogMethod = noop;
  /** Logs at WARNING. */
  warning: LogMethod = noop;
  /** Alias of `warning`. */
  warn: LogMethod = noop;
  /** Logs at ERROR. */
  error: LogMethod = noop;
  /** Logs at ERROR with the error's stack: the Error argument, or the message if it is one. */
  exception: LogMethod = noop;
  /** Logs at CRITICAL. */
  critical: LogMethod = noop;
  /** Alias of `critical`. */
  fatal: LogMethod = noop;

  constructor(name: string, level: LevelLike = NOTSET) {
    super();
    this.name = name;
    this.level = checkLevel(level);
  }

  /** @internal recomputes the effective level and swaps method implementations */
  refresh(): void {
    const on = (lvl: number): boolean => this.isEnabledFor(lvl);
    this.debug = on(DEBUG) ? this.debugImpl : noop;
    this.info = on(INFO) ? this.infoImpl : noop;
    this.warning = on(WARNING) ? this.warningImpl : noop;
    this.warn = this.warning;
    this.error = on(ERROR) ? this.errorImpl : noop;
    this.exception = on(ERROR) ? this.exceptionImpl : noop;
    this.critical = on(CRITICAL) ? this.criticalImpl : noop;
    this.fatal = this.critical;
  }

  private computeEffectiveLevel(): number {
    for (let l: Logger | null = this; l !== null; l = l.parent) if (l.level !== NOTSET) return l.level;
    return NOTSET;
  }

  private refreshTree(): void {
    if (this.manager) this.manager.refreshAll();
    else this.refresh();
  }

  /** Sets the level (number or name) and refreshes the whole tree's fast paths. */
  setLevel(level: LevelLike): void {
    this.level = checkLevel(level);
    this.refreshTree();
  }

  /** The first level set walking up the hierarchy. */
  getEffectiveLevel(): number {
    return this.computeEffectiveLevel();
  }

  /** Whether a call at `level` would be processed. */
  isEnabledFor(level: number): boolean {
    if (this.disabled) return false;
    const m = this.manager;
    if (m !== null && m.disableLevel >= level) return false;
    return level >= this.computeEffectiveLevel();
  }

  /** The logger `<this.name>.<suffix>`. */
  getChild(suffix: string): Logger {
    const name = this instanceof RootLogger ? suffix : `${this.name}.${suffix}`;
    return (this.manager ?? registry()).getLogger(name);
  }

  /** Direct children of this logger in the registry. */
  getChildren(): Set<Logger> {
    const out = new Set<Logger>();
    for (const l of (this.manager ?? registry()).loggers.values()) if (l.parent === this) out.add(l);
    return out;
  }

  /** Adds a handler (once). */
  addHandler(handler: Handler): void {
    if (!this.handlers.includes(handler)) this.handlers.push(handler);
  }

  /** Removes a handler. */
  removeHandler(handler: Handler): void {
    const i = this.handlers.indexOf(handler);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** Whether this logger or an ancestor it propagates to has a handler. */
  hasHandlers(): boolean {
    for (let l: Logger | null = this; l !== null; l = l.propagate ? l.parent : null)
      if (l.handlers.length > 0) return true;
    return false;
  }

  /** Logs at a numeric level (or registered level name). */
  log(level: LevelLike, msg: unknown, ...args: unknown[]): void {
    const n = checkLevel(level);
    if (this.isEnabledFor(n)) this._log(n, msg, args, false);
  }

  private debugImpl(msg: unknown, ...args: unknown[]): void {
    this._log(DEBUG, msg, args, false);
  }
  private infoImpl(msg: unknown, ...args: unknown[]): void {
    this._log(INFO, msg, args, false);
  }
  private warningImpl(msg: unknown, ...args: unknown[]): void {
    this._log(WARNING, msg, args, false);
  }
  private errorImpl(msg: unknown, ...args: unknown[]): void {
    this._log(ERROR, msg, args, false);
  }
  private exceptionImpl(msg: unknown, ...args: unknown[]): void {
    this._log(ERROR, msg, args, true);
  }
  private criticalImpl(msg: unknown, ...args: unknown[]): void {
    this._log(CRITICAL, msg, args, false);
  }

  /** @internal builds the record and hands it to the handlers */
  _log(level: number, msg: unknown, args: unknown[], wantExc: boolean, wrapperFrames = 0): void {
    let opts: LogCallOptions | null = null;
    if (args.length > 0 && isCallOptions(args[args.length - 1])) {
      opts = args[args.length - 1] as LogCallOptions;
      args = args.slice(0, -1);
    }
    let exc: ExcInfo = null;
    const given = opts?.excInfo;
    if (given instanceof Error) exc = given;
    else if (
      given === true ||
      (given === undefined && (wantExc || args.length > 0 || msg instanceof Error))
    ) {
      const last = args[args.length - 1];
      if (last instanceof Error && (typeof msg !== 'string' || countPlaceholders(msg) < args.length)) {
        exc = last;
        args = args.slice(0, -1);
      } else if (msg instanceof Error) exc = msg;
    }
    const stacklevel = opts?.stacklevel ?? 1;
    const frame = shared().needCaller ? captureCaller(this._log, stacklevel + 1 + wrapperFrames) : null;
    let stackInfo: string | null = null;
    if (opts?.stackInfo) {
      const lines = captureStack(this._log, 50 + stacklevel + wrapperFrames)
        .split('\n')
        .slice(1 + stacklevel + wrapperFrames);
      stackInfo = `Stack (most recent call first):\n${lines.join('\n')}`;
    }
    const record = new LogRecord(this.name, level, msg, args, exc, frame, stackInfo, Date.now());
    const extra = opts?.extra;
    if (extra) {
      for (const key of Object.keys(extra)) {
        if (RECORD_ATTRIBUTES.has(key) || key === 'message' || key === 'asctime') {
          throw new LogError(
            'LOG_INVALID_OPTION',
            `Attempt to overwrite ${JSON.stringify(key)} in LogRecord`,
            { context: { key } },
          );
        }
        record[key] = extra[key];
      }
    }
    this.handle(record);
  }

  /** Creates a record as the logging methods do (override point for subclasses). */
  makeRecord(level: number, msg: unknown, args: unknown[], excInfo: ExcInfo = null): LogRecord {
    return new LogRecord(this.name, level, msg, args, excInfo, null, null, Date.now());
  }

  /** Applies this logger's filters and passes the record to the handlers up the hierarchy. */
  handle(record: LogRecord): void {
    if (this.disabled) return;
    const r = this.filters.length === 0 ? record : this.filter(record);
    if (r !== false) this.callHandlers(r);
  }

  /** Python's callHandlers: every handler up to the first logger with `propagate` false, else lastResort. */
  callHandlers(record: LogRecord): void {
    let found = 0;
    for (let c: Logger | null = this; c !== null; c = c.propagate ? c.parent : null) {
      const hs = c.handlers;
      for (let i = 0; i < hs.length; i++) {
        const h = hs[i]!;
        found++;
        if (record.levelno >= h.level) h.handle(record);
      }
    }
    if (found === 0) {
      const lr = lastResort();
      if (lr !== null && record.levelno >= lr.level) lr.handle(record);
    }
  }

  /** Adds a filter (see Filterer). */
  override addFilter(filter: FilterLike): void {
    super.addFilter(filter);
  }
}

/** The root of the hierarchy: named `root`, level WARNING by default. */
export class RootLogger extends Logger {
  constructor(level: LevelLike = WARNING) {
    super('root', level);
  }
}

let lastResortHandler: StreamHandler | null | undefined;

/** The handler used when no handler is found (WARNING and up, message only, to stderr); null disables it. */
export function lastResort(): StreamHandler | null {
  if (lastResortHandler === undefined) {
    lastResortHandler = new StreamHandler(process.stderr, { level: WARNING });
  }
  return lastResortHandler;
}

/** Replaces the last-resort handler (null: drop records that find no handler). */
export function setLastResort(handler: StreamHandler | null): void {
  lastResortHandler = handler;
}

/** The process-wide registry (created on first use, shared across copies of the package). */
export function registry(): Manager {
  const state = shared();
  let m = state.manager as Manager | null;
  if (m === null) {
    const root = new RootLogger(WARNING);
    m = new Manager(root);
    root.manager = m;
    root.refresh();
    state.manager = m;
  }
  return m;
}

/**
 * The logger named `name` (created on first use; the same object every time). No name, `''` or
 * `'root'` gives the root logger. Dotted names form the hierarchy.
 *
 * @example const log = getLogger('app.db'); log.info('connected to %s', url);
 */
export function getLogger(name?: string | null): Logger {
  const m = registry();
  if (name === undefined || name === null || name === '' || name === 'root') return m.root;
  if (typeof name !== 'string') throw new TypeError('A logger name must be a string');
  return m.getLogger(name);
}

/** Ignores every call at or below `level` in all loggers (Python's `logging.disable`). */
export function disable(level: LevelLike = CRITICAL): void {
  const m = registry();
  m.disableLevel = checkLevel(level);
  m.refreshAll();
}
