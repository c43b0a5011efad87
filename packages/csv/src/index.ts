export {
  type Dialect,
  type DialectOptions,
  fieldSizeLimit,
  getDialect,
  listDialects,
  makeDialect,
  QUOTE_ALL,
  QUOTE_MINIMAL,
  QUOTE_NONE,
  QUOTE_NONNUMERIC,
  QUOTE_NOTNULL,
  QUOTE_STRINGS,
  type Quoting,
  registerDialect,
  unregisterDialect,
} from './dialect.js';
export { CsvError, type CsvErrorCode, type CsvErrorContext, CsvParseError, CsvWriteError } from './errors.js';
export { type FileChunksOptions, fileChunks } from './file.js';
export type { Field } from './parser.js';
export {
  CsvReader,
  type FieldOf,
  parse,
  type ReaderOptions,
  type ReaderSource,
  reader,
  type SyncReaderSource,
} from './reader.js';
export {
  type CellValue,
  CsvWriter,
  stringify,
  type WriterOptions,
  type WriterSink,
  writer,
} from './writer.js';
export {
  DictReader,
  type DictReaderOptions,
  type DictRecord,
  type DictValue,
  DictWriter,
  type DictWriterOptions,
  dictReader,
} from './dict.js';
export { Sniffer } from './sniffer.js';
export {
  type ParseStreamOptions,
  parseStream,
  type StringifyStreamOptions,
  stringifyStream,
} from './stream.js';
export { CsvTable, type OpenTableOptions, openTable, type TableRecord } from './table.js';
