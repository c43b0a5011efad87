/** Every error code @cb/concurrency throws. Callers branch on `code`, never on the message. */
export type ConcurrencyErrorCode = 'CONCURRENCY_INVALID_OPTION';

/** Base class of every error @cb/concurrency throws. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
  readonly code: ConcurrencyErrorCode;

  constructor(code: ConcurrencyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
