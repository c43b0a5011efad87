import { FormatError, LogError, UnknownFieldError } from './errors.js';
import { type CompileOptions, compileBrace, compilePercent, compileTemplate, type Part } from './pyformat.js';
import { formatError, type LogRecord } from './record.js';
import { shared } from './state.js';
import { compileStrftime, type TimeFormat } from './strftime.js';

/** Format styles, as Python: `%(name)s`, `{name}`, `$name`. */
export type FormatStyle = '%' | '{' | '$';

/** Every attribute a LogRecord has, by the names formats use. */
export const RECORD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'args',
  'asctime',
  'created',
  'exc_info',
  'exc_text',
  'excInfo',
  'excText',
  'filename',
  'funcName',
  'levelname',
  'levelno',
  'lineno',
  'message',
  'module',
  'msecs',
  'msg',
  'name',
  'pathname',
  'process',
  'processName',
  'relativeCreated',
  'stack_info',
  'stackInfo',
  'taskName',
  'thread',
  'threadName',
]);

/** Fields that need the caller's stack frame, captured at the logging call. */
export const CALLER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'filename',
  'funcName',
  'lineno',
  'module',
  'pathname',
]);

const FLOAT_KEYS: ReadonlySet<string> = new Set(['created', 'msecs', 'relativeCreated']);

const DEFAULT_FORMATS: Record<FormatStyle, string> = {
  '%': '%(message)s',
  '{': '{message}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Python's $-style format
  $: '${message}',
};

/** Options of {@link Formatter}. */
export interface FormatterOptions {
  /** strftime pattern for `asctime`. @default Python's `%Y-%m-%d %H:%M:%S,mmm` */
  datefmt?: string | null;
  /** Format style. @default '%' */
  style?: FormatStyle;
  /**
   * Check at construction that the format names at least one field and only known attributes. When
   * false, any name is accepted; a record without it is reported through `handleError`. @default true
   */
  validate?: boolean;
  /** Values for custom fields a record may lack (Python 3.10's `defaults`); their keys become known fields. */
  defaults?: Readonly<Record<string, unknown>> | null;
  /** Names of custom fields supplied through `extra` that the format may use. @default [] */
  fields?: readonly string[];
  /** Render times in UTC instead of local time (Python's `converter = time.gmtime`). @default false */
  utc?: boolean;
  /** Escape `\n` and `\r` in the output so one record is always exactly one line. @default false */
  escapeNewlines?: boolean;
}

const FORMATTER_KEYS = new Set([
  'datefmt',
  'style',
  'validate',
  'defaults',
  'fields',
  'utc',
  'escapeNewlines',
]);

/** Throws TypeError on keys an options object should not have. */
export function checkKeys(options: object, known: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`Unknown option \`${key}\` for ${where}`);
  }
}

type Compiled = (r: LogRecord) => string;

/** A custom field the record lacks: Python raises here too ("Formatting field not found in record"). */
function missingField(key: string): never {
  throw new UnknownFieldError(
    'LOG_UNKNOWN_FIELD',
    `Formatting field not found in record: ${JSON.stringify(key)}; pass it in \`extra\` or give it a default`,
    {
      context: { key },
    },
  );
}

function compileParts(parts: Part[], defaults: Readonly<Record<string, unknown>> | null): Compiled {
  const converters: Array<(v: unknown) => string> = [];
  const terms: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') terms.push(JSON.stringify(p));
    else {
      const key = JSON.stringify(p.key);
      converters.push(p.convert);
      const i = converters.length - 1;
      const value =
        defaults && p.key !== null && p.key in defaults
          ? `(r[${key}] !== undefined ? r[${key}] : d[${key}])`
          : p.key !== null && !RECORD_ATTRIBUTES.has(p.key)
            ? `(r[${key}] !== undefined ? r[${key}] : m(${key}))`
            : `r[${key}]`;
      terms.push(`c[${i}](${value})`);
    }
  }
  if (terms.length === 0) terms.push('""');
  // One function per format, built once: no parsing and no loop per record.
  const body = `return ${terms.join(' + ')};`;
  const fn = new Function('c', 'd', 'm', 'r', body) as (
    c: unknown,
    d: unknown,
    m: unknown,
    r: LogRecord,
  ) => string;
  return (r) => fn(converters, defaults, missingField, r);
}

/**
 * Turns a LogRecord into text with a Python logging format, compiled once at construction. Any
 * format error (bad spec, unknown attribute) is thrown here, never later inside a handler.
 *
 * @example
 * const f = new Formatter('%(asctime)s - [%(levelname)-8s] %(name)s: %(message)s', { datefmt: '%H:%M:%S' });
 */
export class Formatter {
  /** The format string. */
  readonly fmt: string;
  /** The strftime pattern for `asctime`, or null for Python's default form. */
  readonly datefmt: string | null;
  /** The format style. */
  readonly style: FormatStyle;
  /** Fields the format names, in order. */
  readonly fieldNames: readonly string[];
  /** True when the format shows `asctime`. */
  readonly usesTime: boolean;
  /** True when the format needs the caller's frame. */
  readonly usesCaller: boolean;
  /** Whether newlines in the output are escaped. */
  readonly escapeNewlines: boolean;
  private readonly compiled: Compiled;
  private readonly timeFormat: TimeFormat;
  private readonly utc: boolean;
  private cacheSecond = Number.NaN;
  private cacheText = '';

  constructor(
    fmt?: string | null,
    datefmt?: string | null | FormatterOptions,
    style?: FormatStyle,
    options: FormatterOptions = {},
  ) {
    if (datefmt !== null && typeof datefmt === 'object') {
      options = datefmt;
      datefmt = options.datefmt;
      style = options.style;
    }
    checkKeys(options, FORMATTER_KEYS, 'Formatter');
    const st: FormatStyle = style ?? options.style ?? '%';
    if (st !== '%' && st !== '{' && st !== '$') {
      throw new LogError(
        'LOG_INVALID_OPTION',
        `Style must be one of '%', '{', '$', got ${JSON.stringify(st)}`,
        {
          context: { key: 'style', value: st },
        },
      );
    }
    this.style = st;
    this.fmt = fmt ?? DEFAULT_FORMATS[st];
    this.datefmt = (datefmt as string | null | undefined) ?? options.datefmt ?? null;
    this.utc = options.utc ?? false;
    this.escapeNewlines = options.escapeNewlines ?? false;
    const defaults = options.defaults ?? null;
    const copts: CompileOptions = { noneText: true, floatKeys: FLOAT_KEYS };
    const parts =
      st === '%'
        ? compilePercent(this.fmt, copts)
        : st === '{'
          ? compileBrace(this.fmt, copts)
          : compileTemplate(this.fmt, copts);
    const names: string[] = [];
    for (const p of parts) {
      if (typeof p === 'string') continue;
      if (p.key === null) {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `A %-format field needs a name, as %(name)s, at position ${p.position} in ${JSON.stringify(this.fmt)}`,
          {
            context: { format: this.fmt, position: p.position },
          },
        );
      }
      names.push(p.key);
    }
    const validate = options.validate ?? true;
    if (validate) {
      if (names.length === 0) {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `Invalid format ${JSON.stringify(this.fmt)} for '${st}' style: it names no field`,
          {
            context: { format: this.fmt },
          },
        );
      }
      const extra = new Set(options.fields ?? []);
      for (const n of names) {
        if (!RECORD_ATTRIBUTES.has(n) && !extra.has(n) && !(defaults && n in defaults)) {
          throw new UnknownFieldError(
            'LOG_UNKNOWN_FIELD',
            `Format ${JSON.stringify(this.fmt)} names ${JSON.stringify(n)}, which is no LogRecord attribute; declare custom fields with the \`fields\` or \`defaults\` option`,
            { context: { format: this.fmt, key: n } },
          );
        }
      }
    }
    this.fieldNames = names;
    this.usesTime = names.includes('asctime');
    this.usesCaller = names.some((n) => CALLER_ATTRIBUTES.has(n));
    if (this.usesCaller) shared().needCaller = true;
    this.timeFormat = compileStrftime(this.datefmt ?? '%Y-%m-%d %H:%M:%S', this.utc);
    this.compiled = compileParts(parts, defaults);
  }

  /** `asctime` of a record: `datefmt` via strftime, or Python's `2003-07-08 16:49:45,896`. */
  formatTime(record: LogRecord, datefmt: string | null = this.datefmt): string {
    const created = record.created;
    if (datefmt !== this.datefmt)
      return compileStrftime(datefmt ?? '%Y-%m-%d %H:%M:%S', this.utc)(new Date(created * 1000));
    const second = Math.floor(created);
    if (second !== this.cacheSecond) {
      this.cacheSecond = second;
      this.cacheText = this.timeFormat(new Date(second * 1000));
    }
    if (this.datefmt !== null) return this.cacheText;
    const ms = Math.trunc(record.msecs);
    return `${this.cacheText},${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}`;
  }

  /** An error's stack and `cause` chain. */
  formatException(err: Error): string {
    return formatError(err);
  }

  /** The stack text of `stackInfo`. */
  formatStack(stackInfo: string): string {
    return stackInfo;
  }

  /** Only the format part, with `message`/`asctime` already on the record. */
  formatMessage(record: LogRecord): string {
    return this.compiled(record);
  }

  /** Formats a record: merges the message, adds the time when used, appends error and stack text. */
  format(record: LogRecord): string {
    record.message = record.getMessage();
    if (this.usesTime) record.asctime = this.formatTime(record);
    let s = this.compiled(record);
    if (record.excInfo) {
      if (!record.excText) record.excText = this.formatException(record.excInfo);
    }
    if (record.excText) s += `\n${record.excText}`;
    if (record.stackInfo) s += `\n${this.formatStack(record.stackInfo)}`;
    if (this.escapeNewlines && (s.includes('\n') || s.includes('\r'))) s = escapeNewlines(s);
    return s;
  }
}

/** Replaces CR and LF with the two-character escapes `\r` and `\n`. */
export function escapeNewlines(s: string): string {
  return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** Options of {@link JsonFormatter}. */
export interface JsonFormatterOptions {
  /**
   * Record attributes to include, in order, with their output names (`{ levelname: 'level' }`), or a
   * list of attribute names. @default `{ time, level, name, message }`
   */
  fields?: readonly string[] | Readonly<Record<string, string>>;
  /** Include the custom attributes given through `extra`. @default true */
  extra?: boolean;
  /** Render `time` (ISO 8601) in UTC. Local time otherwise, with offset. @default true */
  utc?: boolean;
}

const JSON_KEYS = new Set(['fields', 'extra', 'utc']);
const DEFAULT_JSON_FIELDS: Record<string, string> = {
  asctime: 'time',
  levelname: 'level',
  name: 'name',
  message: 'message',
};

function isoLocal(ms: number): string {
  const d = new Date(ms);
  const o = -d.getTimezoneOffset();
  const local = new Date(ms + o * 60_000).toISOString().slice(0, -1);
  const a = Math.abs(o);
  return `${local}${o < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * One JSON object per record, one line each (newlines inside values are escaped by JSON itself).
 * `asctime` is ISO 8601; an error is rendered under `exc_info` as text with its cause chain.
 *
 * @example new JsonFormatter({ fields: { asctime: 'time', levelname: 'level', message: 'msg' } })
 */
export class JsonFormatter extends Formatter {
  private readonly map: ReadonlyArray<readonly [string, string]>;
  private readonly includeExtra: boolean;
  private readonly isoUtc: boolean;

  constructor(options: JsonFormatterOptions = {}) {
    checkKeys(options, JSON_KEYS, 'JsonFormatter');
    const fields = options.fields ?? DEFAULT_JSON_FIELDS;
    const map: Array<[string, string]> = Array.isArray(fields)
      ? (fields as string[]).map((f) => [f, f])
      : Object.entries(fields as Record<string, string>);
    for (const [attr] of map) {
      if (!RECORD_ATTRIBUTES.has(attr)) {
        throw new UnknownFieldError(
          'LOG_UNKNOWN_FIELD',
          `JsonFormatter field ${JSON.stringify(attr)} is no LogRecord attribute`,
          {
            context: { key: attr },
          },
        );
      }
    }
    super(map.map(([a]) => `%(${a})s`).join(' '), { validate: true });
    this.map = map;
    this.includeExtra = options.extra ?? true;
    this.isoUtc = options.utc ?? true;
  }

  override formatTime(record: LogRecord): string {
    const ms = record.created * 1000;
    return this.isoUtc ? new Date(ms).toISOString() : isoLocal(ms);
  }

  override format(record: LogRecord): string {
    record.message = record.getMessage();
    const out: Record<string, unknown> = {};
    for (const [attr, key] of this.map) {
      out[key] = attr === 'asctime' ? this.formatTime(record) : record[attr];
    }
    if (this.includeExtra) {
      for (const key of Object.keys(record)) {
        if (key.startsWith('_') || RECORD_ATTRIBUTES.has(key) || key in out) continue;
        if (STANDARD_OWN.has(key)) continue;
        out[key] = record[key];
      }
    }
    if (record.excInfo && !record.excText) record.excText = this.formatException(record.excInfo);
    if (record.excText) out.exc_info = record.excText;
    if (record.stackInfo) out.stack_info = record.stackInfo;
    return JSON.stringify(out, jsonReplacer);
  }
}

const STANDARD_OWN = new Set([
  'levelno',
  'thread',
  'threadName',
  'process',
  'processName',
  'taskName',
  'relativeCreated',
]);

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return formatError(value);
  return value;
}
