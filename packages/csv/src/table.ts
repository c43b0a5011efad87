import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { checkOptions, type Dialect, type DialectOptions, DIALECT_KEYS, makeDialect } from './dialect.js';
import { checkExtrasaction, checkFieldnames, formatRecords, RecordMapper, setKey } from './dict.js';
import { CsvError } from './errors.js';
import { type Field, Parser } from './parser.js';
import { CsvReader } from './reader.js';
import { type CellValue, Formatter } from './writer.js';

/** Options of {@link openTable}. */
export interface OpenTableOptions<K extends string = string> extends DialectOptions {
  /**
   * The columns, in order. Required to create a file; for an existing file the header must be exactly
   * these names in this order (else `CSV_HEADER_MISMATCH`). Omitted: the file's header is used.
   */
  fieldnames?: readonly K[];
  /** Written for keys a record lacks. @default '' */
  restval?: CellValue;
  /** Keys not in `fieldnames`: throw `CSV_EXTRA_FIELDS`, or drop them. @default 'raise' */
  extrasaction?: 'raise' | 'ignore';
  /** `fdatasync` after each append, so an acknowledged append survives a power cut. @default false */
  sync?: boolean;
  /** Write a UTF-8 byte order mark when creating the file (for Excel). @default false */
  writeBom?: boolean;
}

/** A record of a table: one string per column. */
export type TableRecord<K extends string = string> = Record<K, string>;

const TABLE_KEYS = new Set<string>([
  ...DIALECT_KEYS,
  'dialect',
  'fieldnames',
  'restval',
  'extrasaction',
  'sync',
  'writeBom',
]);

// Appends to one file from one process go through one queue, even across CsvTable objects.
const queues = new Map<string, Promise<unknown>>();

function enqueue<T>(key: string, job: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(job, job);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Feeds the file through `parser` from its start, yielding the rows completed by each read. */
async function* fileRows(handle: FileHandle, parser: Parser, bufferSize: number): AsyncGenerator<Field[][]> {
  const decoder = new TextDecoder('utf-8');
  const buf = Buffer.alloc(bufferSize);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, position);
    position += bytesRead;
    const end = bytesRead === 0;
    parser.feed(end ? decoder.decode() : decoder.decode(buf.subarray(0, bytesRead), { stream: true }), end);
    yield parser.take()[0];
    if (end) return;
  }
}

async function readHeader(handle: FileHandle, dialect: Dialect): Promise<string[] | undefined> {
  const parser = new Parser(dialect, Number.POSITIVE_INFINITY);
  for await (const rows of fileRows(handle, parser, 64 * 1024)) {
    for (const row of rows) if (row.length > 0) return row.map(String);
  }
  return undefined;
}

async function endsWithLineBreak(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return true;
  const buf = Buffer.alloc(1);
  await handle.read(buf, 0, 1, size - 1);
  return buf[0] === 0x0a || buf[0] === 0x0d;
}

/**
 * A file that does not end with a line break was either edited by hand (its last record is whole) or
 * cut short mid-append (a kill during a large write). Appending after a cut record would glue new rows
 * to it, or swallow them into an open quote, so that case is refused and the file left as it is.
 */
async function checkLastRecord(
  handle: FileHandle,
  path: string,
  dialect: Dialect,
  columns: number,
): Promise<void> {
  const parser = new Parser(dialect, Number.POSITIVE_INFINITY);
  let last: unknown[] | undefined;
  for await (const rows of fileRows(handle, parser, 256 * 1024)) {
    for (const row of rows) if (row.length > 0) last = row;
  }
  if (parser.cutShort || (last !== undefined && last.length !== columns)) {
    throw new CsvError(
      'CSV_INCOMPLETE_RECORD',
      `${path}: the last record is incomplete (an append cut short?); repair or remove it, nothing was changed`,
      { line: parser.line, value: last },
    );
  }
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * A CSV file that grows by appending whole records, with its columns fixed by the header.
 * Create one with {@link openTable}.
 */
export class CsvTable<K extends string = string> {
  /** Absolute path of the file. */
  readonly path: string;
  /** The columns, in file order. */
  readonly fieldnames: readonly K[];
  /** The resolved dialect. */
  readonly dialect: Dialect;
  private readonly handle: FileHandle;
  private readonly formatter: Formatter;
  private readonly mapper: RecordMapper;
  private readonly sync: boolean;
  private needsLineBreak: boolean;
  private appended = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  /** @internal Use {@link openTable}. */
  constructor(
    path: string,
    handle: FileHandle,
    fieldnames: readonly K[],
    dialect: Dialect,
    mapper: RecordMapper,
    sync: boolean,
    needsLineBreak: boolean,
  ) {
    this.path = path;
    this.handle = handle;
    this.fieldnames = fieldnames;
    this.dialect = dialect;
    this.formatter = new Formatter(dialect);
    this.mapper = mapper;
    this.sync = sync;
    this.needsLineBreak = needsLineBreak;
  }

  /**
   * Appends one record or several. All are validated and formatted first, then written with one
   * write at the end of the file; on a write error the file is cut back to its previous length, so
   * no partial row is left. Concurrent calls are applied in call order.
   *
   * @example
   * await table.append({ name: 'Ana', phone: '555-0100' });
   * await table.append([{ name: 'Ben' }, { name: 'Cy' }]);
   */
  append(records: Partial<Record<K, CellValue>> | readonly Partial<Record<K, CellValue>>[]): Promise<void> {
    if (this.closed) return Promise.reject(new CsvError('CSV_CLOSED', `table ${this.path} is closed`));
    let text: string;
    const list = Array.isArray(records) ? records : [records];
    try {
      text = formatRecords(this.formatter, this.mapper, list as object[], this.appended + 1);
    } catch (err) {
      return Promise.reject(err);
    }
    if (text === '') return Promise.resolve();
    this.appended += list.length;
    return enqueue(this.path, async () => {
      const prefix = this.needsLineBreak ? this.dialect.lineterminator : '';
      const data = Buffer.from(prefix + text, 'utf8');
      const { size } = await this.handle.stat();
      try {
        await writeAll(this.handle, data);
        if (this.sync) await this.handle.datasync();
        this.needsLineBreak = false;
      } catch (err) {
        await this.handle.truncate(size).catch(() => {});
        throw err;
      }
    });
  }

  /**
   * Iterates every record in the file, after the appends already requested have landed. Blank lines
   * are skipped; a row with more fields than the header throws `CSV_EXTRA_FIELDS`, a short row gets ''.
   *
   * @example
   * for await (const rec of table.read()) console.log(rec.name);
   */
  async *read(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<TableRecord<K>> {
    await enqueue(this.path, async () => {});
    const stream = createReadStream(this.path);
    const rows = new CsvReader<string>(stream, { dialect: this.dialect, signal: options.signal });
    let header = true;
    try {
      for await (const row of rows) {
        if (row.length === 0) continue;
        if (header) {
          header = false;
          continue;
        }
        if (row.length > this.fieldnames.length) {
          throw new CsvError('CSV_EXTRA_FIELDS', `${this.path}: row has more fields than the header`, {
            line: rows.lineNum,
            value: row,
          });
        }
        const rec: Record<string, string> = {};
        for (let k = 0; k < this.fieldnames.length; k++) setKey(rec, this.fieldnames[k]!, row[k] ?? '');
        yield rec as TableRecord<K>;
      }
    } finally {
      stream.destroy();
    }
  }

  /**
   * Iterates the records for which `predicate` returns true.
   *
   * @example
   * for await (const rec of table.find((r) => r.name.startsWith('A'))) console.log(rec);
   */
  async *find(
    predicate: (record: TableRecord<K>) => boolean,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<TableRecord<K>> {
    for await (const rec of this.read(options)) if (predicate(rec)) yield rec;
  }

  /** Reads every record into an array. */
  async readAll(options: { signal?: AbortSignal } = {}): Promise<TableRecord<K>[]> {
    const out: TableRecord<K>[] = [];
    for await (const rec of this.read(options)) out.push(rec);
    return out;
  }

  /** Waits for pending appends, then closes the file. Later appends reject with `CSV_CLOSED`. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= enqueue(this.path, async () => {}).then(() => this.handle.close());
    return this.closing;
  }
}

/**
 * Opens (or creates) an append-only CSV table at `path`. A new file gets the header; an existing
 * file's header must equal `fieldnames`, or `CSV_HEADER_MISMATCH` is thrown and the file is untouched.
 *
 * @example
 * const contacts = await openTable('contacts.csv', { fieldnames: ['name', 'email'] });
 * await contacts.append({ name: 'Ana', email: 'ana@example.com' });
 * for await (const c of contacts.find((c) => c.email.endsWith('.com'))) console.log(c.name);
 * await contacts.close();
 */
export async function openTable<const K extends string = string>(
  path: string,
  options: OpenTableOptions<K> = {},
): Promise<CsvTable<K>> {
  if (typeof path !== 'string' || path === '') throw new TypeError('openTable() needs a file path');
  checkOptions(options, TABLE_KEYS, 'openTable');
  const {
    fieldnames,
    restval = '',
    extrasaction,
    sync = false,
    writeBom = false,
    ...dialectOptions
  } = options;
  const wanted = fieldnames === undefined ? undefined : checkFieldnames(fieldnames);
  if (wanted !== undefined && wanted.length === 0) {
    throw new CsvError('CSV_INVALID_OPTION', '`fieldnames` must not be empty', { value: fieldnames });
  }
  const raise = checkExtrasaction(extrasaction);
  const dialect = makeDialect(dialectOptions);
  const full = resolvePath(path);
  if (wanted === undefined) {
    // Without fieldnames the file must already exist: do not leave an empty file behind.
    const exists = await stat(full).then(
      () => true,
      () => false,
    );
    if (!exists) {
      throw new CsvError(
        'CSV_INVALID_OPTION',
        `${full} does not exist; pass \`fieldnames\` to create the table`,
      );
    }
  }
  const handle = await open(full, 'a+');
  try {
    return await enqueue(full, async () => {
      const { size } = await handle.stat();
      const header = size === 0 ? undefined : await readHeader(handle, dialect);
      let names: string[];
      let needsLineBreak = false;
      if (header === undefined) {
        if (wanted === undefined) {
          throw new CsvError(
            'CSV_INVALID_OPTION',
            `${full} has no header; pass \`fieldnames\` to create the table`,
          );
        }
        names = wanted;
        const formatter = new Formatter(dialect);
        const prefix = size > 0 && !(await endsWithLineBreak(handle, size)) ? dialect.lineterminator : '';
        await writeAll(
          handle,
          Buffer.from((writeBom && size === 0 ? '\ufeff' : '') + prefix + formatter.row(names)),
        );
        if (sync) await handle.datasync();
      } else {
        if (
          wanted !== undefined &&
          (wanted.length !== header.length || wanted.some((n, k) => n !== header[k]))
        ) {
          throw new CsvError(
            'CSV_HEADER_MISMATCH',
            `${full} has columns ${JSON.stringify(header)}, expected ${JSON.stringify(wanted)}`,
            { line: 1, value: header },
          );
        }
        names = header;
        needsLineBreak = !(await endsWithLineBreak(handle, size));
        if (needsLineBreak) await checkLastRecord(handle, full, dialect, header.length);
      }
      return new CsvTable<K>(
        full,
        handle,
        names as K[],
        dialect,
        new RecordMapper(names, restval, raise),
        sync,
        needsLineBreak,
      );
    });
  } catch (err) {
    await handle.close();
    throw err;
  }
}
