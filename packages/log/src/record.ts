import { basename, extname } from 'node:path';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread, threadId } from 'node:worker_threads';
import { LogError } from './errors.js';
import { getLevelName } from './levels.js';
import { percentFormat, toText } from './pyformat.js';

/** What `excInfo` may hold: an error (its stack and `cause` chain are printed) or nothing. */
export type ExcInfo = Error | null;

const START_MS = Date.now();
const TASK_NAME = Symbol.for('cb.currentTaskName');
const THREAD_NAME = Symbol.for('cb.threadName');

/** The current thread's name: `MainThread`, the name `@cb/concurrency` gave the worker, or `Thread-<id>`. */
export function currentThreadName(): string {
  if (isMainThread) return 'MainThread';
  const name = (globalThis as Record<symbol, unknown>)[THREAD_NAME];
  return typeof name === 'string' ? name : `Thread-${threadId}`;
}

/** The current async task's name, as published by `@cb/concurrency`, or `null`. */
export function currentTaskName(): string | null {
  const fn = (globalThis as Record<symbol, unknown>)[TASK_NAME];
  if (typeof fn !== 'function') return null;
  const name = (fn as () => unknown)();
  return typeof name === 'string' ? name : null;
}

/** Where a record was logged from, read from a captured call site. */
export interface CallerInfo {
  pathname: string;
  lineno: number;
  funcName: string;
}

const UNKNOWN_CALLER: CallerInfo = Object.freeze({
  pathname: '(unknown file)',
  lineno: 0,
  funcName: '(unknown function)',
});

/** Capture-time stack text (for `stackInfo`): `depth` frames above `above`. */
export function captureStack(above: (...args: never[]) => unknown, depth: number): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = limit;
  return holder.stack ?? '';
}

const sitesOnly = (_err: Error, sites: NodeJS.CallSite[]): NodeJS.CallSite[] => sites;
const callerCache = new Map<string, CallerInfo>();

function toPath(file: string): string {
  if (!file.startsWith('file://')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

/** Parses one V8 stack line: `    at fn (file:line:col)` or `    at file:line:col`. */
function parseFrame(line: string | undefined): CallerInfo | null {
  if (!line) return null;
  const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?\s*$/.exec(line);
  if (!m) return null;
  let funcName = m[1] ?? '<module>';
  if (funcName.startsWith('async ')) funcName = funcName.slice(6);
  if (funcName.startsWith('new ')) funcName = funcName.slice(4);
  if (funcName === 'Object.<anonymous>' || funcName === '<anonymous>') funcName = '<module>';
  return { pathname: toPath(m[2]!), lineno: Number(m[3]), funcName };
}

/** Maps a generated position through a loaded source map (tsx, --enable-source-maps), when there is one. */
function original(file: string, line: number, column: number): { file: string; line: number } | null {
  try {
    const map = findSourceMap(file);
    if (!map) return null;
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number };
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return null;
    return { file: entry.originalSource, line: entry.originalLine + 1 };
  } catch {
    return null;
  }
}

/**
 * The caller `depth` frames above `above` (a function on the stack), read from V8's structured call
 * sites: no stack text is formatted. A call site is resolved once (including its source-map lookup)
 * and cached, so logging in a loop costs a short capture and a map lookup.
 */
export function captureCaller(above: (...args: never[]) => unknown, depth: number): CallerInfo {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = depth;
  Error.prepareStackTrace = sitesOnly;
  let sites: NodeJS.CallSite[] | undefined;
  try {
    Error.captureStackTrace(holder, above);
    sites = holder.stack as NodeJS.CallSite[] | undefined;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  const site = Array.isArray(sites) ? sites[sites.length - 1] : undefined;
  if (!site) return UNKNOWN_CALLER;
  const file = site.getFileName() ?? site.getScriptNameOrSourceURL() ?? '';
  const line = site.getLineNumber() ?? 0;
  const column = site.getColumnNumber() ?? 0;
  const fn = site.getFunctionName();
  const key = `${file}:${line}:${column}:${fn ?? ''}`;
  let info = callerCache.get(key);
  if (info === undefined) {
    const mapped = file ? original(file, line, column) : null;
    let viaHook: CallerInfo | null = null;
    if (mapped === null && typeof prepare === 'function') {
      // A tool that maps stacks by hooking prepareStackTrace (vitest, source-map-support): let it
      // format this one frame, once per call site.
      try {
        viaHook = parseFrame(
          String(prepare(new Error(), [site]))
            .split('\n')
            .pop(),
        );
      } catch {
        viaHook = null;
      }
    }
    info = Object.freeze({
      pathname: file ? toPath(mapped?.file ?? viaHook?.pathname ?? file) : '(unknown file)',
      lineno: mapped?.line ?? viaHook?.lineno ?? line,
      funcName: fn ?? '<module>',
    });
    if (callerCache.size >= 4096) callerCache.clear();
    callerCache.set(key, info);
  }
  return info;
}

/** Attributes `makeLogRecord` accepts, with Python's names (snake_case ones too). */
export type LogRecordAttributes = Partial<{
  name: string;
  msg: unknown;
  args: readonly unknown[] | Record<string, unknown>;
  levelname: string;
  levelno: number;
  pathname: string;
  filename: string;
  module: string;
  lineno: number;
  funcName: string;
  created: number;
  msecs: number;
  relativeCreated: number;
  thread: number;
  threadName: string;
  process: number;
  processName: string;
  taskName: string | null;
  message: string;
  asctime: string;
  excInfo: ExcInfo;
  exc_info: ExcInfo;
  excText: string | null;
  exc_text: string | null;
  stackInfo: string | null;
  stack_info: string | null;
}> &
  Record<string, unknown>;

/**
 * One logging event, with every attribute of Python's LogRecord. Caller fields (`pathname`, `filename`,
 * `module`, `lineno`, `funcName`) are captured only once some formatter shows them.
 */
export class LogRecord {
  [extra: string]: unknown;
  name: string;
  msg: unknown;
  args: readonly unknown[];
  levelno: number;
  levelname: string;
  created: number;
  msecs: number;
  relativeCreated: number;
  thread: number;
  threadName: string;
  process: number;
  processName: string;
  taskName: string | null;
  excInfo: ExcInfo;
  excText: string | null;
  stackInfo: string | null;
  /** Set by `Formatter.format`: the message with its arguments merged. */
  message?: string;
  /** Set by `Formatter.format` when the format uses the time. */
  asctime?: string;
  /** @internal where the logging call was made (null: not captured) */
  _caller: CallerInfo | null;

  constructor(
    name: string,
    level: number,
    msg: unknown,
    args: readonly unknown[],
    excInfo: ExcInfo,
    caller: CallerInfo | null,
    stackInfo: string | null,
    nowMs: number,
  ) {
    const ct = nowMs / 1000;
    this.name = name;
    this.msg = msg;
    this.args = args;
    this.levelno = level;
    this.levelname = getLevelName(level);
    this.created = ct;
    this.msecs = Math.trunc((ct - Math.trunc(ct)) * 1000);
    this.relativeCreated = nowMs - START_MS;
    this.thread = threadId;
    this.threadName = currentThreadName();
    this.process = process.pid;
    this.processName = 'MainProcess';
    this.taskName = currentTaskName();
    this.excInfo = excInfo;
    this.excText = null;
    this.stackInfo = stackInfo;
    this._caller = caller;
  }

  private caller(): CallerInfo {
    return this._caller ?? UNKNOWN_CALLER;
  }

  /** Full path of the source file of the logging call. */
  get pathname(): string {
    return this.caller().pathname;
  }
  set pathname(v: string) {
    this._caller = { ...this.caller(), pathname: v };
  }
  /** Line number of the logging call. */
  get lineno(): number {
    return this.caller().lineno;
  }
  set lineno(v: number) {
    this._caller = { ...this.caller(), lineno: v };
  }
  /** Function that made the logging call (`<module>` at top level). */
  get funcName(): string {
    return this.caller().funcName;
  }
  set funcName(v: string) {
    this._caller = { ...this.caller(), funcName: v };
  }
  /** File name part of `pathname`. */
  get filename(): string {
    const p = this.caller().pathname;
    return p.startsWith('(') ? p : basename(p);
  }
  /** `filename` without its extension. */
  get module(): string {
    const f = this.filename;
    return f.startsWith('(') ? 'Unknown module' : basename(f, extname(f));
  }
  /** Python's `exc_info`. */
  get exc_info(): ExcInfo {
    return this.excInfo;
  }
  /** Python's `exc_text`. */
  get exc_text(): string | null {
    return this.excText;
  }
  /** Python's `stack_info`. */
  get stack_info(): string | null {
    return this.stackInfo;
  }

  /** The message with its arguments merged, Python's `msg % args` (only when there are arguments). */
  getMessage(): string {
    const msg = typeof this.msg === 'string' ? this.msg : toText(this.msg);
    const args = this.args;
    if (args.length === 0) return msg;
    try {
      return percentFormat(msg, args);
    } catch (cause) {
      throw new LogError(
        'LOG_MESSAGE_FORMAT',
        `Cannot merge the arguments into ${JSON.stringify(msg)}: ${(cause as Error).message}`,
        {
          cause,
          context: { format: msg, value: args },
        },
      );
    }
  }

  /** A plain, JSON-safe copy with the message merged and the error rendered (what QueueHandler sends). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this)) {
      if (key.startsWith('_')) continue;
      out[key] = this[key];
    }
    out.pathname = this.pathname;
    out.filename = this.filename;
    out.module = this.module;
    out.lineno = this.lineno;
    out.funcName = this.funcName;
    out.msg = this.message ?? safeMessage(this);
    out.args = [];
    out.excInfo = null;
    if (this.excInfo && !this.excText) out.excText = formatError(this.excInfo);
    return out;
  }
}

function safeMessage(r: LogRecord): string {
  try {
    return r.getMessage();
  } catch {
    return String(r.msg);
  }
}

/** An error's stack with its `cause` chain (and AggregateError members), one after the other. */
export function formatError(err: unknown, seen: Set<unknown> = new Set()): string {
  if (!(err instanceof Error)) return String(err);
  seen.add(err);
  let s = err.stack ?? `${err.name}: ${err.message}`;
  if (err instanceof AggregateError) {
    for (const [i, e] of err.errors.entries()) {
      if (seen.has(e)) continue;
      s += `\n  [errors[${i}]] ${formatError(e, seen).replace(/\n/g, '\n  ')}`;
    }
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && !seen.has(cause)) s += `\nCaused by: ${formatError(cause, seen)}`;
  return s;
}

const SNAKE: Record<string, string> = { exc_info: 'excInfo', exc_text: 'excText', stack_info: 'stack_info' };

/**
 * Builds a record from plain attributes with Python's names, as `logging.makeLogRecord`: start from an
 * empty INFO record of the root logger, then assign every given attribute (`created` also sets
 * `msecs` unless `msecs` is given).
 */
export function makeLogRecord(attrs: LogRecordAttributes = {}): LogRecord {
  const r = new LogRecord('', 0, '', [], null, null, null, Date.now());
  r.levelname = 'NOTSET';
  for (const [key, value] of Object.entries(attrs)) {
    const k = SNAKE[key] === 'stack_info' ? 'stackInfo' : (SNAKE[key] ?? key);
    if (k === 'args') {
      r.args = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    } else if (k === 'filename' || k === 'module') {
      Object.defineProperty(r, k, { value, writable: true, enumerable: true, configurable: true });
    } else if (k === 'created' && typeof value === 'number') {
      r.created = value;
      if (!('msecs' in attrs)) r.msecs = Math.trunc((value - Math.trunc(value)) * 1000);
      if (!('relativeCreated' in attrs)) r.relativeCreated = value * 1000 - START_MS;
    } else {
      (r as Record<string, unknown>)[k] = value;
    }
  }
  return r;
}
