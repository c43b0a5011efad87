/** Every error code @cb/csv throws. Callers branch on `code`, never on the message. */
export type CsvErrorCode = 'CSV_INVALID_OPTION';

/** Base class of every error @cb/csv throws. */
export class CsvError extends Error {
  override name = 'CsvError';
  readonly code: CsvErrorCode;

  constructor(code: CsvErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
