import { addAbortSignal, Readable } from 'node:stream';
import { type Dialect, type DialectOptions, fieldSizeLimit, makeDialect } from './dialect.js';
import { CsvError } from './errors.js';
import { type Field, Parser } from './parser.js';

/** Text or bytes to read CSV from. Chunks may split the input anywhere (they are not lines). */
export type ReaderSource =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | NodeJS.ReadableStream;

/** A source that can be read synchronously (`for ... of`). */
export type SyncReaderSource = string | Uint8Array | Iterable<string | Uint8Array>;

/** Options of {@link reader}, {@link parse} and {@link DictReader}: a dialect plus how to read. */
export interface ReaderOptions extends DialectOptions {
  /** Largest field accepted, in UTF-16 code units. @default fieldSizeLimit() at the time of the call */
  fieldSizeLimit?: number;
  /** Keep a byte order mark at the very start of the input as part of the first field. @default false */
  keepBom?: boolean;
  /** Text encoding of byte chunks (any WHATWG label). @default 'utf-8' */
  encoding?: string;
  /** Stops async iteration (and destroys a Readable source) with the signal's reason. */
  signal?: AbortSignal;
}

/** The field type a row has under the `quoting` in `O` (numbers and nulls only for the converting modes). */
export type FieldOf<O> = O extends { quoting: infer Q }
  ? Q extends 2
    ? string | number
    : Q extends 4
      ? string | number | null
      : Q extends 5
        ? string | null
        : string
  : string;

const READER_KEYS = new Set([
  'dialect',
  'delimiter',
  'quotechar',
  'escapechar',
  'doublequote',
  'skipinitialspace',
  'lineterminator',
  'quoting',
  'strict',
  'fieldSizeLimit',
  'keepBom',
  'encoding',
  'signal',
]);

/** The normalized form of {@link ReaderOptions}. */
export interface ReadSettings {
  readonly dialect: Dialect;
  readonly fieldSizeLimit: number;
  readonly keepBom: boolean;
  readonly encoding: string;
  readonly signal: AbortSignal | undefined;
}

/** Normalizes reader options once; unknown keys are a TypeError, bad values a CsvError. */
export function readSettings(options: ReaderOptions = {}, extraKeys: readonly string[] = []): ReadSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!READER_KEYS.has(key) && !extraKeys.includes(key))
      throw new TypeError(`Unknown reader option \`${key}\``);
  }
  const { fieldSizeLimit: limit, keepBom, encoding, signal, ...rest } = options;
  const dialectOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (!extraKeys.includes(key)) dialectOptions[key] = value;
  const dialect = makeDialect(dialectOptions as DialectOptions);
  const resolvedLimit = limit ?? fieldSizeLimit();
  if (typeof resolvedLimit !== 'number' || !(resolvedLimit >= 0) || Number.isNaN(resolvedLimit)) {
    throw new CsvError('CSV_INVALID_OPTION', '`fieldSizeLimit` must be a non-negative number', {
      value: limit,
    });
  }
  if (keepBom !== undefined && typeof keepBom !== 'boolean') {
    throw new CsvError('CSV_INVALID_OPTION', '`keepBom` must be a boolean', { value: keepBom });
  }
  const enc = encoding ?? 'utf-8';
  try {
    new TextDecoder(enc);
  } catch (cause) {
    throw new CsvError(
      'CSV_INVALID_OPTION',
      `unsupported encoding ${JSON.stringify(enc)}`,
      { value: enc },
      { cause },
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new CsvError('CSV_INVALID_OPTION', '`signal` must be an AbortSignal', { value: signal });
  }
  return Object.freeze({
    dialect,
    fieldSizeLimit: resolvedLimit,
    keepBom: keepBom ?? false,
    encoding: enc,
    signal,
  });
}

const SLICE = 1 << 20;

function isSyncSource(source: unknown): source is SyncReaderSource {
  return (
    typeof source === 'string' ||
    source instanceof Uint8Array ||
    (typeof source === 'object' && source !== null && Symbol.iterator in source)
  );
}

/**
 * Rows read from a source, lazily. Iterate it with `for ... of` (string, bytes and sync iterable sources)
 * or `for await ... of` (any source). A reader is single-use, like Python's.
 */
export class CsvReader<F extends Field = string> implements Iterable<F[]>, AsyncIterable<F[]> {
  /** The resolved dialect this reader uses. */
  readonly dialect: Dialect;
  /** Lines read from the source so far (Python's `line_num`): a quoted line break counts, CRLF counts once. */
  lineNum = 0;
  private readonly parser: Parser;
  private readonly settings: ReadSettings;
  private readonly source: ReaderSource;
  private started = false;
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private first = true;

  /** Prefer {@link reader}; this constructor takes the same arguments. */
  constructor(source: ReaderSource, options: ReaderOptions | ReadSettings = {}) {
    this.settings = isSettings(options) ? options : readSettings(options);
    this.dialect = this.settings.dialect;
    this.parser = new Parser(this.dialect, this.settings.fieldSizeLimit);
    if (
      source === null ||
      source === undefined ||
      (typeof source !== 'object' && typeof source !== 'string')
    ) {
      throw new TypeError(
        'reader source must be a string, bytes, an iterable, an async iterable or a Readable',
      );
    }
    this.source = source;
  }

  /** Rows produced so far. */
  get records(): number {
    return this.parser.records;
  }

  private start(): void {
    if (this.started) throw new TypeError('a CSV reader can be iterated only once');
    this.started = true;
  }

  private text(chunk: string | Uint8Array): string {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) {
      this.decoder ??= new TextDecoder(this.settings.encoding, { ignoreBOM: true });
      text = this.decoder.decode(chunk, { stream: true });
    } else {
      throw new TypeError(`reader chunks must be strings or bytes, got ${typeof chunk}`);
    }
    if (this.first && text.length > 0) {
      this.first = false;
      if (!this.settings.keepBom && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  private *drain(): Generator<F[]> {
    const p = this.parser;
    const rows = p.rows;
    if (rows.length === 0) return;
    const lines = p.rowLines;
    // Taken out before yielding so that a consumer that stops early leaves no rows behind for reuse.
    const batch = rows.splice(0, rows.length) as F[][];
    const batchLines = lines.splice(0, lines.length);
    for (let k = 0; k < batch.length; k++) {
      this.lineNum = batchLines[k]!;
      yield batch[k]!;
    }
  }

  private *feedText(text: string, final: boolean): Generator<F[]> {
    const p = this.parser;
    // Rows completed before a parse error are still handed out, then the error is thrown.
    try {
      if (text.length <= SLICE) p.feed(text, final);
      else {
        for (let k = 0; k < text.length; k += SLICE) {
          p.feed(text.slice(k, k + SLICE), final && k + SLICE >= text.length);
          yield* this.drain();
        }
      }
    } catch (err) {
      yield* this.drain();
      throw err;
    }
    yield* this.drain();
  }

  private *finalRows(): Generator<F[]> {
    const tail = this.decoder ? this.decoder.decode() : '';
    yield* this.feedText(this.text(tail), true);
    this.lineNum = this.parser.line;
  }

  /** Iterates rows of a string, bytes or sync iterable source. */
  *[Symbol.iterator](): Iterator<F[]> {
    const source = this.source;
    if (!isSyncSource(source)) {
      throw new TypeError('this source can only be read with for await (it is asynchronous)');
    }
    this.start();
    if (typeof source === 'string' || source instanceof Uint8Array) {
      yield* this.feedText(this.text(source), false);
    } else {
      for (const chunk of source) yield* this.feedText(this.text(chunk), false);
    }
    yield* this.finalRows();
  }

  /** Iterates rows of any source; honours `signal`. */
  async *[Symbol.asyncIterator](): AsyncIterator<F[]> {
    this.start();
    const { signal } = this.settings;
    signal?.throwIfAborted();
    let source = this.source;
    if (signal && source instanceof Readable) source = addAbortSignal(signal, source);
    if (typeof source === 'string' || source instanceof Uint8Array) {
      yield* this.feedText(this.text(source), false);
    } else if (Symbol.asyncIterator in source) {
      for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
        signal?.throwIfAborted();
        yield* this.feedText(this.text(chunk), false);
      }
    } else if (Symbol.iterator in source) {
      for (const chunk of source as Iterable<string | Uint8Array>) {
        signal?.throwIfAborted();
        yield* this.feedText(this.text(chunk), false);
      }
    } else {
      throw new TypeError(
        'reader source must be a string, bytes, an iterable, an async iterable or a Readable',
      );
    }
    signal?.throwIfAborted();
    yield* this.finalRows();
  }

  /** Reads every remaining row into an array (async; works for every source). */
  async toArray(): Promise<F[][]> {
    const rows: F[][] = [];
    for await (const row of this) rows.push(row);
    return rows;
  }
}

function isSettings(value: ReaderOptions | ReadSettings): value is ReadSettings {
  return (
    Object.isFrozen(value) && 'dialect' in value && typeof value.dialect === 'object' && 'encoding' in value
  );
}

/**
 * Reads CSV rows from `source` with Python's csv semantics: the `excel` dialect by default, every
 * dialect option, `lineNum` like Python's `line_num`, and constant memory for streams.
 *
 * @example
 * for (const row of reader('name,age\r\nAna,31\r\n')) console.log(row); // ['name', 'age'], ['Ana', '31']
 * for await (const row of reader(fs.createReadStream('big.csv'))) count++;
 */
export function reader<const O extends ReaderOptions = ReaderOptions>(
  source: ReaderSource,
  options?: O,
): CsvReader<Extract<FieldOf<O>, Field>> {
  return new CsvReader(source, options);
}

/**
 * Parses a whole CSV text (or bytes) synchronously into rows.
 *
 * @example
 * parse('a,"b ""c"""\n1,2\n'); // [['a', 'b "c"'], ['1', '2']]
 */
export function parse<const O extends ReaderOptions = ReaderOptions>(
  text: string | Uint8Array,
  options?: O,
): Extract<FieldOf<O>, Field>[][] {
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) {
    throw new TypeError('parse() takes a string or bytes; use reader() for streams');
  }
  return [...new CsvReader<Extract<FieldOf<O>, Field>>(text, options)];
}
