/** Every error code @cb/csv throws. Callers branch on `code`, never on the message. */
export type CsvErrorCode =
  /** A quoted field was still open when the input ended (strict mode). */
  | 'CSV_UNTERMINATED_QUOTE'
  /** The input ended right after an escape character (strict mode). */
  | 'CSV_UNEXPECTED_END'
  /** A character that may not appear where it did, e.g. text after a closing quote (strict mode). */
  | 'CSV_UNEXPECTED_CHAR'
  /** A field grew past `fieldSizeLimit()`. */
  | 'CSV_FIELD_TOO_LARGE'
  /** QUOTE_NONNUMERIC/QUOTE_STRINGS reading met an unquoted field that is not a number. */
  | 'CSV_NOT_A_NUMBER'
  /** The writer met a character it must escape but the dialect has no `escapechar`. */
  | 'CSV_NEED_ESCAPE'
  /** The writer was given a row or a value it cannot write. */
  | 'CSV_INVALID_ROW'
  /** A file's header differs from the expected `fieldnames`. */
  | 'CSV_HEADER_MISMATCH'
  /** A table file ends with a record cut short (e.g. a process killed during an append). */
  | 'CSV_INCOMPLETE_RECORD'
  /** A record has fields that are not in `fieldnames`. */
  | 'CSV_EXTRA_FIELDS'
  /** An option has a bad value. */
  | 'CSV_INVALID_OPTION'
  /** A dialect name that is not registered. */
  | 'CSV_UNKNOWN_DIALECT'
  /** The Sniffer could not work out the dialect of a sample. */
  | 'CSV_SNIFF_FAILED'
  /** A writer or table was used after `close()`. */
  | 'CSV_CLOSED';

/** Where an error happened, when it is known. */
export interface CsvErrorContext {
  /** 1-based physical line of the input (Python's `line_num`). */
  readonly line?: number;
  /** 1-based column (in UTF-16 code units) within that line. */
  readonly column?: number;
  /** 1-based record number (data rows read or written so far, this one included). */
  readonly record?: number;
  /** The offending value: an option value, a field, a key list. */
  readonly value?: unknown;
}

/**
 * Base class of every error @cb/csv throws.
 *
 * @example
 * try { parse('"open', { strict: true }); }
 * catch (err) { if (err instanceof CsvError && err.code === 'CSV_UNTERMINATED_QUOTE') console.log(err.line); }
 */
export class CsvError extends Error {
  override name = 'CsvError';
  readonly code: CsvErrorCode;
  /** 1-based physical line, when known. */
  readonly line: number | undefined;
  /** 1-based column within the line, when known. */
  readonly column: number | undefined;
  /** 1-based record number, when known. */
  readonly record: number | undefined;
  /** The offending value, when there is one. */
  readonly value: unknown;

  constructor(code: CsvErrorCode, message: string, context: CsvErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.line = context.line;
    this.column = context.column;
    this.record = context.record;
    this.value = context.value;
  }
}

/** The input is malformed (strict mode) or exceeds a limit; carries `line`, `column` and `record`. */
export class CsvParseError extends CsvError {
  override name = 'CsvParseError';
}

/** A row or value cannot be written with the dialect in use. */
export class CsvWriteError extends CsvError {
  override name = 'CsvWriteError';
}
