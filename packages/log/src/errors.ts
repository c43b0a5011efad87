/** Every error code @cb/log throws. Callers branch on `code`, never on the message. */
export type LogErrorCode = 'LOG_INVALID_OPTION';

/** Base class of every error @cb/log throws. */
export class LogError extends Error {
  override name = 'LogError';
  readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
