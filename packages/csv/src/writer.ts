import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  checkOptions,
  type Dialect,
  type DialectOptions,
  DIALECT_KEYS,
  makeDialect,
  QUOTE_ALL,
  QUOTE_MINIMAL,
  QUOTE_NONE,
  QUOTE_NONNUMERIC,
  QUOTE_NOTNULL,
  QUOTE_STRINGS,
} from './dialect.js';
import { CsvError, CsvWriteError } from './errors.js';

/** A value a CSV cell can hold; `null` and `undefined` become an empty field, like Python's `None`. */
export type CellValue = string | number | boolean | bigint | Date | null | undefined;

/** Where a writer sends its text: a Node Writable, a file path (created or truncated), or a callback. */
export type WriterSink =
  | Writable
  | NodeJS.WritableStream
  | string
  | ((chunk: string) => void | Promise<void>);

/** Options of {@link writer} and {@link stringify}: a dialect plus output settings. */
export interface WriterOptions extends DialectOptions {
  /** Start the output with a UTF-8 byte order mark, which Excel needs to detect UTF-8. @default false */
  writeBom?: boolean;
  /** Characters buffered before they are handed to the sink. @default 16384 */
  bufferSize?: number;
  /** `close()` ends a Writable sink (a file path sink is always closed). @default true */
  end?: boolean;
  /** Aborting makes `drain()`/`close()` reject with the signal's reason and destroys a file path sink. */
  signal?: AbortSignal;
}

const WRITER_KEYS = new Set<string>([...DIALECT_KEYS, 'dialect', 'writeBom', 'bufferSize', 'end', 'signal']);

function hasCustomToString(value: object): boolean {
  return (
    typeof (value as { toString?: unknown }).toString === 'function' &&
    value.toString !== Object.prototype.toString
  );
}

/**
 * Turns rows into text for one dialect, exactly as Python's `csv.writer` does, except that a CR or LF
 * in a field is always quoted (or escaped), as later Python versions do.
 */
export class Formatter {
  readonly dialect: Dialect;
  /** 1 at the char codes the writer must quote or escape. */
  private readonly table: Uint8Array;
  private readonly specialSet: Set<string>;
  private readonly q: string;
  private readonly qq: string;
  private readonly d: string;
  private readonly lt: string;
  private readonly quoting: number;
  /** QUOTE_MINIMAL with doubled quotes and no escapechar: a special character just means "quote it". */
  private readonly minimal: boolean;
  /** Rows formatted so far (for error context). */
  records = 0;

  /** `fastPath: false` formats every special field the general way (the tests compare both ways). */
  constructor(dialect: Dialect, fastPath = true) {
    this.dialect = dialect;
    const chars = new Set<string>(['\r', '\n', dialect.delimiter, ...dialect.lineterminator]);
    if (dialect.quotechar !== null) chars.add(dialect.quotechar);
    if (dialect.escapechar !== null) chars.add(dialect.escapechar);
    this.specialSet = chars;
    const codes = [...chars].map((ch) => ch.charCodeAt(0));
    this.table = new Uint8Array(Math.max(...codes) + 1);
    for (const code of codes) this.table[code] = 1;
    this.q = dialect.quotechar ?? '';
    this.qq = this.q + this.q;
    this.d = dialect.delimiter;
    this.lt = dialect.lineterminator;
    this.quoting = dialect.quoting;
    this.minimal =
      fastPath &&
      dialect.quoting === QUOTE_MINIMAL &&
      dialect.doublequote &&
      dialect.escapechar === null &&
      this.q !== '';
  }

  /** One row as text, line terminator included. */
  row(row: Iterable<CellValue>): string {
    this.records++;
    if (row === null || typeof row !== 'object' || !(Symbol.iterator in row) || typeof row === 'string') {
      throw new CsvWriteError(
        'CSV_INVALID_ROW',
        `a row must be an array or iterable of values, got ${typeof row}`,
        {
          record: this.records,
          value: row,
        },
      );
    }
    let out = '';
    let n = 0;
    if (Array.isArray(row)) {
      for (let k = 0; k < row.length; k++) {
        if (k > 0) out += this.d;
        out += this.field(row[k], k);
      }
      n = row.length;
    } else {
      for (const value of row) {
        if (n > 0) out += this.d;
        out += this.field(value, n);
        n++;
      }
    }
    if (n === 1 && out === '') {
      // A lone empty field would read back as an empty line, so Python quotes it.
      if (this.quoting === QUOTE_NONE) {
        throw new CsvWriteError('CSV_NEED_ESCAPE', 'single empty field record must be quoted', {
          record: this.records,
          value: '',
        });
      }
      out = this.qq;
    }
    return out + this.lt;
  }

  private field(value: unknown, index: number): string {
    let text: string;
    let isNumber = false;
    switch (typeof value) {
      case 'string':
        text = value;
        break;
      case 'number':
      case 'bigint':
      case 'boolean':
        text = String(value);
        isNumber = true;
        break;
      case 'undefined':
        text = '';
        break;
      case 'object':
        if (value === null) text = '';
        else if (value instanceof Date) {
          if (Number.isNaN(value.getTime())) throw this.invalid('Invalid Date', index, value);
          text = value.toISOString();
        } else if (hasCustomToString(value)) text = String(value);
        else throw this.invalid('a plain object or array', index, value);
        break;
      default:
        throw this.invalid(`a ${typeof value}`, index, value);
    }
    let quoted: boolean;
    switch (this.quoting) {
      case QUOTE_ALL:
        quoted = true;
        break;
      case QUOTE_NONNUMERIC:
        quoted = !isNumber;
        break;
      case QUOTE_STRINGS:
        quoted = typeof value === 'string';
        break;
      case QUOTE_NOTNULL:
        quoted = value !== null && value !== undefined;
        break;
      default:
        quoted = false;
    }
    const table = this.table;
    const max = table.length - 1;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c <= max && table[c] === 1) {
        if (!this.minimal) return this.slowField(text, quoted, index);
        // What slowField does for this dialect, in two native calls: quote, and double the quotes.
        const q = this.q;
        return q + (text.includes(q, k) ? text.replaceAll(q, this.qq) : text) + q;
      }
    }
    return quoted ? this.q + text + this.q : text;
  }

  private slowField(text: string, quoted: boolean, index: number): string {
    const { quotechar, escapechar, doublequote } = this.dialect;
    const none = this.quoting === QUOTE_NONE;
    let out = '';
    for (const ch of text) {
      if (this.specialSet.has(ch)) {
        let wantEscape = false;
        if (none) wantEscape = true;
        else {
          if (ch === quotechar) {
            if (doublequote) out += ch;
            else wantEscape = true;
          } else if (ch === escapechar) wantEscape = true;
          if (!wantEscape) quoted = true;
        }
        if (wantEscape) {
          if (escapechar === null) {
            throw new CsvWriteError(
              'CSV_NEED_ESCAPE',
              `need to escape ${JSON.stringify(ch)} in field ${index}, but no escapechar is set`,
              { record: this.records, value: text },
            );
          }
          out += escapechar;
        }
      }
      out += ch;
    }
    return quoted ? this.q + out + this.q : out;
  }

  private invalid(what: string, index: number, value: unknown): CsvWriteError {
    return new CsvWriteError('CSV_INVALID_ROW', `cannot write ${what} as a CSV field (field ${index})`, {
      record: this.records,
      value,
    });
  }
}

interface WriteSettings {
  readonly dialect: Dialect;
  readonly writeBom: boolean;
  readonly bufferSize: number;
  readonly end: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Normalizes writer options; `extraKeys` are accepted and ignored (the caller handles them). */
export function writeSettings(options: WriterOptions = {}, extraKeys: readonly string[] = []): WriteSettings {
  checkOptions(options, WRITER_KEYS, 'writer', extraKeys);
  const dialectOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (extraKeys.includes(key)) continue;
    if (key !== 'writeBom' && key !== 'bufferSize' && key !== 'end' && key !== 'signal')
      dialectOptions[key] = value;
  }
  const dialect = makeDialect(dialectOptions as DialectOptions);
  const { writeBom = false, bufferSize = 16384, end = true, signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new CsvError('CSV_INVALID_OPTION', '`signal` must be an AbortSignal', { value: signal });
  }
  if (typeof writeBom !== 'boolean')
    throw new CsvError('CSV_INVALID_OPTION', '`writeBom` must be a boolean', { value: writeBom });
  if (typeof end !== 'boolean')
    throw new CsvError('CSV_INVALID_OPTION', '`end` must be a boolean', { value: end });
  if (typeof bufferSize !== 'number' || !Number.isInteger(bufferSize) || bufferSize < 0) {
    throw new CsvError('CSV_INVALID_OPTION', '`bufferSize` must be a non-negative integer', {
      value: bufferSize,
    });
  }
  return Object.freeze({ dialect, writeBom, bufferSize, end, signal });
}

/**
 * Writes rows to a sink. `writeRow`/`writeRows` format synchronously into a buffer that is handed to
 * the sink every `bufferSize` characters; they return `false` when the sink asked to slow down, and
 * `await drain()` then waits for it. `close()` flushes, ends the sink and reports any sink error.
 */
export class CsvWriter {
  /** The resolved dialect this writer uses. */
  readonly dialect: Dialect;
  private readonly formatter: Formatter;
  private readonly settings: WriteSettings;
  private readonly stream: Writable | NodeJS.WritableStream | undefined;
  private readonly callback: ((chunk: string) => void | Promise<void>) | undefined;
  private readonly ownsStream: boolean;
  private buffer = '';
  private inflight: Promise<void> | undefined;
  private queue: string[] = [];
  private failure: unknown;
  private needDrain = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly onError = (err: unknown): void => {
    this.failure ??= err;
  };
  private readonly abort = (): void => {
    this.failure ??= this.settings.signal?.reason;
    if (this.ownsStream) (this.stream as Writable).destroy();
  };

  /** Prefer {@link writer}; this constructor takes the same arguments. */
  constructor(sink: WriterSink, options: WriterOptions = {}) {
    this.settings = writeSettings(options);
    this.dialect = this.settings.dialect;
    this.formatter = new Formatter(this.dialect);
    if (typeof sink === 'string') {
      const stream = createWriteStream(sink);
      this.stream = stream;
      this.ownsStream = true;
    } else if (typeof sink === 'function') {
      this.callback = sink;
      this.ownsStream = false;
    } else if (sink && typeof sink === 'object' && typeof (sink as Writable).write === 'function') {
      this.stream = sink;
      this.ownsStream = false;
    } else {
      throw new TypeError('writer sink must be a Writable, a file path or a callback');
    }
    this.stream?.on('error', this.onError);
    if (this.settings.writeBom) this.buffer = '\ufeff';
    const { signal } = this.settings;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', this.abort, { once: true });
  }

  /** Rows written so far. */
  get records(): number {
    return this.formatter.records;
  }

  private check(): void {
    if (this.closed) throw new CsvError('CSV_CLOSED', 'the writer is closed');
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Writes one row. Returns `false` when the sink wants the producer to wait for `drain()`.
   *
   * @example
   * w.writeRow(['Ana', 31, null, new Date()]);
   */
  writeRow(row: Iterable<CellValue>): boolean {
    this.check();
    this.buffer += this.formatter.row(row);
    if (this.buffer.length >= this.settings.bufferSize) this.flush();
    return !this.needDrain;
  }

  /** Writes every row of `rows`, like `writeRow` for each (a bad row throws; the rows before it are written). */
  writeRows(rows: Iterable<Iterable<CellValue>>): boolean {
    this.check();
    const f = this.formatter;
    const size = this.settings.bufferSize;
    for (const row of rows) {
      this.buffer += f.row(row);
      if (this.buffer.length >= size) this.flush();
    }
    return !this.needDrain;
  }

  private flush(): void {
    const text = this.buffer;
    if (text === '') return;
    this.buffer = '';
    if (this.callback) this.deliver(text);
    else if (this.stream && !this.stream.write(text)) this.needDrain = true;
  }

  // A callback sink is called at once; while a promise it returned is pending, later text waits in
  // `queue` and the writer reports backpressure.
  private deliver(text: string): void {
    if (this.inflight) {
      this.queue.push(text);
      this.needDrain = true;
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.callback!(text);
    } catch (err) {
      this.failure ??= err;
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      this.needDrain = true;
      this.inflight = (result as Promise<void>).then(
        () => {
          this.inflight = undefined;
          const next = this.queue.shift();
          if (next !== undefined) this.deliver(next);
          else this.needDrain = false;
        },
        (err: unknown) => {
          this.failure ??= err;
          this.inflight = undefined;
          this.queue = [];
        },
      );
    }
  }

  private async settle(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Hands buffered text to the sink and waits until the sink can take more. */
  async drain(): Promise<void> {
    this.flush();
    await this.settle();
    const stream = this.stream;
    if (stream && this.needDrain && this.failure === undefined) {
      // One controller removes both listeners whichever event wins; the user's signal also ends the wait.
      const done = new AbortController();
      const user = this.settings.signal;
      const signal = user ? AbortSignal.any([done.signal, user]) : done.signal;
      try {
        await Promise.race([
          once(stream as Writable, 'drain', { signal }),
          once(stream as Writable, 'error', { signal }),
        ]);
      } catch {
        // an error event or an abort: reported through `failure` below
      } finally {
        done.abort();
      }
      if (user?.aborted) this.failure ??= user.reason;
    }
    this.needDrain = false;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Flushes, ends the sink (unless `end: false`; a path sink is always closed) and rejects on any sink error. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    if (this.failure === undefined) this.flush();
    this.closed = true;
    await this.settle();
    const stream = this.stream as Writable | undefined;
    if (stream && (this.ownsStream || this.settings.end)) {
      if (this.failure === undefined) {
        await new Promise<void>((resolve) => {
          const settle = () => {
            stream.removeListener('error', settle);
            resolve();
          };
          stream.once('error', settle);
          stream.end(settle);
        });
      }
      if (this.ownsStream && !stream.closed) {
        if (!stream.destroyed) stream.destroy();
        await once(stream, 'close');
      }
    }
    stream?.removeListener('error', this.onError);
    this.settings.signal?.removeEventListener('abort', this.abort);
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * Creates a {@link CsvWriter} over a Writable, a file path or a callback.
 *
 * @example
 * const w = writer('out.csv', { dialect: 'unix' });
 * w.writeRows([['name', 'age'], ['Ana', 31]]);
 * await w.close();
 */
export function writer(sink: WriterSink, options?: WriterOptions): CsvWriter {
  return new CsvWriter(sink, options);
}

/**
 * Formats rows as CSV text, the same bytes Python's `csv.writer` produces for the same dialect
 * (`excel` by default: comma, double quote, `\r\n`, minimal quoting).
 *
 * @example
 * stringify([['name', 'note'], ['Ana', 'says "hi", twice']]);
 * // 'name,note\r\nAna,"says ""hi"", twice"\r\n'
 */
export function stringify(rows: Iterable<Iterable<CellValue>>, options?: WriterOptions): string {
  const settings = writeSettings(options);
  const f = new Formatter(settings.dialect);
  let out = settings.writeBom ? '\ufeff' : '';
  for (const row of rows) out += f.row(row);
  return out;
}
