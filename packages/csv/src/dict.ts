import type { Dialect } from './dialect.js';
import { CsvError } from './errors.js';
import type { Field } from './parser.js';
import {
  CsvReader,
  type FieldOf,
  isSyncSource,
  type ReaderOptions,
  type ReaderSource,
  readSettings,
} from './reader.js';
import {
  type CellValue,
  CsvWriter,
  type Formatter,
  type WriterOptions,
  type WriterSink,
  writeSettings,
} from './writer.js';

/** Options of {@link DictReader}: reader options plus how rows become records. */
export interface DictReaderOptions extends ReaderOptions {
  /** Keys of the records, in column order. @default the first row of the input */
  fieldnames?: readonly string[];
  /**
   * Key under which fields beyond `fieldnames` are stored, as an array. Without it such a row throws
   * `CSV_EXTRA_FIELDS` (Python stores them under the key `None`, which a JS object cannot have).
   */
  restkey?: string;
  /** Value of keys a short row has no field for. @default null (Python's None) */
  restval?: string | number | null;
}

/** The value type of a record from a {@link DictReader} created with options `O`. */
export type DictValue<O> =
  | Extract<FieldOf<O>, Field>
  | (O extends { restval: infer V } ? V : null)
  | (O extends { restkey: string } ? Extract<FieldOf<O>, Field>[] : never);

/** A record: field values by column name. */
export type DictRecord<V = string> = Record<string, V>;

const DICT_READER_KEYS = ['fieldnames', 'restkey', 'restval'] as const;

/** Sets a key even when it is `__proto__`, so a hostile header cannot change a record's prototype. */
export function setKey(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else record[key] = value;
}

/**
 * Reads rows as records keyed by `fieldnames` (or the first row), like Python's `csv.DictReader`:
 * blank rows are skipped, missing fields get `restval`, extra fields go under `restkey`.
 *
 * @example
 * for (const rec of new DictReader('name,age\r\nAna,31\r\n')) console.log(rec.name); // 'Ana'
 */
export class DictReader<V = string | null> implements Iterable<DictRecord<V>>, AsyncIterable<DictRecord<V>> {
  /** Line number of the last record read (Python's `line_num`). */
  lineNum = 0;
  private names: string[] | undefined;
  private headerRead = false;
  private readonly rows: CsvReader<Field>;
  private readonly restkey: string | undefined;
  private readonly restval: unknown;
  private syncIt: Iterator<Field[]> | undefined;
  private asyncIt: AsyncIterator<Field[]> | undefined;
  private readonly sync: boolean;

  constructor(source: ReaderSource, options: DictReaderOptions = {}) {
    const settings = readSettings(options, DICT_READER_KEYS);
    const { fieldnames, restkey, restval = null } = options;
    if (fieldnames !== undefined) this.names = checkFieldnames(fieldnames);
    if (restkey !== undefined && typeof restkey !== 'string') {
      throw new CsvError('CSV_INVALID_OPTION', '`restkey` must be a string', { value: restkey });
    }
    this.restkey = restkey;
    this.restval = restval;
    this.rows = new CsvReader<Field>(source, settings);
    this.sync = isSyncSource(source);
  }

  /** The resolved dialect. */
  get dialect(): Dialect {
    return this.rows.dialect;
  }

  /**
   * The keys: the `fieldnames` option, or the input's first row. With a sync source, reading this
   * property reads the header row (as Python does); with an async source it is `undefined` until the
   * first record was read (or use {@link readFieldnames}).
   */
  get fieldnames(): string[] | undefined {
    if (this.names === undefined && !this.headerRead && this.sync && this.asyncIt === undefined) {
      this.headerRead = true;
      this.syncIt ??= this.rows[Symbol.iterator]();
      const first = this.syncIt.next();
      // An empty input has no fieldnames (Python: None).
      this.names = first.done ? undefined : first.value.map(String);
      this.lineNum = this.rows.lineNum;
    }
    return this.names;
  }

  /**
   * Resolves to the keys, reading the header row first if needed (works for every source);
   * `undefined` for an empty input without `fieldnames`.
   */
  async readFieldnames(): Promise<string[] | undefined> {
    if (this.names === undefined && !this.headerRead) {
      if (this.sync && this.asyncIt === undefined) return this.fieldnames;
      this.headerRead = true;
      this.asyncIt ??= this.rows[Symbol.asyncIterator]();
      const first = await this.asyncIt.next();
      this.names = first.done ? undefined : first.value.map(String);
      this.lineNum = this.rows.lineNum;
    }
    return this.names;
  }

  private record(row: Field[]): DictRecord<V> {
    const names = this.names!;
    const rec: Record<string, unknown> = {};
    const common = Math.min(names.length, row.length);
    for (let k = 0; k < common; k++) setKey(rec, names[k]!, row[k]);
    if (row.length > names.length) {
      if (this.restkey === undefined) {
        throw new CsvError(
          'CSV_EXTRA_FIELDS',
          `row has ${row.length} fields but there are ${names.length} fieldnames; set \`restkey\` to keep the rest`,
          { line: this.rows.lineNum, record: this.rows.records, value: row.slice(names.length) },
        );
      }
      setKey(rec, this.restkey, row.slice(names.length));
    } else {
      for (let k = row.length; k < names.length; k++) setKey(rec, names[k]!, this.restval);
    }
    return rec as DictRecord<V>;
  }

  /** Iterates records of a sync source. */
  *[Symbol.iterator](): Iterator<DictRecord<V>> {
    if (this.names === undefined) void this.fieldnames;
    this.syncIt ??= this.rows[Symbol.iterator]();
    for (let r = this.syncIt.next(); !r.done; r = this.syncIt.next()) {
      this.lineNum = this.rows.lineNum;
      if (r.value.length === 0) continue;
      yield this.record(r.value);
    }
  }

  /** Iterates records of any source. */
  async *[Symbol.asyncIterator](): AsyncIterator<DictRecord<V>> {
    if (this.syncIt) {
      yield* this as Iterable<DictRecord<V>>;
      return;
    }
    await this.readFieldnames();
    if (this.syncIt) {
      yield* this as Iterable<DictRecord<V>>;
      return;
    }
    this.asyncIt ??= this.rows[Symbol.asyncIterator]();
    for (let r = await this.asyncIt.next(); !r.done; r = await this.asyncIt.next()) {
      this.lineNum = this.rows.lineNum;
      if (r.value.length === 0) continue;
      yield this.record(r.value);
    }
  }
}

/** Options of {@link DictWriter}. */
export interface DictWriterOptions extends WriterOptions {
  /** Written for keys a record lacks. @default '' */
  restval?: CellValue;
  /** What to do with keys not in `fieldnames`: throw `CSV_EXTRA_FIELDS`, or drop them. @default 'raise' */
  extrasaction?: 'raise' | 'ignore';
}

/** Turns records into rows in `fieldnames` order, checking extra keys (shared by DictWriter and tables). */
export class RecordMapper {
  /** `fieldnames` as a set, so the extra-key check costs one lookup a key rather than a scan. */
  private readonly known: ReadonlySet<string>;

  constructor(
    readonly fieldnames: readonly string[],
    private readonly restval: CellValue,
    private readonly raiseOnExtra: boolean,
  ) {
    this.known = new Set(fieldnames);
  }

  row(record: object, index: number): CellValue[] {
    if (record === null || typeof record !== 'object') {
      throw new CsvError('CSV_INVALID_ROW', `a record must be an object, got ${typeof record}`, {
        record: index,
        value: record,
      });
    }
    const rec = record as Record<string, CellValue>;
    if (this.raiseOnExtra) {
      const extra = Object.keys(rec).filter((k) => !this.known.has(k));
      if (extra.length > 0) {
        throw new CsvError(
          'CSV_EXTRA_FIELDS',
          `record contains fields not in fieldnames: ${extra.join(', ')}`,
          {
            record: index,
            value: extra,
          },
        );
      }
    }
    return this.fieldnames.map((name) => (Object.hasOwn(rec, name) ? rec[name] : this.restval));
  }
}

export function checkFieldnames(fieldnames: unknown): string[] {
  if (!Array.isArray(fieldnames) || fieldnames.some((n) => typeof n !== 'string')) {
    throw new CsvError('CSV_INVALID_OPTION', '`fieldnames` must be an array of strings', {
      value: fieldnames,
    });
  }
  return [...fieldnames] as string[];
}

export function checkExtrasaction(value: unknown): boolean {
  if (value !== undefined && value !== 'raise' && value !== 'ignore') {
    throw new CsvError('CSV_INVALID_OPTION', "`extrasaction` must be 'raise' or 'ignore'", { value });
  }
  return value !== 'ignore';
}

/**
 * Writes records as rows in `fieldnames` order, like Python's `csv.DictWriter`.
 *
 * @example
 * const w = new DictWriter(process.stdout, ['name', 'age'], { end: false });
 * w.writeHeader();
 * w.writeRow({ name: 'Ana', age: 31 });
 * await w.close();
 */
export class DictWriter<K extends string = string> {
  /** The columns, in order. */
  readonly fieldnames: readonly K[];
  private readonly out: CsvWriter;
  private readonly mapper: RecordMapper;
  private count = 0;

  constructor(sink: WriterSink, fieldnames: readonly K[], options: DictWriterOptions = {}) {
    const names = checkFieldnames(fieldnames) as K[];
    writeSettings(options, ['restval', 'extrasaction']);
    const { restval = '', extrasaction, ...writerOptions } = options;
    this.fieldnames = names;
    this.mapper = new RecordMapper(names, restval, checkExtrasaction(extrasaction));
    this.out = new CsvWriter(sink, writerOptions);
  }

  /** The resolved dialect. */
  get dialect(): Dialect {
    return this.out.dialect;
  }

  /** Writes the header row (the fieldnames). */
  writeHeader(): boolean {
    return this.out.writeRow(this.fieldnames);
  }

  /** Writes one record. Returns `false` when the sink wants the producer to wait for `drain()`. */
  writeRow(record: Partial<Record<K, CellValue>>): boolean {
    return this.out.writeRow(this.mapper.row(record, ++this.count));
  }

  /** Writes records; all are checked before any is written. */
  writeRows(records: Iterable<Partial<Record<K, CellValue>>>): boolean {
    const rows: CellValue[][] = [];
    for (const rec of records) rows.push(this.mapper.row(rec, ++this.count));
    return this.out.writeRows(rows);
  }

  /** Waits until the sink can take more. */
  drain(): Promise<void> {
    return this.out.drain();
  }

  /** Flushes and ends the sink (see {@link CsvWriter.close}). */
  close(): Promise<void> {
    return this.out.close();
  }
}

/** Formats records to text with one dialect; used by tables. */
export function formatRecords(
  formatter: Formatter,
  mapper: RecordMapper,
  records: readonly object[],
  first: number,
): string {
  let text = '';
  for (let k = 0; k < records.length; k++) text += formatter.row(mapper.row(records[k]!, first + k));
  return text;
}

/** Creates a {@link DictReader}; the record value type follows `options`. */
export function dictReader<const O extends DictReaderOptions = DictReaderOptions>(
  source: ReaderSource,
  options?: O,
): DictReader<DictValue<O>> {
  return new DictReader<DictValue<O>>(source, options);
}
