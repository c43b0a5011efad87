import { isAscii } from 'node:buffer';
import { addAbortSignal, Readable } from 'node:stream';
import {
  checkOptions,
  type Dialect,
  type DialectOptions,
  DIALECT_KEYS,
  fieldSizeLimit,
  makeDialect,
} from './dialect.js';
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

const READER_KEYS = new Set<string>([
  ...DIALECT_KEYS,
  'dialect',
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
  checkOptions(options, READER_KEYS, 'reader', extraKeys);
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
  const settings: ReadSettings = Object.freeze({
    dialect,
    fieldSizeLimit: resolvedLimit,
    keepBom: keepBom ?? false,
    encoding: enc,
    signal,
  });
  SETTINGS.add(settings);
  return settings;
}

// Settings made by readSettings (a caller's own frozen options object is never taken for one).
const SETTINGS = new WeakSet<object>();

// Text is parsed at most this many characters at a time. A batch of rows from 64K characters (the size
// of a file stream's chunk) is mostly gone before the next young-generation GC; batches from 1M
// characters survived it, and reading a whole string ran at a third of the speed.
const SLICE = 1 << 16;

/** Source chunks to text: bytes decoded across chunk boundaries, a leading BOM dropped unless kept. */
export class ChunkDecoder {
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private first = true;
  /**
   * The encoding maps bytes 0x00-0x7F to the same characters (UTF-8, or the single-byte windows-1252).
   * Set with the decoder, from its resolved encoding name, at the first byte chunk.
   */
  private asciiSafe = false;
  /** The TextDecoder holds no partial character, so an ASCII chunk may skip it. */
  private clean = true;

  constructor(private readonly settings: ReadSettings) {}

  text(chunk: string | Uint8Array): string {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) {
      if (this.decoder === undefined) {
        this.decoder = new TextDecoder(this.settings.encoding, { ignoreBOM: true });
        const name = this.decoder.encoding;
        this.asciiSafe = name === 'utf-8' || name === 'windows-1252';
      }
      if (this.asciiSafe && this.clean && isAscii(chunk)) {
        // Pure ASCII reads the same in every encoding here; latin1 is a plain byte-to-char copy,
        // several times faster than a UTF-8 decode.
        text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
      } else {
        text = this.decoder.decode(chunk, { stream: true });
        // A decoder that has just read an ASCII byte is between characters (an unfinished sequence
        // before it became U+FFFD). After any other byte, play safe and keep using the decoder.
        if (chunk.length > 0) this.clean = chunk[chunk.length - 1]! < 0x80;
      }
    } else {
      throw new TypeError(`reader chunks must be strings or bytes, got ${typeof chunk}`);
    }
    if (this.first && text.length > 0) {
      this.first = false;
      if (!this.settings.keepBom && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** The text the decoder still holds at the end of the input. */
  end(): string {
    return this.text(this.decoder ? this.decoder.decode() : '');
  }
}

export function isSyncSource(source: unknown): source is SyncReaderSource {
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
  private readonly chunks: ChunkDecoder;

  /** Prefer {@link reader}; this constructor takes the same arguments. */
  constructor(source: ReaderSource, options: ReaderOptions | ReadSettings = {}) {
    this.settings = isSettings(options) ? options : readSettings(options);
    this.dialect = this.settings.dialect;
    this.parser = new Parser(this.dialect, this.settings.fieldSizeLimit);
    this.chunks = new ChunkDecoder(this.settings);
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

  // Pull model shared by both iterators: text waiting to be parsed (fed SLICE characters at a time so
  // a huge string never turns into one huge batch), and a batch of parsed rows handed out one by one.
  private pending = '';
  private pendingPos = 0;
  private pendingFinal = false;
  private fedFinal = false;
  private batch: F[][] = [];
  private batchLines: number[] = [];
  private pos = 0;
  private failure: unknown;
  private failed = false;

  private push(text: string, final: boolean): void {
    this.pending = text;
    this.pendingPos = 0;
    this.pendingFinal = final;
  }

  /** Parses the next slice of pending text; false when there is nothing left to parse. */
  private step(): boolean {
    const text = this.pending;
    if (this.pendingPos >= text.length && !(this.pendingFinal && !this.fedFinal)) return false;
    const end = Math.min(text.length, this.pendingPos + SLICE);
    const final = this.pendingFinal && end === text.length;
    const piece = this.pendingPos === 0 && end === text.length ? text : text.slice(this.pendingPos, end);
    this.pendingPos = end;
    if (final) this.fedFinal = true;
    const p = this.parser;
    try {
      p.feed(piece, final);
    } catch (err) {
      // Rows completed before the error are still handed out; then the error is thrown.
      this.failure = err;
      this.failed = true;
      this.fedFinal = true;
    }
    if (p.rows.length > 0) {
      const [rows, lines] = p.take();
      this.batch = rows as F[][];
      this.batchLines = lines;
      this.pos = 0;
    }
    return true;
  }

  /** The next parsed row, or undefined when more input is needed (or the input is done). */
  private nextRow(): F[] | undefined {
    for (;;) {
      if (this.pos < this.batch.length) {
        this.lineNum = this.batchLines[this.pos]!;
        return this.batch[this.pos++];
      }
      if (this.failed) {
        this.failed = false;
        throw this.failure;
      }
      if (!this.step()) return undefined;
    }
  }

  private finish(): IteratorReturnResult<undefined> {
    this.lineNum = this.parser.line;
    this.batch = [];
    return { value: undefined, done: true };
  }

  /** Iterates rows of a string, bytes or sync iterable source. */
  [Symbol.iterator](): IterableIterator<F[]> {
    const source = this.source;
    if (!isSyncSource(source)) {
      throw new TypeError('this source can only be read with for await (it is asynchronous)');
    }
    this.start();
    const chunks: Iterator<string | Uint8Array> =
      typeof source === 'string' || source instanceof Uint8Array
        ? [source][Symbol.iterator]()
        : source[Symbol.iterator]();
    let done = false;
    const it: IterableIterator<F[]> = {
      next: (): IteratorResult<F[]> => {
        // A row of the parsed batch, without the loop and try of the general path below.
        const pos = this.pos;
        if (pos < this.batch.length) {
          this.pos = pos + 1;
          this.lineNum = this.batchLines[pos]!;
          return { value: this.batch[pos]!, done: false };
        }
        if (done) return { value: undefined, done: true };
        try {
          for (;;) {
            const row = this.nextRow();
            if (row !== undefined) return { value: row, done: false };
            if (this.fedFinal) {
              done = true;
              return this.finish();
            }
            const r = chunks.next();
            if (r.done) this.push(this.chunks.end(), true);
            else this.push(this.chunks.text(r.value), false);
          }
        } catch (err) {
          done = true;
          chunks.return?.();
          throw err;
        }
      },
      return: (): IteratorResult<F[]> => {
        if (!done) {
          done = true;
          this.batch = [];
          chunks.return?.();
        }
        return { value: undefined, done: true };
      },
      [Symbol.iterator]() {
        return it;
      },
    };
    return it;
  }

  /** Iterates rows of any source; honours `signal`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<F[]> {
    this.start();
    const { signal } = this.settings;
    let source = this.source;
    if (signal && source instanceof Readable) source = addAbortSignal(signal, source);
    let chunks: AsyncIterator<string | Uint8Array> | Iterator<string | Uint8Array>;
    if (typeof source === 'string' || source instanceof Uint8Array) chunks = [source][Symbol.iterator]();
    else if (Symbol.asyncIterator in source) {
      chunks = (source as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]();
    } else if (Symbol.iterator in source)
      chunks = (source as Iterable<string | Uint8Array>)[Symbol.iterator]();
    else
      throw new TypeError(
        'reader source must be a string, bytes, an iterable, an async iterable or a Readable',
      );
    let done = false;
    const close = async () => {
      if (!done) {
        done = true;
        await chunks.return?.();
      }
    };
    const pull = async (): Promise<IteratorResult<F[]>> => {
      try {
        for (;;) {
          signal?.throwIfAborted();
          const r = await chunks.next();
          if (r.done) this.push(this.chunks.end(), true);
          else this.push(this.chunks.text(r.value), false);
          const row = this.nextRow();
          if (row !== undefined) return { value: row, done: false };
          if (this.fedFinal) {
            done = true;
            return this.finish();
          }
        }
      } catch (err) {
        await close().catch(() => {});
        throw err;
      }
    };
    const it: AsyncIterableIterator<F[]> = {
      next: (): Promise<IteratorResult<F[]>> => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        try {
          signal?.throwIfAborted();
          const row = this.nextRow();
          if (row !== undefined) return Promise.resolve({ value: row, done: false });
          if (this.fedFinal) {
            done = true;
            return Promise.resolve(this.finish());
          }
        } catch (err) {
          return close().then(
            () => Promise.reject(err),
            () => Promise.reject(err),
          );
        }
        return pull();
      },
      return: async (): Promise<IteratorResult<F[]>> => {
        await close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return it;
      },
    };
    return it;
  }

  /**
   * Iterates rows in batches (every row parsed from one chunk of the source), for consumers that want
   * to skip the per-row cost of `for await`. `lineNum` is the line of the batch's last row.
   *
   * @example
   * for await (const rows of reader(stream).batches()) total += rows.length;
   */
  async *batches(): AsyncIterableIterator<F[][]> {
    const rows = this[Symbol.asyncIterator]();
    try {
      for (;;) {
        const first = await rows.next();
        if (first.done) return;
        // The first row starts a batch; the rest of the parsed rows join it without another await.
        const out = [first.value];
        while (this.pos < this.batch.length) out.push(this.batch[this.pos++]!);
        this.lineNum = this.batchLines[this.pos - 1] ?? this.lineNum;
        yield out;
      }
    } finally {
      await rows.return?.();
    }
  }

  /** Reads every remaining row into an array (async; works for every source). */
  async toArray(): Promise<F[][]> {
    const rows: F[][] = [];
    for await (const row of this) rows.push(row);
    return rows;
  }
}

function isSettings(value: ReaderOptions | ReadSettings): value is ReadSettings {
  return SETTINGS.has(value);
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
